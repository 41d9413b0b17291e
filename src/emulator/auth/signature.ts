/**
 * `SDK-HMAC-SHA256` request signing (what the Huawei Cloud SDKs do, docs/kms.md §6) and its
 * server-side verification for the emulator. The canonical-request steps live in `canonical.ts`.
 */
import { timingSafeEqual } from 'node:crypto';
import {
  SIGNING_ALGORITHM,
  canonicalHeaders,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  hmacHex,
  parseQuery,
  payloadHash,
  sha256Hex,
  signedHeadersString,
  stringToSign,
} from './canonical.ts';
import type { CanonicalParts } from './canonical.ts';

/** A received request, as the emulator's HTTP layer sees it. */
export interface SignableRequest {
  method: string;
  /** Raw path as received, without the query. */
  path: string;
  /** Raw query string without '?', '' if none. */
  query: string;
  /** Lower-case names, as node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The exact body bytes received. */
  body: Buffer | string;
}

/** Outcome of {@link verifySignature}; `reason` is safe to show a client (never holds a secret). */
export type VerifyResult = { ok: true; accessKey: string } | { ok: false; reason: string };

/** The fields of a well-formed `Authorization: SDK-HMAC-SHA256 ...` header. */
export interface ParsedAuthorization {
  accessKey: string;
  /** Lower-case header names in the order the client declared them. */
  signedHeaders: string[];
  /** 64 lower-case hex digits. */
  signature: string;
}

/** How far `X-Sdk-Date` may be from the server's clock, either way (APIG's limit). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** Longer Authorization values are rejected before any parsing. */
const MAX_AUTHORIZATION_LENGTH = 4096;
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9a-z]+";
const AUTHORIZATION = new RegExp(
  `^${SIGNING_ALGORITHM} Access=([A-Za-z0-9_-]{1,128}), SignedHeaders=(${TOKEN}(?:;${TOKEN})*), Signature=([0-9a-f]{64})$`,
);
const SDK_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Parses an Authorization value strictly: exactly `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>,
 * Signature=<64 lower-case hex>` with single spaces after the commas, header names lower-case.
 * Returns undefined for anything else, including values over 4096 characters.
 */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  if (value.length > MAX_AUTHORIZATION_LENGTH) return undefined;
  const match = AUTHORIZATION.exec(value);
  if (!match) return undefined;
  const [, accessKey = '', signedHeaders = '', signature = ''] = match;
  return { accessKey, signedHeaders: signedHeaders.split(';'), signature };
}

/** Formats a date as `X-Sdk-Date` wants it: UTC `YYYYMMDDTHHMMSSZ`. Throws RangeError on an invalid Date. */
export function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/** Parses a `YYYYMMDDTHHMMSSZ` value; undefined unless it is exactly that shape and a real UTC instant. */
export function parseSdkDate(value: string): Date | undefined {
  const m = SDK_DATE.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 20240230 over to March; the round trip catches such impossible dates.
  return formatSdkDate(date) === value ? date : undefined;
}

