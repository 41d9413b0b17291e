import type { KmsDescribeKeyResponse, KmsGrantPage } from './types.ts';

/**
 * Reading KMS's successful answers: pure functions from the body text to a typed value, or
 * undefined when the body is not what KMS documents (the client then answers UPSTREAM_ERROR).
 * Only what the gateway relies on is checked; unknown extra fields pass through.
 */

/** A list-grants / list-retirable-grants page. A missing `next_marker` reads as `""` (last page). */
export function readGrantPage(text: string): KmsGrantPage | undefined {
  const value = parseJson(text);
  if (!isRecord(value)) return undefined;
  const { grants, truncated, total } = value;
  const nextMarker = value.next_marker ?? '';
  const ok =
    Array.isArray(grants) &&
    grants.every(isGrant) &&
    (truncated === 'true' || truncated === 'false') &&
    typeof nextMarker === 'string' &&
    // "more pages" with no marker to reach them cannot be followed
    !(truncated === 'true' && nextMarker === '') &&
    (total === undefined || (typeof total === 'number' && Number.isInteger(total) && total >= 0));
  return ok ? ({ ...value, next_marker: nextMarker } as unknown as KmsGrantPage) : undefined;
}

/** A describe-key answer: `{ key_info: { key_id, ... } }`. */
export function readDescribeKey(text: string): KmsDescribeKeyResponse | undefined {
  const value = parseJson(text);
  if (!isRecord(value) || !isRecord(value.key_info) || typeof value.key_info.key_id !== 'string') return undefined;
  return value as unknown as KmsDescribeKeyResponse;
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
