import { gatewayError } from '../errors/codes.ts';
import type { KmsGrant, KmsGrantPage } from '../kms/types.ts';
import { KMS_MAX_LIMIT } from '../kms/types.ts';
import type { CursorCodec, CursorPosition } from './cursor.ts';

/** One assembled Relay connection, before GraphQL field resolution. */
export interface ConnectionResult<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number | null;
}

/** A connection of grants. */
export type GrantConnectionResult = ConnectionResult<KmsGrant>;

/** What every KMS list page has besides its items (list-grants, list-retirable-grants, list-keys). */
export interface KmsPageMeta {
  next_marker: string;
  truncated: 'true' | 'false';
  total?: number;
}

/** Fetches one KMS page: the page starting at `marker` (`""` = first), at most `limit` items. */
export type PageFetcher<P extends KmsPageMeta = KmsGrantPage> = (marker: string, limit: number) => Promise<P>;

/** The grants of a list-grants page, as {@link assembleConnection} reads them by default. */
const grantsOf = (page: KmsGrantPage): readonly KmsGrant[] => page.grants;

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
export function assembleConnection(
  start: CursorPosition,
  first: number,
  fetchPage: PageFetcher,
  cursors: Pick<CursorCodec, 'encode'>,
): Promise<GrantConnectionResult> {
  return assembleConnectionOf(start, first, fetchPage, grantsOf, cursors);
}

/** {@link assembleConnection} over any KMS list: `itemsOf` reads a page's items (`key_details` of list-keys). */
export async function assembleConnectionOf<P extends KmsPageMeta, T>(
  start: CursorPosition,
  first: number,
  fetchPage: PageFetcher<P>,
  itemsOf: (page: P) => readonly T[],
  cursors: Pick<CursorCodec, 'encode'>,
): Promise<ConnectionResult<T>> {
  const edges: ConnectionResult<T>['edges'] = [];
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
    const items = itemsOf(page);
    const more = page.truncated === 'true' && page.next_marker !== '';
    const taken = items.slice(skip, skip + wanted);
    taken.forEach((item, i) => {
      const index = skip + i + 1;
      const position = index === items.length && more ? { marker: page.next_marker, skip: 0 } : { marker, skip: index };
      edges.push({ cursor: cursors.encode({ connection: start.connection, ...position }), node: item });
    });
    if (skip + taken.length < items.length) {
      hasNextPage = true;
      break;
    }
    if (!more) break;
    // Grants of the following pages still to skip: more than 0 only when this page is shorter
    // than the skip (no edge was taken from it).
    const carried = Math.max(skip - items.length, 0);
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
