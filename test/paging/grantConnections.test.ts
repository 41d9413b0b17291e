import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, kmsBody, kmsCalls, listFromKms, useEmulatorStack } from '../support/emulatorStack.ts';
import { CONNECTION_FIELDS, errorSummary, expectedError, gql, type ConnectionShape } from '../support/gateway.ts';

// Fixtures: demo-full (KEY_A, alice's, the full 100 grants); bob's 36 retirable grants, on 7 keys;
// demo-app (KEY_C) and demo-backup (KEY_B) as other keys. KMS serves pages of at most 7 and
// opaque markers bound to their listing (anything else sent back is refused with KMS.1602).
const KEY_A = DEMO.keys.full;
const KEY_B = DEMO.keys.backup;
const KEY_C = DEMO.keys.app;
const PAGE_CAP = 7;
const FIRSTS = [1, 3, 7, 10, 1000] as const;
/** An opaque marker as the emulator issues them: `m:` and base64 holding `+`, `/` and `=`. */
const OPAQUE_MARKER = /^m:[A-Za-z0-9+/]+=*$/;

/** A connection under test: its query, caller, and the grant ids it must yield in order (read from KMS). */
interface Conn {
  name: string;
  query: string;
  variables: Record<string, unknown>;
  user: 'alice' | 'bob';
  ids: string[];
  action: 'list-grants' | 'list-retirable-grants';
}

const GRANTS_OF_A: Conn = {
  name: 'grants(keyId: A)',
  query: `query($keyId: ID!, $first: Int, $after: String) {
    page: grants(keyId: $keyId, first: $first, after: $after) { ${CONNECTION_FIELDS} } }`,
  variables: { keyId: KEY_A },
  user: 'alice',
  ids: [],
  action: 'list-grants',
};
const RETIRABLE_OF_BOB: Conn = {
  name: 'retirableGrants',
  query: `query($first: Int, $after: String) {
    page: retirableGrants(first: $first, after: $after) { ${CONNECTION_FIELDS} } }`,
  variables: {},
  user: 'bob',
  ids: [],
  action: 'list-retirable-grants',
};

const stack = useEmulatorStack({}, { pageCap: PAGE_CAP, markers: 'opaque' });
beforeAll(async () => {
  GRANTS_OF_A.ids = (await listFromKms(stack.emulator, KEY_A, stack.tokens.alice)).map((g) => g.grant_id);
  RETIRABLE_OF_BOB.ids = (await listFromKms(stack.emulator, undefined, stack.tokens.bob)).map((g) => g.grant_id);
});
beforeEach(() => stack.emulator.reset());

async function page(conn: Conn, args: { first?: number | undefined; after?: string | undefined }): Promise<ConnectionShape> {
  const { body } = await gql<{ page: ConnectionShape }>(stack.gw, conn.query, { ...conn.variables, ...args }, stack[conn.user]);
  expect(body.errors).toBeUndefined();
  const data = body.data?.page;
  if (data === undefined) throw new Error(`no page in ${JSON.stringify(body)}`);
  return data;
}

/** A page reduced to what the contract fixes, cursors checked against its own edges. */
function view(p: ConnectionShape): object {
  return {
    grantIds: p.edges.map((e) => e.node.grantId),
    pageInfo: p.pageInfo,
    totalCount: p.totalCount,
    cursorsUnique: new Set(p.edges.map((e) => e.cursor)).size === p.edges.length,
  };
}

/** What a page of `first` starting at index `start` must be, given its actual edges' cursors. */
function expected(conn: Conn, start: number, first: number, actual: ConnectionShape): object {
  const grantIds = conn.ids.slice(start, start + first);
  return {
    grantIds,
    pageInfo: {
      hasNextPage: start + grantIds.length < conn.ids.length,
      hasPreviousPage: false,
      startCursor: actual.edges[0]?.cursor ?? null,
      endCursor: actual.edges[actual.edges.length - 1]?.cursor ?? null,
    },
    totalCount: conn.ids.length,
    cursorsUnique: true,
  };
}

/**
 * Checks what KMS received: every `limit` a decimal string in range, every marker an opaque one
 * (the emulator refuses any it did not issue for this listing, so a wrong one fails the page),
 * the right key (or none), the caller's token; and that markers were used at all.
 */
