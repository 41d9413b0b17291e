import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeGrants, makeKey, makeKeyId } from '../support/fixtures.ts';
import { ALICE, asUser, errorSummary, expectedError, gql } from '../support/gateway.ts';
import type { Stack } from '../support/gateway.ts';
import { startStack } from '../support/gateway.ts';

// Fixtures: key R with 12 grants (more than one upstream page of 7), and key S with 1.
const KEY_R = makeKeyId(70);
const KEY_S = makeKeyId(71);
const GRANTS_R = makeGrants(KEY_R, 12);
const GRANTS_S = makeGrants(KEY_S, 1);

const GRANT_FIELDS = `id grantId keyId name granteePrincipal granteePrincipalType operations issuingPrincipal retiringPrincipal createdAt`;
const KEY_FIELDS = `id keyId alias state`;
const LIST = `query($k: ID!) { grants(keyId: $k, first: 20) { edges { node { ${GRANT_FIELDS} key { ${KEY_FIELDS} } } } } }`;
const NODE = `query($id: ID!) { node(id: $id) { __typename ... on Grant { ${GRANT_FIELDS} } ... on Key { ${KEY_FIELDS} } } }`;

type Listed = Record<string, unknown> & { id: string; grantId: string; key: Record<string, unknown> & { id: string } };

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ keys: [makeKey(KEY_R, 'refetch'), makeKey(KEY_S, 'single')], grants: [...GRANTS_R, ...GRANTS_S], pageCap: 7 });
});
afterAll(async () => stack.close());
beforeEach(() => stack.fake.reset());

async function listed(keyId: string): Promise<Listed[]> {
  const { body } = await gql<{ grants: { edges: { node: Listed }[] } }>(stack.gw, LIST, { k: keyId }, asUser(ALICE));
  expect(body.errors).toBeUndefined();
  return body.data?.grants.edges.map((e) => e.node) ?? [];
}

describe('node (Relay Global Object Identification)', () => {
  describe('refetch', () => {
    it.each([0, 6, 7, 11])('refetches grant #%i by the Grant.id the gateway returned', async (index) => {
      const grant = (await listed(KEY_R))[index];
      if (grant === undefined) throw new Error('fixture grant missing');
      const { key: _key, ...fields } = grant;
      const { body } = await gql(stack.gw, NODE, { id: grant.id }, asUser(ALICE));
      expect(body).toEqual({ data: { node: { __typename: 'Grant', ...fields } } });
      expect(fields['grantId']).toBe(GRANTS_R[index]?.grant_id);
    });

    it('refetches a Key by the Key.id the gateway returned', async () => {
      const [grant] = await listed(KEY_S);
      const { body } = await gql(stack.gw, NODE, { id: grant?.key.id }, asUser(ALICE));
      expect(body).toEqual({
        data: { node: { __typename: 'Key', id: grant?.key.id, keyId: KEY_S, alias: 'single', state: 'ENABLED' } },
      });
      expect(stack.fake.calls('describe-key').at(-1)?.headers['x-auth-token']).toBe(ALICE.token);
    });
  });

  describe('objects that no longer exist', () => {
    it('answers null for the id of a grant that was revoked', async () => {
      const [grant] = await listed(KEY_S);
      const revoke = await gql(
        stack.gw,
        `mutation($k: ID!, $g: ID!) { revokeGrant(input: { keyId: $k, grantId: $g }) { revokedGrantId } }`,
        { k: KEY_S, g: grant?.grantId },
        asUser(ALICE),
      );
      expect(revoke.body).toEqual({ data: { revokeGrant: { revokedGrantId: grant?.id } } });
      const { body } = await gql(stack.gw, NODE, { id: grant?.id }, asUser(ALICE));
      expect(body).toEqual({ data: { node: null } });
    });

    it('answers null for the id of a key that was deleted', async () => {
      const [grant] = await listed(KEY_S);
      stack.fake.state.keys.splice(
        stack.fake.state.keys.findIndex((k) => k.key_id === KEY_S),
        1,
      );
      const { body } = await gql(stack.gw, NODE, { id: grant?.key.id }, asUser(ALICE));
      expect(body).toEqual({ data: { node: null } });
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
      GRANTS_R[0]?.grant_id ?? '',
      KEY_R,
    ];
    it.each(malformed.map((id) => ({ id, shown: id.slice(0, 40) })))('rejects "$shown" as BAD_USER_INPUT without calling KMS', async ({ id }) => {
      const { body } = await gql(stack.gw, NODE, { id }, asUser(ALICE));
      expect({ data: body.data, errors: errorSummary(body) }).toEqual({
        data: { node: null },
        errors: [expectedError(['node'], 'BAD_USER_INPUT')],
      });
      expect(stack.fake.requests).toEqual([]);
    });
  });
});
