/**
 * The in-memory KMS list-grants the connection tests page through: fixture grants of one key,
 * a well-behaved page source and a scripted (possibly misbehaving) one, and one assembly run
 * reported together with the calls it made.
 */
import { assembleConnection } from '../../src/relay/connection.ts';
import type { GrantConnectionResult, PageFetcher } from '../../src/relay/connection.ts';
import { grantsConnection } from '../../src/relay/connectionId.ts';
import { createCursorCodec } from '../../src/relay/cursor.ts';
import type { CursorPosition } from '../../src/relay/cursor.ts';
import type { KmsGrant, KmsGrantPage } from '../../src/kms/types.ts';

/** Cursors signed as the gateway signs them (any secret; replicas share theirs). */
export const CURSORS = createCursorCodec('unit-test-cursor-secret');

export const KEY_ID = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
export const CONNECTION = grantsConnection(KEY_ID);
export const START: CursorPosition = { connection: CONNECTION, marker: '', skip: 0 };

/** The n-th fixture grant of KEY_ID: a distinct grant id and creation date per index. */
export function fixtureGrant(index: number): KmsGrant {
  return {
    key_id: KEY_ID,
    grant_id: index.toString(16).padStart(64, '0'),
    grantee_principal: 'b0b0000000000000000000000000000b',
    grantee_principal_type: 'user',
    operations: ['describe-key', 'encrypt-data'],
    issuing_principal: 'a11ce000000000000000000000000001',
    creation_date: String(1_497_341_531_000 + index),
  };
}

/** Fixture grants 0 to `count - 1`. */
export const grantsOf = (count: number): KmsGrant[] => Array.from({ length: count }, (_, i) => fixtureGrant(i));

/** One call the page source received, with what it answered. */
export interface PageCall {
  marker: string;
  limit: number;
  page: KmsGrantPage;
}

/** A page fetcher and the calls it has received so far. */
export interface PageSource {
  fetchPage: PageFetcher;
  calls: PageCall[];
}

/** A {@link pageSource}: its page size can change between calls, as KMS's can between requests. */
export interface CappedPageSource extends PageSource {
  /** Serves pages of at most `cap` grants from the next call on; markers issued so far stay valid. */
  setCap(cap: number): void;
}

/**
 * An in-memory KMS list-grants over `grants`: pages of min(limit, cap, remaining) grants (or
 * min(cap, remaining) when `ignoreLimit`, like a KMS with its own page size), `truncated` "true"
 * exactly when more remain, `next_marker` "" on the last page. Markers are opaque, non-numeric and
 * full of JSON metacharacters; an unknown marker or a limit outside 1..1000 is refused, as KMS does.
 * A marker names an offset, whatever the page size it was issued under (see `setCap`).
 */
export function pageSource(grants: readonly KmsGrant[], initialCap: number, ignoreLimit = false): CappedPageSource {
  const calls: PageCall[] = [];
  let cap = initialCap;
  const offsets = new Map<string, number>([['', 0]]);
  const markerAt = (offset: number): string => {
    const marker = `pg"${(offset * 7919).toString(36)}\\~${String.fromCharCode(97 + (offset % 26))}`;
    offsets.set(marker, offset);
    return marker;
  };
  const fetchPage: PageFetcher = async (marker, limit) => {
    const offset = offsets.get(marker);
    if (offset === undefined) throw new Error(`KMS.1602: unknown marker ${JSON.stringify(marker)}`);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error(`KMS.1601: bad limit ${limit}`);
    const size = Math.min(ignoreLimit ? Infinity : limit, cap, grants.length - offset);
    const end = offset + size;
    const more = end < grants.length;
    const page: KmsGrantPage = {
      grants: grants.slice(offset, end),
      next_marker: more ? markerAt(end) : '',
      truncated: more ? 'true' : 'false',
      total: grants.length,
    };
    calls.push({ marker, limit, page });
    return page;
  };
  return {
    fetchPage,
    calls,
    setCap: (next) => {
      cap = next;
    },
  };
}

/** An upstream that answers every call with `answer(callIndex)`, recording the calls. */
export function scriptedSource(answer: (call: number) => KmsGrantPage): PageSource {
  const calls: PageCall[] = [];
  const fetchPage: PageFetcher = async (marker, limit) => {
    const page = answer(calls.length);
    calls.push({ marker, limit, page });
    return page;
  };
  return { fetchPage, calls };
}

/** Runs one assembly and returns its result with the calls it made. */
export async function assemble(
  source: PageSource,
  start: CursorPosition,
  first: number,
): Promise<{ result: GrantConnectionResult; calls: PageCall[] }> {
  const before = source.calls.length;
  const result = await assembleConnection(start, first, source.fetchPage, CURSORS);
  return { result, calls: source.calls.slice(before) };
}
