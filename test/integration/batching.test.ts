import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeGrants, makeKey, makeKeyId } from '../support/fixtures.ts';
import type { RecordedRequest } from '../support/fakeKms.ts';
import { ALICE, BOB, TOKENS, asUser, gql, kmsBody, startStack } from '../support/gateway.ts';
import type { Stack } from '../support/gateway.ts';

// Fixtures: four keys of alice's with 15 grants each that bob may retire (interleaved upstream),
// and a private key only alice may read, holding the 5 grants alice may retire.
const KEYS = [1, 2, 3, 4].map((n) => makeKeyId(10 + n));
const KEY_PRIVATE = makeKeyId(20);
const ALIASES = ['one', 'two', 'three', 'four'];
const [K1 = '', K2 = '', K3 = ''] = KEYS;
const PER_KEY = KEYS.map((k) => makeGrants(k, 15, { retiring_principal: BOB.userId }));
const BOB_GRANTS = Array.from({ length: 15 }, (_, i) => PER_KEY.map((grants) => grants[i])).flat().filter((g) => g !== undefined);
const ALICE_GRANTS = makeGrants(KEY_PRIVATE, 5, { retiring_principal: ALICE.userId });

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    keys: [...KEYS.map((k, i) => makeKey(k, ALIASES[i] ?? '')), makeKey(KEY_PRIVATE, 'private')],
    grants: [...BOB_GRANTS, ...ALICE_GRANTS],
    keyAccess: { [KEY_PRIVATE]: [ALICE.userId] },
  });
});
afterAll(async () => stack.close());
beforeEach(() => stack.fake.reset());

const keyIdsOf = (calls: RecordedRequest[]): unknown[] => calls.map((r) => kmsBody(r)['key_id']).sort();

const idsOf = (keyId: string, n: number): string[] =>
  BOB_GRANTS.filter((g) => g.key_id === keyId)
    .slice(0, n)
    .map((g) => g.grant_id);

