/**
 * Who is calling: an `X-Auth-Token` from the emulator's IAM, or an AK/SK-signed request
 * (docs/kms.md §6). Returns the caller, or throws the error Huawei Cloud answers with:
 * 401 APIGW.0301 (flat) for missing, undecodable or unknown credentials and bad signatures;
 * 403 KMS.0303 for a token that expired within the last day, 401 APIGW.0301 for one expired longer
 * ("expired beyond use": the API gateway drops it before KMS sees it); 403 KMS.0321 when the
 * credentials' project is not the path's.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { errors } from '../errors.ts';
import type { Caller, State } from '../state.ts';
import { findProject, findUserByAccessKey, findUserById } from '../state.ts';
import { verifySignature } from './signature.ts';
import type { TokenCodec } from './tokens.ts';

/** The parts of a received request authentication looks at. */
export interface AuthRequest {
  method: string;
  /** The request target as received (path and query, undecoded). */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  /** The exact body bytes (empty when there was none). */
  body: Buffer;
}

/** What authentication checks against. `now` is epoch ms. */
export interface AuthContext {
  state: State;
  codec: TokenCodec;
  now: number;
}

/** How long after its expiry KMS still recognises a token (403 KMS.0303) rather than the API gateway refusing it (401). */
const EXPIRED_RECOGNISED_MS = 24 * 60 * 60 * 1000;

function single(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function byToken(token: string, pathProjectId: string, ctx: AuthContext): Caller {
  const claims = ctx.codec.decode(token);
  if (claims === undefined) throw errors.unauthenticated('decrypt token fail');
  const user = findUserById(ctx.state, claims.userId);
  if (user === undefined || user.domainId !== claims.domainId) throw errors.unauthenticated('the token names an unknown user');
  if (ctx.now >= claims.expiresAt + EXPIRED_RECOGNISED_MS) {
    throw errors.unauthenticated(`token expires, expires_at: ${new Date(claims.expiresAt).toISOString()}`);
  }
  if (ctx.now >= claims.expiresAt) throw errors.tokenExpired();
  if (claims.projectId !== pathProjectId) throw errors.projectMismatch('The token is scoped to another project.');
  return { user, projectId: claims.projectId };
}

function bySignature(req: AuthRequest, pathProjectId: string, ctx: AuthContext): Caller {
  const q = req.rawUrl.indexOf('?');
  const result = verifySignature(
    {
      method: req.method,
      path: q < 0 ? req.rawUrl : req.rawUrl.slice(0, q),
      query: q < 0 ? '' : req.rawUrl.slice(q + 1),
      headers: req.headers,
      body: req.body,
    },
    (ak) => findUserByAccessKey(ctx.state, ak)?.secretKey,
    new Date(ctx.now),
  );
  if (!result.ok) throw errors.unauthenticated(`verify aksk signature fail: ${result.reason}`);
  const user = findUserByAccessKey(ctx.state, result.accessKey);
  if (user === undefined) throw errors.unauthenticated('access key is unknown');
  // The SDK always sends X-Project-Id; without it the path's project stands in (emulator choice).
  const projectId = single(req.headers['x-project-id']) ?? pathProjectId;
  if (projectId !== pathProjectId) throw errors.projectMismatch('X-Project-Id differs from the project in the path.');
  if (findProject(ctx.state, projectId)?.domainId !== user.domainId) {
    throw errors.projectMismatch("The project is not one of the access key's account.");
  }
  return { user, projectId };
}

/**
 * Authenticates a KMS request for the project in its path. `X-Auth-Token` wins when both kinds
 * of credentials are sent; an `Authorization` that is not `SDK-HMAC-SHA256 ...` counts as none.
 */
export function authenticate(req: AuthRequest, pathProjectId: string, ctx: AuthContext): Caller {
  const token = single(req.headers['x-auth-token']);
  if (token !== undefined) return byToken(token, pathProjectId, ctx);
  const authorization = single(req.headers.authorization);
  if (authorization?.startsWith('SDK-HMAC-SHA256')) return bySignature(req, pathProjectId, ctx);
  throw errors.unauthenticated('x-auth-token not found');
}
