import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig } from '../config.ts';
import { createKmsClient, type KmsClientOptions } from '../kms/client.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import { acceptRequestId } from './auth.ts';
import { createGatewayYoga, type GatewayYogaOptions } from './yoga.ts';
import { createWebHandler } from '../web/index.ts';

/** A listening gateway. */
export interface RunningGateway {
  /** `http://host:port`, no trailing slash. */
  url: string;
  /** `url + '/graphql'`. */
  graphqlUrl: string;
  /**
   * Graceful stop: refuse new connections, let in-flight requests finish (up to
   * `shutdownGraceMs`), then close every socket, idle keep-alive ones at once.
   */
  close(): Promise<void>;
}

/** How long a `/ready` answer is reused: probing KMS on every poll would load it for nothing. */
const READY_CACHE_MS = 2000;

/**
 * Starts the gateway's HTTP server. Routes: `/health` (alive), `/ready` (KMS answers),
 * `/metrics` (Prometheus), everything else to yoga (`/graphql`, GraphiQL). Every response
 * carries the request's `X-Request-Id`, which is also sent to KMS.
 */
export async function startGateway(
  config: GatewayConfig,
  options: Pick<GatewayYogaOptions, 'graphiqlDemo'> & { logger?: Logger; kmsRetry?: KmsClientOptions['retry'] } = {},
): Promise<RunningGateway> {
  if (config.kmsEndpoint === undefined || config.kmsProjectId === undefined) {
    throw new Error('startGateway needs kmsEndpoint and kmsProjectId (main.ts starts the emulator when they are unset)');
  }
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const kms = createKmsClient(
    {
      endpoint: config.kmsEndpoint,
      projectId: config.kmsProjectId,
      timeoutMs: config.kmsTimeoutMs,
      readRetries: config.kmsReadRetries,
      maxResponseBytes: config.kmsMaxResponseBytes,
      breakerThreshold: config.breakerThreshold,
      breakerCooldownMs: config.breakerCooldownMs,
      ...(options.kmsRetry && { retry: options.kmsRetry }),
    },
    ({ action, status, durationMs }) => {
      metrics.kmsCalls.inc({ action, status: String(status) });
      metrics.kmsSeconds.observe({ action }, durationMs / 1000);
    },
  );
  const yoga = createGatewayYoga({ config, kms, logger, metrics, graphiqlDemo: options.graphiqlDemo });
  const web = createWebHandler({ demo: options.graphiqlDemo, graphiql: config.graphiql, demoPage: config.demoPage, sourceMaps: config.sourceMaps });

  let ready: { ok: boolean; at: number } | undefined;
  const isReady = async (): Promise<boolean> => {
    if (ready === undefined || Date.now() - ready.at > READY_CACHE_MS) ready = { ok: await kms.probe(), at: Date.now() };
    return ready.ok;
  };

  // Slow clients: each connection costs a file descriptor until it is closed, so the server
  // bounds how many it holds and how long a client may take to send its request. Node checks
  // headersTimeout and requestTimeout only every connectionsCheckingInterval (default 30 s):
  // check often enough that a slow client is cut close to its deadline.
  const serverOptions = {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
  };
  const server = createServer(serverOptions, (req: IncomingMessage, res: ServerResponse) => {
    const requestId = acceptRequestId(req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    res.setHeader('x-request-id', requestId);
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') {
      json(res, 200, { status: 'ok' });
    } else if (path === '/ready') {
      void isReady().then((ok) => json(res, ok ? 200 : 503, { status: ok ? 'ready' : 'kms unreachable' }));
    } else if (path === '/metrics') {
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
      });
    } else if (!web(req, res)) { // `/` (demo page) and `/static/...`, else yoga
      void yoga(req, res, { requestId });
    }
  });
  // Short by default: an idle keep-alive connection holds a descriptor. Behind a load balancer,
  // its idle timeout must be shorter than this one (or raise KEEP_ALIVE_TIMEOUT_MS).
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  // Connections over the cap are closed on arrival (Node emits 'drop'); the ones already open,
  // and their requests, carry on.
  server.maxConnections = config.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listen, an error (e.g. accept EMFILE) is logged, not thrown: unhandled, it would end the process.
  server.on('error', (error) => logger.error({ err: error }, 'http server error'));
  let dropped = 0;
  server.on('drop', () => {
    dropped += 1;
    if (dropped > 1) return;
    // One line per second at most, however many connections an attack opens.
    setTimeout(() => {
      logger.warn({ dropped, maxConnections: config.maxConnections }, 'connections refused: MAX_CONNECTIONS reached');
      dropped = 0;
    }, 1000).unref();
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        // A keep-alive socket becomes idle only when its last response is done, so keep closing
        // idle ones until the server is empty; after the grace period, close the rest.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const force = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
