import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGrants, makeKey, makeKeyId } from '../support/fixtures.ts';
import { startFakeKms } from '../support/fakeKms.ts';
import type { FakeKms } from '../support/fakeKms.ts';
import { ALICE, PROJECT, TOKENS } from '../support/gateway.ts';
import type { ConnectionShape, GqlBody } from '../support/gateway.ts';
import { spawnGateway } from './support/process.ts';
import type { GatewayProcess } from './support/process.ts';

// Fixtures: two gateway processes sharing CURSOR_SECRET; one key holding the full 100 grants; the upstream serves pages of at most 9, so a
// page of 7 often straddles two KMS pages and cursors point inside KMS pages.
const KEY = makeKeyId(650);
const GRANTS = makeGrants(KEY, 100);
const PAGE = 7;
/** Replicas must share the cursor secret (CURSOR_SECRET) so one resumes the other's cursors. */
const SHARED_SECRET = 'replicas-shared-cursor-secret-0123';
const QUERY = `query Page($k: ID!, $after: String) { grants(keyId: $k, first: ${PAGE}, after: $after) {
  edges { cursor node { grantId } } pageInfo { hasNextPage endCursor } totalCount } }`;

let fake: FakeKms;
let replicas: GatewayProcess[] = [];
beforeAll(async () => {
  fake = await startFakeKms({ tokens: TOKENS, keys: [makeKey(KEY, 'replicas')], grants: GRANTS, pageCap: 9 });
  replicas = await Promise.all([0, 1].map(() => spawnGateway({ KMS_ENDPOINT: fake.url, KMS_PROJECT_ID: PROJECT, CURSOR_SECRET: SHARED_SECRET })));
}, 30_000);
afterAll(async () => {
  for (const replica of replicas) replica.kill();
  await fake.close();
});

async function page(replica: GatewayProcess, after: string | null): Promise<ConnectionShape> {
  const response = await fetch(replica.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token, 'x-request-id': `replica-${replicas.indexOf(replica)}` },
    body: JSON.stringify({ query: QUERY, variables: { k: KEY, after } }),
  });
  const body = (await response.json()) as GqlBody<{ grants: ConnectionShape }>;
  if (body.data?.grants === undefined) throw new Error(`no page: ${JSON.stringify(body)}`);
  return body.data.grants;
}

describe('scale-out (two gateway processes on one upstream)', () => {
  describe('paging alternately through two replicas', () => {
    it('returns every one of 100 grants exactly once, in KMS order, with pages of 7 alternating between the replicas', { timeout: 30_000 }, async () => {
      const seen: string[] = [];
      const served = [0, 0];
      let after: string | null = null;
      for (let round = 0; round < 30; round += 1) {
        const which = round % 2;
        const replica = replicas[which];
        if (replica === undefined) throw new Error('replica missing');
        const connection: ConnectionShape = await page(replica, after);
        served[which] = (served[which] ?? 0) + 1;
        expect(connection.totalCount).toBe(100);
        seen.push(...connection.edges.map((e) => e.node.grantId));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(seen).toEqual(GRANTS.map((g) => g.grant_id));
      expect(new Set(seen).size).toBe(100);
      expect(served).toEqual([8, 7]);
      // Both processes really talked to KMS.
      const byReplica = (n: number): number => fake.calls('list-grants').filter((r) => r.headers['x-request-id'] === `replica-${n}`).length;
      expect({ replica0: byReplica(0) > 0, replica1: byReplica(1) > 0 }).toEqual({ replica0: true, replica1: true });
    });

    it('resumes on one replica from any edge cursor the other issued', { timeout: 30_000 }, async () => {
      const [first, second] = replicas;
      if (first === undefined || second === undefined) throw new Error('replicas missing');
      const start = await page(first, null);
      const edge = start.edges[3];
      const resumed = await page(second, edge?.cursor ?? null);
      expect(resumed.edges.map((e) => e.node.grantId)).toEqual(GRANTS.slice(4, 4 + PAGE).map((g) => g.grant_id));
    });
  });
});
