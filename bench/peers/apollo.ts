/**
 * Child process, a comparison peer: Apollo Server with @apollo/datasource-rest. Apollo's defaults
 * (`new ApolloServer({ typeDefs, resolvers })`, `startStandaloneServer`), one RESTDataSource per
 * request calling `this.post(...)`, the naive resolvers of naive-resolvers.ts (no DataLoader).
 * Forwards X-Auth-Token. Env: KMS_ENDPOINT, KMS_PROJECT_ID, PORT. GraphQL on every path (`/`).
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { RESTDataSource, type AugmentedRequest } from '@apollo/datasource-rest';
import { kmsBase, resolvers, typeDefs, type NaiveContext } from './naive-resolvers.ts';

class KmsApi extends RESTDataSource {
  override baseURL = kmsBase();

  constructor(private readonly token: string) {
    super();
  }

  protected override willSendRequest(_path: string, request: AugmentedRequest): void {
    request.headers['x-auth-token'] = this.token;
  }

  call<T>(action: string, body: Record<string, string>): Promise<T> {
    return this.post<T>(action, { body });
  }
}

const server = new ApolloServer<NaiveContext>({ typeDefs, resolvers });
await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT ?? '0'), host: '127.0.0.1' },
  context: async ({ req }) => {
    const header = req.headers['x-auth-token'];
    const api = new KmsApi(typeof header === 'string' ? header : '');
    return { kms: <T>(action: string, body: Record<string, string>) => api.call<T>(action, body) };
  },
});
process.on('disconnect', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0)); // exit normally, so --cpu-prof writes its profile
