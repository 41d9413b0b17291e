import { gatewayError } from '../errors/codes.ts';
import type { KmsGrant, KmsGrantPage } from '../kms/types.ts';
import { KMS_MAX_LIMIT } from '../kms/types.ts';
import type { CursorCodec, CursorPosition } from './cursor.ts';

/** One assembled Relay connection of grants, before GraphQL field resolution. */
export interface GrantConnectionResult {
  edges: Array<{ cursor: string; node: KmsGrant }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number | null;
}

/** Fetches one KMS page: the page starting at `marker` (`""` = first), at most `limit` grants. */
export type PageFetcher = (marker: string, limit: number) => Promise<KmsGrantPage>;

/**
 * Assembles `first` grants starting at `start`, following `next_marker` while KMS returns
 * shorter pages than asked, so the caller gets min(first, remaining) edges whatever KMS's page
 * size. Every edge's cursor resumes exactly after that edge: a position inside a page is kept as
 * (page marker, index), and the last edge of a page points at the next page's marker.
 * Markers are passed back verbatim, never parsed.
 *
 * KMS's page size may change between the request that issued a cursor and the one using it (or
 * KMS may cap `limit`): when the page at the cursor's marker now holds fewer grants than its
 * skip, the rest of the skip carries over to the following pages, so the cursor still resumes
 * right after its edge. Nothing after that page means nothing after the cursor.
 */
export async function assembleConnection(
  start: CursorPosition,
  first: number,
  fetchPage: PageFetcher,
  cursors: Pick<CursorCodec, 'encode'>,
): Promise<GrantConnectionResult> {
  const edges: GrantConnectionResult['edges'] = [];
  let { marker, skip } = start;
  let totalCount: number | null = null;
  let hasNextPage = false;
  // Each round adds an edge, shortens the skip, or ends, unless KMS misbehaves (empty pages
  // that claim more, markers that cycle); the bound keeps that finite.
  const maxRounds = start.skip + first + 2;
  for (let round = 0; ; round++) {
    if (round > maxRounds) throw gatewayError('UPSTREAM_ERROR', 'KMS kept returning pages without grants');
    const wanted = first - edges.length;
    // Ask for the skipped grants plus what is wanted (at least one, to learn hasNextPage): one
    // call when KMS's page size has not changed since the cursor was issued.
    const limit = Math.min(skip + Math.max(wanted, 1), KMS_MAX_LIMIT);
    const page = await fetchPage(marker, limit);
    totalCount = page.total ?? totalCount;
    const grants = page.grants;
    const more = page.truncated === 'true' && page.next_marker !== '';
    const taken = grants.slice(skip, skip + wanted);
    taken.forEach((grant, i) => {
      const index = skip + i + 1;
      const position = index === grants.length && more ? { marker: page.next_marker, skip: 0 } : { marker, skip: index };
      edges.push({ cursor: cursors.encode({ connection: start.connection, ...position }), node: grant });
    });
    if (skip + taken.length < grants.length) {
      hasNextPage = true;
      break;
    }
    if (!more) break;
    // Grants of the following pages still to skip: more than 0 only when this page is shorter
    // than the skip (no edge was taken from it).
    const carried = Math.max(skip - grants.length, 0);
    if (carried === 0 && edges.length >= first) {
      hasNextPage = true;
      break;
    }
    if (page.next_marker === marker) {
      // A marker that does not move would loop forever; KMS never does this.
      throw gatewayError('UPSTREAM_ERROR', 'KMS returned a paging marker that does not advance');
    }
    marker = page.next_marker;
    skip = carried;
  }
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}
