import { describe, expect, it } from 'vitest';
import type { GrantConnectionResult } from '../../src/relay/connection.ts';
import type { CursorPosition } from '../../src/relay/cursor.ts';
import type { KmsGrant } from '../../src/kms/types.ts';
import { CONNECTION, CURSORS, START, assemble, fixtureGrant, grantsOf, pageSource, scriptedSource } from './pageSource.ts';
import type { PageCall } from './pageSource.ts';

const encodeCursor = CURSORS.encode;
const decodeCursor = CURSORS.decode;

const TWENTY_FIVE_GRANTS = grantsOf(25);
const HUNDRED_GRANTS = grantsOf(100);
const THREE_GRANTS = grantsOf(3);

/** The markers each call should have received: the start's, then each previous answer's next_marker. */
const expectedMarkers = (start: CursorPosition, calls: readonly PageCall[]): string[] =>
  calls.map((_, i) => (i === 0 ? start.marker : (calls[i - 1]?.page.next_marker ?? '<none>')));

const ids = (result: GrantConnectionResult): string[] => result.edges.map((edge) => edge.node.grant_id);
const idsOf = (grants: readonly KmsGrant[]): string[] => grants.map((grant) => grant.grant_id);

/** What a page of `first` grants starting at `offset` must look like, cursors aside. */
function expectedPage(grants: readonly KmsGrant[], offset: number, first: number) {
  const edges = grants.slice(offset, offset + first);
  return { ids: idsOf(edges), hasNextPage: offset + first < grants.length, hasPreviousPage: false, totalCount: grants.length };
}

/** A result reduced to what does not depend on cursor bytes, plus the start/end cursor invariants. */
function summary(result: GrantConnectionResult) {
  return {
    ids: ids(result),
    hasNextPage: result.pageInfo.hasNextPage,
    hasPreviousPage: result.pageInfo.hasPreviousPage,
    totalCount: result.totalCount,
  };
}

const CAPS = [1, 3, 7, 100] as const;
const FIRSTS = [1, 3, 7, 10, 1000] as const;
const SIZES: ReadonlyArray<[string, readonly KmsGrant[]]> = [
  ['25 grants', TWENTY_FIVE_GRANTS],
  ['100 grants', HUNDRED_GRANTS],
];

const MATRIX = SIZES.flatMap(([size, grants]) =>
  CAPS.flatMap((cap) => FIRSTS.map((first) => ({ name: `${size}, page cap ${cap}, first ${first}`, grants, cap, first }))),
);

/**
 * Walks the whole connection from the start by endCursor, and resumes once from every edge cursor
 * met on the way; checks each result against the fixture and each call's marker and limit.
 */
async function walkAndResumeEverywhere(grants: readonly KmsGrant[], cap: number, first: number, ignoreLimit: boolean) {
  const source = pageSource(grants, cap, ignoreLimit);
  const walked: string[] = [];
  const mismatches: unknown[] = [];
  const check = (where: string, start: CursorPosition, offset: number, run: { result: GrantConnectionResult; calls: PageCall[] }) => {
    const got = summary(run.result);
    const want = expectedPage(grants, offset, first);
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push({ where, got, want });
    const markers = run.calls.map((call) => call.marker);
    if (JSON.stringify(markers) !== JSON.stringify(expectedMarkers(start, run.calls))) mismatches.push({ where, markers });
    const { startCursor, endCursor } = run.result.pageInfo;
    if (startCursor !== (run.result.edges[0]?.cursor ?? null) || endCursor !== (run.result.edges.at(-1)?.cursor ?? null)) {
      mismatches.push({ where, startCursor, endCursor });
    }
  };
  let start = START;
  for (let offset = 0; ; ) {
    const run = await assemble(source, start, first);
    check(`walk at ${offset}`, start, offset, run);
    walked.push(...ids(run.result));
    for (const [i, edge] of run.result.edges.entries()) {
      const resumeAt = decodeCursor(edge.cursor, CONNECTION);
      check(`resume after ${offset + i}`, resumeAt, offset + i + 1, await assemble(source, resumeAt, first));
    }
    const end = run.result.pageInfo.endCursor;
    if (!run.result.pageInfo.hasNextPage || end === null || walked.length > grants.length) break;
    offset += run.result.edges.length;
    start = decodeCursor(end, CONNECTION);
  }
  const badLimits = source.calls.map((call) => call.limit).filter((limit) => !Number.isInteger(limit) || limit < 1 || limit > 1000);
  return { walked, mismatches, badLimits };
}

