import { describe, expect, it } from 'vitest';
import { DEMO, demoGrantId } from '../../src/emulator/seed.ts';
import { ACME_DESCRIBE_GRANT, BOB_MAY_RETIRE_GRANT, NOW } from './fixtures.ts';
import { useEmulator } from './session.ts';
import { kms, kmsError } from './support.ts';

const { bob, carol } = DEMO.users;

const live = useEmulator({ now: () => NOW }, 'each');

describe('emulator grants: revoke, retire, retirable', () => {
  describe('revoke-grant', () => {
    it('lets the key creator revoke: 200 {}, and the grant is gone', async () => {
      const res = await kms(
        live.emu,
        'revoke-grant',
        { key_id: DEMO.keys.app, grant_id: DEMO.grants.appBobCreateGrant },
        { token: live.tokens.alice },
      );
      expect(res).toMatchObject({ status: 200, body: {} });
      const left = await live.grantsOf(DEMO.keys.app);
      expect(left).toHaveLength(11);
      expect(left[0]).toEqual(ACME_DESCRIBE_GRANT);
    });

    it('accepts the grant id in upper case', async () => {
      const res = await kms(
        live.emu,
        'revoke-grant',
        { key_id: DEMO.keys.app, grant_id: DEMO.grants.appAcmeDescribe.toUpperCase() },
        { token: live.tokens.alice },
      );
      expect(res).toMatchObject({ status: 200, body: {} });
    });

    it('answers 400 KMS.2501 for a grant that no longer exists', async () => {
      const ref = { key_id: DEMO.keys.app, grant_id: DEMO.grants.appBobCreateGrant };
      await kms(live.emu, 'revoke-grant', ref, { token: live.tokens.alice });
      expect(await kms(live.emu, 'revoke-grant', ref, { token: live.tokens.alice })).toMatchObject({
        status: 400,
        body: kmsError('KMS.2501'),
      });
    });

    it('answers 400 KMS.2502 for a grant of another key', async () => {
      const res = await kms(
        live.emu,
        'revoke-grant',
        { key_id: DEMO.keys.backup, grant_id: DEMO.grants.appBobCreateGrant },
        { token: live.tokens.alice },
      );
      expect(res).toMatchObject({ status: 400, body: kmsError('KMS.2502') });
    });

    it('refuses everyone but the key creator with 403 KMS.0306, grantees with retire-grant included', async () => {
      const ref = { key_id: DEMO.keys.app, grant_id: DEMO.grants.appBobRetireGrant };
      expect(await kms(live.emu, 'revoke-grant', ref, { token: live.tokens.bob })).toMatchObject({
        status: 403,
        body: kmsError('KMS.0306'),
      });
      expect(await live.asCarol('revoke-grant', ref)).toMatchObject({ status: 403, body: kmsError('KMS.0306') });
      expect(await live.grantsOf(DEMO.keys.app)).toHaveLength(12);
    });

    it('answers 404 KMS.0207 for an unknown key', async () => {
      const res = await kms(
        live.emu,
        'revoke-grant',
        { key_id: '00000000-0000-0000-0000-000000000000', grant_id: DEMO.grants.appBobCreateGrant },
        { token: live.tokens.alice },
      );
      expect(res).toMatchObject({ status: 404, body: kmsError('KMS.0207') });
    });
  });

  describe('retire-grant', () => {
    it('lets the retiring principal retire: 200 {}, and it leaves their retirable list', async () => {
      const grantId = demoGrantId('backup', 0);
      const res = await kms(live.emu, 'retire-grant', { key_id: DEMO.keys.backup, grant_id: grantId }, { token: live.tokens.bob });
      expect(res).toMatchObject({ status: 200, body: {} });
      const list = await kms(live.emu, 'list-retirable-grants', {}, { token: live.tokens.bob });
      expect((list.body as { total: number }).total).toBe(DEMO.bobRetirable.grants - 1);
      expect(await live.grantsOf(DEMO.keys.backup)).toHaveLength(DEMO.grantCounts.backup - 1);
    });

    it('lets the issuing principal retire a grant that names someone else as retiring principal', async () => {
      const res = await kms(
        live.emu,
        'retire-grant',
        { key_id: DEMO.keys.backup, grant_id: demoGrantId('backup', 1) },
        { token: live.tokens.alice },
      );
      expect(res).toMatchObject({ status: 200, body: {} });
    });

    it('lets a grantee whose grant holds retire-grant retire it', async () => {
      const res = await kms(
        live.emu,
        'retire-grant',
        { key_id: DEMO.keys.app, grant_id: DEMO.grants.appBobRetireGrant },
        { token: live.tokens.bob },
      );
      expect(res).toMatchObject({ status: 200, body: {} });
    });

    it('counts a domain grant holding retire-grant for every user of that domain', async () => {
      // full #14: grantee the acme domain, operations decrypt-data + retire-grant, no retiring principal.
      const res = await live.asCarol('retire-grant', { key_id: DEMO.keys.full, grant_id: demoGrantId('full', 14) });
      expect(res).toMatchObject({ status: 200, body: {} });
    });

    it('refuses a grantee without retire-grant, and strangers, with 403 KMS.0306', async () => {
      // full #1: grantee carol, describe-key only, no retiring principal.
      expect(await live.asCarol('retire-grant', { key_id: DEMO.keys.full, grant_id: demoGrantId('full', 1) })).toMatchObject({
        status: 403,
        body: kmsError('KMS.0306'),
      });
      expect(await live.asCarol('retire-grant', { key_id: DEMO.keys.backup, grant_id: demoGrantId('backup', 0) })).toMatchObject({
        status: 403,
        body: kmsError('KMS.0306'),
      });
    });

    it('answers 400 KMS.2501 / KMS.2502 for a missing grant / a grant of another key', async () => {
      const missing = await kms(live.emu, 'retire-grant', { key_id: DEMO.keys.app, grant_id: 'f'.repeat(64) }, { token: live.tokens.bob });
      expect(missing).toMatchObject({ status: 400, body: kmsError('KMS.2501') });
      const other = await kms(
        live.emu,
        'retire-grant',
        { key_id: DEMO.keys.app, grant_id: demoGrantId('backup', 0) },
        { token: live.tokens.bob },
      );
      expect(other).toMatchObject({ status: 400, body: kmsError('KMS.2502') });
    });
  });

  describe('list-retirable-grants', () => {
    it('returns exactly the grants whose retiring principal is the caller, over several keys', async () => {
      const res = await kms(live.emu, 'list-retirable-grants', {}, { token: live.tokens.bob });
      const page = res.body as {
        grants: Array<{ key_id: string; retiring_principal?: string }>;
        total: number;
        truncated: string;
        next_marker: string;
      };
      expect(res.status).toBe(200);
      expect({ total: page.total, truncated: page.truncated, next_marker: page.next_marker }).toEqual({
        total: 36,
        truncated: 'false',
        next_marker: '',
      });
      // Every listed grant, not just the count: an empty list must not pass.
      expect(page.grants.map((g) => g.retiring_principal)).toEqual(Array(36).fill(bob.id));
      expect(new Set(page.grants.map((g) => g.key_id)).size).toBe(DEMO.bobRetirable.keys);
    });

    it('does not include grants the caller may retire only as issuer or grantee', async () => {
      const res = await kms(live.emu, 'list-retirable-grants', {}, { token: live.tokens.alice });
      expect(res).toMatchObject({ status: 200, body: { grants: [BOB_MAY_RETIRE_GRANT], next_marker: '', truncated: 'false', total: 1 } });
    });

    it('scopes the list to the caller: carol sees her own eleven', async () => {
      const res = await live.asCarol('list-retirable-grants', {});
      const page = res.body as { grants: Array<{ retiring_principal?: string }>; total: number };
      expect(page.total).toBe(11);
      expect(page.grants.map((g) => g.retiring_principal)).toEqual(Array(11).fill(carol.id));
    });
  });
});
