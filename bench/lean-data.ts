/**
 * The lean upstream's fixed data set: 5 keys of 100 grants each, shaped like real KMS answers
 * (and like the emulator's demo data). Pure: the same ids on every run.
 */
import type { KmsGrant, KmsKeyDetails } from '../src/kms/types.ts';
import { stableHex as hex, stableKeyId as keyId } from '../src/emulator/ids.ts';
import { keyDetails } from '../src/emulator/key-details.ts';
import { DEMO_EPOCH_MS, OPERATION_SETS } from '../src/emulator/seed-data.ts';

export const LEAN_PROJECT_ID = '0123456789abcdef0123456789abcdef';
const EPOCH = DEMO_EPOCH_MS;

const ALICE = hex('user:alice', 32);
const BOB = hex('user:bob', 32);
const GRANTEES = [BOB, hex('user:carol', 32), hex('domain:acme', 32), hex('service:1', 32)];

/** The 5 key ids, in order. */
export const LEAN_KEYS: readonly string[] = Array.from({ length: 5 }, (_, i) => keyId(`bench:key:${i}`));

/** key_info of lean key number `index` (id `id`): enabled AES_256, as the emulator's demo keys. */
export function leanKeyDetails(id: string, index: number): KmsKeyDetails {
  return keyDetails({
    key_id: id,
    domain_id: hex('domain:demo', 32),
    key_alias: `bench-key-${index}`,
    realm: 'cn-north-4',
    key_description: `benchmark key ${index}`,
    creation_date: String(EPOCH + index * 1000),
  });
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
