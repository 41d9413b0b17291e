import { describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.ts';
import { ACME_DESCRIBE_GRANT, BOB_DELEGATE_GRANT, BOB_MAY_RETIRE_GRANT, NOW } from './fixtures.ts';
import { useEmulator } from './session.ts';
import { kms, kmsError } from './support.ts';

const { alice, bob, carol } = DEMO.users;

const live = useEmulator({ now: () => NOW }, 'each');

describe('emulator grants: create and list', () => {
  describe('create-grant', () => {
    it('creates a grant with every given field, listed last on the key, dated by the clock', async () => {
      const res = await kms(
        live.emu,
        'create-grant',
        {
          key_id: DEMO.keys.backup,
          grantee_principal: carol.id,
          operations: ['encrypt-data', 'describe-key'],
          name: 'new:grant/1_x',
          retiring_principal: bob.id,
        },
        { token: live.tokens.alice },
      );
      expect(res.status).toBe(200);
      const grantId = (res.body as { grant_id: string }).grant_id;
      expect(res.body).toEqual({ grant_id: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const grants = await live.grantsOf(DEMO.keys.backup);
      expect(grants).toHaveLength(DEMO.grantCounts.backup + 1);
      expect(grants.at(-1)).toEqual({
        key_id: DEMO.keys.backup,
        grant_id: grantId,
        grantee_principal: carol.id,
        grantee_principal_type: 'user',
        operations: ['encrypt-data', 'describe-key'],
        issuing_principal: alice.id,
        creation_date: String(NOW),
        name: 'new:grant/1_x',
        retiring_principal: bob.id,
      });
    });

    it('omits name and retiring_principal when not given, and keeps a domain grantee type', async () => {
      const res = await kms(
        live.emu,
        'create-grant',
        { key_id: DEMO.keys.backup, grantee_principal: DEMO.acmeDomain.id, grantee_principal_type: 'domain', operations: ['decrypt-data'] },
        { token: live.tokens.alice },
      );
      expect(res.status).toBe(200);
      expect((await live.grantsOf(DEMO.keys.backup)).at(-1)).toEqual({
        key_id: DEMO.keys.backup,
        grant_id: (res.body as { grant_id: string }).grant_id,
        grantee_principal: DEMO.acmeDomain.id,
        grantee_principal_type: 'domain',
        operations: ['decrypt-data'],
        issuing_principal: alice.id,
        creation_date: String(NOW),
      });
    });

    it('lets a grantee holding create-grant create grants, as their issuing principal', async () => {
      const res = await kms(
        live.emu,
        'create-grant',
        { key_id: DEMO.keys.app, grantee_principal: carol.id, operations: ['encrypt-data'] },
        { token: live.tokens.bob },
      );
      expect(res.status).toBe(200);
      expect((await live.grantsOf(DEMO.keys.app)).at(-1)).toMatchObject({ issuing_principal: bob.id, grantee_principal: carol.id });
    });

    it('refuses users who neither created the key nor hold create-grant on it with 403 KMS.0306', async () => {
      const body = { key_id: DEMO.keys.backup, grantee_principal: carol.id, operations: ['encrypt-data'] };
      expect(await kms(live.emu, 'create-grant', body, { token: live.tokens.bob })).toMatchObject({
        status: 403,
        body: kmsError('KMS.0306'),
      });
      const viaCarol = await live.asCarol('create-grant', { ...body, key_id: DEMO.keys.app });
      expect(viaCarol).toMatchObject({ status: 403, body: kmsError('KMS.0306') });
    });

    it('refuses a key at its quota with 400 KMS.2404', async () => {
      const res = await kms(
        live.emu,
        'create-grant',
        { key_id: DEMO.keys.full, grantee_principal: bob.id, operations: ['describe-key'] },
        { token: live.tokens.alice },
      );
      expect(res).toMatchObject({ status: 400, body: kmsError('KMS.2404') });
      expect(await live.grantsOf(DEMO.keys.full)).toHaveLength(100);
    });

    it.each([
      ['disabled', DEMO.keys.disabled, 400, 'KMS.0209'],
      ['pending deletion', DEMO.keys.pendingDeletion, 400, 'KMS.0210'],
      ['default', DEMO.keys.defaultKey, 400, 'KMS.0211'],
      ['pending import', DEMO.keys.pendingImport, 400, 'KMS.0308'],
      ['unknown', '00000000-0000-0000-0000-000000000000', 404, 'KMS.0207'],
    ])('refuses a %s key with %i %s', async (_label, keyId, status, code) => {
      const res = await kms(
        live.emu,
        'create-grant',
        { key_id: keyId, grantee_principal: bob.id, operations: ['describe-key'] },
        { token: live.tokens.alice },
      );
      expect(res).toMatchObject({ status, body: kmsError(code) });
    });
  });

  describe('list-grants', () => {
    it('lists a key’s grants in creation order with optional fields omitted when unset', async () => {
      const res = await kms(live.emu, 'list-grants', { key_id: DEMO.keys.app, limit: '3' }, { token: live.tokens.alice });
      expect(res).toEqual({
        status: 200,
        headers: expect.objectContaining({ 'x-request-id': expect.stringMatching(/^[0-9a-f]{32}$/) }),
        body: { grants: [BOB_DELEGATE_GRANT, ACME_DESCRIBE_GRANT, BOB_MAY_RETIRE_GRANT], next_marker: '3', truncated: 'true', total: 12 },
      });
    });

    it('lets any user of the key’s account list, and refuses other accounts with 403 KMS.0306', async () => {
      const asBob = await kms(live.emu, 'list-grants', { key_id: DEMO.keys.app }, { token: live.tokens.bob });
      expect(asBob.status).toBe(200);
      expect((asBob.body as { total: number }).total).toBe(12);
      expect(await live.asCarol('list-grants', { key_id: DEMO.keys.app })).toMatchObject({ status: 403, body: kmsError('KMS.0306') });
    });

    it('answers 404 KMS.0207 for a key that does not exist', async () => {
      const res = await kms(live.emu, 'list-grants', { key_id: 'abcdefgh-0000-0000-0000-000000000000' }, { token: live.tokens.alice });
      expect(res).toMatchObject({ status: 404, body: kmsError('KMS.0207') });
    });
  });
});
