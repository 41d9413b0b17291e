import { describe, expect, it } from 'vitest';
import { KMS_ACTIONS } from '../../src/emulator/routes/kms.ts';
import { DEMO } from '../../src/emulator/seed.ts';
import { useEmulator } from './session.ts';
import { kms, kmsError } from './support.ts';

const { bob } = DEMO.users;
/** A valid create-grant body; each case below breaks one field. */
const GRANT = { key_id: DEMO.keys.backup, grantee_principal: bob.id, operations: ['describe-key'] };
const REF = { key_id: DEMO.keys.app, grant_id: DEMO.grants.appCarolRetires };
const SEQUENCE = '919c82d4-8046-4722-9094-35c3c6524cff';

type Case = [label: string, action: string, body: unknown, code: string];

const CASES: Case[] = [
  ['create-grant without key_id', 'create-grant', { ...GRANT, key_id: undefined }, 'KMS.0204'],
  ['create-grant with key_id null', 'create-grant', { ...GRANT, key_id: null }, 'KMS.0204'],
  ['create-grant without grantee_principal', 'create-grant', { ...GRANT, grantee_principal: undefined }, 'KMS.0204'],
  ['create-grant without operations', 'create-grant', { ...GRANT, operations: undefined }, 'KMS.0204'],
  ['create-grant with an upper-case key_id', 'create-grant', { ...GRANT, key_id: DEMO.keys.backup.toUpperCase() }, 'KMS.0205'],
  ['create-grant with a numeric key_id', 'create-grant', { ...GRANT, key_id: 12345 }, 'KMS.0205'],
  ['create-grant with a bad grantee_principal', 'create-grant', { ...GRANT, grantee_principal: 'bob!' }, 'KMS.2402'],
  ['create-grant with a 65-character grantee', 'create-grant', { ...GRANT, grantee_principal: 'a'.repeat(65) }, 'KMS.2402'],
  ['create-grant with a bad retiring_principal', 'create-grant', { ...GRANT, retiring_principal: 'x y' }, 'KMS.2402'],
  ['create-grant with grantee type group', 'create-grant', { ...GRANT, grantee_principal_type: 'group' }, 'KMS.0308'],
  ['create-grant with no operations', 'create-grant', { ...GRANT, operations: [] }, 'KMS.0308'],
  ['create-grant with an unknown operation', 'create-grant', { ...GRANT, operations: ['fly'] }, 'KMS.0308'],
  ['create-grant with operations as a string', 'create-grant', { ...GRANT, operations: 'describe-key' }, 'KMS.0308'],
  ['create-grant with a repeated operation', 'create-grant', { ...GRANT, operations: ['describe-key', 'describe-key'] }, 'KMS.0308'],
  ['create-grant with only create-grant', 'create-grant', { ...GRANT, operations: ['create-grant'] }, 'KMS.2401'],
  ['create-grant with a name holding a space', 'create-grant', { ...GRANT, name: 'my grant' }, 'KMS.0308'],
  ['create-grant with a 256-character name', 'create-grant', { ...GRANT, name: 'n'.repeat(256) }, 'KMS.0308'],
  ['create-grant with a short sequence', 'create-grant', { ...GRANT, sequence: 'short' }, 'KMS.0206'],
  ['revoke-grant without key_id', 'revoke-grant', { grant_id: REF.grant_id }, 'KMS.0204'],
  ['revoke-grant without grant_id', 'revoke-grant', { key_id: REF.key_id }, 'KMS.0204'],
  ['revoke-grant with a bad key_id', 'revoke-grant', { ...REF, key_id: 'key' }, 'KMS.0205'],
  ['revoke-grant with a non-hex grant_id', 'revoke-grant', { ...REF, grant_id: 'z'.repeat(64) }, 'KMS.2501'],
  ['revoke-grant with a 63-digit grant_id', 'revoke-grant', { ...REF, grant_id: 'a'.repeat(63) }, 'KMS.2501'],
  ['retire-grant without grant_id', 'retire-grant', { key_id: REF.key_id }, 'KMS.0204'],
  ['retire-grant with a bad key_id', 'retire-grant', { ...REF, key_id: 'key' }, 'KMS.0205'],
  ['retire-grant with a bad grant_id', 'retire-grant', { ...REF, grant_id: 'xyz' }, 'KMS.2501'],
  ['list-grants without key_id', 'list-grants', {}, 'KMS.0204'],
  ['list-grants with a bad key_id', 'list-grants', { key_id: 'nope' }, 'KMS.0205'],
  ['list-grants with a 37-byte sequence', 'list-grants', { key_id: DEMO.keys.app, sequence: `${SEQUENCE}x` }, 'KMS.0206'],
  ['describe-key without key_id', 'describe-key', {}, 'KMS.0204'],
  ['describe-key with an alias', 'describe-key', { key_id: 'alias/demo-app' }, 'KMS.0205'],
  ['list-keys with key_state 6', 'list-keys', { key_state: '6' }, 'KMS.0308'],
  ['list-keys with an unknown key_spec', 'list-keys', { key_spec: 'AES_128' }, 'KMS.0308'],
  ['list-keys with a bad enterprise_project_id', 'list-keys', { enterprise_project_id: 'x' }, 'KMS.0308'],
  ['list-keys with limit 0', 'list-keys', { limit: '0' }, 'KMS.1601'],
  ['list-keys with marker -1', 'list-keys', { marker: '-1' }, 'KMS.1602'],
  ['create-key without key_alias', 'create-key', {}, 'KMS.0204'],
  ['create-key with a bad alias', 'create-key', { key_alias: 'my key' }, 'KMS.0308'],
  ['create-key with a default-key alias', 'create-key', { key_alias: 'obs/default' }, 'KMS.0308'],
  ['create-key with an unknown key_spec', 'create-key', { key_alias: 'k1', key_spec: 'DES' }, 'KMS.0308'],
  ['create-key with a usage the spec lacks', 'create-key', { key_alias: 'k1', key_spec: 'AES_256', key_usage: 'SIGN_VERIFY' }, 'KMS.0308'],
  ['create-key with a 256-character description', 'create-key', { key_alias: 'k1', key_description: 'd'.repeat(256) }, 'KMS.0308'],
  ['create-key with origin hsm', 'create-key', { key_alias: 'k1', origin: 'hsm' }, 'KMS.0308'],
  ['create-key with an alias alice already uses', 'create-key', { key_alias: 'demo-app' }, 'KMS.1104'],
];

