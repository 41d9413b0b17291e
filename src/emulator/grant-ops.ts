/**
 * The grant actions as pure functions of (state, caller, validated input): each returns the
 * answer and, for changes, the next state; refusals are thrown KmsErrors. Check order: key exists
 * (404 KMS.0207), caller may act (403 KMS.0306), then the grant and quota rules.
 */
import type { KmsGrant, KmsGrantPage } from '../kms/types.ts';
import { errors } from './errors.ts';
import { slicePage } from './paging.ts';
import { canCreateGrant, canListGrants, canRetireGrant, canRevokeGrant, isRetirableBy } from './permissions.ts';
import type { Caller, KeyRecord, State } from './state.ts';
import { findGrant, findKey, grantsOfKey } from './state.ts';
import type { CreateGrantInput } from './validation.ts';

/** The result of a change: the state to commit and the body to answer with. */
export interface Change<T> {
  state: State;
  result: T;
}

/** The key, or 404 KMS.0207. */
export function requireKey(state: State, keyId: string): KeyRecord {
  const key = findKey(state, keyId);
  if (key === undefined) throw errors.keyNotFound();
  return key;
}

/** Key states a grant cannot be created in, with their error (docs/kms.md §5; "1"/"5" are the emulator's choice). */
function refuseKeyState(key: KeyRecord): void {
  if (key.details.default_key_flag === '1') throw errors.defaultKey();
  switch (key.details.key_state) {
    case '2':
      return;
    case '3':
      throw errors.keyDisabled();
    case '4':
      throw errors.keyPendingDeletion();
    default:
      throw errors.invalidParam(`The key is in state ${key.details.key_state}, not enabled (2).`);
  }
}

/** Options of {@link createGrant}: the clock, the quota, and the new grant's id (callers draw it at random). */
export interface CreateGrantOptions {
  now: number;
  grantsPerKey: number;
  grantId: string;
}

/** create-grant: by the key's creator or a grantee holding create-grant; enabled, non-default keys; quota. */
export function createGrant(state: State, caller: Caller, input: CreateGrantInput, opts: CreateGrantOptions): Change<{ grant_id: string }> {
  const key = requireKey(state, input.keyId);
  if (!canCreateGrant(state, key, caller))
    throw errors.noPermission('Only the key creator or a grantee holding create-grant may create grants.');
  refuseKeyState(key);
  if (grantsOfKey(state, input.keyId).length >= opts.grantsPerKey) throw errors.tooManyKeyGrants(opts.grantsPerKey);
  const grant: KmsGrant = {
    key_id: input.keyId,
    grant_id: opts.grantId,
    grantee_principal: input.granteePrincipal,
    grantee_principal_type: input.granteePrincipalType,
    operations: [...input.operations],
    issuing_principal: caller.user.id,
    creation_date: String(opts.now),
  };
  if (input.name !== undefined) grant.name = input.name;
  if (input.retiringPrincipal !== undefined) grant.retiring_principal = input.retiringPrincipal;
  return { state: { ...state, grants: [...state.grants, grant] }, result: { grant_id: grant.grant_id } };
}

/** The grant `grantId` on key `keyId`: unknown -> 400 KMS.2501, on another key -> 400 KMS.2502. */
function requireGrantOnKey(state: State, keyId: string, grantId: string): KmsGrant {
  const grant = findGrant(state, grantId);
  if (grant === undefined) throw errors.grantNotFound('The grant does not exist.');
  if (grant.key_id !== keyId) throw errors.grantKeyMismatch();
  return grant;
}

function without(state: State, grant: KmsGrant): State {
  return { ...state, grants: state.grants.filter((g) => g !== grant) };
}

/** revoke-grant: only the key's creator. Answers `{}`. */
export function revokeGrant(state: State, caller: Caller, ref: { keyId: string; grantId: string }): Change<object> {
  const key = requireKey(state, ref.keyId);
  if (!canRevokeGrant(key, caller)) throw errors.noPermission('Only the key creator may revoke its grants.');
  return { state: without(state, requireGrantOnKey(state, ref.keyId, ref.grantId)), result: {} };
}

/** retire-grant: the grant's issuer, its retiring principal, or its grantee holding retire-grant. Answers `{}`. */
export function retireGrant(state: State, caller: Caller, ref: { keyId: string; grantId: string }): Change<object> {
  requireKey(state, ref.keyId);
  const grant = requireGrantOnKey(state, ref.keyId, ref.grantId);
  if (!canRetireGrant(grant, caller)) {
    throw errors.noPermission('Only the issuing principal, the retiring principal or a grantee holding retire-grant may retire a grant.');
  }
  return { state: without(state, grant), result: {} };
}

function toPage(grants: readonly KmsGrant[], limit: number, offset: number): KmsGrantPage {
  const page = slicePage(grants, limit, offset);
  return { grants: page.items, next_marker: page.next_marker, truncated: page.truncated, total: page.total };
}

/** list-grants: every grant on the key, creation order; users of the key's account only. */
export function listGrants(state: State, caller: Caller, input: { keyId: string; limit: number; offset: number }): KmsGrantPage {
  const key = requireKey(state, input.keyId);
  if (!canListGrants(key, caller)) throw errors.noPermission("Only users of the key's account may list its grants.");
  return toPage(grantsOfKey(state, input.keyId), input.limit, input.offset);
}

/** list-retirable-grants: the grants, on any key, whose retiring principal is the caller. */
export function listRetirableGrants(state: State, caller: Caller, input: { limit: number; offset: number }): KmsGrantPage {
  return toPage(
    state.grants.filter((g) => isRetirableBy(g, caller)),
    input.limit,
    input.offset,
  );
}
