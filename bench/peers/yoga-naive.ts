/**
 * Child process, a comparison peer: the naive graphql-yoga + got gateway. yoga's defaults
 * (`createYoga({ schema: createSchema(...) })`, nothing else), got's default instance
 * (`got.post(url, { json }).json()`), the naive resolvers of naive-resolvers.ts (no DataLoader).
 * Forwards X-Auth-Token. Env: KMS_ENDPOINT, KMS_PROJECT_ID, PORT. Serves /graphql and yoga's /health.
 */
import { createServer } from 'node:http';
import got from 'got';
import { createSchema, createYoga } from 'graphql-yoga';
import { kmsBase, resolvers, typeDefs, type NaiveContext } from './naive-resolvers.ts';

const base = kmsBase();

const yoga = createYoga({
  schema: createSchema({ typeDefs, resolvers }),
  context: ({ request }): NaiveContext => {
    const token = request.headers.get('x-auth-token') ?? '';
    return {
      kms: <T>(action: string, json: Record<string, string>) =>
        got.post(base + action, { json, headers: { 'x-auth-token': token } }).json<T>(),
    };
  },
});

const server = createServer(yoga);
server.listen(Number(process.env.PORT ?? '0'), '127.0.0.1');
process.on('disconnect', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0)); // exit normally, so --cpu-prof writes its profile
