/**
 * Which KMS token a request carries (contract.md, HTTP > Auth): `X-Auth-Token: T`, else
 * `Authorization: Bearer T`. An empty `X-Auth-Token` or a non-Bearer `Authorization` is no token.
 * The token is only ever forwarded to KMS as `X-Auth-Token`; it is never logged or stored.
 */
export function extractToken(headers: Headers): string | null {
  const direct = headers.get('x-auth-token')?.trim();
  if (direct) return direct;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.get('authorization') ?? '');
  return match?.[1] ?? null;
}

/** Accepts a caller's `X-Request-Id` when it is a sane token; otherwise a fresh UUID is used. */
export function acceptRequestId(value: string | null | undefined): string | null {
  return value !== null && value !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : null;
}
