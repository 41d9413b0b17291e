import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, expectedError, gql, leaksIn } from '../support/gateway.ts';

// Fixtures: demo-backup, alice's key with 6 grants (bob, of the same account, may list it too).
const KEY = DEMO.keys.backup;
const GRANTS_QUERY = `query($k: ID!) { grants(keyId: $k, first: 5) { totalCount } }`;
const HEALTHY = { data: { grants: { totalCount: DEMO.grantCounts.backup } } };
/** A token no IAM issued. */
const UNKNOWN_TOKEN = 'MIIunknown-TOKEN-000';

const stack = useEmulatorStack();
let alice: string;
let bob: string;
beforeAll(async () => {
  ({ alice, bob } = stack.tokens);
});
beforeEach(() => stack.emulator.reset());

/** The auth-relevant headers KMS received on each call. */
function receivedAuth(): object[] {
  return stack.emulator.requests.map((r) => ({ xAuthToken: r.headers['x-auth-token'], authorization: r.headers['authorization'] }));
}

describe('server/auth: the caller token forwarded to KMS', () => {
  describe('forwarding', () => {
    const cases: { name: string; headers: () => Record<string, string>; token: () => string }[] = [
      { name: 'X-Auth-Token: T as X-Auth-Token: T', headers: () => ({ 'X-Auth-Token': alice }), token: () => alice },
      {
        name: 'Authorization: Bearer T as X-Auth-Token: T, never forwarding Authorization',
        headers: () => ({ Authorization: `Bearer ${bob}` }),
        token: () => bob,
      },
      {
        name: 'X-Auth-Token when both are sent (X-Auth-Token wins)',
        headers: () => ({ 'X-Auth-Token': alice, Authorization: `Bearer ${bob}` }),
        token: () => alice,
      },
    ];
    it.each(cases)('forwards $name', async ({ headers, token }) => {
      const { body } = await gql(stack.gw, GRANTS_QUERY, { k: KEY }, headers());
      expect(body).toEqual(HEALTHY);
      expect(receivedAuth()).toEqual([{ xAuthToken: token(), authorization: undefined }]);
    });

    it('forwards the token on every KMS call of an operation (list and describe-key)', async () => {
      const { body } = await gql(
        stack.gw,
        `query($k: ID!) { grants(keyId: $k, first: 5) { edges { node { key { alias } } } } }`,
        { k: KEY },
        { Authorization: `Bearer ${alice}` },
      );
      expect(body.errors).toBeUndefined();
      expect(receivedAuth()).toEqual([
        { xAuthToken: alice, authorization: undefined },
        { xAuthToken: alice, authorization: undefined },
      ]);
    });
  });

  describe('no token', () => {
    const noToken: { name: string; headers: () => Record<string, string> }[] = [
      { name: 'no auth header at all', headers: () => ({}) },
      { name: 'an empty X-Auth-Token', headers: () => ({ 'X-Auth-Token': '' }) },
      { name: 'Authorization: Basic', headers: () => ({ Authorization: 'Basic YWxpY2U6cHc=' }) },
      { name: 'Authorization with a bare token', headers: () => ({ Authorization: alice }) },
      { name: 'Authorization: Bearer with no token', headers: () => ({ Authorization: 'Bearer' }) },
      { name: 'Authorization: "Bearer " with an empty token', headers: () => ({ Authorization: 'Bearer ' }) },
    ];
    it.each(noToken)('answers UNAUTHENTICATED on each KMS field, without calling KMS, for $name', async ({ headers }) => {
      const { body, text } = await gql(
        stack.gw,
        `query($k: ID!) { a: grants(keyId: $k, first: 1) { totalCount } b: retirableGrants { totalCount } }`,
        { k: KEY },
        headers(),
      );
      expect({ data: body.data ?? null, errors: errorSummary(body).sort(byPath) }).toEqual({
        data: null,
        errors: [expectedError(['a'], 'UNAUTHENTICATED'), expectedError(['b'], 'UNAUTHENTICATED')],
      });
      expect(stack.emulator.requests).toEqual([]);
      expect(leaksIn(text, stack)).toEqual([]);
    });

    it('answers UNAUTHENTICATED for a mutation and for node, without calling KMS', async () => {
      const { body } = await gql(stack.gw, `mutation($k: ID!, $g: ID!) { revokeGrant(input: { keyId: $k, grantId: $g }) { grantId } }`, {
        k: DEMO.keys.app,
        g: DEMO.grants.appAcmeDescribe,
      });
      expect(errorSummary(body)).toEqual([expectedError(['revokeGrant'], 'UNAUTHENTICATED')]);
      expect(stack.emulator.requests).toEqual([]);

      const seen = await gql<{ grants: { edges: { node: { id: string } }[] } }>(
        stack.gw,
        `query($k: ID!) { grants(keyId: $k, first: 1) { edges { node { id } } } }`,
        { k: KEY },
        stack.alice,
      );
      stack.emulator.requests.length = 0;
      const node = await gql(stack.gw, `query($id: ID!) { node(id: $id) { id } }`, { id: seen.body.data?.grants.edges[0]?.node.id });
      expect({ data: node.body.data, errors: errorSummary(node.body) }).toEqual({
        data: { node: null },
        errors: [expectedError(['node'], 'UNAUTHENTICATED')],
      });
      expect(stack.emulator.requests).toEqual([]);
    });

    it('still answers { __typename }', async () => {
      const { body, status } = await gql(stack.gw, `{ __typename }`);
      expect({ status, body }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
      expect(stack.emulator.requests).toEqual([]);
    });

    it('still answers introspection', async () => {
      const { body } = await gql(stack.gw, `{ __schema { queryType { name } mutationType { name } } __type(name: "Grant") { name } }`);
      expect(body).toEqual({
        data: { __schema: { queryType: { name: 'Query' }, mutationType: { name: 'Mutation' } }, __type: { name: 'Grant' } },
      });
      expect(stack.emulator.requests).toEqual([]);
    });
  });

  describe('a token KMS rejects', () => {
    it('maps the upstream 401 to UNAUTHENTICATED with its KMS code, never echoing the token', async () => {
      const { body, text } = await gql(stack.gw, GRANTS_QUERY, { k: KEY }, { 'X-Auth-Token': UNKNOWN_TOKEN });
      expect(errorSummary(body)).toEqual([expectedError(['grants'], 'UNAUTHENTICATED', 'APIGW.0301')]);
      expect(leaksIn(text, stack, [UNKNOWN_TOKEN])).toEqual([]);
      expect(receivedAuth()).toEqual([{ xAuthToken: UNKNOWN_TOKEN, authorization: undefined }]);
    });
  });
});

function byPath(a: { path: unknown }, b: { path: unknown }): number {
  return JSON.stringify(a.path).localeCompare(JSON.stringify(b.path));
}
