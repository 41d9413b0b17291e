import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig } from '../config.ts';
import type { Logger } from '../observability/logger.ts';
import { acceptRequestId } from './auth.ts';

/**
 * The request id of a request being answered: the `X-Request-Id` {@link listen} put on its
 * response before any handler ran (undefined for a response that did not come through it).
 */
export function requestIdOf(res: Pick<ServerResponse, 'getHeader'> | undefined): string | undefined {
  const id = res?.getHeader('x-request-id');
  return typeof id === 'string' ? id : undefined;
}

/** Answers one request; `requestId` is already on the response as `X-Request-Id`. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => void;

/** The settings of {@link listen}: where, and how much a client may hold. */
export type ListenSettings = Pick<
  GatewayConfig,
  'host' | 'port' | 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxConnections' | 'shutdownGraceMs'
>;

/** A listening HTTP server. */
export interface RunningServer {
  /** `http://host:port`, no trailing slash. */
  url: string;
  /**
   * Graceful stop: refuse new connections, let in-flight requests finish (up to
   * `shutdownGraceMs`), then close every socket, idle keep-alive ones at once.
   */
  close(): Promise<void>;
}

/**
 * Serves `handler` on node:http, bounded against slow and numerous clients. Every response, on
 * every route, carries an `X-Request-Id`: the caller's when it is sane (see `acceptRequestId`),
 * else a fresh UUID; the handler gets the same id to send to KMS.
 */
export async function listen(settings: ListenSettings, handler: RequestHandler, logger: Logger): Promise<RunningServer> {
  // Slow clients: each connection costs a file descriptor until it is closed, so the server
  // bounds how many it holds and how long a client may take to send its request. Node checks
  // headersTimeout and requestTimeout only every connectionsCheckingInterval (default 30 s):
  // check often enough that a slow client is cut close to its deadline.
  const serverOptions = {
    headersTimeout: settings.headersTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(settings.headersTimeoutMs / 4))),
  };
  const server = createServer(serverOptions, (req, res) => {
    const requestId = acceptRequestId(req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    res.setHeader('x-request-id', requestId);
    handler(req, res, requestId);
  });
  // Short by default: an idle keep-alive connection holds a descriptor. Behind a load balancer,
  // its idle timeout must be shorter than this one (or raise KEEP_ALIVE_TIMEOUT_MS).
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  // Connections over the cap are closed on arrival (Node emits 'drop'); the ones already open,
  // and their requests, carry on.
  server.maxConnections = settings.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
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
      logger.warn({ dropped, maxConnections: settings.maxConnections }, 'connections refused: MAX_CONNECTIONS reached');
      dropped = 0;
    }, 1000).unref();
  });
  const { port } = server.address() as AddressInfo;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // A keep-alive socket becomes idle only when its last response is done, so keep closing
        // idle ones until the server is empty; after the grace period, close the rest.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const force = setTimeout(() => server.closeAllConnections(), settings.shutdownGraceMs);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
