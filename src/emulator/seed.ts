/**
 * The deterministic `demo` data set: the same ids on every run, so tests, docs and frontends can
 * name them. Accounts, users, passwords and AK/SK pairs are the README's demo users; ids are SHA-256
 * derivations of fixed labels. {@link demoState} builds the data, {@link DEMO} names it.
 */
import type { KmsGrant } from '../kms/types.ts';
import { stableHex, stableKeyId } from './ids.ts';
import { demoGrantId, demoGrants, demoKeys } from './seed-data.ts';

import type { State, UserRecord } from './state.ts';

export { DEMO_EPOCH_MS, demoGrantId } from './seed-data.ts';

const demoDomain = { id: stableHex('domain:demo', 32), name: 'demo' };
const acmeDomain = { id: stableHex('domain:acme', 32), name: 'acme' };

function user(name: string, domainId: string, accessKey: string): UserRecord {
  return {
    id: stableHex(`user:${name}`, 32),
    name,
    domainId,
    password: `${name}-demo-password`,
    accessKey,
    secretKey: `${name}-demo-secret-key`,
  };
}

/** Names of every demo id; import it in tests instead of copying ids. */
export const DEMO = {
  projectId: '0123456789abcdef0123456789abcdef',
  projectName: 'cn-north-4',
  /** The second account's project (same region name, another id). */
  acmeProjectId: stableHex('project:acme', 32),
  domain: demoDomain,
  acmeDomain,
  users: {
    /** Creator of the demo keys. */
    alice: user('alice', demoDomain.id, 'ALICEDEMOACCESSKEY0001'),
    /** Same account as alice; grantee and retiring principal on many of her grants; creator of one key. */
    bob: user('bob', demoDomain.id, 'BOBDEMOACCESSKEY00001'),
    /** The acme account; grantee (as user and through acme's domain grants) on alice's keys. */
    carol: user('carol', acmeDomain.id, 'CAROLDEMOACCESSKEY001'),
  },
  keys: {
    /** alice, enabled, exactly 100 grants (the quota). */
    full: stableKeyId('key:full'),
    /** alice, enabled, 12 grants incl. the named ones below. */
    app: stableKeyId('key:app'),
    /** alice, enabled, 6 grants, all retirable by bob. */
    backup: stableKeyId('key:backup'),
    /** alice, enabled RSA_2048 SIGN_VERIFY: only listed with key_spec ALL. */
    rsa: stableKeyId('key:rsa'),
    /** alice, disabled ("3"), 4 grants made before it was disabled. */
    disabled: stableKeyId('key:disabled'),
    /** alice, pending deletion ("4"), 4 grants. */
    pendingDeletion: stableKeyId('key:pendingDeletion'),
    /** alice, external origin, pending import ("5"), no grants. */
    pendingImport: stableKeyId('key:pendingImport'),
    /** alice's account default key (alias kms/default): cannot be granted. */
    defaultKey: stableKeyId('key:default'),
    /** bob's own key, enabled, no grants. */
    bobs: stableKeyId('key:bobs'),
    /** carol's key in acme, one grant to the demo domain (describe-key), retirable by bob. */
    carols: stableKeyId('key:carols'),
  },
  grants: {
    /** app: grantee bob holding create-grant (+describe-key, encrypt-data), retiring principal bob. */
    appBobCreateGrant: demoGrantId('app', 0),
    /** app: grantee the acme domain, describe-key + decrypt-data, no name, no retiring principal. */
    appAcmeDescribe: demoGrantId('app', 1),
    /** app: grantee bob holding retire-grant, retiring principal alice, issued by alice. */
    appBobRetireGrant: demoGrantId('app', 2),
    /** app: grantee carol (user), retiring principal carol. */
    appCarolRetires: demoGrantId('app', 3),
    /** carols: grantee the demo domain, describe-key, retiring principal bob. */
    carolsDemoDescribe: demoGrantId('carols', 0),
  },
  /** Grants per key in the demo data. */
  grantCounts: { full: 100, app: 12, backup: 6, rsa: 4, disabled: 4, pendingDeletion: 4, carols: 1 },
  /** How many demo grants name bob as retiring principal, and on how many keys. */
  bobRetirable: { grants: 36, keys: 7 },
} as const;

/** Accounts, projects and users only: the `empty` seed, and the base of `demo`. */
export function accountsState(tokenSecret: string): State {
  return {
    version: 1,
    tokenSecret,
    domains: [{ ...demoDomain }, { ...acmeDomain }],
    projects: [
      { id: DEMO.projectId, name: DEMO.projectName, domainId: demoDomain.id },
      { id: DEMO.acmeProjectId, name: DEMO.projectName, domainId: acmeDomain.id },
    ],
    users: Object.values(DEMO.users).map((u) => ({ ...u })),
    keys: [],
    grants: [],
  };
}

/** The full `demo` seed: accounts plus keys and grants. */
export function demoState(tokenSecret: string): State {
  const grants: KmsGrant[] = demoGrants(DEMO);
  return { ...accountsState(tokenSecret), keys: demoKeys(DEMO), grants };
}
