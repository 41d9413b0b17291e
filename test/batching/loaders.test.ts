import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReceivedRequest } from '../../src/emulator/index.ts';
import type { KmsGrant } from '../../src/kms/types.ts';
import { DEMO, kmsBody, kmsCalls, listFromKms, useEmulatorStack } from '../support/emulatorStack.ts';
import { gql } from '../support/gateway.ts';

// Fixtures: the demo keys. Bob may retire 36 grants on 7 keys (10 of them on demo-full, listed
// first); alice may retire one (on demo-app).
const [K1, K2, K3] = [DEMO.keys.full, DEMO.keys.app, DEMO.keys.backup];
/** The alias of every demo key bob may retire a grant on (emulator README, "Demo data"). */
const ALIASES: Record<string, string> = {
  [DEMO.keys.full]: 'demo-full',
  [DEMO.keys.app]: 'demo-app',
  [DEMO.keys.backup]: 'demo-backup',
  [DEMO.keys.rsa]: 'demo-signing',
  [DEMO.keys.disabled]: 'demo-disabled',
  [DEMO.keys.pendingDeletion]: 'demo-retiring',
  [DEMO.keys.carols]: 'acme-key',
};

const stack = useEmulatorStack();
/** What KMS lists: grants per key (as alice), and each user's retirable grants. */
const listed: { byKey: Record<string, KmsGrant[]>; retirable: { alice: KmsGrant[]; bob: KmsGrant[] } } = {
  byKey: {},
  retirable: { alice: [], bob: [] },
};
beforeAll(async () => {
  const { emulator, tokens } = stack;
  for (const k of [K1, K2, K3]) listed.byKey[k] = await listFromKms(emulator, k, tokens.alice);
  listed.retirable = {
    alice: await listFromKms(emulator, undefined, tokens.alice),
    bob: await listFromKms(emulator, undefined, tokens.bob),
  };
});
beforeEach(() => stack.emulator.reset());

const keyIdsOf = (calls: ReceivedRequest[]): unknown[] => calls.map((r) => kmsBody(r)['key_id']).sort();
const idsOf = (keyId: string, n: number): string[] => (listed.byKey[keyId] ?? []).slice(0, n).map((g) => g.grant_id);
const distinctKeys = (grants: KmsGrant[]): string[] => [...new Set(grants.map((g) => g.key_id))].sort();