/**
 * Walks `grants` under KMS pages of `walkCap` by endCursor with `walkFirst`, keeping every edge
 * cursor (and the start); then, with KMS pages now capped at `resumeCap`, walks from each of
 * them to the end with `resumeFirst` (one call for `first: 0`). Returns, per starting point, the
 * grant ids met and every page that differs from what that offset must give.
 */
async function resumeUnderAnotherCap(
  grants: readonly KmsGrant[],
  walk: { cap: number; first: number },
  resume: { cap: number; first: number },
  ignoreLimit: boolean,
) {
  const source = pageSource(grants, walk.cap, ignoreLimit);
  const starts: CursorPosition[] = [START];
  for (let start = START; ; ) {
    const { result } = await assemble(source, start, walk.first);
    starts.push(...result.edges.map((edge) => decodeCursor(edge.cursor, CONNECTION)));
    if (!result.pageInfo.hasNextPage || result.pageInfo.endCursor === null || starts.length > grants.length + 1) break;
    start = decodeCursor(result.pageInfo.endCursor, CONNECTION);
  }
  source.setCap(resume.cap);
  const walked: string[][] = [];
  const mismatches: unknown[] = [];
  for (const [index, from] of starts.entries()) {
    const ids: string[] = [];
    for (let start = from; ; ) {
      const run = await assemble(source, start, resume.first);
      const got = summary(run.result);
      const want = expectedPage(grants, index + ids.length, resume.first);
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push({ from: index, at: index + ids.length, got, want });
      ids.push(...got.ids);
      const end = run.result.pageInfo.endCursor;
      if (resume.first === 0 || !run.result.pageInfo.hasNextPage || end === null || ids.length > grants.length) break;
      start = decodeCursor(end, CONNECTION);
    }
    walked.push(ids);
  }
  return { starts: starts.length, walked, mismatches };
}

