/**
 * Named fixtures of the demo data, shared by the emulator’s grant and key tests.
 */
import { DEMO, DEMO_EPOCH_MS } from '../../src/emulator/seed.ts';

/** What an enabled AES_256 key made by KMS reports beside its identity (pinned here, not read from the emulator). */
export const ENABLED_AES_KEY = {
  key_spec: 'AES_256',
  key_usage: 'ENCRYPT_DECRYPT',
  scheduled_deletion_date: '',
  key_state: '2',
  default_key_flag: '0',
  key_type: '1',
  expiration_time: '',
  origin: 'kms',
} as const;

/** The clock the grant tests run the emulator at. */
export const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const { alice, bob } = DEMO.users;

/** Demo grant on app #0: bob may delegate (create-grant), bob retires it. */
export const BOB_DELEGATE_GRANT = {
  key_id: DEMO.keys.app,
  grant_id: DEMO.grants.appBobCreateGrant,
  grantee_principal: bob.id,
  grantee_principal_type: 'user',
  operations: ['describe-key', 'create-grant', 'encrypt-data'],
  issuing_principal: alice.id,
  creation_date: String(DEMO_EPOCH_MS + 60_000 + 100_000),
  name: 'bob-may-delegate',
  retiring_principal: bob.id,
};
/** Demo grant on app #1: to the acme domain, no name, no retiring principal. */
export const ACME_DESCRIBE_GRANT = {
  key_id: DEMO.keys.app,
  grant_id: DEMO.grants.appAcmeDescribe,
  grantee_principal: DEMO.acmeDomain.id,
  grantee_principal_type: 'domain',
  operations: ['describe-key', 'decrypt-data'],
  issuing_principal: alice.id,
  creation_date: String(DEMO_EPOCH_MS + 60_000 + 101_000),
};
/** Demo grant on app #2: grantee bob holds retire-grant; alice is the retiring principal. */
export const BOB_MAY_RETIRE_GRANT = {
  key_id: DEMO.keys.app,
  grant_id: DEMO.grants.appBobRetireGrant,
  grantee_principal: bob.id,
  grantee_principal_type: 'user',
  operations: ['encrypt-data', 'retire-grant'],
  issuing_principal: alice.id,
  creation_date: String(DEMO_EPOCH_MS + 60_000 + 102_000),
  name: 'bob-may-retire',
  retiring_principal: alice.id,
};
