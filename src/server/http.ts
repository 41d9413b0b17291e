import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig } from '../config.ts';
import { createKmsClient } from '../kms/client.ts';
import { acceptRequestId } from './auth.ts';
import { createGatewayYoga, type GatewayYogaOptions } from './yoga.ts';

/** A listening gateway. */
export interface RunningGateway {
  /** `http://host:port`, no trailing slash. */
  url: string;
  /** `url + '/graphql'`. */
  graphqlUrl: string;
  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive sockets. */
  close(): Promise<void>;
}

/**
 * Starts the gateway's HTTP server: `/health`, then everything else to yoga (`/graphql`,
 * GraphiQL). Every response carries the request's `X-Request-Id`, which is also sent to KMS.
 */
export async function startGateway(
  config: GatewayConfig,
  options: Pick<GatewayYogaOptions, 'graphiqlDemo'> = {},
): Promise<RunningGateway> {
  if (config.kmsEndpoint === undefined || config.kmsProjectId === undefined) {
    throw new Error('startGateway needs kmsEndpoint and kmsProjectId (main.ts starts the emulator when they are unset)');
  }
  const kms = createKmsClient({
    endpoint: config.kmsEndpoint,
    projectId: config.kmsProjectId,
    timeoutMs: config.kmsTimeoutMs,
    readRetries: config.kmsReadRetries,
  });
  const yoga = createGatewayYoga({ config, kms, ...options });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const requestId = acceptRequestId(req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    res.setHeader('x-request-id', requestId);
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    void yoga(req, res, { requestId });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
