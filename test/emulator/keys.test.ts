import { describe, expect, it } from 'vitest';
import { DEMO, DEMO_EPOCH_MS } from '../../src/emulator/seed.ts';
import { ENABLED_AES_KEY, NOW } from './fixtures.ts';
import { useEmulator } from './session.ts';
import { kms, kmsError } from './support.ts';

const { alice } = DEMO.users;

/** describe-key of the demo app key. */
const APP_KEY_INFO = {
  key_id: DEMO.keys.app,
  domain_id: DEMO.domain.id,
  key_alias: 'demo-app',
  realm: 'cn-north-4',
  ...ENABLED_AES_KEY,
  key_description: 'demo key demo-app',
  creation_date: String(DEMO_EPOCH_MS + 1000),
  key_rotation_enabled: 'false',
  sys_enterprise_project_id: '0',
  keystore_id: '0',
  partition_type: '1',
};

/** alice's AES_256 demo keys, in creation order (list-keys' default key_spec filter). */
const ALICE_AES_KEYS = [
  DEMO.keys.full,
  DEMO.keys.app,
  DEMO.keys.backup,
  DEMO.keys.disabled,
  DEMO.keys.pendingDeletion,
  DEMO.keys.pendingImport,
  DEMO.keys.defaultKey,
  DEMO.keys.bobs,
];

const live = useEmulator({ now: () => NOW }, 'each');

