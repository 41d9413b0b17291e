/**
 * Who may do what (docs/kms.md §4, and the emulator's choices where the docs are silent, written
 * down in README.md). Pure predicates over the caller, the key and its grants; the operations
 * turn a `false` into 403 KMS.0306.
 */
import type { KmsGrant } from '../kms/types.ts';
import type { Caller, KeyRecord, State } from './state.ts';
import { grantsOfKey } from './state.ts';

/** Whether `grant` is to the caller: a user grant naming them, or a domain grant naming their account. */
export function grantCovers(grant: KmsGrant, caller: Caller): boolean {
  if (grant.grantee_principal_type === 'domain') return grant.grantee_principal === caller.user.domainId;
  return grant.grantee_principal === caller.user.id;
}

/** Whether any grant on the key gives the caller `operation` (effective rights are the union of grants). */
export function holdsOperation(state: State, key: KeyRecord, caller: Caller, operation: string): boolean {
  return grantsOfKey(state, key.details.key_id).some((g) => grantCovers(g, caller) && g.operations.includes(operation));
}

/** The caller's account owns the key (IAM users of an account share its keys for reading). */
export function isKeyAccountMember(key: KeyRecord, caller: Caller): boolean {
  return key.details.domain_id === caller.user.domainId;
}

/** The caller created the key. */
export function isKeyCreator(key: KeyRecord, caller: Caller): boolean {
  return key.creatorId === caller.user.id;
}

/** list-grants: users of the key's account. Grantees of other accounts see nothing. */
export function canListGrants(key: KeyRecord, caller: Caller): boolean {
  return isKeyAccountMember(key, caller);
}

/** describe-key: users of the key's account, plus grantees holding describe-key. */
export function canDescribeKey(state: State, key: KeyRecord, caller: Caller): boolean {
  return isKeyAccountMember(key, caller) || holdsOperation(state, key, caller, 'describe-key');
}

/** create-grant: the key's creator, or a grantee holding create-grant on it. */
export function canCreateGrant(state: State, key: KeyRecord, caller: Caller): boolean {
  return isKeyCreator(key, caller) || holdsOperation(state, key, caller, 'create-grant');
}

/** revoke-grant: only the key's creator (docs/kms.md §4). */
export function canRevokeGrant(key: KeyRecord, caller: Caller): boolean {
  return isKeyCreator(key, caller);
}

/**
 * retire-grant: the grant's issuing principal, its retiring principal, or its own grantee when
 * that grant's operations include retire-grant (docs/kms.md §4).
 */
export function canRetireGrant(grant: KmsGrant, caller: Caller): boolean {
  if (grant.issuing_principal === caller.user.id) return true;
  if (grant.retiring_principal === caller.user.id) return true;
  return grantCovers(grant, caller) && grant.operations.includes('retire-grant');
}

/** list-retirable-grants: exactly the grants whose retiring principal is the caller. */
export function isRetirableBy(grant: KmsGrant, caller: Caller): boolean {
  return grant.retiring_principal === caller.user.id;
}
