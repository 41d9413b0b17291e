/**
 * Body parsers of the key actions (create-key, describe-key, list-keys; docs/kms.md §1), and the
 * key specs and usages the emulator accepts.
 */
import { KMS_PATTERNS } from '../kms/types.ts';
import { errors } from './errors.ts';
import type { Body } from './validation.ts';
import { field, optionalString, parsePaging, requireKeyId } from './validation.ts';

/** Every key spec, with the usages it allows; the first usage is the default. */
const KEY_SPECS: Readonly<Record<string, readonly string[]>> = {
  AES_256: ['ENCRYPT_DECRYPT'],
  SM4: ['ENCRYPT_DECRYPT'],
  RSA_2048: ['SIGN_VERIFY', 'ENCRYPT_DECRYPT'],
  RSA_3072: ['SIGN_VERIFY', 'ENCRYPT_DECRYPT'],
  RSA_4096: ['SIGN_VERIFY', 'ENCRYPT_DECRYPT'],
  EC_P256: ['SIGN_VERIFY'],
  EC_P384: ['SIGN_VERIFY'],
  SM2: ['SIGN_VERIFY', 'ENCRYPT_DECRYPT'],
  HMAC_256: ['GENERATE_VERIFY_MAC'],
  HMAC_384: ['GENERATE_VERIFY_MAC'],
  HMAC_512: ['GENERATE_VERIFY_MAC'],
};

/** list-keys' default `key_spec` filter; `ALL` lifts it. */
const DEFAULT_LIST_KEY_SPEC = 'AES_256';
const MAX_DESCRIPTION = 255;
const ENTERPRISE_PROJECT = /^(all|0|[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12})$/;

/** Validated body of create-key. */
export interface CreateKeyInput {
  alias: string;
  spec: string;
  usage: string;
  description: string;
  origin: 'kms' | 'external';
  enterpriseProjectId: string;
  keystoreId: string;
}

/** create-key body: alias required (KMS.0204), every other bad value -> KMS.0308. */
export function parseCreateKey(body: Body): CreateKeyInput {
  const alias = field(body, 'key_alias');
  if (alias === undefined) throw errors.missing('key_alias');
  if (typeof alias !== 'string' || !KMS_PATTERNS.keyAlias.test(alias)) {
    throw errors.invalidParam(`key_alias must match ${KMS_PATTERNS.keyAlias.source}.`);
  }
  if (alias.endsWith('/default')) throw errors.invalidParam('key_alias must not end in /default (default keys).');
  const spec = optionalString(body, 'key_spec', errors.invalidParam) ?? 'AES_256';
  const usages = KEY_SPECS[spec];
  if (usages === undefined) throw errors.invalidParam(`key_spec must be one of ${Object.keys(KEY_SPECS).join(', ')}.`);
  const usage = optionalString(body, 'key_usage', errors.invalidParam) ?? usages[0] ?? 'ENCRYPT_DECRYPT';
  if (!usages.includes(usage)) throw errors.invalidParam(`key_usage for ${spec} must be one of ${usages.join(', ')}.`);
  const description = optionalString(body, 'key_description', errors.invalidParam) ?? '';
  if ([...description].length > MAX_DESCRIPTION) {
    throw errors.invalidParam(`key_description must be at most ${MAX_DESCRIPTION} characters.`);
  }
  const origin = optionalString(body, 'origin', errors.invalidParam) ?? 'kms';
  if (origin !== 'kms' && origin !== 'external') throw errors.invalidParam('origin must be kms or external.');
  const enterpriseProjectId = optionalString(body, 'enterprise_project_id', errors.invalidParam) ?? '0';
  if (enterpriseProjectId === 'all' || !ENTERPRISE_PROJECT.test(enterpriseProjectId)) {
    throw errors.invalidParam('enterprise_project_id must be 0 or an enterprise project UUID.');
  }
  const keystoreId = optionalString(body, 'keystore_id', errors.invalidParam) ?? '0';
  return { alias, spec, usage, description, origin, enterpriseProjectId, keystoreId };
}

/** describe-key body: key_id only; aliases and URNs are not accepted (KMS.0205). */
export function parseDescribeKey(body: Body): { keyId: string } {
  return { keyId: requireKeyId(body) };
}

/** Validated body of list-keys. `spec` undefined = every spec (`ALL`); `state`/`enterprise` undefined = any. */
export interface ListKeysInput {
  limit: number;
  offset: number;
  state?: string;
  spec?: string;
  enterpriseProjectId?: string;
}

/** list-keys body: paging as list-grants; key_state, key_spec, enterprise_project_id -> KMS.0308. */
export function parseListKeys(body: Body): ListKeysInput {
  const input: ListKeysInput = parsePaging(body);
  const state = optionalString(body, 'key_state', errors.invalidParam);
  if (state !== undefined && !KMS_PATTERNS.keyState.test(state)) {
    throw errors.invalidParam(`key_state must match ${KMS_PATTERNS.keyState.source}.`);
  }
  if (state !== undefined) input.state = state;
  const spec = optionalString(body, 'key_spec', errors.invalidParam) ?? DEFAULT_LIST_KEY_SPEC;
  if (spec !== 'ALL' && KEY_SPECS[spec] === undefined) {
    throw errors.invalidParam(`key_spec must be ALL or one of ${Object.keys(KEY_SPECS).join(', ')}.`);
  }
  if (spec !== 'ALL') input.spec = spec;
  const enterprise = optionalString(body, 'enterprise_project_id', errors.invalidParam);
  if (enterprise !== undefined && !ENTERPRISE_PROJECT.test(enterprise)) {
    throw errors.invalidParam('enterprise_project_id must be all, 0 or an enterprise project UUID.');
  }
  if (enterprise !== undefined && enterprise !== 'all') input.enterpriseProjectId = enterprise;
  return input;
}