describe('emulator keys', () => {
  describe('describe-key', () => {
    it('answers key_info with every KeyDetails field for a user of the key’s account', async () => {
      expect(await kms(live.emu, 'describe-key', { key_id: DEMO.keys.app }, { token: live.tokens.bob })).toMatchObject({
        status: 200,
        body: { key_info: APP_KEY_INFO },
      });
    });

    it('shows a scheduled deletion date for a key pending deletion', async () => {
      const res = await kms(live.emu, 'describe-key', { key_id: DEMO.keys.pendingDeletion }, { token: live.tokens.alice });
      expect(res.body).toMatchObject({ key_info: { key_state: '4', scheduled_deletion_date: String(DEMO_EPOCH_MS + 30 * 86_400_000) } });
    });

    it('lets another account describe a key when it holds describe-key through a domain grant', async () => {
      const res = await kms(
        live.emu,
        'describe-key',
        { key_id: DEMO.keys.app },
        { token: live.tokens.carol, projectId: DEMO.acmeProjectId },
      );
      expect(res).toMatchObject({ status: 200, body: { key_info: APP_KEY_INFO } });
      const fromAcme = await kms(live.emu, 'describe-key', { key_id: DEMO.keys.carols }, { token: live.tokens.alice });
      expect(fromAcme).toMatchObject({ status: 200, body: { key_info: { key_id: DEMO.keys.carols, domain_id: DEMO.acmeDomain.id } } });
    });

    it('refuses another account without describe-key with 403 KMS.0306', async () => {
      const res = await kms(
        live.emu,
        'describe-key',
        { key_id: DEMO.keys.bobs },
        { token: live.tokens.carol, projectId: DEMO.acmeProjectId },
      );
      expect(res).toMatchObject({ status: 403, body: kmsError('KMS.0306') });
    });

    it('answers 404 KMS.0207 for an unknown key', async () => {
      const res = await kms(live.emu, 'describe-key', { key_id: '00000000-0000-0000-0000-000000000000' }, { token: live.tokens.alice });
      expect(res).toMatchObject({ status: 404, body: kmsError('KMS.0207') });
    });
  });

  describe('list-keys', () => {
    it('lists only AES_256 keys by default, with key_details', async () => {
      const res = await kms(live.emu, 'list-keys', {}, { token: live.tokens.alice });
      const body = res.body as {
        keys: string[];
        key_details: Array<{ key_id: string }>;
        next_marker: string;
        truncated: string;
        total: number;
      };
      expect({ ...body, key_details: body.key_details.map((d) => d.key_id) }).toEqual({
        keys: ALICE_AES_KEYS,
        key_details: ALICE_AES_KEYS,
        next_marker: '',
        truncated: 'false',
        total: ALICE_AES_KEYS.length,
      });
      expect(body.key_details[1]).toEqual(APP_KEY_INFO);
    });

    it('includes every spec with key_spec ALL, and one spec when named', async () => {
      const all = await kms(live.emu, 'list-keys', { key_spec: 'ALL' }, { token: live.tokens.alice });
      expect(all.body).toMatchObject({ total: ALICE_AES_KEYS.length + 1 });
      expect((all.body as { keys: string[] }).keys[3]).toBe(DEMO.keys.rsa);
      const rsa = await kms(live.emu, 'list-keys', { key_spec: 'RSA_2048' }, { token: live.tokens.alice });
      expect(rsa.body).toMatchObject({ keys: [DEMO.keys.rsa], total: 1 });
    });

    it('filters by key_state and pages with limit and marker', async () => {
      const disabled = await kms(live.emu, 'list-keys', { key_state: '3' }, { token: live.tokens.alice });
      expect(disabled.body).toMatchObject({ keys: [DEMO.keys.disabled], total: 1 });
      const page = await kms(live.emu, 'list-keys', { limit: '3', marker: '3' }, { token: live.tokens.alice });
      expect(page.body).toMatchObject({
        keys: ALICE_AES_KEYS.slice(3, 6),
        next_marker: '6',
        truncated: 'true',
        total: ALICE_AES_KEYS.length,
      });
    });

    it('lists only the caller’s account’s keys', async () => {
      const res = await kms(live.emu, 'list-keys', {}, { token: live.tokens.carol, projectId: DEMO.acmeProjectId });
      expect(res.body).toMatchObject({ keys: [DEMO.keys.carols], total: 1 });
    });
  });

  describe('create-key', () => {
    it('creates an enabled key owned by the caller, with the documented defaults', async () => {
      const res = await kms(
        live.emu,
        'create-key',
        { key_alias: 'bob/new-key', key_description: 'made in a test' },
        { token: live.tokens.bob },
      );
      expect(res).toMatchObject({
        status: 200,
        body: {
          key_info: {
            key_id: expect.stringMatching(/^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/),
            domain_id: DEMO.domain.id,
          },
        },
      });
      const keyId = (res.body as { key_info: { key_id: string } }).key_info.key_id;
      const described = await kms(live.emu, 'describe-key', { key_id: keyId }, { token: live.tokens.bob });
      expect(described.body).toEqual({
        key_info: {
          ...APP_KEY_INFO,
          key_id: keyId,
          key_alias: 'bob/new-key',
          key_description: 'made in a test',
          creation_date: String(NOW),
        },
      });
    });

    it('makes the creator the one who may grant and revoke on the new key', async () => {
      const res = await kms(live.emu, 'create-key', { key_alias: 'bobs-second' }, { token: live.tokens.bob });
      const keyId = (res.body as { key_info: { key_id: string } }).key_info.key_id;
      const made = await kms(
        live.emu,
        'create-grant',
        { key_id: keyId, grantee_principal: alice.id, operations: ['encrypt-data'] },
        { token: live.tokens.bob },
      );
      expect(made.status).toBe(200);
      const ref = { key_id: keyId, grant_id: (made.body as { grant_id: string }).grant_id };
      expect(await kms(live.emu, 'revoke-grant', ref, { token: live.tokens.alice })).toMatchObject({
        status: 403,
        body: kmsError('KMS.0306'),
      });
      expect(await kms(live.emu, 'revoke-grant', ref, { token: live.tokens.bob })).toMatchObject({ status: 200, body: {} });
    });

    it('starts an external key pending import, and defaults asymmetric keys to SIGN_VERIFY', async () => {
      const ext = await kms(live.emu, 'create-key', { key_alias: 'byok-2', origin: 'external' }, { token: live.tokens.alice });
      const extId = (ext.body as { key_info: { key_id: string } }).key_info.key_id;
      expect((await kms(live.emu, 'describe-key', { key_id: extId }, { token: live.tokens.alice })).body).toMatchObject({
        key_info: { key_state: '5', origin: 'external' },
      });
      const ec = await kms(live.emu, 'create-key', { key_alias: 'ec-1', key_spec: 'EC_P256' }, { token: live.tokens.alice });
      const ecId = (ec.body as { key_info: { key_id: string } }).key_info.key_id;
      expect((await kms(live.emu, 'describe-key', { key_id: ecId }, { token: live.tokens.alice })).body).toMatchObject({
        key_info: { key_spec: 'EC_P256', key_usage: 'SIGN_VERIFY' },
      });
    });

    it('allows the same alias in another account, and refuses a repeat in the same one with KMS.1104', async () => {
      const inAcme = await kms(
        live.emu,
        'create-key',
        { key_alias: 'demo-app' },
        { token: live.tokens.carol, projectId: DEMO.acmeProjectId },
      );
      expect(inAcme.status).toBe(200);
      expect(await kms(live.emu, 'create-key', { key_alias: 'demo-app' }, { token: live.tokens.bob })).toMatchObject({
        status: 400,
        body: kmsError('KMS.1104'),
      });
    });
  });
});