describe('emulator validation', () => {
  const live = useEmulator();

  describe('body fields', () => {
    it.each(CASES)('answers %s with 400 %s', async (_label, action, body, code) => {
      const res = await kms(live.emu, action, body, { token: live.tokens.alice });
      expect(res).toMatchObject({ status: 400, body: kmsError(code) });
    });

    it('accepts a 36-byte sequence and ignores unknown fields', async () => {
      const res = await kms(
        live.emu,
        'list-grants',
        { key_id: DEMO.keys.app, limit: '1', sequence: SEQUENCE, extra: { a: 1 } },
        { token: live.tokens.alice },
      );
      expect(res.status).toBe(200);
    });
  });

  describe('body format', () => {
    it.each(Object.keys(KMS_ACTIONS))('answers %s with a body that is not JSON with 400 KMS.0202', async (action) => {
      const res = await kms(live.emu, action, undefined, { token: live.tokens.alice, raw: '{"key_id": ' });
      expect(res).toMatchObject({ status: 400, body: kmsError('KMS.0202') });
    });

    it.each([
      ['an empty body', Buffer.alloc(0), 'KMS.0202'],
      ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'KMS.0202'],
      ['a JSON array', Buffer.from('[]'), 'KMS.0214'],
      ['a JSON string', Buffer.from('"key"'), 'KMS.0214'],
    ])('answers %s with 400 %s', async (_label, raw, code) => {
      const res = await kms(live.emu, 'list-grants', undefined, { token: live.tokens.alice, raw });
      expect(res).toMatchObject({ status: 400, body: kmsError(code) });
    });

    it('checks credentials before the body: no token and bad JSON -> 401', async () => {
      const res = await kms(live.emu, 'list-grants', undefined, { raw: 'not json' });
      expect(res.status).toBe(401);
    });
  });
});
