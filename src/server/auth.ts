/**
 * Which KMS token a request carries (the README's auth rules): `X-Auth-Token: T`, else
 * `Authorization: Bearer T`. An empty `X-Auth-Token` or a non-Bearer `Authorization` is no token.
 * The token is only ever forwarded to KMS as `X-Auth-Token`; it is never logged or stored.
 */
export function extractToken(headers: Headers): string | null {
  const direct = headers.get('x-auth-token')?.trim();
  if (direct) return direct;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.get('authorization') ?? '');
  return match?.[1] ?? null;
}

/**
 * True when a request carries more than one `X-Auth-Token` or more than one `Authorization`
 * header (contract: refused as UNAUTHENTICATED, no KMS call). Counted on Node's raw header list
 * (`IncomingMessage.rawHeaders`: name, value, name, value...), because both parsed views hide
 * the repeat: Node and fetch's `Headers` join repeated `X-Auth-Token`s into one "a, b" value, and
 * Node keeps only the first `Authorization`.
 */
export function hasRepeatedTokenHeader(rawHeaders: readonly string[]): boolean {
  let xAuthToken = 0;
  let authorization = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (name === 'x-auth-token') xAuthToken += 1;
    else if (name === 'authorization') authorization += 1;
  }
  return xAuthToken > 1 || authorization > 1;
}

/** The token a request may use: `token` null with `refused` when its token headers are refused. */
export interface RequestToken {
  token: string | null;
  /** More than one token header, or a token with a comma: no token, and a message that says why. */
  refused: boolean;
}

/**
 * The request's token as {@link extractToken} finds it, unless its token headers are refused:
 * repeated ({@link hasRepeatedTokenHeader}, when the raw headers are known), or a token holding a
 * comma. No KMS token contains one; a comma is what an intermediary leaves when it folds repeated
 * headers into one ("a, b", as HTTP allows), so it is the same refusal seen through a proxy.
 */
export function requestToken(headers: Headers, rawHeaders: readonly string[] | undefined): RequestToken {
  if (rawHeaders !== undefined && hasRepeatedTokenHeader(rawHeaders)) return { token: null, refused: true };
  const token = extractToken(headers);
  if (token?.includes(',')) return { token: null, refused: true };
  return { token, refused: false };
}

/** Accepts a caller's `X-Request-Id` when it is a sane token; otherwise a fresh UUID is used. */
export function acceptRequestId(value: string | null | undefined): string | null {
  return value !== null && value !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : null;
}
