import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, expectedError, gql } from '../support/gateway.ts';

interface KeyPage {
  keys: {
    totalCount: number | null;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: { keyId: string } }[];
  };
}

const KEYS = `query($first: Int, $after: String, $state: KeyState) {
  keys(first: $first, after: $after, state: $state) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { keyId } }
  }
}`;

const stack = useEmulatorStack();
beforeEach(() => stack.emulator.reset());

const listKeysCalls = () => stack.emulator.requests.filter((r) => r.action === 'list-keys');

async function page(variables: Record<string, unknown>): Promise<KeyPage['keys']> {
  const { body } = await gql<KeyPage>(stack.gw, KEYS, variables, stack.alice);
  expect(body.errors).toBeUndefined();
  const keys = body.data?.keys;
  if (keys === undefined) throw new Error('no keys');
  return keys;
}

/** Every key id from `after` on, `first` at a time; the cursors of each edge too. */
async function walk(first: number, state?: string, after?: string): Promise<{ ids: string[]; cursors: string[] }> {
  const ids: string[] = [];
  const cursors: string[] = [];
  let cursor = after;
  for (;;) {
    const keys = await page({ first, after: cursor, state });
    ids.push(...keys.edges.map((e) => e.node.keyId));
    cursors.push(...keys.edges.map((e) => e.cursor));
    if (!keys.pageInfo.hasNextPage) return { ids, cursors };
    cursor = keys.pageInfo.endCursor ?? undefined;
  }
}

describe('Query.keys: a Relay connection over list-keys', () => {
  it('asks list-keys for every key spec (key_spec "ALL"), so asymmetric keys are listed too', async () => {
    const { ids } = await walk(1000);
    expect(ids).toContain(DEMO.keys.rsa);
    expect(listKeysCalls().map((r) => r.body?.['key_spec'])).toEqual(['ALL']);
  });

  for (const cap of [1, 3, 1000]) {
    it(`fills first across KMS pages capped at ${cap}, and every edge cursor resumes exactly after its edge`, async () => {
      const all = (await walk(1000)).ids;
      stack.emulator.settings.pageCap = cap;
      const walked = await walk(4);
      expect(walked.ids).toEqual(all);
      for (const [i, cursor] of walked.cursors.entries()) {
        expect((await walk(1000, undefined, cursor)).ids).toEqual(all.slice(i + 1));
      }
    });
  }

  it('resumes every cursor exactly after its edge when the KMS page size changes in between (7, then 3, 1 and 1000)', async () => {
    stack.emulator.settings.pageCap = 7;
    const walked = await walk(2);
    for (const cap of [3, 1, 1000]) {
      stack.emulator.settings.pageCap = cap;
      for (const [i, cursor] of walked.cursors.entries()) {
        expect((await walk(1000, undefined, cursor)).ids).toEqual(walked.ids.slice(i + 1));
      }
    }
  });

  it('passes opaque markers back verbatim', async () => {
    stack.emulator.settings.markers = 'opaque';
    stack.emulator.settings.pageCap = 2;
    const all = await walk(3);
    expect(all.ids.length).toBeGreaterThan(4);
  });

  it('filters by state (key_state "1".."5") and binds cursors to the filter: a cursor of keys(state: ENABLED) on keys or on grants is BAD_USER_INPUT, with no KMS call', async () => {
    const enabled = await page({ first: 1, state: 'ENABLED' });
    const cursor = enabled.edges[0]?.cursor;
    expect(listKeysCalls().map((r) => r.body?.['key_state'])).toEqual(['2']);
    stack.emulator.requests.length = 0;
    const unfiltered = await gql(stack.gw, KEYS, { first: 1, after: cursor }, stack.alice);
    const disabled = await gql(stack.gw, KEYS, { first: 1, after: cursor, state: 'DISABLED' }, stack.alice);
    const grants = await gql(
      stack.gw,
      `query($k: ID!, $a: String) { grants(keyId: $k, after: $a) { totalCount } }`,
      { k: DEMO.keys.full, a: cursor },
      stack.alice,
    );
    expect({
      unfiltered: errorSummary(unfiltered.body),
      disabled: errorSummary(disabled.body),
      grants: errorSummary(grants.body),
      calls: stack.emulator.requests.length,
    }).toEqual({
      unfiltered: [expectedError(['keys'], 'BAD_USER_INPUT')],
      disabled: [expectedError(['keys'], 'BAD_USER_INPUT')],
      grants: [expectedError(['grants'], 'BAD_USER_INPUT')],
      calls: 0,
    });
  });

  it('answers first: 0 with totalCount and hasNextPage but no edges; refuses first over 1000 before any KMS call', async () => {
    const none = await page({ first: 0 });
    const tooMany = await gql(stack.gw, KEYS, { first: 1001 }, stack.alice);
    expect({ edges: none.edges, hasNext: none.pageInfo.hasNextPage, total: (none.totalCount ?? 0) > 0 }).toEqual({
      edges: [],
      hasNext: true,
      total: true,
    });
    expect(errorSummary(tooMany.body)).toEqual([expectedError(['keys'], 'BAD_USER_INPUT')]);
  });
});

