import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnScript, type ScriptProcess } from './support.ts';

/**
 * What a new user does first: `npm start` with no configuration (scripts/start.js: the built
 * development shell, on the embedded emulator), then the printed token in a GraphQL request that
 * pages a key to its end.
 */
describe('npm start (scripts/start.js, no configuration)', () => {
  let gateway: ScriptProcess;
  let graphqlUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    graphqlUrl = `http://127.0.0.1:${port}/graphql`;
    gateway = await spawnScript('scripts/start.js', { PORT: String(port) }, `TOKEN='`, 15_000);
  });
  afterAll(() => gateway.kill());

  const printed = (): { token: string; keyId: string } => {
    const token = /TOKEN='([^']+)'/.exec(gateway.output())?.[1] ?? '';
    const keyId = /grants\(keyId: \\"([0-9a-z-]{36})\\"/.exec(gateway.output())?.[1] ?? '';
    return { token, keyId };
  };

  it('prints the GraphQL URL, the embedded emulator and a demo token with a key to try', () => {
    const { token, keyId } = printed();
    expect({
      url: gateway.output().includes(`KMS grants gateway: ${graphqlUrl}`),
      emulator: /KMS: embedded emulator at http:\/\/127\.0\.0\.1:\d+ \(project 0123456789abcdef0123456789abcdef\)/.test(gateway.output()),
      token: token.length > 20,
      keyId: keyId.length,
    }).toEqual({ url: true, emulator: true, token: true, keyId: 36 });
  });

  it('pages the printed key to its end with the printed token, each grant once', async () => {
    const { token, keyId } = printed();
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': token },
        body: JSON.stringify({
          query:
            'query($k: ID!, $a: String) { grants(keyId: $k, first: 30, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { grantId } } } }',
          variables: { k: keyId, a: after },
        }),
      });
      const body = (await response.json()) as {
        data: {
          grants: {
            totalCount: number;
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
            edges: { node: { grantId: string } }[];
          };
        };
      };
      const { pageInfo, edges, totalCount } = body.data.grants;
      seen.push(...edges.map((edge) => edge.node.grantId));
      pages += 1;
      expect(totalCount).toBe(100);
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect({ pages, grants: seen.length, distinct: new Set(seen).size }).toEqual({ pages: 4, grants: 100, distinct: 100 });
  });

  it('serves GraphiQL with the demo token already in its headers', async () => {
    const html = await (await fetch(graphqlUrl, { headers: { accept: 'text/html' } })).text();
    expect(html.includes(printed().token)).toBe(true);
  });

  it('exits 0 on SIGTERM', async () => {
    gateway.child.kill('SIGTERM');
    expect((await gateway.exited).code).toBe(0);
  });
});
