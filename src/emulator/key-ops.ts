/**
 * The key actions as pure functions of (state, caller, validated input), like grant-ops.ts.
 */
import type { KmsCreateKeyResponse, KmsDescribeKeyResponse, KmsListKeysResponse } from '../kms/types.ts';
import { errors } from './errors.ts';
import type { Change } from './grant-ops.ts';
import { requireKey } from './grant-ops.ts';
import { keyDetails } from './key-details.ts';
import type { CreateKeyInput, ListKeysInput } from './key-validation.ts';
import { slicePage } from './paging.ts';
import { canDescribeKey } from './permissions.ts';
import type { Caller, KeyRecord, State } from './state.ts';
import { findProject } from './state.ts';

/** Keys of the caller's account in the caller's project, creation order: what list-keys and aliases range over. */
function ownKeys(state: State, caller: Caller): KeyRecord[] {
  return state.keys.filter((k) => k.projectId === caller.projectId && k.details.domain_id === caller.user.domainId);
}

/** create-key: a `kms` key starts enabled ("2"), an `external` one pending import ("5"). Duplicate alias -> KMS.1104. */
export function createKey(
  state: State,
  caller: Caller,
  input: CreateKeyInput,
  opts: { now: number; keyId: string },
): Change<KmsCreateKeyResponse> {
  if (ownKeys(state, caller).some((k) => k.details.key_alias === input.alias)) throw errors.duplicateAlias();
  const details = keyDetails(
    {
      key_id: opts.keyId,
      domain_id: caller.user.domainId,
      key_alias: input.alias,
      realm: findProject(state, caller.projectId)?.name ?? '',
      key_description: input.description,
      creation_date: String(opts.now),
    },
    {
      key_spec: input.spec,
      key_usage: input.usage,
      key_state: input.origin === 'external' ? '5' : '2',
      origin: input.origin,
      sys_enterprise_project_id: input.enterpriseProjectId,
      keystore_id: input.keystoreId,
    },
  );
  const key: KeyRecord = { details, creatorId: caller.user.id, projectId: caller.projectId };
  return {
    state: { ...state, keys: [...state.keys, key] },
    result: { key_info: { key_id: details.key_id, domain_id: details.domain_id } },
  };
}

/** describe-key: users of the key's account, or grantees holding describe-key. */
export function describeKey(state: State, caller: Caller, input: { keyId: string }): KmsDescribeKeyResponse {
  const key = requireKey(state, input.keyId);
  if (!canDescribeKey(state, key, caller)) {
    throw errors.noPermission("Only users of the key's account or grantees holding describe-key may describe it.");
  }
  return { key_info: { ...key.details } };
}

/** list-keys: the caller's account's keys in this project, filtered by state, spec (default AES_256) and enterprise project. */
export function listKeys(state: State, caller: Caller, input: ListKeysInput): KmsListKeysResponse {
  const matching = ownKeys(state, caller)
    .map((k) => k.details)
    .filter((d) => input.state === undefined || d.key_state === input.state)
    .filter((d) => input.spec === undefined || d.key_spec === input.spec)
    .filter((d) => input.enterpriseProjectId === undefined || (d.sys_enterprise_project_id ?? '0') === input.enterpriseProjectId);
  const page = slicePage(matching, input.limit, input.offset);
  return {
    keys: page.items.map((d) => d.key_id),
    key_details: page.items.map((d) => ({ ...d })),
    next_marker: page.next_marker,
    truncated: page.truncated,
    total: page.total,
  };
}
