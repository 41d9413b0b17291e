import type { GatewayConfig } from '../config.ts';
import { createKmsClient, type KmsClient, type KmsClientOptions } from '../kms/client.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createMetrics, type GatewayMetrics } from '../observability/metrics.ts';
import { createWebHandler, graphiqlOptions, type DemoPreset } from '../web/index.ts';
import { listen } from './http.ts';
import { createGatewayYoga } from './yoga.ts';

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

/** What a caller may add to the configuration; every field is optional. */
export interface GatewayOptions {
  /** Where logs go (tests capture them); default: JSON lines on stdout at `config.logLevel`. */
  logger?: Logger;
  /** KMS backoff settings (tests shorten them). */
  kmsRetry?: KmsClientOptions['retry'];
  /** What GraphiQL and the demo page open with: only the development shell, on the emulator, has one. */
  preset?: DemoPreset;
}

/**
 * Starts the gateway: the KMS client, the yoga server (`/graphql` and GraphiQL, `/health`,
 * `/ready`, `/metrics`) and the browser files under `/static/` (and the demo page at `/` when
 * `config.demoPage`), listening on `config.host:config.port`.
 */
export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const kms = kmsClientFor(config, metrics, options.kmsRetry);
  const yoga = createGatewayYoga({ config, kms, logger, metrics, graphiql: graphiqlOptions(options.preset) });
  const web = createWebHandler({
    preset: options.preset,
    graphiql: config.graphiql,
    demoPage: config.demoPage,
    sourceMaps: config.sourceMaps,
  });
  const server = await listen(
    config,
    (req, res) => {
      // Just (req, res): yoga's node adapter then uses its own server context as it is; with a
      // context object of ours it would merge the two, property by property, on every request.
      // The request id travels on the response (`X-Request-Id`, see `requestIdOf`).
      if (!web(req, res)) void yoga(req, res);
    },
    logger,
  );
  return { url: server.url, graphqlUrl: `${server.url}/graphql`, close: server.close };
}

/** The KMS client of `config`, reporting every attempt to the metrics. */
function kmsClientFor(config: GatewayConfig, metrics: GatewayMetrics, retry: KmsClientOptions['retry']): KmsClient {
  if (config.kmsEndpoint === undefined || config.kmsProjectId === undefined) {
    // The configuration allows it (the development shell then starts the emulator): a caller's bug here.
    throw new Error('startGateway needs kmsEndpoint and kmsProjectId');
  }
  return createKmsClient(
    {
      endpoint: config.kmsEndpoint,
      projectId: config.kmsProjectId,
      timeoutMs: config.kmsTimeoutMs,
      readRetries: config.kmsReadRetries,
      maxResponseBytes: config.kmsMaxResponseBytes,
      breakerThreshold: config.breakerThreshold,
      breakerCooldownMs: config.breakerCooldownMs,
      ...(retry && { retry }),
    },
    ({ action, status, durationMs }) => {
      metrics.kmsCalls.inc({ action, status: String(status) });
      metrics.kmsSeconds.observe({ action }, durationMs / 1000);
    },
  );
}
