import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { asKmsError, errors, KmsError } from '../../src/emulator/errors.ts';
import { BODY_LIMIT_BYTES } from '../../src/emulator/server.ts';
import { DEMO } from '../../src/emulator/seed.ts';
import { useEmulator } from './session.ts';
import { apigwError, kms, kmsError, kmsUrl } from './support.ts';

const LIST_APP = { key_id: DEMO.keys.app, limit: '1' };

describe('emulator server', () => {
  describe('asKmsError', () => {
    it('keeps KmsErrors, maps fastify’s body limit to KMS.0203 and its other 4xx to KMS.0214', () => {
      const own = errors.keyNotFound();
      expect(asKmsError(own)).toBe(own);
      expect(asKmsError(Object.assign(new Error('big'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }))).toMatchObject({
        status: 400,
        code: 'KMS.0203',
      });
      expect(asKmsError(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }))).toMatchObject({
        status: 415,
        code: 'KMS.0214',
      });
    });

    it('hides anything else behind 500 KMS.0101 with no detail', () => {
      const mapped = asKmsError(new TypeError('secret internals'));
      expect(mapped).toBeInstanceOf(KmsError);
      expect({ status: mapped.status, code: mapped.code, message: mapped.message }).toEqual({
        status: 500,
        code: 'KMS.0101',
        message: 'KMS error.',
      });
    });
  });

  describe('over HTTP', () => {
    const live = useEmulator();

    it('listens on loopback at a URL without a trailing slash', () => {
      expect(live.emu.url).toBe(`http://127.0.0.1:${live.emu.port}`);
      expect(live.emu.projectId).toBe('0123456789abcdef0123456789abcdef');
    });

    it('puts a distinct 32-hex X-Request-Id on every answer, errors included', async () => {
      const answers = [
        await kms(live.emu, 'list-grants', LIST_APP, { token: live.tokens.alice }),
        await kms(live.emu, 'list-grants', LIST_APP),
        await kms(live.emu, 'nope', {}, { token: live.tokens.alice }),
      ];
      const ids = answers.map((a) => a.headers['x-request-id']);
      expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id ?? ''))).toBe(true);
      expect(new Set(ids).size).toBe(3);
      expect(answers.map((a) => a.headers['content-type'])).toEqual(Array(3).fill('application/json; charset=utf-8'));
    });

    it('answers an unknown path or action with 404 APIGW.0101 in the flat shape', async () => {
      const unknownAction = await kms(live.emu, 'delete-everything', {}, { token: live.tokens.alice });
      expect(unknownAction).toMatchObject({ status: 404, body: apigwError('APIGW.0101', unknownAction.headers['x-request-id'] ?? '') });
      const res = await fetch(`${live.emu.url}/v2/whatever`);
      expect({ status: res.status, body: await res.json() }).toEqual({
        status: 404,
        body: apigwError('APIGW.0101', res.headers.get('x-request-id') ?? ''),
      });
    });

    it('answers another method on a KMS action with 405 KMS.0215', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        expect(await kms(live.emu, 'list-grants', LIST_APP, { token: live.tokens.alice, method })).toMatchObject({
          status: 405,
          body: kmsError('KMS.0215'),
        });
      }
    });

    it('answers a body over the limit with 400 KMS.0203', async () => {
      const raw = Buffer.alloc(BODY_LIMIT_BYTES + 1, 0x20);
      expect(await kms(live.emu, 'list-grants', undefined, { token: live.tokens.alice, raw })).toMatchObject({
        status: 400,
        body: kmsError('KMS.0203'),
      });
    });

    it('answers an unparseable Content-Type with 415 in the KMS shape', async () => {
      const res = await kms(live.emu, 'list-grants', LIST_APP, { token: live.tokens.alice, headers: { 'content-type': 'not a type' } });
      expect(res).toMatchObject({ status: 415, body: kmsError('KMS.0214') });
    });

    it('reads JSON whatever the Content-Type, and without one', async () => {
      expect(
        (await kms(live.emu, 'list-grants', LIST_APP, { token: live.tokens.alice, headers: { 'content-type': 'text/plain' } })).status,
      ).toBe(200);
      const status = await new Promise<number>((resolve, reject) => {
        const body = JSON.stringify(LIST_APP);
        const req = httpRequest(
          kmsUrl(live.emu, 'list-grants'),
          { method: 'POST', headers: { 'x-auth-token': live.tokens.alice, 'content-length': Buffer.byteLength(body) } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      expect(status).toBe(200);
    });
  });
});