describe('relay/connection', () => {
  describe('whole results', () => {
    it('assembles the first two of three grants over pages of two, then the last one from the end cursor', async () => {
      const source = pageSource(THREE_GRANTS, 2);
      const firstRun = await assemble(source, START, 2);
      const secondMarker = firstRun.calls[0]?.page.next_marker ?? '<none>';
      const firstEdges = [
        { cursor: encodeCursor({ connection: CONNECTION, marker: '', skip: 1 }), node: fixtureGrant(0) },
        { cursor: encodeCursor({ connection: CONNECTION, marker: secondMarker, skip: 0 }), node: fixtureGrant(1) },
      ];
      const lastCursor = encodeCursor({ connection: CONNECTION, marker: secondMarker, skip: 1 });
      const secondRun = await assemble(source, decodeCursor(firstEdges[1]?.cursor ?? '', CONNECTION), 2);

      expect([firstRun, secondRun]).toEqual([
        {
          result: {
            edges: firstEdges,
            pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: firstEdges[0]?.cursor, endCursor: firstEdges[1]?.cursor },
            totalCount: 3,
          },
          calls: [
            { marker: '', limit: 2, page: { grants: THREE_GRANTS.slice(0, 2), next_marker: secondMarker, truncated: 'true', total: 3 } },
          ],
        },
        {
          result: {
            edges: [{ cursor: lastCursor, node: fixtureGrant(2) }],
            pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: lastCursor, endCursor: lastCursor },
            totalCount: 3,
          },
          calls: [
            { marker: secondMarker, limit: 2, page: { grants: THREE_GRANTS.slice(2), next_marker: '', truncated: 'false', total: 3 } },
          ],
        },
      ]);
    });

    it('answers an empty key with no edges, null cursors and a totalCount of 0', async () => {
      const source = pageSource([], 7);
      expect(await assemble(source, START, 20)).toEqual({
        result: { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, totalCount: 0 },
        calls: [{ marker: '', limit: 20, page: { grants: [], next_marker: '', truncated: 'false', total: 0 } }],
      });
    });

    it('leaves totalCount null when KMS sends no total', async () => {
      const source = scriptedSource(() => ({ grants: [fixtureGrant(0)], next_marker: '', truncated: 'false' }));
      const cursor = encodeCursor({ connection: CONNECTION, marker: '', skip: 1 });
      expect((await assemble(source, START, 5)).result).toEqual({
        edges: [{ cursor, node: fixtureGrant(0) }],
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: cursor, endCursor: cursor },
        totalCount: null,
      });
    });
  });

  describe('paging from every edge cursor (an upstream honouring limit)', () => {
    it.for(MATRIX)('$name: yields every grant once, in order, and resumes exactly after each edge', async ({ grants, cap, first }) => {
      expect(await walkAndResumeEverywhere(grants, cap, first, false)).toEqual({ walked: idsOf(grants), mismatches: [], badLimits: [] });
    });
  });

  describe('paging from every edge cursor (an upstream with its own page size, ignoring limit)', () => {
    it.for(MATRIX)('$name: yields every grant once, in order, and resumes exactly after each edge', async ({ grants, cap, first }) => {
      expect(await walkAndResumeEverywhere(grants, cap, first, true)).toEqual({ walked: idsOf(grants), mismatches: [], badLimits: [] });
    });
  });

  describe('resuming after KMS page sizes change (the skip carries over to the following pages)', () => {
    const WALKS = [
      { cap: 7, first: 1000 },
      { cap: 7, first: 3 },
      { cap: 3, first: 1000 },
    ] as const;
    const RESUME_CAPS = [3, 1, 7, 1000] as const;
    const RESUME_FIRSTS = [0, 1, 4, 1000] as const;
    const CASES = [false, true].flatMap((ignoreLimit) =>
      WALKS.flatMap((walk) =>
        RESUME_CAPS.filter((cap) => cap !== walk.cap).flatMap((cap) =>
          RESUME_FIRSTS.map((first): [string, { walk: typeof walk; resume: { cap: number; first: number }; ignoreLimit: boolean }] => [
            `walked by ${walk.first} over pages of ${walk.cap}, resumed by ${first} over pages of ${cap}${ignoreLimit ? ', KMS ignoring limit' : ''}`,
            { walk, resume: { cap, first }, ignoreLimit },
          ]),
        ),
      ),
    );

    it.for(CASES)('%s: every cursor gives exactly the grants after its edge', async ([, { walk, resume, ignoreLimit }]) => {
      const grants = TWENTY_FIVE_GRANTS;
      const all = idsOf(grants);
      expect(await resumeUnderAnotherCap(grants, walk, resume, ignoreLimit)).toEqual({
        starts: grants.length + 1,
        // From the start and after each of the 25 edges: every grant after that point, in order.
        walked: Array.from({ length: grants.length + 1 }, (_, offset) => (resume.first === 0 ? [] : all.slice(offset))),
        mismatches: [],
      });
    });

    it('resumes after the 6th edge of pages of 7 with the 7th to 10th grants once KMS pages are capped at 3', async () => {
      const source = pageSource(TWENTY_FIVE_GRANTS, 7);
      const walk = await assemble(source, START, 25);
      const afterSixth = decodeCursor(walk.result.edges[5]?.cursor ?? '', CONNECTION);
      source.setCap(3);
      const resumed = await assemble(source, afterSixth, 4);
      expect({
        afterSixth,
        ids: ids(resumed.result),
        hasNextPage: resumed.result.pageInfo.hasNextPage,
        calls: resumed.calls.map((call) => ({ marker: call.marker, limit: call.limit, grants: call.page.grants.length })),
      }).toEqual({
        afterSixth: { connection: CONNECTION, marker: '', skip: 6 },
        ids: idsOf(TWENTY_FIVE_GRANTS.slice(6, 10)),
        hasNextPage: true,
        // 6 to skip: 3 on the first page, 3 on the second; then the 4 wanted, over two pages.
        calls: [
          { marker: '', limit: 10, grants: 3 },
          { marker: expectedMarkers(afterSixth, resumed.calls)[1], limit: 7, grants: 3 },
          { marker: expectedMarkers(afterSixth, resumed.calls)[2], limit: 4, grants: 3 },
          { marker: expectedMarkers(afterSixth, resumed.calls)[3], limit: 1, grants: 1 },
        ],
      });
    });

    it('still makes one KMS call per resume when the page size has not changed (or has grown)', async () => {
      const source = pageSource(TWENTY_FIVE_GRANTS, 7);
      const walk = await assemble(source, START, 25);
      const cursors = walk.result.edges.map((edge) => decodeCursor(edge.cursor, CONNECTION));
      const callsPerResume: number[] = [];
      for (const cap of [7, 1000]) {
        source.setCap(cap);
        for (const cursor of cursors) callsPerResume.push((await assemble(source, cursor, 1)).calls.length);
      }
      expect(callsPerResume).toEqual(cursors.flatMap(() => [1]).concat(cursors.flatMap(() => [1])));
    });

    it('ends the connection (no edges, hasNextPage false) when KMS says nothing remains past a page shorter than the skip', async () => {
      const source = scriptedSource(() => ({ grants: [fixtureGrant(0), fixtureGrant(1)], next_marker: '', truncated: 'false', total: 2 }));
      const runs = [];
      for (const first of [0, 1, 20]) runs.push(await assemble(source, { connection: CONNECTION, marker: 'm', skip: 5 }, first));
      expect(runs.map((run) => ({ result: run.result, markers: run.calls.map((call) => call.marker) }))).toEqual(
        [0, 1, 20].map(() => ({
          result: {
            edges: [],
            pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
            totalCount: 2,
          },
          markers: ['m'],
        })),
      );
    });

    // A misbehaving upstream while the skip carries over: connectionUpstream.test.ts.
  });

  describe('first: 0', () => {
    it.for(SIZES.flatMap(([size, grants]) => CAPS.map((cap) => ({ name: `${size}, page cap ${cap}`, grants, cap }))))(
      '$name: returns no edges but totalCount and an exact hasNextPage, from the start and after every edge',
      async ({ grants, cap }) => {
        const source = pageSource(grants, cap);
        const walk = await assemble(source, START, grants.length);
        const starts = [START, ...walk.result.edges.map((edge) => decodeCursor(edge.cursor, CONNECTION))];
        const results: GrantConnectionResult[] = [];
        for (const start of starts) results.push((await assemble(source, start, 0)).result);
        expect(results).toEqual(
          starts.map((_, offset) => ({
            edges: [],
            pageInfo: { hasNextPage: offset < grants.length, hasPreviousPage: false, startCursor: null, endCursor: null },
            totalCount: grants.length,
          })),
        );
      },
    );
  });

  describe('hasNextPage at the boundary', () => {
    it('is false when first equals the remaining grants and true when one more remains', async () => {
      const source = pageSource(TWENTY_FIVE_GRANTS, 7);
      const all = await assemble(source, START, 25);
      const afterTwenty = decodeCursor(all.result.edges[19]?.cursor ?? '', CONNECTION);
      const pages = [
        await assemble(source, START, 25),
        await assemble(source, START, 24),
        await assemble(source, afterTwenty, 5),
        await assemble(source, afterTwenty, 4),
        await assemble(source, afterTwenty, 6),
      ];
      expect(pages.map((page) => summary(page.result))).toEqual([
        expectedPage(TWENTY_FIVE_GRANTS, 0, 25),
        expectedPage(TWENTY_FIVE_GRANTS, 0, 24),
        expectedPage(TWENTY_FIVE_GRANTS, 20, 5),
        expectedPage(TWENTY_FIVE_GRANTS, 20, 4),
        expectedPage(TWENTY_FIVE_GRANTS, 20, 6),
      ]);
      expect(pages.map((page) => page.result.pageInfo.hasNextPage)).toEqual([false, true, false, true, false]);
    });
  });

  describe('what KMS is asked', () => {
    it('passes back exactly the previous next_marker and asks limits between 1 and 1000', async () => {
      const source = pageSource(HUNDRED_GRANTS, 3);
      const run = await assemble(source, START, 1000);
      expect({
        markers: run.calls.map((call) => call.marker),
        limits: run.calls.map((call) => call.limit),
      }).toEqual({
        markers: expectedMarkers(START, run.calls),
        limits: run.calls.map((_, i) => 1000 - 3 * i),
      });
    });

    it('asks for the grants wanted, plus one when first is 0', async () => {
      const source = pageSource(HUNDRED_GRANTS, 100);
      const limits: number[] = [];
      for (const first of [0, 1, 20, 1000]) limits.push(...(await assemble(source, START, first)).calls.map((call) => call.limit));
      expect(limits).toEqual([1, 1, 20, 1000]);
    });
  });
});