function expectWellFormedListCalls(conn: Conn): void {
  const calls = kmsCalls(stack.emulator, conn.action);
  const bad = calls
    .map((r) => kmsBody(r))
    .filter((b) => {
      const limitOk = b['limit'] === undefined || (typeof b['limit'] === 'string' && /^[1-9][0-9]{0,3}$/.test(b['limit']));
      const m = b['marker'];
      const markerOk = m === undefined || m === '' || (typeof m === 'string' && OPAQUE_MARKER.test(m));
      const keyOk = conn.action === 'list-retirable-grants' ? !('key_id' in b) : b['key_id'] === KEY_A;
      return !(limitOk && markerOk && keyOk);
    });
  expect(bad).toEqual([]);
  expect(calls.every((r) => r.headers['x-auth-token'] === stack.tokens[conn.user])).toBe(true);
  expect(calls.some((r) => typeof kmsBody(r)['marker'] === 'string' && kmsBody(r)['marker'] !== '')).toBe(true);
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

describe('relay/connection over KMS: Relay connections on opaque KMS markers', () => {
  describe.each([GRANTS_OF_A, RETIRABLE_OF_BOB])('$name with upstream pages capped at 7 and opaque markers', (conn) => {
    it.each(FIRSTS)(
      'first: %i walks every grant exactly once, in order, and every edge cursor resumes right after its edge',
      async (first) => {
        const walked: string[] = [];
        const cursors: { cursor: string; index: number }[] = [];
        let after: string | undefined;
        for (let guard = 0; guard <= conn.ids.length; guard += 1) {
          const p = await page(conn, { first, after });
          expect(view(p)).toEqual(expected(conn, walked.length, first, p));
          cursors.push(...p.edges.map((e, i) => ({ cursor: e.cursor, index: walked.length + i })));
          walked.push(...p.edges.map((e) => e.node.grantId));
          if (!p.pageInfo.hasNextPage) break;
          after = p.pageInfo.endCursor ?? undefined;
        }
        expect(walked).toEqual(conn.ids);

        await inBatches(cursors, 10, async ({ cursor, index }) => {
          const p = await page(conn, { first, after: cursor });
          expect(view(p)).toEqual(expected(conn, index + 1, first, p));
        });
        expectWellFormedListCalls(conn);
      },
    );

    it('defaults first to 20', async () => {
      const p = await page(conn, {});
      expect(view(p)).toEqual(expected(conn, 0, 20, p));
    });

    it('answers first: 0 with no edges but with totalCount and hasNextPage', async () => {
      const p = await page(conn, { first: 0 });
      expect(p).toEqual({
        edges: [],
        pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
        totalCount: conn.ids.length,
      });
    });

    it('starts at the beginning with one KMS call carrying no marker (or an empty one)', async () => {
      await page(conn, { first: 3 });
      const markers = kmsCalls(stack.emulator, conn.action).map((r) => kmsBody(r)['marker'] ?? '');
      expect(markers).toEqual(['']);
    });

    it.each([-1, 1001, 2 ** 31 - 1])('rejects first: %i as BAD_USER_INPUT without calling KMS', async (first) => {
      const { body } = await gql(stack.gw, conn.query, { ...conn.variables, first }, stack[conn.user]);
      expect(errorSummary(body)).toEqual([expectedError(['page'], 'BAD_USER_INPUT')]);
      expect(stack.emulator.requests).toEqual([]);
    });
  });

  describe('cursors bound to their connection', () => {
    async function cursorOf(query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<string> {
      const { body } = await gql<{ page: ConnectionShape }>(stack.gw, query, { ...variables, first: 2 }, headers);
      const cursor = body.data?.page.edges[0]?.cursor;
      if (cursor === undefined) throw new Error(`no cursor in ${JSON.stringify(body)}`);
      stack.emulator.requests.length = 0;
      return cursor;
    }
    const foreign: { name: string; make: () => Promise<string>; target: Conn }[] = [
      { name: 'an empty string', make: async () => '', target: GRANTS_OF_A },
      { name: 'garbage', make: async () => 'not-a-cursor', target: GRANTS_OF_A },
      { name: 'base64 of nothing the gateway issued', make: async () => Buffer.from('{"o":3}').toString('base64url'), target: GRANTS_OF_A },
      { name: 'a raw KMS-looking marker', make: async () => '10', target: GRANTS_OF_A },
      {
        name: 'a cursor of another key',
        make: () => cursorOf(GRANTS_OF_A.query, { keyId: KEY_C }, stack.alice),
        target: GRANTS_OF_A,
      },
      { name: 'a cursor of retirableGrants', make: () => cursorOf(RETIRABLE_OF_BOB.query, {}, stack.bob), target: GRANTS_OF_A },
      {
        name: 'a cursor of grants(keyId)',
        make: () => cursorOf(GRANTS_OF_A.query, { keyId: KEY_B }, stack.bob),
        target: RETIRABLE_OF_BOB,
      },
    ];
    it.each(foreign)('rejects after = $name as BAD_USER_INPUT without calling KMS', async ({ make, target }) => {
      const after = await make();
      const { body } = await gql(stack.gw, target.query, { ...target.variables, first: 3, after }, stack[target.user]);
      expect({ data: body.data ?? null, errors: errorSummary(body) }).toEqual({
        data: null,
        errors: [expectedError(['page'], 'BAD_USER_INPUT')],
      });
      expect(stack.emulator.requests).toEqual([]);
    });

    it('rejects every one-character alteration of an issued cursor (a string it did not issue) without calling KMS', async () => {
      const walk = await page(GRANTS_OF_A, { first: 12 });
      const issued = new Set(walk.edges.map((e) => e.cursor));
      const original = walk.edges[9]?.cursor ?? '';
      const altered = [...original]
        .map((ch, i) => `${original.slice(0, i)}${ch === 'A' ? 'B' : 'A'}${original.slice(i + 1)}`)
        .filter((candidate) => !issued.has(candidate));
      stack.emulator.requests.length = 0;
      const accepted: string[] = [];
      await inBatches(altered, 10, async (after) => {
        const { body } = await gql(stack.gw, GRANTS_OF_A.query, { keyId: KEY_A, first: 3, after }, stack.alice);
        if (JSON.stringify(errorSummary(body)) !== JSON.stringify([expectedError(['page'], 'BAD_USER_INPUT')])) accepted.push(after);
      });
      expect({ accepted, kmsCalls: stack.emulator.requests.length }).toEqual({ accepted: [], kmsCalls: 0 });
    });

    it('resumes a cursor issued to an earlier HTTP request (self-contained, no session)', async () => {
      const first = await page(GRANTS_OF_A, { first: 9 });
      const cursor = first.edges[4]?.cursor;
      const p = await page(GRANTS_OF_A, { first: 9, after: cursor });
      expect(view(p)).toEqual(expected(GRANTS_OF_A, 5, 9, p));
    });
  });
});
