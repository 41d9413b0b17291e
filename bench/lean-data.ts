/**
 * The lean upstream's fixed data set: 5 keys of 100 grants each, shaped like real KMS answers
 * (and like the emulator's demo data). Pure: the same ids on every run.
 */
import { createHash } from 'node:crypto';
import type { KmsGrant, KmsKeyDetails } from '../src/kms/types.ts';

export const LEAN_PROJECT_ID = '0123456789abcdef0123456789abcdef';
const EPOCH = Date.UTC(2024, 0, 1);

function hex(label: string, length: number): string {
  return createHash('sha256').update(label).digest('hex').slice(0, length);
}

function keyId(label: string): string {
  const h = hex(label, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const ALICE = hex('user:alice', 32);
const BOB = hex('user:bob', 32);
const GRANTEES = [BOB, hex('user:carol', 32), hex('domain:acme', 32), hex('service:1', 32)];
const OPERATION_SETS = [
  ['encrypt-data', 'decrypt-data'],
  ['describe-key'],
  ['create-datakey', 'create-datakey-without-plaintext', 'decrypt-datakey'],
  ['encrypt-datakey', 'decrypt-datakey', 'describe-key'],
  ['decrypt-data', 'retire-grant'],
];

/** The 5 key ids, in order. */
export const LEAN_KEYS: readonly string[] = Array.from({ length: 5 }, (_, i) => keyId(`bench:key:${i}`));

export function leanKeyDetails(id: string, index: number): KmsKeyDetails {
  return {
    key_id: id,
    domain_id: hex('domain:demo', 32),
    key_alias: `bench-key-${index}`,
    realm: 'cn-north-4',
    key_spec: 'AES_256',
    key_usage: 'ENCRYPT_DECRYPT',
    key_description: `benchmark key ${index}`,
    creation_date: String(EPOCH + index * 1000),
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
  };
}

function grant(keyIndex: number, i: number): KmsGrant {
  const g: KmsGrant = {
    key_id: LEAN_KEYS[keyIndex] ?? '',
    grant_id: hex(`bench:grant:${keyIndex}:${i}`, 64),
    grantee_principal: GRANTEES[i % GRANTEES.length] ?? BOB,
    grantee_principal_type: i % 4 === 2 ? 'domain' : 'user',
    operations: [...(OPERATION_SETS[i % OPERATION_SETS.length] ?? ['describe-key'])],
    issuing_principal: ALICE,
    creation_date: String(EPOCH + 60_000 + (keyIndex * 100 + i) * 1000),
  };
  if (i % 3 !== 2) g.name = `bench-${keyIndex}-grant-${i}`;
  // Every 10th grant of each key is retirable by the caller: 10 per key, 50 over the 5 keys.
  if (i % 10 === 0) g.retiring_principal = BOB;
  return g;
}

/** Grants per key id. */
export const LEAN_GRANTS: ReadonlyMap<string, readonly KmsGrant[]> = new Map(
  LEAN_KEYS.map((id, k) => [id, Array.from({ length: 100 }, (_, i) => grant(k, i))]),
);

/** The caller's retirable grants: 50, over the 5 keys, interleaved key by key. */
export const LEAN_RETIRABLE: readonly KmsGrant[] = Array.from({ length: 50 }, (_, n) => {
  const list = LEAN_GRANTS.get(LEAN_KEYS[n % 5] ?? '') ?? [];
  const g = list[Math.floor(n / 5) * 10];
  if (g === undefined) throw new Error('lean data: retirable grant missing');
  return g;
});
