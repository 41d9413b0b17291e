import type { KmsCreateGrantResponse, KmsDescribeKeyResponse, KmsGrantPage, KmsListKeysResponse } from './types.ts';

/**
 * Reading KMS's successful answers: pure functions from the body text to a typed value, or
 * undefined when the body is not what KMS documents (the client then answers UPSTREAM_ERROR).
 * Only what the gateway relies on is checked; unknown extra fields pass through.
 */

/** A list-grants / list-retirable-grants page. A missing `next_marker` reads as `""` (last page). */
export function readGrantPage(text: string): KmsGrantPage | undefined {
  return readPage<KmsGrantPage>(text, (value) => Array.isArray(value.grants) && value.grants.every(isGrant));
}

/** A list-keys page: `key_details` (each a describe-key `key_info`) and the paging fields of list-grants. */
export function readKeyPage(text: string): KmsListKeysResponse | undefined {
  return readPage<KmsListKeysResponse>(text, (value) => Array.isArray(value.key_details) && value.key_details.every(isKeyDetails));
}

/** A list page whose items pass `hasItems`, with KMS's paging fields; `next_marker` absent reads as `""`. */
function readPage<T>(text: string, hasItems: (value: Record<string, unknown>) => boolean): T | undefined {
  const value = parseJson(text);
  if (!isRecord(value) || !hasItems(value)) return undefined;
  const { truncated, total } = value;
  const nextMarker = value.next_marker ?? '';
  const ok =
    (truncated === 'true' || truncated === 'false') &&
    typeof nextMarker === 'string' &&
    // "more pages" with no marker to reach them cannot be followed
    !(truncated === 'true' && nextMarker === '') &&
    (total === undefined || (typeof total === 'number' && Number.isInteger(total) && total >= 0));
  return ok ? ({ ...value, next_marker: nextMarker } as unknown as T) : undefined;
}

/** A create-grant answer: `{ grant_id }` with KMS's 64 hexadecimal characters. */
export function readCreateGrant(text: string): KmsCreateGrantResponse | undefined {
  const value = parseJson(text);
  return isRecord(value) && typeof value.grant_id === 'string' && /^[A-Fa-f0-9]{64}$/.test(value.grant_id)
    ? { grant_id: value.grant_id }
    : undefined;
}

/** A describe-key answer: `{ key_info: { key_id, ... } }`. */
export function readDescribeKey(text: string): KmsDescribeKeyResponse | undefined {
  const value = parseJson(text);
  if (!isRecord(value) || !isKeyDetails(value.key_info)) return undefined;
  return value as unknown as KmsDescribeKeyResponse;
}

function isKeyDetails(value: unknown): boolean {
  return isRecord(value) && typeof value.key_id === 'string';
}

function isGrant(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.key_id === 'string' &&
    typeof value.grant_id === 'string' &&
    Array.isArray(value.operations) &&
    value.operations.every((op) => typeof op === 'string')
  );
}

/** JSON.parse that answers undefined instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