describe('batching (one set of DataLoaders per request)', () => {
  describe('list pages', () => {
    it('makes one list-grants call per distinct (key, first, after) across 5 aliases over 3 keys', async () => {
      const { body } = await gql(
        stack.gw,
        `query($k1: ID!, $k2: ID!, $k3: ID!) {
          a: grants(keyId: $k1, first: 5) { edges { node { grantId } } }
          b: grants(keyId: $k1, first: 5) { edges { node { grantId } } }
          c: grants(keyId: $k2, first: 5) { edges { node { grantId } } }
          d: grants(keyId: $k2, first: 5) { totalCount }
          e: grants(keyId: $k3, first: 5) { edges { node { grantId } } }
        }`,
        { k1: K1, k2: K2, k3: K3 },
        asUser(ALICE),
      );
      const ids = (k: string): object => ({ edges: idsOf(k, 5).map((grantId) => ({ node: { grantId } })) });
      expect(body).toEqual({ data: { a: ids(K1), b: ids(K1), c: ids(K2), d: { totalCount: 15 }, e: ids(K3) } });
      expect(stack.fake.requests.length).toBe(3);
      expect(keyIdsOf(stack.fake.calls('list-grants'))).toEqual([K1, K2, K3].sort());
    });

    it('makes one call for the same grants(keyId, first, after) asked twice', async () => {
      const { body: firstBody } = await gql<{ grants: { pageInfo: { endCursor: string } } }>(
        stack.gw,
        `query($k: ID!) { grants(keyId: $k, first: 4) { pageInfo { endCursor } } }`,
        { k: K1 },
        asUser(ALICE),
      );
      const after = firstBody.data?.grants.pageInfo.endCursor;
      stack.fake.reset();
      const { body } = await gql(
        stack.gw,
        `query($k: ID!, $after: String) {
          x: grants(keyId: $k, first: 4, after: $after) { edges { node { grantId } } }
          y: grants(keyId: $k, first: 4, after: $after) { edges { node { grantId } } }
        }`,
        { k: K1, after },
        asUser(ALICE),
      );
      const page = { edges: idsOf(K1, 8).slice(4).map((grantId) => ({ node: { grantId } })) };
      expect(body).toEqual({ data: { x: page, y: page } });
      expect(stack.fake.requests.length).toBe(1);
    });
  });

  describe('Grant.key', () => {
    it('resolves key over 50 retirable grants of 4 keys with 1 list call and 4 describe-key calls', async () => {
      const { body } = await gql(
        stack.gw,
        `{ retirableGrants(first: 50) { edges { node { key { alias } } } } }`,
        {},
        asUser(BOB),
      );
      const aliasOf = (keyId: string): string => ALIASES[KEYS.indexOf(keyId)] ?? '?';
      expect(body).toEqual({
        data: {
          retirableGrants: { edges: BOB_GRANTS.slice(0, 50).map((g) => ({ node: { key: { alias: aliasOf(g.key_id) } } })) },
        },
      });
      expect({
        list: stack.fake.calls('list-retirable-grants').length,
        describe: keyIdsOf(stack.fake.calls('describe-key')),
        total: stack.fake.requests.length,
      }).toEqual({ list: 1, describe: [...KEYS].sort(), total: 5 });
    });
  });

  describe('request scope', () => {
    it('caches nothing across two HTTP requests', async () => {
      const query = `query($k: ID!) { grants(keyId: $k, first: 5) { edges { node { grantId key { alias } } } } }`;
      const one = await gql(stack.gw, query, { k: K2 }, asUser(ALICE));
      const two = await gql(stack.gw, query, { k: K2 }, asUser(ALICE));
      expect(two.body).toEqual(one.body);
      expect(one.body.errors).toBeUndefined();
      expect(stack.fake.requests.map((r) => `${r.action} ${String(kmsBody(r)['key_id'])}`)).toEqual([
        `list-grants ${K2}`,
        `describe-key ${K2}`,
        `list-grants ${K2}`,
        `describe-key ${K2}`,
      ]);
    });

    it('keeps the data of two users in concurrent requests apart, each KMS call carrying its caller token', async () => {
      const query = `{ retirableGrants(first: 50) { totalCount edges { node { grantId retiringPrincipal key { alias } } } } }`;
      const users = [ALICE, BOB, ALICE, BOB, ALICE, BOB, ALICE, BOB];
      const results = await Promise.all(users.map((u) => gql(stack.gw, query, {}, asUser(u))));

      const expectedFor = (u: typeof ALICE | typeof BOB): object => {
        const grants = u === ALICE ? ALICE_GRANTS : BOB_GRANTS.slice(0, 50);
        const alias = (keyId: string): string => (keyId === KEY_PRIVATE ? 'private' : (ALIASES[KEYS.indexOf(keyId)] ?? '?'));
        return {
          data: {
            retirableGrants: {
              totalCount: u === ALICE ? 5 : 60,
              edges: grants.map((g) => ({
                node: { grantId: g.grant_id, retiringPrincipal: u.userId, key: { alias: alias(g.key_id) } },
              })),
            },
          },
        };
      };
      expect(results.map((r) => r.body)).toEqual(users.map(expectedFor));

      const byToken = (token: string, action: 'describe-key' | 'list-retirable-grants'): unknown[] =>
        keyIdsOf(stack.fake.calls(action).filter((r) => r.headers['x-auth-token'] === token));
      expect({
        aliceLists: byToken(ALICE.token, 'list-retirable-grants').length,
        bobLists: byToken(BOB.token, 'list-retirable-grants').length,
        aliceDescribes: byToken(ALICE.token, 'describe-key'),
        bobDescribes: byToken(BOB.token, 'describe-key'),
        otherTokens: stack.fake.requests.filter((r) => !Object.keys(TOKENS).includes(String(r.headers['x-auth-token']))),
      }).toEqual({
        aliceLists: 4,
        bobLists: 4,
        aliceDescribes: Array.from({ length: 4 }, () => KEY_PRIVATE),
        bobDescribes: Array.from({ length: 4 }, () => KEYS).flat().sort(),
        otherTokens: [],
      });
    });
  });
});
