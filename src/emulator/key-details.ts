/**
 * describe-key's `key_info` for a key: the one place the emulator (create-key, the demo seed),
 * the benchmark's lean upstream and the gateway tests' fake KMS fill in the fields KMS gives a
 * new key unless told otherwise.
 */
import type { KmsKeyDetails } from '../kms/types.ts';

/** The fields that tell keys apart; {@link keyDetails} defaults every other one. */
export type KeyIdentity = Pick<KmsKeyDetails, 'key_id' | 'domain_id' | 'key_alias' | 'realm' | 'key_description' | 'creation_date'>;

/**
 * `identity`, plus what KMS answers for an enabled AES_256 ENCRYPT_DECRYPT key it generated
 * itself (not default, no deletion scheduled, no rotation, enterprise project and keystore "0"),
 * then `over` on top. Pure; returns a fresh object.
 */
export function keyDetails(identity: KeyIdentity, over: Partial<KmsKeyDetails> = {}): KmsKeyDetails {
  // Fields in the order KMS sends them: JSON answers keep it.
  return {
    key_id: identity.key_id,
    domain_id: identity.domain_id,
    key_alias: identity.key_alias,
    realm: identity.realm,
    key_spec: 'AES_256',
    key_usage: 'ENCRYPT_DECRYPT',
    key_description: identity.key_description,
    creation_date: identity.creation_date,
    scheduled_deletion_date: '',
    key_state: '2',
    default_key_flag: '0',
    key_type: '1',
    expiration_time: '',
    origin: 'kms',
    key_rotation_enabled: 'false',
    sys_enterprise_project_id: '0',
    keystore_id: '0',
    partition_type: '1',
    ...over,
  };
}
