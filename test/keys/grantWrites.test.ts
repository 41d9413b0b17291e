import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, expectedError, gql } from '../support/gateway.ts';

const CREATE = `mutation($input: CreateGrantInput!) {
  createGrant(input: $input) { keyId grantId clientMutationId }
}`;
const CREATE_WITH_GRANT = `mutation($input: CreateGrantInput!) {
  createGrant(input: $input) { keyId grantId clientMutationId grant { id grantId name operations granteePrincipal granteePrincipalType retiringPrincipal } }
}`;
const RETIRE = `mutation($input: RetireGrantInput!) {
  retireGrant(input: $input) { keyId grantId retiredGrantId clientMutationId }
}`;
const LIST = `query($k: ID!) { grants(keyId: $k, first: 1000) { totalCount edges { node { id grantId } } } }`;
const RETIRABLE = `{ retirableGrants(first: 1000) { edges { node { id grantId keyId } } } }`;

// A short KMS timeout: the write that hangs below must end quickly.
const stack = useEmulatorStack({ kmsTimeoutMs: 400, kmsReadRetries: 2 });
beforeEach(() => stack.emulator.reset());

const kmsActions = () => stack.emulator.requests.map((r) => r.action);
const BOB_ID = () => stack.emulator.demo['bob']?.userId ?? '';

