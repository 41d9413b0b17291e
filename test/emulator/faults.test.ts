import { afterEach, describe, expect, it } from 'vitest';
import { FaultController, parseFaultRule } from '../../src/emulator/faults.ts';
import { DEMO } from '../../src/emulator/seed.ts';
import { useEmulator } from './session.ts';
import { apigwError, iamLogin, kms, kmsError, kmsUrl, passwordBody } from './support.ts';

const LIST_APP = { key_id: DEMO.keys.app, limit: '1' };

describe('emulator faults', () => {
  describe('FaultController', () => {
    it('prefers a rule for the action over "*", and counts down "times"', () => {
      const faults = new FaultController();
      faults.set({ action: '*', latencyMs: 5 });
      faults.set({ action: 'list-grants', times: 2, effect: { kind: 'drop' } });
      expect(faults.take('list-grants')).toEqual({ action: 'list-grants', times: 2, effect: { kind: 'drop' } });
      expect(faults.list()).toEqual([
        { action: '*', latencyMs: 5 },
        { action: 'list-grants', times: 1, effect: { kind: 'drop' } },
      ]);
      expect(faults.take('list-grants')).toEqual({ action: 'list-grants', times: 1, effect: { kind: 'drop' } });
      expect(faults.take('list-grants')).toEqual({ action: '*', latencyMs: 5 });
      faults.clear();
      expect(faults.take('describe-key')).toBeUndefined();
    });

    it.each([
      [[], 'a fault rule must be a JSON object'],
      [{}, 'action must be a non-empty string'],
      [{ action: 'x', times: 0 }, 'times must be an integer from 1 to 1000000'],
      [{ action: 'x', latencyMs: 60_001 }, 'latencyMs must be an integer from 0 to 60000'],
      [
        { action: 'x', effect: { kind: 'explode' } },
        'effect.kind must be error, raw, drop, malformed-json, truncated, hang, endless or trickle',
      ],
      [{ action: 'x', effect: { kind: 'error', status: 200, code: 'X' } }, 'status must be an integer from 400 to 599'],
      [{ action: 'x', effect: { kind: 'error', status: 500 } }, 'code must be a non-empty string'],
    ])('rejects %j: %s', (rule, message) => {
      expect(() => parseFaultRule(rule)).toThrow(message);
    });
  });

  describe('over HTTP', () => {
    const live = useEmulator();
    afterEach(() => {
      live.emu.faults.clear();
    });

    it('answers nothing unusual while no rule is set', async () => {
      expect((await kms(live.emu, 'list-grants', LIST_APP, { token: live.tokens.alice })).status).toBe(200);
    });

    it('delays a matching request by latencyMs, then serves it', async () => {
      live.emu.faults.set({ action: 'list-grants', latencyMs: 300 });
      const started = Date.now();
      const res = await kms(live.emu, 'list-grants', LIST_APP, { token: live.tokens.alice });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(res.status).toBe(200);
    });

    it('answers a KMS-shaped error with Retry-After for the next N requests only', async () => {
      live.emu.faults.set({
        action: 'list-grants',
        times: 2,
        retryAfter: '3',
        effect: { kind: 'error', status: 503, shape: 'kms', code: 'KMS.0104' },
      });
      for (let i = 0; i < 2; i++) {
        const res = await kms(live.emu, 'list-grants', LIST_APP, { token: live.tokens.alice });
        expect(res).toMatchObject({ status: 503, headers: { 'retry-after': '3' }, body: kmsError('KMS.0104') });
      }
      expect((await kms(live.emu, 'list-grants', LIST_APP, { token: live.tokens.alice })).status).toBe(200);
    });

    it('answers an APIGW-shaped error whose request_id is the X-Request-Id', async () => {
      live.emu.faults.set({
        action: '*',
        effect: { kind: 'error', status: 429, shape: 'apigw', code: 'APIGW.0308', message: 'throttled' },
      });
      const res = await kms(live.emu, 'describe-key', { key_id: DEMO.keys.app }, { token: live.tokens.alice });
      expect(res).toMatchObject({ status: 429, body: apigwError('APIGW.0308', res.headers['x-request-id'] ?? '') });
      expect((res.body as { error_msg: string }).error_msg).toBe('throttled');
    });

    it('answers a raw body', async () => {
      live.emu.faults.set({
        action: 'list-grants',
        effect: { kind: 'raw', status: 502, body: '<html>bad gateway</html>', contentType: 'text/html' },
      });
      const res = await kms(live.emu, 'list-grants', LIST_APP, { token: live.tokens.alice });
      expect(res).toMatchObject({
        status: 502,
        headers: { 'content-type': expect.stringContaining('text/html') },
        body: '<html>bad gateway</html>',
      });
    });

    it('answers 200 with a body that is not JSON', async () => {
      live.emu.faults.set({ action: 'list-grants', effect: { kind: 'malformed-json' } });
      const res = await kms(live.emu, 'list-grants', LIST_APP, { token: live.tokens.alice });
      expect(res.status).toBe(200);
      expect(() => JSON.parse(res.body as string)).toThrow();
    });

    it('drops the connection', async () => {
      live.emu.faults.set({ action: 'list-grants', times: 1, effect: { kind: 'drop' } });
      await expect(kms(live.emu, 'list-grants', LIST_APP, { token: live.tokens.alice })).rejects.toThrow();
      expect((await kms(live.emu, 'list-grants', LIST_APP, { token: live.tokens.alice })).status).toBe(200);
    });

    it('cuts the body short of its Content-Length', async () => {
      live.emu.faults.set({ action: 'list-grants', effect: { kind: 'truncated' } });
      const res = await fetch(kmsUrl(live.emu, 'list-grants'), {
        method: 'POST',
        headers: { 'x-auth-token': live.tokens.alice },
        body: JSON.stringify(LIST_APP),
      });
      expect({ status: res.status, length: res.headers.get('content-length') }).toEqual({ status: 200, length: '60' });
      await expect(res.text()).rejects.toThrow();
    });

    it('applies to IAM as action "iam"', async () => {
      live.emu.faults.set({ action: 'iam', effect: { kind: 'error', status: 500, shape: 'apigw', code: 'APIGW.0201' } });
      const res = await iamLogin(live.emu, passwordBody('alice', 'alice-demo-password', 'demo', { id: DEMO.projectId }));
      expect(res.status).toBe(500);
    });

    it('is set, listed and cleared through /__emulator/faults', async () => {
      const post = await fetch(`${live.emu.url}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'revoke-grant', effect: { kind: 'error', status: 500, code: 'KMS.0101' } }),
      });
      expect({ status: post.status, body: await post.json() }).toEqual({
        status: 200,
        body: { rules: [{ action: 'revoke-grant', effect: { kind: 'error', status: 500, shape: 'kms', code: 'KMS.0101' } }] },
      });
      const ref = { key_id: DEMO.keys.app, grant_id: DEMO.grants.appCarolRetires };
      expect(await kms(live.emu, 'revoke-grant', ref, { token: live.tokens.alice })).toMatchObject({
        status: 500,
        body: kmsError('KMS.0101'),
      });
      const del = await fetch(`${live.emu.url}/__emulator/faults`, { method: 'DELETE' });
      expect(del.status).toBe(200);
      const get = await fetch(`${live.emu.url}/__emulator/faults`);
      expect(await get.json()).toEqual({ rules: [] });
      expect((await kms(live.emu, 'revoke-grant', ref, { token: live.tokens.alice })).status).toBe(200);
    });

    it('answers an invalid rule over HTTP with 400 KMS.0308 naming the field', async () => {
      const res = await fetch(`${live.emu.url}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"action":"x","times":-1}',
      });
      expect({ status: res.status, body: await res.json() }).toEqual({
        status: 400,
        body: { error: { error_code: 'KMS.0308', error_msg: 'Invalid parameter. times must be an integer from 1 to 1000000.' } },
      });
    });
  });
});
