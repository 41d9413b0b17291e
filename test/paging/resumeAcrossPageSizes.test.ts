/**
 * Cursors issued while KMS served pages of one size, resumed after it changed (KMS's page size
 * changed between two requests, or it capped `limit`): contract.md, Relay semantics, "Every edge
 * cursor resumes exactly after its edge: no gap, no duplicate, whatever the upstream page size."
 * A cursor's position inside a page that has since become shorter carries over to the following
 * pages.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callKms, kmsCalls, listFromKms, useEmulatorStack } from '../support/emulatorStack.ts';
import { CONNECTION_FIELDS, gql, type ConnectionShape } from '../support/gateway.ts';

/** Grants on the key made for this file (four KMS pages of 7, the last one short). */
const GRANT_COUNT = 25;
/** KMS's page size while the cursors are issued. */
const WALK_CAP = 7;
/** KMS's page size when they are used: shorter (down to one grant), and longer than any `limit`. */
const RESUME_CAPS = [3, 1, 1000] as const;
/** Cursors resumed side by side (three requests each): enough to overlap waits, few enough not to time KMS out. */
const RESUMES_AT_ONCE = 4;

const QUERY = `query($keyId: ID!, $first: Int, $after: String) {
  page: grants(keyId: $keyId, first: $first, after: $after) { ${CONNECTION_FIELDS} } }`;

const stack = useEmulatorStack({}, { pageCap: WALK_CAP, markers: 'opaque' });
/** alice's key holding {@link GRANT_COUNT} grants, made through the emulator's KMS API. */
let KEY = '';
let GRANT_IDS: string[] = [];
beforeAll(async () => {
  const { emulator, tokens } = stack;
  const created = (await callKms(emulator, 'create-key', { key_alias: 'resume-across-page-sizes' }, tokens.alice)) as {
    key_info: { key_id: string };
  };
  KEY = created.key_info.key_id;
  for (let i = 0; i < GRANT_COUNT; i += 1) {
    await callKms(
      emulator,
      'create-grant',
      { key_id: KEY, grantee_principal: emulator.demo['bob']?.userId, operations: ['describe-key'], name: `resume-${i}` },
      tokens.alice,
    );
  }
  GRANT_IDS = (await listFromKms(emulator, KEY, tokens.alice)).map((g) => g.grant_id);
});
// Not emulator.reset(): that would drop the key made above.
beforeEach(() => {
  stack.emulator.requests.length = 0;
  stack.emulator.settings.pageCap = WALK_CAP;
});

async function page(first: number, after?: string): Promise<ConnectionShape> {
  const { body } = await gql<{ page: ConnectionShape }>(stack.gw, QUERY, { keyId: KEY, first, after }, stack.alice);
  const data = body.data?.page;
  if (data === undefined || body.errors !== undefined) throw new Error(`no page in ${JSON.stringify(body)}`);
  return data;
}

/** Every edge cursor of a walk of the whole key by `first`, in order (cursor i resumes after grant i). */
async function walkCursors(first: number): Promise<string[]> {
  const cursors: string[] = [];
  let after: string | undefined;
  for (let guard = 0; guard <= GRANT_COUNT; guard += 1) {
    const p = await page(first, after);
    cursors.push(...p.edges.map((e) => e.cursor));
    if (!p.pageInfo.hasNextPage || p.pageInfo.endCursor === null) break;
    after = p.pageInfo.endCursor;
  }
  return cursors;
}

/** What resuming from `cursor` with `first` yields, reduced to what the contract fixes. */
async function resumed(cursor: string, first: number) {
  const p = await page(first, cursor);
  return { grantIds: p.edges.map((e) => e.node.grantId), hasNextPage: p.pageInfo.hasNextPage, totalCount: p.totalCount };
}

/** What it must yield: the `first` grants after grant `index`. */
function grantsAfter(index: number, first: number) {
  const grantIds = GRANT_IDS.slice(index + 1, index + 1 + first);
  return { grantIds, hasNextPage: index + 1 + grantIds.length < GRANT_IDS.length, totalCount: GRANT_IDS.length };
}

describe(`cursors issued over KMS pages of ${WALK_CAP}, resumed after KMS's page size changed`, () => {
  describe.each([
    { walkFirst: 1000, why: 'whole pages of 7: positions up to the 6th grant of a page' },
    { walkFirst: 3, why: 'pages as short as the limit asked' },
  ])('from a walk by first $walkFirst ($why)', ({ walkFirst }) => {
    it.each(RESUME_CAPS)('resumed over pages of %i, every cursor gives exactly the grants after its edge', async (cap) => {
      const cursors = await walkCursors(walkFirst);
      expect(cursors.length).toBe(GRANT_COUNT);
      stack.emulator.settings.pageCap = cap;
      // Every resume is a request of its own: a few cursors at a time may run side by side.
      const got: unknown[] = [];
      for (let i = 0; i < cursors.length; i += RESUMES_AT_ONCE) {
        const batch = cursors.slice(i, i + RESUMES_AT_ONCE).map(async (cursor, j) => {
          const [rest, next4, none] = await Promise.all([resumed(cursor, 1000), resumed(cursor, 4), resumed(cursor, 0)]);
          return { index: i + j, rest, next4, none };
        });
        got.push(...(await Promise.all(batch)));
      }
      expect(got).toEqual(
        cursors.map((_, index) => ({ index, rest: grantsAfter(index, 1000), next4: grantsAfter(index, 4), none: grantsAfter(index, 0) })),
      );
    });
  });

  it('resumes after the 6th edge with the 7th to 10th grants once KMS pages are capped at 3', async () => {
    const cursors = await walkCursors(1000);
    stack.emulator.settings.pageCap = 3;
    expect(await resumed(cursors[5] ?? '', 4)).toEqual({ grantIds: GRANT_IDS.slice(6, 10), hasNextPage: true, totalCount: GRANT_COUNT });
  });

  it.each([WALK_CAP, 1000])('still costs one list-grants call per resume by 1 when KMS pages are %i', async (cap) => {
    const cursors = await walkCursors(1000);
    stack.emulator.settings.pageCap = cap;
    const calls: number[] = [];
    for (const cursor of cursors) {
      const before = kmsCalls(stack.emulator, 'list-grants').length;
      await resumed(cursor, 1);
      calls.push(kmsCalls(stack.emulator, 'list-grants').length - before);
    }
    expect(calls).toEqual(cursors.map(() => 1));
  });
});
