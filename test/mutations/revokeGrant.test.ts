import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, kmsBody, kmsCalls, listFromKms, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, expectedError, gql, gqlGet } from '../support/gateway.ts';

// Fixtures: demo-backup (KEY_M, 6 grants) and demo-app (KEY_N, 12 grants), both alice's: only she
// may revoke their grants.
const KEY_M = DEMO.keys.backup;
const KEY_N = DEMO.keys.app;
const N0 = DEMO.grants.appBobCreateGrant;

const REVOKE = `mutation($keyId: ID!, $grantId: ID!, $cm: String) {
  revokeGrant(input: { keyId: $keyId, grantId: $grantId, clientMutationId: $cm }) { keyId grantId revokedGrantId clientMutationId }
}`;
const LIST = `query($k: ID!) { grants(keyId: $k, first: 20) { totalCount edges { node { id grantId } } } }`;

interface Listed {
  grants: { totalCount: number; edges: { node: { id: string; grantId: string } }[] };
}

const stack = useEmulatorStack();
/** demo-backup's grant ids, in KMS's order. */
let grantsM: string[];
let [M0, M1, M2] = ['', '', ''];
beforeAll(async () => {
  grantsM = (await listFromKms(stack.emulator, KEY_M, stack.tokens.alice)).map((g) => g.grant_id);
  [M0 = '', M1 = '', M2 = ''] = grantsM;
});
beforeEach(() => stack.emulator.reset());

async function listed(keyId: string): Promise<{ id: string; grantId: string }[]> {
  const { body } = await gql<Listed>(stack.gw, LIST, { k: keyId }, stack.alice);
  return body.data?.grants.edges.map((e) => e.node) ?? [];
}

describe('Mutation.revokeGrant', () => {
  describe('success', () => {
    it('sends {key_id, grant_id} to revoke-grant and answers the payload with revokedGrantId = the Grant.id', async () => {
      const before = await listed(KEY_M);
      stack.emulator.requests.length = 0;
      const { body } = await gql(stack.gw, REVOKE, { keyId: KEY_M, grantId: M1, cm: 'cm-42' }, stack.alice);
      expect(body).toEqual({
        data: {
          revokeGrant: { keyId: KEY_M, grantId: M1, revokedGrantId: before.find((g) => g.grantId === M1)?.id, clientMutationId: 'cm-42' },
        },
      });
      // The emulator answers only a POST to /v1.0/<the token's project>/kms/revoke-grant.
      const [call, ...more] = stack.emulator.requests;
      expect({ more, action: call?.action, token: call?.headers['x-auth-token'], body: call && kmsBody(call) }).toEqual({
        more: [],
        action: 'revoke-grant',
        token: stack.tokens.alice,
        body: { key_id: KEY_M, grant_id: M1 },
      });
    });

    it('answers clientMutationId null when none was given', async () => {
      const { body } = await gql<{ revokeGrant: { clientMutationId: unknown } }>(
        stack.gw,
        REVOKE,
        { keyId: KEY_M, grantId: M0 },
        stack.alice,
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?.revokeGrant.clientMutationId).toBeNull();
    });

    it.each([
      { name: '{}', fault: false },
      { name: 'an empty body', fault: true },
    ])('accepts a revoke-grant answer of 200 with $name', async ({ fault }) => {
      if (fault) stack.emulator.faults.set({ action: 'revoke-grant', effect: { kind: 'raw', status: 200, body: '' } });
      const { body } = await gql(stack.gw, REVOKE, { keyId: KEY_M, grantId: M2 }, stack.alice);
      expect({ data: body.data, errors: body.errors }).toEqual({
        data: { revokeGrant: { keyId: KEY_M, grantId: M2, revokedGrantId: expect.any(String) as unknown, clientMutationId: null } },
        errors: undefined,
      });
      expect(kmsCalls(stack.emulator, 'revoke-grant').length).toBe(1);
    });

    it('makes a later grants query miss the revoked grant', async () => {
      await gql(stack.gw, REVOKE, { keyId: KEY_M, grantId: M1 }, stack.alice);
      const { body } = await gql<Listed>(stack.gw, LIST, { k: KEY_M }, stack.alice);
      expect({ total: body.data?.grants.totalCount, ids: body.data?.grants.edges.map((e) => e.node.grantId) }).toEqual({
        total: DEMO.grantCounts.backup - 1,
        ids: grantsM.filter((id) => id !== M1),
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
        stack.alice,
      );
      expect(body).toEqual({ data: { first: { grantId: M2 }, second: { grantId: M0 } } });
      expect(kmsCalls(stack.emulator, 'revoke-grant').map((r) => kmsBody(r)['grant_id'])).toEqual([M2, M0]);
    });

    it('never deduplicates a repeated revoke: the second one reaches KMS and is NOT_FOUND', async () => {
      const { body } = await gql(
        stack.gw,
        `mutation($k: ID!, $g: ID!) {
          first: revokeGrant(input: { keyId: $k, grantId: $g }) { grantId }
          again: revokeGrant(input: { keyId: $k, grantId: $g }) { grantId }
        }`,
        { k: KEY_M, g: M0 },
        stack.alice,
      );
      expect({ data: body.data ?? null, errors: errorSummary(body) }).toEqual({
        data: null,
        errors: [expectedError(['again'], 'NOT_FOUND', 'KMS.2501')],
      });
      expect(kmsCalls(stack.emulator, 'revoke-grant').length).toBe(2);
    });
  });

  describe('failures', () => {
    const invalid = [
      { name: 'an uppercase keyId', keyId: () => KEY_M.toUpperCase(), grantId: () => M0 },
      { name: 'an empty keyId', keyId: () => '', grantId: () => M0 },
      { name: 'a 63-character grantId', keyId: () => KEY_M, grantId: () => M0.slice(1) },
      { name: 'a non-hex grantId', keyId: () => KEY_M, grantId: () => `g${M0.slice(1)}` },
      { name: 'an empty grantId', keyId: () => KEY_M, grantId: () => '' },
    ];
    it.each(invalid)('rejects $name as BAD_USER_INPUT without calling KMS', async ({ keyId, grantId }) => {
      const { body } = await gql(stack.gw, REVOKE, { keyId: keyId(), grantId: grantId() }, stack.alice);
      expect(errorSummary(body)).toEqual([expectedError(['revokeGrant'], 'BAD_USER_INPUT')]);
      expect(stack.emulator.requests).toEqual([]);
    });

    it('maps a grant KMS does not know (400 KMS.2501) to NOT_FOUND', async () => {
      const { body } = await gql(stack.gw, REVOKE, { keyId: KEY_M, grantId: 'ab'.repeat(32) }, stack.alice);
      expect(errorSummary(body)).toEqual([expectedError(['revokeGrant'], 'NOT_FOUND', 'KMS.2501')]);
    });

    it('maps a grant of another key (400 KMS.2502) to NOT_FOUND', async () => {
      const { body } = await gql(stack.gw, REVOKE, { keyId: KEY_M, grantId: N0 }, stack.alice);
      expect(errorSummary(body)).toEqual([expectedError(['revokeGrant'], 'NOT_FOUND', 'KMS.2502')]);
      expect((await listed(KEY_N)).map((g) => g.grantId)).toContain(N0);
    });

    it('answers a mutation sent over GET with 405 and does not execute it', async () => {
      const { status } = await gqlGet(stack.gw, REVOKE, { keyId: KEY_M, grantId: M0 }, stack.alice);
      expect(status).toBe(405);
      expect(stack.emulator.requests).toEqual([]);
      expect((await listed(KEY_M)).map((g) => g.grantId)).toContain(M0);
    });
  });
});
