import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeGrants, makeKey, makeKeyId } from '../support/fixtures.ts';
import { ALICE, PROJECT, asUser, errorSummary, expectedError, gql, kmsBody, startStack } from '../support/gateway.ts';
import type { Stack } from '../support/gateway.ts';

// Fixtures: key M with 5 grants, key N with 2.
const KEY_M = makeKeyId(60);
const KEY_N = makeKeyId(61);
const GRANTS_M = makeGrants(KEY_M, 5);
const GRANTS_N = makeGrants(KEY_N, 2);
const [M0, M1, M2] = GRANTS_M.map((g) => g.grant_id);
const [N0] = GRANTS_N.map((g) => g.grant_id);

const REVOKE = `mutation($keyId: ID!, $grantId: ID!, $cm: String) {
  revokeGrant(input: { keyId: $keyId, grantId: $grantId, clientMutationId: $cm }) { keyId grantId revokedGrantId clientMutationId }
}`;
const LIST = `query($k: ID!) { grants(keyId: $k, first: 10) { totalCount edges { node { id grantId } } } }`;

interface Listed {
  grants: { totalCount: number; edges: { node: { id: string; grantId: string } }[] };
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ keys: [makeKey(KEY_M, 'm'), makeKey(KEY_N, 'n')], grants: [...GRANTS_M, ...GRANTS_N] });
});
afterAll(async () => stack.close());
beforeEach(() => stack.fake.reset());

async function listed(s: Stack, keyId: string): Promise<{ id: string; grantId: string }[]> {
  const { body } = await gql<Listed>(s.gw, LIST, { k: keyId }, asUser(ALICE));
  return body.data?.grants.edges.map((e) => e.node) ?? [];
}

