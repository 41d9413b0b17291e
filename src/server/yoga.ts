import { readFileSync } from 'node:fs';
import { createSchema, createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { GatewayConfig } from '../config.ts';
import { gatewayError } from '../errors/codes.ts';
import type { KmsClient } from '../kms/client.ts';
import { createLoaders, type Loaders } from '../loaders/index.ts';
import { resolvers } from '../resolvers/index.ts';
import { extractToken } from './auth.ts';
import type { GatewayContext } from './context.ts';

/** What the HTTP layer hands yoga with each request. */
export interface ServerContext {
  requestId: string;
}

export type GatewayYoga = YogaServerInstance<ServerContext, GatewayContext>;

const typeDefs = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');

/** GraphiQL's first view: a key's grants with paging and the key's alias and state. */
const EXAMPLE_QUERY = `# A key's grants, 10 at a time: copy pageInfo.endCursor into "after" for the next page.
query KeyGrants($keyId: ID!, $after: String) {
  grants(keyId: $keyId, first: 10, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node { grantId name granteePrincipal operations createdAt key { alias state } }
    }
  }
}
`;

export interface GatewayYogaOptions {
  config: GatewayConfig;
  kms: KmsClient;
  /** Preset for GraphiQL's headers and variables (the embedded emulator's demo token and key). */
  graphiqlDemo?: { token: string; keyId: string };
}

/**
 * The configured yoga instance: schema, per-request context (token, fresh loaders), error
 * masking. Listening is `server/http.ts`'s job, so tests can build this alone.
 */
export function createGatewayYoga({ config, kms, graphiqlDemo }: GatewayYogaOptions): GatewayYoga {
  return createYoga<ServerContext, GatewayContext>({
    schema: createSchema<ServerContext & GatewayContext>({ typeDefs, resolvers }),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: false,
    // Unexpected errors become "Unexpected error." without stack or cause, in every mode.
    maskedErrors: { isDev: false },
    graphiql: config.production
      ? false
      : {
          title: 'KMS grants gateway',
          defaultQuery: EXAMPLE_QUERY,
          ...(graphiqlDemo && {
            headers: JSON.stringify({ 'X-Auth-Token': graphiqlDemo.token }),
            variables: JSON.stringify({ keyId: graphiqlDemo.keyId }),
          }),
        },
    context: ({ request, requestId }): GatewayContext => {
      const token = extractToken(request.headers);
      const signal = AbortSignal.timeout(config.operationTimeoutMs);
      let loaders: Loaders | undefined;
      return {
        requestId,
        token,
        loaders() {
          if (token === null) {
            throw gatewayError('UNAUTHENTICATED', 'Send your KMS token as `X-Auth-Token: <token>` or `Authorization: Bearer <token>`');
          }
          loaders ??= createLoaders(kms, { token, requestId, signal }, config.kmsMaxConcurrency);
          return loaders;
        },
      };
    },
  });
}
