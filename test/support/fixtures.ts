/**
 * Fixture builders for the gateway tests' fake KMS: deterministic key ids, describe-key
 * `key_info`s and grants, the same on every run.
 */
import { stableHex, stableKeyId } from '../../src/emulator/ids.ts';
import { keyDetails } from '../../src/emulator/key-details.ts';
import type { KmsGrant, KmsKeyDetails } from '../../src/kms/types.ts';

/** A valid, deterministic KMS key id (`^[0-9a-z]{8}-...-[0-9a-z]{12}$`) for fixture number `n`. */
export function makeKeyId(n: number): string {
  return stableKeyId(`key/${n}`);
}

/** A describe-key `key_info` for `keyId`, enabled, with the given alias. */
export function makeKey(keyId: string, alias: string, overrides: Partial<KmsKeyDetails> = {}): KmsKeyDetails {
  return keyDetails(
    { key_id: keyId, domain_id: 'b168fe00ff56492495a7d22974df2d0b', key_alias: alias, realm: 'cn-north-4', key_description: '', creation_date: '1700000000000' },
    overrides,
  );
}

/**
 * `n` valid grants on `keyId` (grant ids: 64 deterministic hex characters), numbered from 0;
 * `overrides` may depend on the grant's number.
 */
export function makeGrants(
  keyId: string,
  n: number,
  overrides: Partial<KmsGrant> | ((i: number) => Partial<KmsGrant>) = {},
): KmsGrant[] {
  return Array.from({ length: n }, (_, i) => ({
    key_id: keyId,
    grant_id: stableHex(`grant/${keyId}/${i}`, 64),
    grantee_principal: stableHex(`grantee/${i}`, 32),
    grantee_principal_type: 'user' as const,
    operations: ['describe-key', 'encrypt-data'],
    issuing_principal: 'a1ce0000000000000000000000000001',
    creation_date: String(1_700_000_000_000 + i * 1000),
    name: `grant-${i}`,
    ...(typeof overrides === 'function' ? overrides(i) : overrides),
  }));
}