/** A header's value by lower-case name, own properties only (so `constructor` is never found); repeats joined with `, `. */
export function headerValue(headers: SignableRequest['headers'], name: string): string | undefined {
  if (!Object.hasOwn(headers, name)) return undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Formats the Authorization value: `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex>`. */
export function authorizationHeader(accessKey: string, signedHeaders: string, signature: string): string {
  return `${SIGNING_ALGORITHM} Access=${accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/**
 * Verifies an `SDK-HMAC-SHA256` signature over the received method, raw path, raw query, the
 * values of the headers the client declared signed, and the exact body bytes. Rejects a missing or
 * malformed Authorization, an AK `secretFor` does not know, `x-sdk-date` unsigned, unparseable or
 * more than 15 minutes from `now` either way, a declared header absent from the request, an
 * `x-sdk-content-sha256` that is unsigned or (unless `UNSIGNED-PAYLOAD`) not the body's hash, and
 * a wrong signature (compared in constant time). Never throws unless `secretFor` does.
 */
export function verifySignature(req: SignableRequest, secretFor: (accessKey: string) => string | undefined, now: Date): VerifyResult {
  const authorization = headerValue(req.headers, 'authorization');
  if (authorization === undefined) return fail('Authorization header is missing');
  const auth = parseAuthorization(authorization);
  if (!auth) return fail(`Authorization header is not "${SIGNING_ALGORITHM} Access=<AK>, SignedHeaders=<names>, Signature=<hex>"`);
  const secretKey = secretFor(auth.accessKey);
  if (secretKey === undefined) return fail('access key is unknown');
  if (!auth.signedHeaders.includes('x-sdk-date')) return fail('x-sdk-date is not among SignedHeaders');

  const pairs: Array<[string, string]> = [];
  for (const name of auth.signedHeaders) {
    const value = headerValue(req.headers, name);
    if (value === undefined) return fail(`signed header "${name}" is absent from the request`);
    pairs.push([name, value]);
  }
  const sdkDate = headerValue(req.headers, 'x-sdk-date') ?? '';
  const date = parseSdkDate(sdkDate.trim());
  if (!date) return fail('X-Sdk-Date is not a UTC time formatted YYYYMMDDTHHMMSSZ');
  if (Math.abs(date.getTime() - now.getTime()) > MAX_CLOCK_SKEW_MS) {
    return fail('X-Sdk-Date is more than 15 minutes from the server time');
  }

  const bodyHash = sha256Hex(req.body);
  const declaredHash = headerValue(req.headers, 'x-sdk-content-sha256');
  if (declaredHash !== undefined) {
    // An unsigned override would let anyone swap the body of a captured request.
    if (!auth.signedHeaders.includes('x-sdk-content-sha256')) return fail('x-sdk-content-sha256 is not among SignedHeaders');
    if (declaredHash.trim() !== 'UNSIGNED-PAYLOAD' && declaredHash.trim().toLowerCase() !== bodyHash) {
      return fail('body does not match x-sdk-content-sha256');
    }
  }

  const expected = signatureFor(secretKey, sdkDate.trim(), {
    method: req.method,
    uri: canonicalUri(req.path),
    query: canonicalQueryString(parseQuery(req.query)),
    headers: canonicalHeaders(pairs),
    signedHeaders: auth.signedHeaders.join(';'),
    payloadHash: payloadHash(req.body, declaredHash?.trim()),
  });
  // Both are 64 hex digits (the parser guarantees the client's), so the lengths always match.
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature))) return fail('signature does not match');
  return { ok: true, accessKey: auth.accessKey };
}

/**
 * Signs a request the way the nodejs SDK does: every header given plus `host` (from the URL, port
 * included unless default, or the given `host` header), reusing a given `X-Sdk-Date` verbatim or
 * else formatting `now`; the payload hash is `X-Sdk-Content-Sha256` when given, else the SHA-256
 * of the exact body bytes. Returns the full header set to send: the given headers plus
 * `X-Sdk-Date` and `host` when added, and `Authorization`. Throws on a URL that does not parse, a
 * header name given twice in different cases, or an `Authorization` among the given headers.
 */
export function signRequest(
  req: { method: string; url: string; headers: Record<string, string>; body: string | Buffer },
  accessKey: string,
  secretKey: string,
  now: Date,
): Record<string, string> {
  const url = new URL(req.url);
  const out: Record<string, string> = { ...req.headers };
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(req.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization') throw new Error('signRequest: headers must not include Authorization; it is computed here');
    if (values.has(lower)) throw new Error(`signRequest: header "${lower}" is given twice (names are case-insensitive)`);
    values.set(lower, value);
  }
  if (!values.has('x-sdk-date')) {
    out['X-Sdk-Date'] = formatSdkDate(now);
    values.set('x-sdk-date', out['X-Sdk-Date']);
  }
  if (!values.has('host')) {
    out.host = url.host;
    values.set('host', url.host);
  }

  const names = signedHeadersString(values.keys());
  const signature = signatureFor(secretKey, values.get('x-sdk-date') ?? '', {
    method: req.method,
    uri: canonicalUri(url.pathname),
    query: canonicalQueryString(parseQuery(url.search.slice(1))),
    headers: canonicalHeaders(names.split(';').map((n) => [n, values.get(n) ?? ''] as const)),
    signedHeaders: names,
    payloadHash: payloadHash(req.body, values.get('x-sdk-content-sha256')),
  });
  out.Authorization = authorizationHeader(accessKey, names, signature);
  return out;
}

// ---- private helpers ----

function signatureFor(secretKey: string, sdkDate: string, parts: CanonicalParts): string {
  return hmacHex(secretKey, stringToSign(sdkDate, sha256Hex(canonicalRequest(parts))));
}

function fail(reason: string): VerifyResult {
  return { ok: false, reason };
}
