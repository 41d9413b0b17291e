import type { GraphQLError } from 'graphql';
import { gatewayError, type ErrorCode } from '../errors/codes.ts';
import type { AttemptOutcome } from './attempt.ts';
import { isRecord, parseJson } from './responses.ts';

/**
 * KMS failures as the contract's errors: pure functions over what came back (the attempt's
 * outcome, its status and body text), so every branch is unit-tested without a network. The
 * codes themselves are `errors/`'s; which KMS answer means which code is decided here.
 */

/** KMS `error_code`s that mean the caller's credentials are missing, bad or expired. */
const UNAUTHENTICATED_CODES = new Set([
  'APIGW.0301',
  'APIGW.0303',
  'APIGW.0305',
  'APIGW.0307',
  'APIG.0301',
  'APIG.0303',
  'APIG.0305',
  'APIG.0307',
  'KMS.0301',
  'KMS.0302',
  'KMS.0303',
  'KMS.0304',
]);

/** KMS answers 400 for a missing grant (KMS.2501) and a grant of another key (KMS.2502). */
const NOT_FOUND_CODES = new Set(['KMS.0207', 'KMS.2501', 'KMS.2502']);

const RATE_LIMITED_CODES = new Set(['APIGW.0308', 'APIG.0308']);

/**
 * Reads KMS's `error_code` from any of its three error body shapes (docs/kms.md §5):
 * `error.error_code` (KMS), `error.code` (seen from some services) or top-level `error_code`
 * (API gateway). Non-JSON or any other shape yields undefined: the HTTP status then decides.
 * The message is deliberately not read: APIGW messages echo the canonical request.
 */
export function parseKmsErrorCode(text: string): string | undefined {
  const body = parseJson(text);
  if (!isRecord(body)) return undefined;
  const nested = body.error;
  if (isRecord(nested)) {
    const code = str(nested.error_code) ?? str(nested.code);
    if (code !== undefined) return code;
  }
  return str(body.error_code);
}

/** The contract's mapping: KMS's `error_code` first, then the HTTP status. */
export function errorCodeFor(status: number, kmsCode: string | undefined): ErrorCode {
  if (kmsCode !== undefined) {
    if (UNAUTHENTICATED_CODES.has(kmsCode)) return 'UNAUTHENTICATED';
    if (NOT_FOUND_CODES.has(kmsCode)) return 'NOT_FOUND';
    if (RATE_LIMITED_CODES.has(kmsCode)) return 'RATE_LIMITED';
  }
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 504) return 'UPSTREAM_TIMEOUT';
  if (status >= 500) return 'UPSTREAM_ERROR';
  if (status >= 400) return 'BAD_USER_INPUT';
  return 'UPSTREAM_ERROR';
}

/** What a KMS code means, where the code alone would leave a frontend guessing (docs/kms.md §4-5). */
const EXPLAINED: Readonly<Record<string, string>> = {
  'KMS.2404': 'the key already holds 100 grants, the most KMS allows',
  'KMS.2401': 'CREATE_GRANT cannot be granted alone',
  'KMS.2405': 'the grantee holds too many grants',
  'KMS.0209': 'the key is disabled',
  'KMS.0210': 'the key is pending deletion',
  'KMS.0211': 'default keys cannot be granted',
};

/** The user-facing message for a code: fixed text, never upstream text (it may echo secrets). */
export function messageFor(code: ErrorCode, action: string, kmsCode: string | undefined): string {
  const explained = kmsCode === undefined ? undefined : EXPLAINED[kmsCode];
  const suffix = kmsCode === undefined ? '' : explained === undefined ? ` (${kmsCode})` : `: ${explained} (${kmsCode})`;
  switch (code) {
    case 'UNAUTHENTICATED':
      return `KMS did not accept the caller's token for ${action}${suffix}`;
    case 'FORBIDDEN':
      return `KMS denied ${action} to the caller${suffix}`;
    case 'NOT_FOUND':
      return `KMS found no such object for ${action}${suffix}`;
    case 'RATE_LIMITED':
      return `KMS is throttling ${action}; retry later${suffix}`;
    case 'UPSTREAM_TIMEOUT':
      return `KMS did not answer ${action} in time${suffix}`;
    case 'BAD_USER_INPUT':
      return `KMS rejected the parameters of ${action}${suffix}`;
    case 'UPSTREAM_ERROR':
      return `KMS failed to serve ${action}${suffix}`;
  }
}

/** Said of a write whose outcome is unknown: writes are never retried, so the caller must look. */
const MAY_HAVE_ACTED = '; KMS may have acted: re-read (list the grants) before trying again';

/**
 * The contract error for an attempt that did not succeed. For a write (`write`), an ending that
 * leaves unknown whether KMS acted (a timeout, a broken connection, 504) says so.
 */
export function failure(outcome: AttemptOutcome, action: string, requestId: string, maxBytes: number, write = false): GraphQLError {
  const unknown = (message: string): string => (write ? `${message}${MAY_HAVE_ACTED}` : message);
  switch (outcome.kind) {
    case 'answered': {
      const kmsCode = parseKmsErrorCode(outcome.body);
      const code = errorCodeFor(outcome.status, kmsCode);
      const message = messageFor(code, action, kmsCode);
      return gatewayError(
        code,
        outcome.status === 504 ? unknown(message) : message,
        kmsCode === undefined ? { requestId } : { kmsErrorCode: kmsCode, requestId },
      );
    }
    case 'timeout':
      return gatewayError('UPSTREAM_TIMEOUT', unknown(messageFor('UPSTREAM_TIMEOUT', action, undefined)), { requestId });
    case 'too-large':
      return gatewayError('UPSTREAM_ERROR', `KMS sent a reply to ${action} larger than ${maxBytes} bytes; it was not read`, { requestId });
    case 'connection':
      return gatewayError('UPSTREAM_ERROR', unknown(messageFor('UPSTREAM_ERROR', action, undefined)), { requestId });
  }
}

/** Codes look like `KMS.0306`; anything else is not trusted into a response. */
function str(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z]{2,10}\.[0-9A-Za-z]{1,10}$/.test(value) ? value : undefined;
}