describe('KMS calls of keys, key and Key.grants', () => {
  it('primes describe-key with list-keys details: keys { grants { key } } costs no describe-key for listed keys', async () => {
    const { body } = await gql(
      stack.gw,
      `{ keys(first: 20) { edges { node { keyId alias grants(first: 2) { edges { node { grantId key { alias state } } } } } } } }`,
      {},
      stack.alice,
    );
    expect(body.errors).toBeUndefined();
    const actions = stack.emulator.requests.map((r) => r.action);
    const keyCount = (body.data as { keys: { edges: unknown[] } }).keys.edges.length;
    expect({
      listKeys: actions.filter((a) => a === 'list-keys').length,
      listGrants: actions.filter((a) => a === 'list-grants').length,
      describeKey: actions.filter((a) => a === 'describe-key').length,
    }).toEqual({ listKeys: 1, listGrants: keyCount, describeKey: 0 });
  });

  it('fetches identical pages once: the same Key.grants page asked through two aliases and Query.grants is one list-grants call', async () => {
    const { body } = await gql(
      stack.gw,
      `query($k: ID!) { a: key(keyId: $k) { grants(first: 3) { totalCount } } b: key(keyId: $k) { grants(first: 3) { totalCount } } c: grants(keyId: $k, first: 3) { totalCount } }`,
      { k: DEMO.keys.app },
      stack.alice,
    );
    expect(body.errors).toBeUndefined();
    expect(stack.emulator.requests.map((r) => r.action).sort()).toEqual(['describe-key', 'list-grants']);
  });

  it('makes Key.grants cursors interchangeable with Query.grants cursors', async () => {
    const { body } = await gql<{ key: { grants: { pageInfo: { endCursor: string } } } }>(
      stack.gw,
      `query($k: ID!) { key(keyId: $k) { grants(first: 2) { pageInfo { endCursor } } } }`,
      { k: DEMO.keys.app },
      stack.alice,
    );
    const after = body.data?.key.grants.pageInfo.endCursor;
    const resumed = await gql(
      stack.gw,
      `query($k: ID!, $a: String) { grants(keyId: $k, first: 1, after: $a) { edges { node { grantId } } } }`,
      { k: DEMO.keys.app, a: after },
      stack.alice,
    );
    expect(resumed.body.errors).toBeUndefined();
  });

  it('answers key(keyId) null for a key that does not exist, and shares the describe-key batch with Grant.key', async () => {
    const missing = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
    const { body } = await gql(
      stack.gw,
      `query($k: ID!, $m: ID!) { key(keyId: $k) { alias } gone: key(keyId: $m) { alias } grants(keyId: $k, first: 5) { edges { node { key { alias } } } } }`,
      { k: DEMO.keys.app, m: missing },
      stack.alice,
    );
    expect((body.data as { gone: unknown }).gone).toBeNull();
    expect(body.errors).toBeUndefined();
    expect(
      stack.emulator.requests
        .filter((r) => r.action === 'describe-key')
        .map((r) => r.body?.['key_id'])
        .sort(),
    ).toEqual([DEMO.keys.app, missing].sort());
  });
});
