import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
import { requestIdOf } from './http.ts';
import type { GatewayContext } from './context.ts';
import { useKmsReadiness, useMetricsEndpoint } from './endpoints.ts';
import { useShapeLimits } from './limits/armor.ts';
import { useBodySizeLimit } from './limits/bodySize.ts';
import { useRequestedGrantsLimit } from './limits/requestedGrants.ts';
import { useNoIntrospection } from './limits/introspection.ts';
import { persistedOperationsFor, usePersistedOperations } from './limits/persistedOperations.ts';
import { useRequestPolicy } from './limits/requestPolicy.ts';
import { NO_TOKEN_MESSAGE, ONE_TOKEN_MESSAGE, useTokenRequired } from './limits/requireToken.ts';
import { useResponseHeaders } from './limits/responseHeaders.ts';
import { renderGraphiQL, type GatewayGraphiQLOptions } from '../web/index.ts';

/** What yoga's Node adapter hands on with each request (absent when yoga is called without Node). */
export interface ServerContext {
  /** The Node request; its `rawHeaders` show repeated token headers. */
  req?: IncomingMessage;
  /** The Node response, already carrying the request's `X-Request-Id` (server/http.ts, `requestIdOf`). */
  res?: ServerResponse;
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
  // Before yoga's own parameter checks (which want a query text): a hash becomes its document.
  plugins.push(
    usePersistedOperations(
      persistedOperationsFor(
        config.persistedOperationsFile,
        join(PROJECT_ROOT, 'client', 'generated', 'persisted-documents.json'),
        config.persistedOperationsOnly ?? false,
      ),
    ),
  );
  // Last of the request checks, where yoga puts its own limit (a form post is 415, not 413).
  plugins.push(useBodySizeLimit(config.maxBodyBytes));
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
    // Ours instead (limits/bodySize.ts): from Content-Length, without a stream per request.
    maxRequestBodySize: false,
    cors: corsFor(config.corsOrigins),
    plugins,
    // Unexpected errors become "Unexpected error." without stack or cause, in every mode.
    maskedErrors: { isDev: false },
    renderGraphiQL, // GraphiQL from our own /static/ files: no CDN, nothing inlined
    graphiql: config.graphiql ? graphiql : false,
    context: ({ request, req, res }): GatewayContext => {
      const requestId = requestIdOf(res) ?? randomUUID();
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