describe('Mutation.createGrant', () => {
  it('sends create-grant with KMS field names and spellings, USER by default, and answers the new grant id', async () => {
    const input = {
      keyId: DEMO.keys.app,
      granteePrincipal: BOB_ID(),
      operations: ['DESCRIBE_KEY', 'ENCRYPT_DATA'],
      name: 'ci/grant-1',
      retiringPrincipal: BOB_ID(),
      clientMutationId: 'c1',
    };
    const { body } = await gql<{ createGrant: { keyId: string; grantId: string; clientMutationId: string } }>(
      stack.gw,
      CREATE,
      { input },
      stack.alice,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.createGrant).toEqual({
      keyId: DEMO.keys.app,
      grantId: expect.stringMatching(/^[0-9a-f]{64}$/),
      clientMutationId: 'c1',
    });
    const [call, ...more] = stack.emulator.requests;
    const { sequence: _sequence, ...sent } = call?.body ?? {};
    expect({ action: call?.action, more: more.length, sent }).toEqual({
      action: 'create-grant',
      more: 0,
      sent: {
        key_id: DEMO.keys.app,
        grantee_principal: BOB_ID(),
        grantee_principal_type: 'user',
        operations: ['describe-key', 'encrypt-data'],
        name: 'ci/grant-1',
        retiring_principal: BOB_ID(),
      },
    });
  });

  it('fetches `grant` only when selected, as KMS lists it: its id is the Grant.id a later listing shows', async () => {
    const input = { keyId: DEMO.keys.app, granteePrincipal: BOB_ID(), granteePrincipalType: 'USER', operations: ['DECRYPT_DATA'] };
    const { body } = await gql<{
      createGrant: {
        grantId: string;
        grant: { id: string; grantId: string; name: string | null; operations: string[]; retiringPrincipal: string | null };
      };
    }>(stack.gw, CREATE_WITH_GRANT, { input }, stack.alice);
    expect(body.errors).toBeUndefined();
    const created = body.data?.createGrant;
    expect(kmsActions()).toEqual(['create-grant', 'list-grants']);
    const listed = await gql<{ grants: { edges: { node: { id: string; grantId: string } }[] } }>(
      stack.gw,
      LIST,
      { k: DEMO.keys.app },
      stack.alice,
    );
    const later = listed.body.data?.grants.edges.find((e) => e.node.grantId === created?.grantId)?.node;
    expect({ grant: created?.grant }).toEqual({
      grant: {
        id: later?.id,
        grantId: created?.grantId,
        name: null,
        operations: ['DECRYPT_DATA'],
        granteePrincipal: BOB_ID(),
        granteePrincipalType: 'USER',
        retiringPrincipal: null,
      },
    });
  });

  it("forgets the request's cached pages after each write: two creates in one operation each find their own grant", async () => {
    const op = `mutation($a: CreateGrantInput!, $b: CreateGrantInput!) { a: createGrant(input: $a) { grantId grant { grantId } } b: createGrant(input: $b) { grantId grant { grantId } } }`;
    const input = { keyId: DEMO.keys.backup, granteePrincipal: BOB_ID(), operations: ['DESCRIBE_KEY'] };
    const { body } = await gql<{ a: { grantId: string; grant: { grantId: string } }; b: { grantId: string; grant: { grantId: string } } }>(
      stack.gw,
      op,
      { a: input, b: input },
      stack.alice,
    );
    expect(body.errors).toBeUndefined();
    expect([body.data?.a.grant.grantId, body.data?.b.grant.grantId]).toEqual([body.data?.a.grantId, body.data?.b.grantId]);
  });

  const invalid: [string, Record<string, unknown>][] = [
    ["a key id that breaks KMS's pattern", { keyId: 'not-a-key' }],
    ['a grantee principal with a dash', { granteePrincipal: 'bob-1' }],
    ['a grantee principal of 65 characters', { granteePrincipal: 'a'.repeat(65) }],
    ['a retiring principal with a space', { retiringPrincipal: 'b b' }],
    ['a name with a space', { name: 'my grant' }],
    ['a name of 256 characters', { name: 'n'.repeat(256) }],
    ['no operations', { operations: [] }],
    ['the same operation twice', { operations: ['DESCRIBE_KEY', 'DESCRIBE_KEY'] }],
    ['CREATE_GRANT alone', { operations: ['CREATE_GRANT'] }],
  ];
  for (const [name, change] of invalid) {
    it(`refuses ${name} as BAD_USER_INPUT before any KMS call`, async () => {
      const input = { keyId: DEMO.keys.app, granteePrincipal: BOB_ID(), operations: ['DESCRIBE_KEY'], ...change };
      const { body } = await gql(stack.gw, CREATE, { input }, stack.alice);
      expect({ errors: errorSummary(body), calls: stack.emulator.requests.length }).toEqual({
        errors: [expectedError(['createGrant'], 'BAD_USER_INPUT')],
        calls: 0,
      });
    });
  }

  it('answers BAD_USER_INPUT with KMS.2404 and a message saying so when the key already holds 100 grants', async () => {
    const input = { keyId: DEMO.keys.full, granteePrincipal: BOB_ID(), operations: ['DESCRIBE_KEY'] };
    const { body } = await gql(stack.gw, CREATE, { input }, stack.alice);
    expect(errorSummary(body)).toEqual([expectedError(['createGrant'], 'BAD_USER_INPUT', 'KMS.2404')]);
    expect(body.errors?.[0]?.message).toMatch(/100 grants/);
  });

  it("maps KMS refusals: another user's key is FORBIDDEN (KMS.0306), a missing key NOT_FOUND (KMS.0207)", async () => {
    const forbidden = await gql(
      stack.gw,
      CREATE,
      { input: { keyId: DEMO.keys.backup, granteePrincipal: BOB_ID(), operations: ['DESCRIBE_KEY'] } },
      stack.bob,
    );
    const missing = await gql(
      stack.gw,
      CREATE,
      { input: { keyId: 'ffffffff-ffff-ffff-ffff-ffffffffffff', granteePrincipal: BOB_ID(), operations: ['DESCRIBE_KEY'] } },
      stack.alice,
    );
    expect([errorSummary(forbidden.body), errorSummary(missing.body)]).toEqual([
      [expectedError(['createGrant'], 'FORBIDDEN', 'KMS.0306')],
      [expectedError(['createGrant'], 'NOT_FOUND', 'KMS.0207')],
    ]);
  });
});

