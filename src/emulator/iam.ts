/**
 * The emulator's minimal IAM (docs/kms.md §6): password login scoped to a project, and token
 * issuing. Errors use Keystone's body `{"error":{"code","message","title"}}` (IAM v3 is Keystone's
 * API; Huawei's exact IAM error body is not in our sources, so this is the emulator's choice).
 */
import type { TokenClaims, TokenCodec } from './auth/tokens.ts';
import type { ProjectRecord, State, UserRecord } from './state.ts';
import { findDomain, findProject } from './state.ts';

/** IAM tokens live 24 hours (docs/kms.md §6). */
export const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/** An IAM refusal, with Keystone's body. */
export class IamError extends Error {
  constructor(
    readonly status: 400 | 401,
    message: string,
  ) {
    super(message);
    this.name = 'IamError';
  }

  /** `{"error":{"code":401,"message":"...","title":"Unauthorized"}}`. */
  body(): { error: { code: number; message: string; title: string } } {
    return { error: { code: this.status, message: this.message, title: this.status === 401 ? 'Unauthorized' : 'Bad Request' } };
  }
}

type Obj = Record<string, unknown>;

function at(value: unknown, ...path: string[]): unknown {
  let cur = value;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, p)) return undefined;
    cur = (cur as Obj)[p];
  }
  return cur;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const WRONG = 'The username or password is wrong.';

/**
 * Checks a `POST /v3/auth/tokens` body: `auth.identity.methods` holds `password`; the user is
 * given by `id`, or by `name` plus `domain.name` or `domain.id`; the scope is `project.id` or
 * `project.name` (a project of the user's account). Unknown user or wrong password -> 401 (one
 * message for both); a project the user's account does not own -> 401; malformed -> 400.
 */
export function login(state: State, body: unknown): { user: UserRecord; project: ProjectRecord } {
  const methods = at(body, 'auth', 'identity', 'methods');
  if (!Array.isArray(methods) || !methods.includes('password')) {
    throw new IamError(400, 'auth.identity.methods must include "password" (the only method this emulator serves).');
  }
  const u = at(body, 'auth', 'identity', 'password', 'user');
  const password = str(at(u, 'password'));
  if (password === undefined) throw new IamError(400, 'auth.identity.password.user.password is required.');
  const id = str(at(u, 'id'));
  const name = str(at(u, 'name'));
  const domainName = str(at(u, 'domain', 'name'));
  const domainId = str(at(u, 'domain', 'id'));
  if (id === undefined && (name === undefined || (domainName === undefined && domainId === undefined))) {
    throw new IamError(400, 'auth.identity.password.user needs id, or name with domain.name or domain.id.');
  }
  const projectId = str(at(body, 'auth', 'scope', 'project', 'id'));
  const projectName = str(at(body, 'auth', 'scope', 'project', 'name'));
  if (projectId === undefined && projectName === undefined) {
    throw new IamError(400, 'auth.scope.project.id or auth.scope.project.name is required (KMS takes project-scoped tokens).');
  }
  const user = state.users.find((c) =>
    id !== undefined
      ? c.id === id
      : c.name === name && (domainId !== undefined ? c.domainId === domainId : findDomain(state, c.domainId)?.name === domainName),
  );
  if (user === undefined || user.password !== password) throw new IamError(401, WRONG);
  const project =
    projectId !== undefined
      ? findProject(state, projectId)
      : state.projects.find((p) => p.name === projectName && p.domainId === user.domainId);
  if (project === undefined || project.domainId !== user.domainId) {
    throw new IamError(401, 'The user has no access to the requested project.');
  }
  return { user, project };
}

/** Issues a token for `user` scoped to `project`, valid `ttlMs` from `issuedAt`. */
export function issueToken(
  codec: TokenCodec,
  state: State,
  user: UserRecord,
  project: { id: string; name: string },
  issuedAt: number,
  ttlMs: number = TOKEN_TTL_MS,
): { token: string; claims: TokenClaims } {
  const claims: TokenClaims = {
    userId: user.id,
    userName: user.name,
    domainId: user.domainId,
    domainName: findDomain(state, user.domainId)?.name ?? '',
    projectId: project.id,
    projectName: project.name,
    issuedAt,
    expiresAt: issuedAt + ttlMs,
  };
  return { token: codec.issue(claims), claims };
}

/** IAM's time format: ISO-8601 UTC with microseconds, e.g. `2024-01-02T00:00:00.000000Z`. */
export function iamTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The 201 body of POST /v3/auth/tokens, the fields IAM answers (docs/kms.md §6). */
export function tokenBody(claims: TokenClaims): unknown {
  return {
    token: {
      user: { id: claims.userId, name: claims.userName, domain: { id: claims.domainId, name: claims.domainName } },
      project: { id: claims.projectId, name: claims.projectName },
      expires_at: iamTime(claims.expiresAt),
      issued_at: iamTime(claims.issuedAt),
      methods: ['password'],
    },
  };
}
