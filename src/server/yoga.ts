import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createSchema, createYoga, type Plugin, type YogaServerInstance, type YogaServerOptions } from 'graphql-yoga';
import type { GatewayConfig } from '../config.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { gatewayError } from '../errors/codes.ts';
import type { KmsClient } from '../kms/client.ts';
import { createLoaders, type Loaders } from '../loaders/index.ts';
import type { Logger } from '../observability/logger.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import { useOperationTelemetry } from '../observability/plugin.ts';
import { createCursorCodec } from '../relay/cursor.ts';
import { resolvers } from '../resolvers/index.ts';
import { requestToken } from './auth.ts';
import type { GatewayContext } from './context.ts';
import { useKmsReadiness, useMetricsEndpoint } from './endpoints.ts';
import { useShapeLimits } from './limits/armor.ts';
import { useRequestedGrantsLimit } from './limits/requestedGrants.ts';
import { useNoIntrospection } from './limits/introspection.ts';
import { useRequestPolicy } from './limits/requestPolicy.ts';
import { NO_TOKEN_MESSAGE, ONE_TOKEN_MESSAGE, useTokenRequired } from './limits/requireToken.ts';
import { useResponseHeaders } from './limits/responseHeaders.ts';
import { renderGraphiQL, type GatewayGraphiQLOptions } from '../web/index.ts';

/** What the HTTP layer hands yoga with each request. */
export interface ServerContext {
  requestId: string;
  /** The Node request, added by yoga's Node adapter; its `rawHeaders` show repeated token headers. */
  req?: IncomingMessage;
}

export type GatewayYoga = YogaServerInstance<ServerContext, GatewayContext>;

const typeDefs = readFileSync(join(PROJECT_ROOT, 'schema.graphql'), 'utf8');

export interface GatewayYogaOptions {
  config: GatewayConfig;
  kms: KmsClient;
  logger: Logger;
  metrics: GatewayMetrics;
  /** What GraphiQL opens with (`web/graphiql.ts`); shown only when `config.graphiql` is on. */
  graphiql: GatewayGraphiQLOptions;
}

/**
 * The configured yoga instance: schema, per-request context (token, fresh loaders), error
 * masking, and the operational endpoints (`/health`, `/ready`, `/metrics`). Listening and the
 * browser files are `server/gateway.ts`'s job, so tests can build this alone.
 */
export function createGatewayYoga({ config, kms, logger, metrics, graphiql }: GatewayYogaOptions): GatewayYoga {
  const plugins: Plugin[] = [
    // First, so operations refused by the plugins after it are logged and counted too.
    useOperationTelemetry(logger, metrics) as Plugin,
    useResponseHeaders({ varyOrigin: config.corsOrigins.length > 0 }),
    useRequestPolicy(),
    // A GET carrying the auth header (which no cross-site form can send) passes, as does JSON.
    useCSRFPrevention({ requestHeaders: ['x-auth-token', 'authorization', 'x-graphql-csrf', 'graphql-require-preflight'] }),
    ...useShapeLimits({ ...config, blockFieldSuggestions: config.production }),
    useRequestedGrantsLimit(config.maxRequestedGrants),
    useTokenRequired() as Plugin,
    // `onRequest` only: they answer before any GraphQL hook above would run.
    useKmsReadiness(kms.probe),
    useMetricsEndpoint(metrics.registry),
  ];
  if (!config.introspection) plugins.push(useNoIntrospection());
  const onBatch = (loader: 'pages' | 'keys', size: number): void => metrics.batchSize.observe({ loader }, size);
  // Unset: a key of this process's own, which is right for one process (the development shell, a
  // test); the gateway entry warns that cursors then do not survive a restart or reach a replica.
  const cursors = createCursorCodec(config.cursorSecret ?? randomBytes(32));
  return createYoga<ServerContext, GatewayContext>({
    schema: createSchema<ServerContext & GatewayContext>({ typeDefs, resolvers }),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    logging: false,
    batching: false,
    multipart: false,
    maxRequestBodySize: config.maxBodyBytes,
    cors: corsFor(config.corsOrigins),
    plugins,
    // Unexpected errors become "Unexpected error." without stack or cause, in every mode.
    maskedErrors: { isDev: false },
    renderGraphiQL, // GraphiQL from our own /static/ files: no CDN, nothing inlined
    graphiql: config.graphiql ? graphiql : false,
    context: ({ request, requestId, req }): GatewayContext => {
      const { token, refused } = requestToken(request.headers, req?.rawHeaders);
      const noTokenMessage = refused ? ONE_TOKEN_MESSAGE : NO_TOKEN_MESSAGE;
      const stats = { kmsCalls: 0 };
      let loaders: Loaders | undefined;
      return {
        requestId,
        token,
        noTokenMessage,
        cursors,
        stats,
        loaders() {
          if (token === null) {
            throw gatewayError('UNAUTHENTICATED', noTokenMessage);
          }
          // The operation's deadline starts with its first KMS call.
          loaders ??= createLoaders(
            kms,
            { token, requestId, deadline: performance.now() + config.operationTimeoutMs },
            { maxConcurrency: config.kmsMaxConcurrency, stats, onBatch },
          );
          return loaders;
        },
      };
    },
  });
}

/**
 * CORS from the allow-list: only a listed `Origin` gets `Access-Control-Allow-Origin` (its own
 * value). Anything else, `null` origins included, gets no CORS headers at all.
 */
function corsFor(origins: readonly string[]): YogaServerOptions<ServerContext, GatewayContext>['cors'] {
  if (origins.length === 0) return false;
  return (request) => {
    const origin = request.headers.get('origin');
    return origin !== null && origins.includes(origin) ? { origin: [origin], credentials: false, methods: ['GET', 'POST'] } : false;
  };
}