describe('Mutation.retireGrant', () => {
  it("retires a grant the caller may retire: payload with retiredGrantId = its Grant.id, and it leaves the caller's retirable list", async () => {
    const before = await gql<{ retirableGrants: { edges: { node: { id: string; grantId: string; keyId: string } }[] } }>(
      stack.gw,
      RETIRABLE,
      {},
      stack.bob,
    );
    const target = before.body.data?.retirableGrants.edges.find((e) => e.node.keyId === DEMO.keys.backup)?.node;
    const { body } = await gql(
      stack.gw,
      RETIRE,
      { input: { keyId: DEMO.keys.backup, grantId: target?.grantId, clientMutationId: 'r1' } },
      stack.bob,
    );
    expect(body).toEqual({
      data: { retireGrant: { keyId: DEMO.keys.backup, grantId: target?.grantId, retiredGrantId: target?.id, clientMutationId: 'r1' } },
    });
    const after = await gql<{ retirableGrants: { edges: { node: { grantId: string } }[] } }>(stack.gw, RETIRABLE, {}, stack.bob);
    expect(after.body.data?.retirableGrants.edges.some((e) => e.node.grantId === target?.grantId)).toBe(false);
  });

  it('leaves who may retire to KMS: FORBIDDEN (KMS.0306) for a grant bob may not retire, NOT_FOUND (KMS.2501) for a gone grant', async () => {
    const gone = 'ab'.repeat(32);
    const forbidden = await gql(stack.gw, RETIRE, { input: { keyId: DEMO.keys.app, grantId: DEMO.grants.appCarolRetires } }, stack.bob);
    const missing = await gql(stack.gw, RETIRE, { input: { keyId: DEMO.keys.app, grantId: gone } }, stack.bob);
    expect([errorSummary(forbidden.body), errorSummary(missing.body)]).toEqual([
      [expectedError(['retireGrant'], 'FORBIDDEN', 'KMS.0306')],
      [expectedError(['retireGrant'], 'NOT_FOUND', 'KMS.2501')],
    ]);
  });

  it('refuses a malformed grant id before any KMS call', async () => {
    const { body } = await gql(stack.gw, RETIRE, { input: { keyId: DEMO.keys.app, grantId: 'xyz' } }, stack.bob);
    expect({ errors: errorSummary(body), calls: stack.emulator.requests.length }).toEqual({
      errors: [expectedError(['retireGrant'], 'BAD_USER_INPUT')],
      calls: 0,
    });
  });
});

describe('writes are never retried', () => {
  const cases = [
    {
      name: 'createGrant under 503',
      action: 'create-grant',
      effect: { kind: 'error', status: 503, shape: 'kms', code: 'KMS.0104' },
      code: 'UPSTREAM_ERROR',
    },
    { name: 'createGrant that times out', action: 'create-grant', effect: { kind: 'hang' }, code: 'UPSTREAM_TIMEOUT' },
    {
      name: 'retireGrant under 503',
      action: 'retire-grant',
      effect: { kind: 'error', status: 503, shape: 'kms', code: 'KMS.0104' },
      code: 'UPSTREAM_ERROR',
    },
    { name: 'retireGrant that times out', action: 'retire-grant', effect: { kind: 'hang' }, code: 'UPSTREAM_TIMEOUT' },
  ] as const;
  for (const c of cases) {
    it(`makes exactly one ${c.action} call for ${c.name}, answered ${c.code}`, async () => {
      stack.emulator.faults.set({ action: c.action, effect: c.effect });
      const field = c.action === 'create-grant' ? 'createGrant' : 'retireGrant';
      const result =
        c.action === 'create-grant'
          ? await gql(
              stack.gw,
              CREATE,
              { input: { keyId: DEMO.keys.app, granteePrincipal: BOB_ID(), operations: ['DESCRIBE_KEY'] } },
              stack.alice,
            )
          : await gql(stack.gw, RETIRE, { input: { keyId: DEMO.keys.backup, grantId: DEMO.grants.carolsDemoDescribe } }, stack.bob);
      expect({ errors: errorSummary(result.body), calls: kmsActions().filter((a) => a === c.action).length }).toEqual({
        errors: [expectedError([field], c.code, c.code === 'UPSTREAM_ERROR' ? 'KMS.0104' : undefined)],
        calls: 1,
      });
      if (c.code === 'UPSTREAM_TIMEOUT') expect(result.body.errors?.[0]?.message).toMatch(/re-read|refetch|list/i);
    });
  }
});
