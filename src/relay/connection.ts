import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
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

/**
 * Which cursors an operation reads from a connection field: every edge's `cursor`, and
 * `pageInfo`'s `startCursor` / `endCursor`. A cursor costs an HMAC (about 2.5 us): a page of
 * 20 grants whose cursors nobody selects would spend 50 us signing them. Cursors not selected
 * are left `''` (never read: GraphQL resolves only what is selected).
 */
export interface CursorSelection {
  edges: boolean;
  start: boolean;
  end: boolean;
}

/** Every cursor: what a caller that does not know its selection asks for. */
export const EVERY_CURSOR: CursorSelection = Object.freeze({ edges: true, start: true, end: true });

/** The selection of each connection field node, computed once per parsed document. */
const selectionCache = new WeakMap<FieldNode, CursorSelection>();

/**
 * The cursors the connection field of `info` selects: fields named `cursor` under `edges`, and
 * `startCursor` / `endCursor` under `pageInfo`, through inline fragments and fragment spreads,
 * over every node of the field (`grants { edges { cursor } } grants { pageInfo { endCursor } }`
 * is one field, both parts selected). Directives are not evaluated: a cursor under
 * `@skip`/`@include` counts as selected, which costs a signature and never loses a cursor.
 * Decided from the document, so it is cached per field node (the same parsed document serves
 * every request with the same query text).
 */
export function selectedCursors(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): CursorSelection {
  const [only, ...more] = info.fieldNodes;
  if (only !== undefined && more.length === 0) {
    const cached = selectionCache.get(only);
    if (cached !== undefined) return cached;
  }
  const selection = { edges: false, start: false, end: false };
  for (const node of info.fieldNodes) {
    eachField(node.selectionSet, info.fragments, (field) => {
      const name = field.name.value;
      if (name === 'edges') {
        eachField(field.selectionSet, info.fragments, (inner) => {
          if (inner.name.value === 'cursor') selection.edges = true;
        });
      } else if (name === 'pageInfo') {
        eachField(field.selectionSet, info.fragments, (inner) => {
          if (inner.name.value === 'startCursor') selection.start = true;
          else if (inner.name.value === 'endCursor') selection.end = true;
        });
      }
    });
  }
  if (only !== undefined && more.length === 0) selectionCache.set(only, selection);
  return selection;
}

/** Calls `visit` on every field of `set`, inline fragments and fragment spreads flattened (each spread once). */
function eachField(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  visit: (field: FieldNode) => void,
  spread: Set<string> = new Set(),
): void {
  if (set === undefined) return;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      visit(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      eachField(selection.selectionSet, fragments, visit, spread);
    } else if (!spread.has(selection.name.value)) {
      spread.add(selection.name.value);
      eachField(fragments[selection.name.value]?.selectionSet, fragments, visit, spread);
    }
  }
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
  selected: CursorSelection = EVERY_CURSOR,
): Promise<GrantConnectionResult> {
  return assembleConnectionOf(start, first, fetchPage, grantsOf, cursors, selected);
}

/**
 * {@link assembleConnection} over any KMS list: `itemsOf` reads a page's items (`key_details` of
 * list-keys). Only the cursors in `selected` are signed (see {@link selectedCursors}); the others
 * are `''`.
 */
export async function assembleConnectionOf<P extends KmsPageMeta, T>(
  start: CursorPosition,
  first: number,
  fetchPage: PageFetcher<P>,
  itemsOf: (page: P) => readonly T[],
  cursors: Pick<CursorCodec, 'encode'>,
  selected: CursorSelection = EVERY_CURSOR,
): Promise<ConnectionResult<T>> {
  const edges: ConnectionResult<T>['edges'] = [];
  const { connection } = start;
  // Where the first and the last edge resume (for startCursor / endCursor when edges' cursors are not signed).
  let startAt: CursorPosition | undefined;
  let endMarker = '';
  let endSkip = 0;
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
    const end = Math.min(skip + wanted, items.length);
    for (let index = skip + 1; index <= end; index++) {
      // Past the page's last item, the position is the next page's start.
      const next = index === items.length && more;
      endMarker = next ? page.next_marker : marker;
      endSkip = next ? 0 : index;
      startAt ??= { connection, marker: endMarker, skip: endSkip };
      edges.push({
        cursor: selected.edges ? cursors.encode({ connection, marker: endMarker, skip: endSkip }) : '',
        node: items[index - 1] as T,
      });
    }
    const taken = Math.max(end - skip, 0);
    if (skip + taken < items.length) {
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
  const firstEdge = edges[0];
  const lastEdge = edges.at(-1);
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      startCursor:
        firstEdge === undefined || startAt === undefined
          ? null
          : selected.edges
            ? firstEdge.cursor
            : selected.start
              ? cursors.encode(startAt)
              : '',
      endCursor:
        lastEdge === undefined
          ? null
          : selected.edges
            ? lastEdge.cursor
            : selected.end
              ? cursors.encode({ connection, marker: endMarker, skip: endSkip })
              : '',
    },
    totalCount,
  };
}
