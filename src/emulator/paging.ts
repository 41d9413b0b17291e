/**
 * KMS paging (docs/kms.md §3): `limit` and `marker` are decimal strings (a JSON
 * integer is accepted too); the marker is an offset into a stable, creation-ordered list. Clients
 * must treat it as opaque: only send back a `next_marker` they were given.
 */
import { KMS_MAX_LIMIT } from '../kms/types.ts';
import type { EmulatorDeps } from './context.ts';
import { errors } from './errors.ts';

const DECIMAL = /^[0-9]+$/;

/** One page of a list, in KMS's field names and types. */
export interface Page<T> {
  items: T[];
  /** `""` on the last page, otherwise the offset of the next item as a decimal string. */
  next_marker: string;
  truncated: 'true' | 'false';
  total: number;
}

/** A decimal string, or a non-negative safe JSON integer, as a number; undefined if neither. */
function toCount(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || !DECIMAL.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * `limit` from a request body: absent, null or `""` -> 1000; otherwise an integer 1..1000 given as a
 * decimal string or a JSON number. Anything else (0, "-1", "1e2", " 5", 1001, true) -> 400 KMS.1601.
 */
export function parseLimit(value: unknown): number {
  if (value === undefined || value === null || value === '') return KMS_MAX_LIMIT;
  const n = toCount(value);
  if (n === undefined || n < 1 || n > KMS_MAX_LIMIT) {
    throw errors.invalidLimit(`limit must be an integer from 1 to ${KMS_MAX_LIMIT}, as a decimal string.`);
  }
  return n;
}

/**
 * `marker` from a request body: absent, null or `""` -> 0 (the start); otherwise a non-negative
 * decimal offset (string or JSON integer). Anything else -> 400 KMS.1602. An offset at or past the
 * end yields an empty last page.
 */
export function parseMarker(value: unknown): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = toCount(value);
  if (n === undefined) throw errors.invalidMarker('Send back a next_marker from a previous page, or none.');
  return n;
}

/** The page of `all` starting at `offset` holding min(limit, remaining) items. */
export function slicePage<T>(all: readonly T[], limit: number, offset: number): Page<T> {
  const items = all.slice(offset, offset + limit);
  const end = offset + items.length;
  const more = end < all.length;
  return { items, next_marker: more ? String(end) : '', truncated: more ? 'true' : 'false', total: all.length };
}

/** `input` with its `limit` lowered to the emulator's page cap, when one is set. */
export function capped<T extends { limit: number }>(input: T, deps: Pick<EmulatorDeps, 'settings'>): T {
  const cap = deps.settings.pageCap;
  return cap === undefined || cap >= input.limit ? input : { ...input, limit: cap };
}
