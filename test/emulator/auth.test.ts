import { describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/seed.ts';
import { useEmulator } from './session.ts';
import { apigwError, kms, kmsError, signedKms } from './support.ts';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const MINUTE = 60_000;
const { alice, bob, carol } = DEMO.users;
const LIST_APP = { key_id: DEMO.keys.app, limit: '1' };

describe('emulator authentication', () => {
  let clock = NOW;
  const live = useEmulator({ now: () => clock });

  /** Expects the flat 401 APIGW.0301 whose request_id is the X-Request-Id header. */
  function expect401(res: { status: number; headers: Record<string, string>; body: unknown }): void {
    expect(res.status).toBe(401);
    expect(res.body).toEqual(apigwError('APIGW.0301', res.headers['x-request-id'] ?? 'missing'));
  }

  describe('X-Auth-Token', () => {
    it('accepts the demo token printed at start-up', async () => {
      expect((await kms(live.emu, 'list-grants', LIST_APP, { token: live.emu.demo.alice?.token ?? '' })).status).toBe(200);
    });

    it.each([
      ['no credentials', {}],
      ['an empty token', { 'x-auth-token': '' }],
      ['a token that does not decode', { 'x-auth-token': 'garbage' }],
      ['a Bearer Authorization', { authorization: 'Bearer abc' }],
    ])('answers %s with 401 APIGW.0301 in the flat shape', async (_label, headers) => {
      expect401(await kms(live.emu, 'list-grants', LIST_APP, { headers }));
    });

    it('rejects a token whose signature was altered with 401', async () => {
      const token = live.emu.issueToken('alice');
      const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      expect401(await kms(live.emu, 'list-grants', LIST_APP, { token: forged }));
    });

    it('answers an expired token with 403 KMS.0303, and accepts it until then', async () => {
      const token = live.emu.issueToken('alice', { issuedAt: NOW - 24 * 60 * MINUTE + MINUTE });
      expect((await kms(live.emu, 'list-grants', LIST_APP, { token })).status).toBe(200);
      const stale = live.emu.issueToken('alice', { issuedAt: NOW - 24 * 60 * MINUTE });
      expect(await kms(live.emu, 'list-grants', LIST_APP, { token: stale })).toMatchObject({ status: 403, body: kmsError('KMS.0303') });
    });

    it('answers a token expired beyond use (over 24 h ago) with 401 APIGW.0301, as the API gateway does', async () => {
      const longGone = live.emu.issueToken('alice', { issuedAt: NOW - 48 * 60 * MINUTE });
      const lastDay = live.emu.issueToken('alice', { issuedAt: NOW - 48 * 60 * MINUTE + MINUTE });
      expect401(await kms(live.emu, 'list-grants', LIST_APP, { token: longGone }));
      expect(await kms(live.emu, 'list-grants', LIST_APP, { token: lastDay })).toMatchObject({ status: 403, body: kmsError('KMS.0303') });
    });

    it('expires tokens after 24 h of the emulator clock', async () => {
      const token = live.emu.issueToken('alice');
      clock = NOW + 24 * 60 * MINUTE;
      try {
        expect(await kms(live.emu, 'list-grants', LIST_APP, { token })).toMatchObject({ status: 403, body: kmsError('KMS.0303') });
      } finally {
        clock = NOW;
      }
    });

    it('answers a token of another project with 403 KMS.0321', async () => {
      const token = live.emu.issueToken('alice', { projectId: 'ffffffffffffffffffffffffffffffff' });
      expect(await kms(live.emu, 'list-grants', LIST_APP, { token })).toMatchObject({ status: 403, body: kmsError('KMS.0321') });
      const own = live.emu.issueToken('alice');
      const other = await kms(live.emu, 'list-grants', LIST_APP, { token: own, projectId: DEMO.acmeProjectId });
      expect(other).toMatchObject({ status: 403, body: kmsError('KMS.0321') });
    });

    it('answers the SDK’s unsubstituted %7Bproject_id%7D path with 403 KMS.0321', async () => {
      const res = await kms(live.emu, 'list-grants', LIST_APP, { token: live.emu.issueToken('alice'), projectId: '%7Bproject_id%7D' });
      expect(res).toMatchObject({ status: 403, body: kmsError('KMS.0321') });
    });
  });

  describe('AK/SK signatures', () => {
    it('accepts a request signed as the SDK signs it, as the access key’s user', async () => {
      const res = await signedKms(live.emu, 'list-retirable-grants', { limit: '1' }, bob, { now: new Date(NOW) });
      expect(res).toMatchObject({ status: 200, body: { total: DEMO.bobRetirable.grants } });
    });

    it('accepts changes signed by the key creator', async () => {
      const res = await signedKms(live.emu, 'revoke-grant', { key_id: DEMO.keys.app, grant_id: DEMO.grants.appCarolRetires }, alice, {
        now: new Date(NOW),
      });
      expect(res).toMatchObject({ status: 200, body: {} });
    });

    it('rejects a tampered body with 401', async () => {
      const res = await signedKms(live.emu, 'list-grants', LIST_APP, alice, { now: new Date(NOW), tamper: (b) => b.replace('"1"', '"2"') });
      expect401(res);
    });

    it('rejects a signature made with the wrong secret key with 401', async () => {
      expect401(
        await signedKms(
          live.emu,
          'list-grants',
          LIST_APP,
          { accessKey: alice.accessKey, secretKey: bob.secretKey },
          { now: new Date(NOW) },
        ),
      );
    });

    it('rejects an unknown access key with 401', async () => {
      expect401(
        await signedKms(live.emu, 'list-grants', LIST_APP, { accessKey: 'UNKNOWNACCESSKEY0000', secretKey: 'x' }, { now: new Date(NOW) }),
      );
    });

    it('rejects an X-Sdk-Date more than 15 minutes off either way with 401, and accepts 14 minutes', async () => {
      expect401(await signedKms(live.emu, 'list-grants', LIST_APP, alice, { now: new Date(NOW - 16 * MINUTE) }));
      expect401(await signedKms(live.emu, 'list-grants', LIST_APP, alice, { now: new Date(NOW + 16 * MINUTE) }));
      expect((await signedKms(live.emu, 'list-grants', LIST_APP, alice, { now: new Date(NOW - 14 * MINUTE) })).status).toBe(200);
    });

    it('answers an X-Project-Id that differs from the path with 403 KMS.0321', async () => {
      const res = await signedKms(live.emu, 'list-grants', LIST_APP, alice, { now: new Date(NOW), xProjectId: DEMO.acmeProjectId });
      expect(res).toMatchObject({ status: 403, body: kmsError('KMS.0321') });
    });

    it('answers a project of another account with 403 KMS.0321', async () => {
      const res = await signedKms(live.emu, 'list-grants', LIST_APP, carol, { now: new Date(NOW) });
      expect(res).toMatchObject({ status: 403, body: kmsError('KMS.0321') });
    });

    it('takes the path’s project when X-Project-Id is absent', async () => {
      const res = await signedKms(live.emu, 'list-grants', LIST_APP, alice, { now: new Date(NOW), xProjectId: null });
      expect(res.status).toBe(200);
    });
  });
});
