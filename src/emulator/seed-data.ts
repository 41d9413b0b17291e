/**
 * The demo keys and grants behind seed.ts's DEMO names. Kept apart so seed.ts reads as a table of
 * names; everything here is a pure function of those names, so the data is the same on every run.
 */
import type { KmsGrant, KmsKeyDetails } from '../kms/types.ts';
import type { DEMO } from './seed.ts';
import type { KeyRecord } from './state.ts';
import { stableHex } from './ids.ts';
import { keyDetails } from './key-details.ts';

type Demo = typeof DEMO;
/** 2024-01-01T00:00:00Z: demo keys and grants are dated from here, a second apart. */
export const DEMO_EPOCH_MS = Date.UTC(2024, 0, 1);
const EPOCH = DEMO_EPOCH_MS;
const DAY_MS = 86_400_000;

function key(
  demo: Demo,
  id: string,
  alias: string,
  creator: 'alice' | 'bob' | 'carol',
  over: Partial<KmsKeyDetails> = {},
  at = 0,
): KeyRecord {
  const user = demo.users[creator];
  const details = keyDetails(
    {
      key_id: id,
      domain_id: user.domainId,
      key_alias: alias,
      realm: demo.projectName,
      key_description: `demo key ${alias}`,
      creation_date: String(EPOCH + at * 1000),
    },
    over,
  );
  const projectId = creator === 'carol' ? demo.acmeProjectId : demo.projectId;
  return { details, creatorId: user.id, projectId };
}

/** The demo keys, in creation order. */
export function demoKeys(demo: Demo): KeyRecord[] {
  const k = demo.keys;
  return [
    key(demo, k.full, 'demo-full', 'alice', {}, 0),
    key(demo, k.app, 'demo-app', 'alice', {}, 1),
    key(demo, k.backup, 'demo-backup', 'alice', {}, 2),
    key(demo, k.rsa, 'demo-signing', 'alice', { key_spec: 'RSA_2048', key_usage: 'SIGN_VERIFY' }, 3),
    key(demo, k.disabled, 'demo-disabled', 'alice', { key_state: '3' }, 4),
    key(demo, k.pendingDeletion, 'demo-retiring', 'alice', { key_state: '4', scheduled_deletion_date: String(EPOCH + 30 * DAY_MS) }, 5),
    key(demo, k.pendingImport, 'demo-byok', 'alice', { key_state: '5', origin: 'external' }, 6),
    key(demo, k.defaultKey, 'kms/default', 'alice', { default_key_flag: '1', key_description: 'Default Master Key' }, 7),
    key(demo, k.bobs, 'bob-key', 'bob', {}, 8),
    key(demo, k.carols, 'acme-key', 'carol', {}, 9),
  ];
}

/** Operation sets the generic demo grants cycle through (never create-grant alone). */
export const OPERATION_SETS: readonly (readonly string[])[] = [
  ['encrypt-data', 'decrypt-data'],
  ['describe-key'],
  ['create-datakey', 'create-datakey-without-plaintext', 'decrypt-datakey'],
  ['encrypt-datakey', 'decrypt-datakey', 'describe-key'],
  ['decrypt-data', 'retire-grant'],
];

interface GrantSpec {
  grantee: string;
  type?: 'user' | 'domain';
  ops: readonly string[];
  name?: string;
  retiring?: string;
  issuer?: string;
}

/** Generic grant `i` of a key: grantees rotate over bob, carol, the acme domain and service principals. */
function generic(demo: Demo, label: string, i: number, retiring: string | undefined): GrantSpec {
  const grantees: GrantSpec[] = [
    { grantee: demo.users.bob.id, ops: [] },
    { grantee: demo.users.carol.id, ops: [] },
    { grantee: demo.acmeDomain.id, type: 'domain', ops: [] },
    { grantee: stableHex(`service:${i % 7}`, 32), ops: [] },
  ];
  const base = grantees[i % grantees.length] ?? { grantee: demo.users.bob.id, ops: [] };
  const spec: GrantSpec = { ...base, ops: OPERATION_SETS[i % OPERATION_SETS.length] ?? ['describe-key'] };
  if (i % 3 !== 2) spec.name = `${label}-grant-${i}`;
  if (retiring !== undefined) spec.retiring = retiring;
  return spec;
}

function specsFor(demo: Demo): Array<[string, GrantSpec[]]> {
  const { alice, bob, carol } = demo.users;
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const app: GrantSpec[] = [
    { grantee: bob.id, ops: ['describe-key', 'create-grant', 'encrypt-data'], name: 'bob-may-delegate', retiring: bob.id },
    { grantee: demo.acmeDomain.id, type: 'domain', ops: ['describe-key', 'decrypt-data'] },
    { grantee: bob.id, ops: ['encrypt-data', 'retire-grant'], name: 'bob-may-retire', retiring: alice.id },
    { grantee: carol.id, ops: ['decrypt-data'], name: 'carol-decrypts', retiring: carol.id },
    ...range(8).map((i) => generic(demo, 'app', i + 4, i < 7 ? bob.id : undefined)),
  ];
  return [
    ['full', range(100).map((i) => generic(demo, 'full', i, i % 10 === 0 ? bob.id : i % 10 === 5 ? carol.id : undefined))],
    ['app', app],
    ['backup', range(6).map((i) => generic(demo, 'backup', i, bob.id))],
    ['rsa', range(4).map((i) => generic(demo, 'rsa', i, i < 3 ? bob.id : undefined))],
    ['disabled', range(4).map((i) => generic(demo, 'disabled', i, bob.id))],
    ['pendingDeletion', range(4).map((i) => generic(demo, 'pendingDeletion', i, bob.id))],
    [
      'carols',
      [{ grantee: demo.domain.id, type: 'domain', ops: ['describe-key'], name: 'demo-may-describe', retiring: bob.id, issuer: carol.id }],
    ],
  ];
}

/** The id of the demo grant number `index` on the demo key labelled `keyLabel`. */
export function demoGrantId(keyLabel: string, index: number): string {
  return stableHex(`grant:${keyLabel}:${index}`, 64);
}

/** The demo grants, in creation order (key by key, a second apart). */
export function demoGrants(demo: Demo): KmsGrant[] {
  const grants: KmsGrant[] = [];
  for (const [label, specs] of specsFor(demo)) {
    const keyId = demo.keys[label as keyof Demo['keys']];
    specs.forEach((s, i) => {
      const grant: KmsGrant = {
        key_id: keyId,
        grant_id: demoGrantId(label, i),
        grantee_principal: s.grantee,
        grantee_principal_type: s.type ?? 'user',
        operations: [...s.ops],
        issuing_principal: s.issuer ?? demo.users.alice.id,
        creation_date: String(EPOCH + 60_000 + grants.length * 1000),
      };
      if (s.name !== undefined) grant.name = s.name;
      if (s.retiring !== undefined) grant.retiring_principal = s.retiring;
      grants.push(grant);
    });
  }
  return grants;
}