describe('revokeGrant', () => {
  describe('success', () => {
    it('sends {key_id, grant_id} to revoke-grant and answers the payload with revokedGrantId = the Grant.id', async () => {
      const before = await listed(stack, KEY_M);
      stack.fake.reset();
      const { body } = await gql(stack.gw, REVOKE, { keyId: KEY_M, grantId: M1, cm: 'cm-42' }, asUser(ALICE));
      expect(body).toEqual({
        data: {
          revokeGrant: { keyId: KEY_M, grantId: M1, revokedGrantId: before.find((g) => g.grantId === M1)?.id, clientMutationId: 'cm-42' },
        },
      });
      const [call, ...more] = stack.fake.requests;
      expect({ more, method: call?.method, path: call?.path, token: call?.headers['x-auth-token'], body: call && kmsBody(call) }).toEqual({
        more: [],
        method: 'POST',
        path: `/v1.0/${PROJECT}/kms/revoke-grant`,
        token: ALICE.token,
        body: { key_id: KEY_M, grant_id: M1 },
      });
    });

    it('answers clientMutationId null when none was given', async () => {
      const { body } = await gql<{ revokeGrant: { clientMutationId: unknown } }>(stack.gw, REVOKE, { keyId: KEY_M, grantId: M0 }, asUser(ALICE));
      expect(body.errors).toBeUndefined();
      expect(body.data?.revokeGrant.clientMutationId).toBeNull();
    });

    it.each(['object', 'empty'] as const)('accepts a revoke-grant answer of 200 with %s body', async (revokeBody) => {
      const own = await startStack({ keys: [makeKey(KEY_M, 'm')], grants: GRANTS_M, revokeBody });
      try {
        const { body } = await gql(own.gw, REVOKE, { keyId: KEY_M, grantId: M2 }, asUser(ALICE));
        expect({ data: body.data, errors: body.errors }).toEqual({
          data: { revokeGrant: { keyId: KEY_M, grantId: M2, revokedGrantId: expect.any(String) as unknown, clientMutationId: null } },
          errors: undefined,
        });
        expect(own.fake.calls('revoke-grant').length).toBe(1);
      } finally {
        await own.close();
      }
    });

    it('makes a later grants query miss the revoked grant', async () => {
      await gql(stack.gw, REVOKE, { keyId: KEY_M, grantId: M1 }, asUser(ALICE));
      const { body } = await gql<Listed>(stack.gw, LIST, { k: KEY_M }, asUser(ALICE));
      expect({ total: body.data?.grants.totalCount, ids: body.data?.grants.edges.map((e) => e.node.grantId) }).toEqual({
        total: 4,
        ids: GRANTS_M.map((g) => g.grant_id).filter((id) => id !== M1),
      });
    });

    it('runs two revokes of one mutation serially, in document order, one KMS call each', async () => {
      const { body } = await gql(
        stack.gw,
        `mutation($k: ID!, $a: ID!, $b: ID!) {
          first: revokeGrant(input: { keyId: $k, grantId: $a }) { grantId }
          second: revokeGrant(input: { keyId: $k, grantId: $b }) { grantId }
        }`,
        { k: KEY_M, a: M2, b: M0 },
        asUser(ALICE),
      );
      expect(body).toEqual({ data: { first: { grantId: M2 }, second: { grantId: M0 } } });
      expect(stack.fake.calls('revoke-grant').map((r) => kmsBody(r)['grant_id'])).toEqual([M2, M0]);
    });

    it('never deduplicates a repeated revoke: the second one reaches KMS and is NOT_FOUND', async () => {
      const { body } = await gql(
        stack.gw,
        `mutation($k: ID!, $g: ID!) {
          first: revokeGrant(input: { keyId: $k, grantId: $g }) { grantId }
          again: revokeGrant(input: { keyId: $k, grantId: $g }) { grantId }
        }`,
        { k: KEY_M, g: M0 },
        asUser(ALICE),
      );
      expect({ data: body.data ?? null, errors: errorSummary(body) }).toEqual({
        data: null,
        errors: [expectedError(['again'], 'NOT_FOUND', 'KMS.2501')],
      });
      expect(stack.fake.calls('revoke-grant').length).toBe(2);
    });
  });

  describe('failures', () => {
    const invalid = [
      { name: 'an uppercase keyId', keyId: KEY_M.toUpperCase(), grantId: M0 },
      { name: 'an empty keyId', keyId: '', grantId: M0 },
      { name: 'a 63-character grantId', keyId: KEY_M, grantId: M0?.slice(1) },
      { name: 'a non-hex grantId', keyId: KEY_M, grantId: `g${M0?.slice(1) ?? ''}` },
      { name: 'an empty grantId', keyId: KEY_M, grantId: '' },
    ];
    it.each(invalid)('rejects $name as BAD_USER_INPUT without calling KMS', async ({ keyId, grantId }) => {
      const { body } = await gql(stack.gw, REVOKE, { keyId, grantId }, asUser(ALICE));
      expect(errorSummary(body)).toEqual([expectedError(['revokeGrant'], 'BAD_USER_INPUT')]);
      expect(stack.fake.requests).toEqual([]);
    });

    it('maps a grant KMS does not know (400 KMS.2501) to NOT_FOUND', async () => {
      const { body } = await gql(stack.gw, REVOKE, { keyId: KEY_M, grantId: 'ab'.repeat(32) }, asUser(ALICE));
      expect(errorSummary(body)).toEqual([expectedError(['revokeGrant'], 'NOT_FOUND', 'KMS.2501')]);
    });

    it('maps a grant of another key (400 KMS.2502) to NOT_FOUND', async () => {
      const { body } = await gql(stack.gw, REVOKE, { keyId: KEY_M, grantId: N0 }, asUser(ALICE));
      expect(errorSummary(body)).toEqual([expectedError(['revokeGrant'], 'NOT_FOUND', 'KMS.2502')]);
      expect(await listed(stack, KEY_N)).toHaveLength(2);
    });

    it('answers a mutation sent over GET with 405 and does not execute it', async () => {
      const url = new URL(stack.gw.graphqlUrl);
      url.searchParams.set('query', REVOKE);
      url.searchParams.set('variables', JSON.stringify({ keyId: KEY_M, grantId: M0 }));
      const response = await fetch(url, { headers: { ...asUser(ALICE), accept: 'application/graphql-response+json, application/json' } });
      await response.text();
      expect(response.status).toBe(405);
      expect(stack.fake.requests).toEqual([]);
      expect((await listed(stack, KEY_M)).map((g) => g.grantId)).toContain(M0);
    });
  });
});
