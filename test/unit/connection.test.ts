import { describe, expect, it } from 'vitest';
import type { GrantConnectionResult } from '../../src/relay/connection.ts';
import type { CursorPosition } from '../../src/relay/cursor.ts';
import type { KmsGrant } from '../../src/kms/types.ts';
import { CONNECTION, CURSORS, START, assemble, fixtureGrant, grantsOf, pageSource, scriptedSource } from './support/pageSource.ts';
import type { PageCall } from './support/pageSource.ts';

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
          calls: [{ marker: '', limit: 2, page: { grants: THREE_GRANTS.slice(0, 2), next_marker: secondMarker, truncated: 'true', total: 3 } }],
        },
        {
          result: {
            edges: [{ cursor: lastCursor, node: fixtureGrant(2) }],
            pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: lastCursor, endCursor: lastCursor },
            totalCount: 3,
          },
          calls: [{ marker: secondMarker, limit: 2, page: { grants: THREE_GRANTS.slice(2), next_marker: '', truncated: 'false', total: 3 } }],
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
