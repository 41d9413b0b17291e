import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, kmsCalls, listFromKms, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, expectedError, gql } from '../support/gateway.ts';

// Fixtures: demo-app (KEY_R, 12 grants: more than one KMS page, pages being capped at 7) and
// demo-backup (KEY_S, enabled, 6 grants).
const KEY_R = DEMO.keys.app;
const KEY_S = DEMO.keys.backup;
const PAGE_CAP = 7;

const GRANT_FIELDS = `id grantId keyId name granteePrincipal granteePrincipalType operations issuingPrincipal retiringPrincipal createdAt`;
const KEY_FIELDS = `id keyId alias state`;
const LIST = `query($k: ID!) { grants(keyId: $k, first: 20) { edges { node { ${GRANT_FIELDS} key { ${KEY_FIELDS} } } } } }`;
const NODE = `query($id: ID!) { node(id: $id) { __typename ... on Grant { ${GRANT_FIELDS} } ... on Key { ${KEY_FIELDS} } } }`;

type Listed = Record<string, unknown> & { id: string; grantId: string; key: Record<string, unknown> & { id: string } };

const stack = useEmulatorStack({}, { pageCap: PAGE_CAP });
/** demo-app's grant ids, in KMS's order. */
let grantIdsR: string[];
beforeAll(async () => {
  grantIdsR = (await listFromKms(stack.emulator, KEY_R, stack.tokens.alice)).map((g) => g.grant_id);
});
beforeEach(() => stack.emulator.reset());

async function listed(keyId: string): Promise<Listed[]> {
  const { body } = await gql<{ grants: { edges: { node: Listed }[] } }>(stack.gw, LIST, { k: keyId }, stack.alice);
  expect(body.errors).toBeUndefined();
  return body.data?.grants.edges.map((e) => e.node) ?? [];
}

describe('Query.node: Relay Global Object Identification', () => {
  describe('refetch', () => {
    it.each([0, 6, 7, 11])('refetches grant #%i by the Grant.id the gateway returned', async (index) => {
      const grant = (await listed(KEY_R))[index];
      if (grant === undefined) throw new Error('fixture grant missing');
      const { key: _key, ...fields } = grant;
      const { body } = await gql(stack.gw, NODE, { id: grant.id }, stack.alice);
      expect(body).toEqual({ data: { node: { __typename: 'Grant', ...fields } } });
      expect(fields['grantId']).toBe(grantIdsR[index]);
    });

    it('refetches a Key by the Key.id the gateway returned', async () => {
      const [grant] = await listed(KEY_S);
      const { body } = await gql(stack.gw, NODE, { id: grant?.key.id }, stack.alice);
      expect(body).toEqual({
        data: { node: { __typename: 'Key', id: grant?.key.id, keyId: KEY_S, alias: 'demo-backup', state: 'ENABLED' } },
      });
      expect(kmsCalls(stack.emulator, 'describe-key').at(-1)?.headers['x-auth-token']).toBe(stack.tokens.alice);
    });
  });

  describe('objects that no longer exist', () => {
    it('answers null for the id of a grant that was revoked', async () => {
      const [grant] = await listed(KEY_S);
      const revoke = await gql(
        stack.gw,
        `mutation($k: ID!, $g: ID!) { revokeGrant(input: { keyId: $k, grantId: $g }) { revokedGrantId } }`,
        { k: KEY_S, g: grant?.grantId },
        stack.alice,
      );
      expect(revoke.body).toEqual({ data: { revokeGrant: { revokedGrantId: grant?.id } } });
      const { body } = await gql(stack.gw, NODE, { id: grant?.id }, stack.alice);
      expect(body).toEqual({ data: { node: null } });
    });

    it('answers null for the id of a key that was deleted (KMS: 404 KMS.0207)', async () => {
      const [grant] = await listed(KEY_S);
      // The emulator cannot delete a key; from here on KMS answers for it as for a deleted one.
      stack.emulator.faults.set({
        action: 'describe-key',
        keyId: KEY_S,
        effect: { kind: 'error', status: 404, shape: 'kms', code: 'KMS.0207' },
      });
      const { body } = await gql(stack.gw, NODE, { id: grant?.key.id }, stack.alice);
      expect(body).toEqual({ data: { node: null } });
      expect(kmsCalls(stack.emulator, 'describe-key').at(-1)?.body?.['key_id']).toBe(KEY_S);
    });
  });

  describe('malformed ids', () => {
    const malformed = [
      '',
      'not-an-id',
      '%%%%',
      'x'.repeat(5000),
      Buffer.from('Grant:zzz').toString('base64'),
      Buffer.from('Key:NOT-A-KEY').toString('base64url'),
      Buffer.from('Bogus:1').toString('base64url'),
      DEMO.grants.appBobCreateGrant,
      KEY_R,
    ];
    it.each(malformed.map((id) => ({ id, shown: id.slice(0, 40) })))(
      'rejects "$shown" as BAD_USER_INPUT without calling KMS',
      async ({ id }) => {
        const { body } = await gql(stack.gw, NODE, { id }, stack.alice);
        expect({ data: body.data, errors: errorSummary(body) }).toEqual({
          data: { node: null },
          errors: [expectedError(['node'], 'BAD_USER_INPUT')],
        });
        expect(stack.emulator.requests).toEqual([]);
      },
    );
  });
});