describe('loaders: one set of DataLoaders per request', () => {
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
        stack.alice,
      );
      const ids = (k: string): object => ({ edges: idsOf(k, 5).map((grantId) => ({ node: { grantId } })) });
      expect(body).toEqual({ data: { a: ids(K1), b: ids(K1), c: ids(K2), d: { totalCount: DEMO.grantCounts.app }, e: ids(K3) } });
      expect(stack.emulator.requests.length).toBe(3);
      expect(keyIdsOf(kmsCalls(stack.emulator, 'list-grants'))).toEqual([K1, K2, K3].sort());
    });

    it('makes one call for the same grants(keyId, first, after) asked twice', async () => {
      const { body: firstBody } = await gql<{ grants: { pageInfo: { endCursor: string } } }>(
        stack.gw,
        `query($k: ID!) { grants(keyId: $k, first: 4) { pageInfo { endCursor } } }`,
        { k: K1 },
        stack.alice,
      );
      const after = firstBody.data?.grants.pageInfo.endCursor;
      stack.emulator.requests.length = 0;
      const { body } = await gql(
        stack.gw,
        `query($k: ID!, $after: String) {
          x: grants(keyId: $k, first: 4, after: $after) { edges { node { grantId } } }
          y: grants(keyId: $k, first: 4, after: $after) { edges { node { grantId } } }
        }`,
        { k: K1, after },
        stack.alice,
      );
      const page = {
        edges: idsOf(K1, 8)
          .slice(4)
          .map((grantId) => ({ node: { grantId } })),
      };
      expect(body).toEqual({ data: { x: page, y: page } });
      expect(stack.emulator.requests.length).toBe(1);
    });
  });

  describe('Grant.key', () => {
    it("resolves key over bob's 36 retirable grants of 7 keys with 1 list call and 7 describe-key calls", async () => {
      const { body } = await gql(stack.gw, `{ retirableGrants(first: 50) { edges { node { key { alias } } } } }`, {}, stack.bob);
      const grants = listed.retirable.bob;
      expect(body).toEqual({ data: { retirableGrants: { edges: grants.map((g) => ({ node: { key: { alias: ALIASES[g.key_id] } } })) } } });
      expect({
        grants: grants.length,
        list: kmsCalls(stack.emulator, 'list-retirable-grants').length,
        describe: keyIdsOf(kmsCalls(stack.emulator, 'describe-key')),
        total: stack.emulator.requests.length,
      }).toEqual({ grants: DEMO.bobRetirable.grants, list: 1, describe: Object.keys(ALIASES).sort(), total: 1 + DEMO.bobRetirable.keys });
    });
  });

  describe('request scope', () => {
    it('caches nothing across two HTTP requests', async () => {
      const query = `query($k: ID!) { grants(keyId: $k, first: 5) { edges { node { grantId key { alias } } } } }`;
      const one = await gql(stack.gw, query, { k: K2 }, stack.alice);
      const two = await gql(stack.gw, query, { k: K2 }, stack.alice);
      expect(two.body).toEqual(one.body);
      expect(one.body.errors).toBeUndefined();
      expect(stack.emulator.requests.map((r) => `${r.action} ${String(kmsBody(r)['key_id'])}`)).toEqual([
        `list-grants ${K2}`,
        `describe-key ${K2}`,
        `list-grants ${K2}`,
        `describe-key ${K2}`,
      ]);
    });

    it('keeps the data of two users in concurrent requests apart, each KMS call carrying its caller token', async () => {
      const query = `{ retirableGrants(first: 50) { totalCount edges { node { grantId retiringPrincipal key { alias } } } } }`;
      const users = ['alice', 'bob', 'alice', 'bob', 'alice', 'bob', 'alice', 'bob'] as const;
      const results = await Promise.all(users.map((u) => gql(stack.gw, query, {}, stack[u])));

      const expectedFor = (u: 'alice' | 'bob'): object => {
        const grants = listed.retirable[u];
        return {
          data: {
            retirableGrants: {
              totalCount: grants.length,
              edges: grants.map((g) => ({
                node: { grantId: g.grant_id, retiringPrincipal: DEMO.users[u].id, key: { alias: ALIASES[g.key_id] } },
              })),
            },
          },
        };
      };
      expect(results.map((r) => r.body)).toEqual(users.map(expectedFor));

      const byToken = (token: string, action: 'describe-key' | 'list-retirable-grants'): unknown[] =>
        keyIdsOf(kmsCalls(stack.emulator, action).filter((r) => r.headers['x-auth-token'] === token));
      const { alice, bob } = stack.tokens;
      expect({
        aliceLists: byToken(alice, 'list-retirable-grants').length,
        bobLists: byToken(bob, 'list-retirable-grants').length,
        aliceDescribes: byToken(alice, 'describe-key'),
        bobDescribes: byToken(bob, 'describe-key'),
        otherTokens: stack.emulator.requests.filter((r) => ![alice, bob].includes(String(r.headers['x-auth-token']))),
      }).toEqual({
        aliceLists: 4,
        bobLists: 4,
        aliceDescribes: Array.from({ length: 4 }, () => distinctKeys(listed.retirable.alice))
          .flat()
          .sort(),
        bobDescribes: Array.from({ length: 4 }, () => distinctKeys(listed.retirable.bob))
          .flat()
          .sort(),
        otherTokens: [],
      });
    });
  });
});
