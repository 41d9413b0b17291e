import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { kmsCalls, listFromKms } from '../support/emulatorStack.ts';
import { kmsEnv, spawnGateway, type GatewayProcess } from '../start/support.ts';

// Fixtures: two gateway processes (as `npm start` runs them) sharing CURSOR_SECRET, in front of
// one emulator serving pages of at most 9 grants with opaque markers, so a page of 7 often
// straddles two KMS pages and cursors point inside KMS pages; the demo key `full` holds 100 grants.
const KEY = DEMO.keys.full;
const PAGE = 7;
const KMS_PAGE_CAP = 9;
/** Replicas must share the cursor secret (CURSOR_SECRET) so one resumes the other's cursors. */
const SHARED_SECRET = 'replicas-shared-cursor-secret-0123';
const QUERY = `query Page($k: ID!, $after: String) { grants(keyId: $k, first: ${PAGE}, after: $after) {
  edges { cursor node { grantId } } pageInfo { hasNextPage endCursor } totalCount } }`;

interface Page {
  edges: { cursor: string; node: { grantId: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

let emulator: RunningEmulator;
let token: string;
/** Every grant id of KEY in KMS's order, read straight from KMS. */
let kmsOrder: string[];
let replicas: GatewayProcess[] = [];
beforeAll(async () => {
  emulator = await startEmulator({ pageCap: KMS_PAGE_CAP, markers: 'opaque' });
  token = emulator.demo['alice']?.token ?? '';
  kmsOrder = (await listFromKms(emulator, KEY, token)).map((g) => g.grant_id);
  await emulator.reset(); // forget the listing's requests
  replicas = await Promise.all([0, 1].map(() => spawnGateway({ ...kmsEnv(emulator), CURSOR_SECRET: SHARED_SECRET })));
}, 30_000);
afterAll(async () => {
  for (const replica of replicas) replica.kill();
  await emulator?.close();
});

/** One page from replica `n`, which tags its KMS calls with the request id `replica-<n>`. */
async function page(n: number, after: string | null): Promise<Page> {
  const replica = replicas[n];
  if (replica === undefined) throw new Error(`no replica ${n}`);
  const response = await fetch(replica.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': token, 'x-request-id': `replica-${n}` },
    body: JSON.stringify({ query: QUERY, variables: { k: KEY, after } }),
  });
  const body = (await response.json()) as { data?: { grants: Page }; errors?: unknown };
  if (body.data?.grants === undefined) throw new Error(`no page from replica ${n}: ${JSON.stringify(body)}`);
  return body.data.grants;
}

describe('relay/cursor across replicas (two gateway processes sharing CURSOR_SECRET on one KMS)', () => {
  describe('paging alternately through both replicas', () => {
    it('returns every one of the 100 grants exactly once, in KMS order, with pages of 7 alternating between the replicas', async () => {
      const seen: string[] = [];
      const served = [0, 0];
      const totals = new Set<number>();
      let after: string | null = null;
      for (let round = 0; round < 30; round += 1) {
        const which = round % 2;
        const connection: Page = await page(which, after);
        served[which] = (served[which] ?? 0) + 1;
        totals.add(connection.totalCount);
        seen.push(...connection.edges.map((e) => e.node.grantId));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      const byReplica = (n: number): number =>
        kmsCalls(emulator, 'list-grants').filter((r) => r.headers['x-request-id'] === `replica-${n}`).length;
      expect({
        kmsOrder: kmsOrder.length,
        seen,
        served,
        totals: [...totals],
        kmsCallsFrom: { replica0: byReplica(0) > 0, replica1: byReplica(1) > 0 },
      }).toEqual({
        kmsOrder: 100,
        seen: kmsOrder,
        served: [8, 7],
        totals: [100],
        kmsCallsFrom: { replica0: true, replica1: true },
      });
    });

    it('resumes on one replica from any edge cursor the other issued', async () => {
      const start = await page(0, null);
      const resumed = await page(1, start.edges[3]?.cursor ?? null);
      expect(resumed.edges.map((e) => e.node.grantId)).toEqual(kmsOrder.slice(4, 4 + PAGE));
    });
  });
});
