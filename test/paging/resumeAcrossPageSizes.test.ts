/**
 * Cursors issued while KMS served pages of one size, resumed after it changed (KMS's page size
 * changed between two requests, or it capped `limit`): contract.md, Relay semantics, "Every edge
 * cursor resumes exactly after its edge: no gap, no duplicate, whatever the upstream page size."
 * A cursor's position inside a page that has since become shorter carries over to the following
 * pages.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeGrants, makeKey, makeKeyId } from '../support/fixtures.ts';
import { ALICE, CONNECTION_FIELDS, asUser, gql, startStack } from '../support/gateway.ts';
import type { ConnectionShape, Stack } from '../support/gateway.ts';

const KEY = makeKeyId(25);
const GRANTS = makeGrants(KEY, 25);
const GRANT_IDS = GRANTS.map((g) => g.grant_id);
/** KMS's page size while the cursors are issued. */
const WALK_CAP = 7;
/** KMS's page size when they are used: shorter (down to one grant), and longer than any `limit`. */
const RESUME_CAPS = [3, 1, 1000] as const;

const QUERY = `query($keyId: ID!, $first: Int, $after: String) {
  page: grants(keyId: $keyId, first: $first, after: $after) { ${CONNECTION_FIELDS} } }`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ keys: [makeKey(KEY, 'resume')], grants: GRANTS, pageCap: WALK_CAP });
});
afterAll(async () => stack.close());
beforeEach(() => stack.fake.reset());

async function page(first: number, after?: string): Promise<ConnectionShape> {
  const { body } = await gql<{ page: ConnectionShape }>(stack.gw, QUERY, { keyId: KEY, first, after }, asUser(ALICE));
  const data = body.data?.page;
  if (data === undefined || body.errors !== undefined) throw new Error(`no page in ${JSON.stringify(body)}`);
  return data;
}

/** Every edge cursor of a walk of the whole key by `first`, in order (cursor i resumes after grant i). */
async function walkCursors(first: number): Promise<string[]> {
  const cursors: string[] = [];
  let after: string | undefined;
  for (let guard = 0; guard <= GRANTS.length; guard += 1) {
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
function after(index: number, first: number) {
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
      expect(cursors.length).toBe(GRANTS.length);
      stack.fake.setPageCap(cap);
      const got: unknown[] = [];
      for (const [index, cursor] of cursors.entries()) {
        got.push({ index, rest: await resumed(cursor, 1000), next4: await resumed(cursor, 4), none: await resumed(cursor, 0) });
      }
      expect(got).toEqual(cursors.map((_, index) => ({ index, rest: after(index, 1000), next4: after(index, 4), none: after(index, 0) })));
    });
  });

  it('resumes after the 6th edge with the 7th to 10th grants once KMS pages are capped at 3', async () => {
    const cursors = await walkCursors(1000);
    stack.fake.setPageCap(3);
    expect(await resumed(cursors[5] ?? '', 4)).toEqual({ grantIds: GRANT_IDS.slice(6, 10), hasNextPage: true, totalCount: 25 });
  });

  it.each([WALK_CAP, 1000])('still costs one list-grants call per resume by 1 when KMS pages are %i', async (cap) => {
    const cursors = await walkCursors(1000);
    stack.fake.setPageCap(cap);
    const calls: number[] = [];
    for (const cursor of cursors) {
      const before = stack.fake.calls('list-grants').length;
      await resumed(cursor, 1);
      calls.push(stack.fake.calls('list-grants').length - before);
    }
    expect(calls).toEqual(cursors.map(() => 1));
  });
});
