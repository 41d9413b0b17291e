/**
 * The canonical-request steps of Huawei Cloud's `SDK-HMAC-SHA256` signing (docs/kms.md §6; the steps are the Huawei SDKs').
 * Every function is pure and total: it never throws, whatever the input, because the verifier
 * feeds it raw request data. Signing and verification share these, so both sides agree by construction.
 */
import { createHash, createHmac } from 'node:crypto';

/** The algorithm name: first word of `Authorization` and first line of the string to sign. */
export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

/** SHA-256 of the empty body, the payload hash of every bodyless request. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Query values as the SDK holds them: one string, or an array emitted as repeated `key=v`. */
export type QueryParams = Record<string, string | readonly string[]>;

/** The six parts of a canonical request, each already canonical. */
export interface CanonicalParts {
  method: string;
  uri: string;
  query: string;
  headers: string;
  signedHeaders: string;
  payloadHash: string;
}

const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

/**
 * Percent-encodes `s` per RFC 3986: the UTF-8 bytes of everything but `A-Z a-z 0-9 - _ . ~`
 * become `%XX` (upper-case hex), so space is `%20` and `/` is `%2F`. A lone surrogate encodes
 * as U+FFFD instead of throwing as `encodeURIComponent` would.
 */
export function percentEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Decodes one percent-encoded component; with `plusIsSpace` (query strings, as axios and Go send
 * them) `+` means space. Malformed escapes leave the component as received rather than throwing.
 */
export function percentDecode(s: string, plusIsSpace: boolean): string {
  const text = plusIsSpace ? s.replace(/\+/g, ' ') : s;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Canonical URI of a raw request path (no query): each `/`-separated segment decoded then
 * re-encoded with {@link percentEncode}, and a trailing `/` appended when missing
 * (`/v1.0/p/kms/list-grants` → `/v1.0/p/kms/list-grants/`). Decoding first makes the result the
 * same whether the client sent `%7E` or `~`, as Go's signer does; an encoded `%2F` stays inside its segment.
 */
export function canonicalUri(path: string): string {
  const uri = path
    .split('/')
    .map((segment) => percentEncode(percentDecode(segment, false)))
    .join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/**
 * Parses a raw query string (without `?`) into decoded keys and values; repeated keys collect
 * into arrays, a key without `=` has the value `''`, empty pieces (`a=1&&b=2`) are skipped.
 */
export function parseQuery(raw: string): QueryParams {
  const params = new Map<string, string[]>();
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = percentDecode(eq === -1 ? piece : piece.slice(0, eq), true);
    const value = eq === -1 ? '' : percentDecode(piece.slice(eq + 1), true);
    const values = params.get(key);
    if (values) values.push(value);
    else params.set(key, [value]);
  }
  return Object.fromEntries(params);
}

/**
 * Canonical query string: keys sorted, each `key=value` with both parts percent-encoded, array
 * values sorted and repeated (`tag=a&tag=b`), joined with `&`; `''` when there are no parameters.
 * Does not sort the caller's arrays in place (the nodejs SDK does).
 */
export function canonicalQueryString(params: QueryParams): string {
  const pairs: string[] = [];
  for (const key of Object.keys(params).sort()) {
    const value = params[key] ?? '';
    const values = typeof value === 'string' ? [value] : [...value].sort();
    for (const v of values) pairs.push(`${percentEncode(key)}=${percentEncode(v)}`);
  }
  return pairs.join('&');
}

/**
 * The `SignedHeaders` string: names lower-cased, de-duplicated, sorted, joined with `;`
 * (`content-type;host;x-project-id;x-sdk-date`).
 */
export function signedHeadersString(names: Iterable<string>): string {
  return [...new Set([...names].map((n) => n.toLowerCase()))].sort().join(';');
}

/**
 * The canonical headers block: `name:value\n` for each pair in the order given, names
 * lower-cased and values trimmed (as Go and Python do; node's HTTP parser trims received values
 * anyway, so trimming here lets a client's stray whitespace still verify). Ends with `\n`.
 */
export function canonicalHeaders(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([name, value]) => `${name.toLowerCase()}:${value.trim()}\n`).join('');
}

/** Lower-case hex SHA-256 of the exact bytes given (a string is hashed as UTF-8). */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Payload hash: the `x-sdk-content-sha256` value when one is given (e.g. `UNSIGNED-PAYLOAD`),
 * else the SHA-256 of the exact body bytes ({@link EMPTY_BODY_SHA256} for an empty body).
 */
export function payloadHash(body: string | Buffer, contentSha256?: string): string {
  return contentSha256 !== undefined && contentSha256 !== '' ? contentSha256 : sha256Hex(body);
}

/**
 * The canonical request: method upper-cased, then URI, query, headers block, signed headers and
 * payload hash joined by `\n` (the headers block's own `\n` leaves a blank line before SignedHeaders).
 */
export function canonicalRequest(parts: CanonicalParts): string {
  const { method, uri, query, headers, signedHeaders, payloadHash: hash } = parts;
  return [method.toUpperCase(), uri, query, headers, signedHeaders, hash].join('\n');
}

/** String to sign: algorithm, the `X-Sdk-Date` value, and the hex SHA-256 of the canonical request. */
export function stringToSign(sdkDate: string, canonicalRequestHash: string): string {
  return [SIGNING_ALGORITHM, sdkDate, canonicalRequestHash].join('\n');
}

/** Lower-case hex HMAC-SHA256 of `text` keyed with the secret key as-is (no key derivation). */
export function hmacHex(secretKey: string, text: string): string {
  return createHmac('sha256', secretKey).update(text).digest('hex');
}
