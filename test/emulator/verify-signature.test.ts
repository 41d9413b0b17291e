import { describe, expect, it } from 'vitest';
import {
  EMPTY_BODY_SHA256,
  canonicalHeaders,
  canonicalRequest,
  canonicalUri,
  hmacHex,
  sha256Hex,
  stringToSign,
} from '../../src/emulator/auth/canonical.ts';
import { signRequest, verifySignature } from '../../src/emulator/auth/signature.ts';
import type { SignableRequest } from '../../src/emulator/auth/signature.ts';
import type { Vector } from './signature-vectors.ts';
import { GO_DATE, GO_GET, GO_NOW, GO_POST, JAN_1_2024, V1, V2, V3, V4, authorization } from './signature-vectors.ts';

/** What the emulator's HTTP layer would hand the verifier for a request sent with `headers`. */
function received(method: string, url: string, headers: Record<string, string>, body: string | Buffer): SignableRequest {
  const parsed = new URL(url);
  return {
    method,
    path: parsed.pathname,
    query: parsed.search.slice(1),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
}

function signed(v: Vector, now = JAN_1_2024): SignableRequest {
  const headers = signRequest({ method: v.method, url: v.url, headers: v.headers, body: v.body }, v.ak, v.sk, now);
  return received(v.method, v.url, headers, v.body);
}

const secrets =
  (...vs: Vector[]) =>
  (ak: string) =>
    vs.find((v) => v.ak === ak)?.sk;
const goSecrets = (ak: string) => (ak === 'AccessKey' ? 'SecretKey' : undefined);

describe('verifySignature', () => {
  describe('accepts', () => {
    it.each([
      ['V1', V1],
      ['V2', V2],
      ['V3', V3],
      ['V4', V4],
    ])('what signRequest produced for %s', (_name, v) => {
      expect(verifySignature(signed(v), secrets(v), JAN_1_2024)).toEqual({ ok: true, accessKey: v.ak });
    });

    it.each([
      ['GET', GO_GET],
      ['POST', GO_POST],
    ])('the Go SDK %s vector, which signs only x-sdk-date', (_name, vector) => {
      const req = received(
        vector.method,
        `http://example.huaweicloud.com/path?${vector.query}`,
        {
          host: 'example.huaweicloud.com',
          'x-sdk-date': GO_DATE,
          authorization: authorization('AccessKey', 'x-sdk-date', vector.signature),
        },
        vector.body,
      );
      expect(verifySignature(req, goSecrets, GO_NOW)).toEqual({ ok: true, accessKey: 'AccessKey' });
    });

    it('a query as axios sends it (+ for space) and headers the HTTP layer added unsigned', () => {
      const req = signed(V4);
      const relaxed = {
        ...req,
        query: 'marker=x%2Fy+z&limit=5&tag=b&tag=a',
        headers: { ...req.headers, 'user-agent': 'huaweicloud-usdk-nodejs/3.0', accept: '*/*' },
      };
      expect(verifySignature(relaxed, secrets(V4), JAN_1_2024)).toEqual({ ok: true, accessKey: V4.ak });
    });

    it('an X-Sdk-Date exactly 15 minutes off, either way', () => {
      expect([-15, 15].map((min) => verifySignature(signed(V1), secrets(V1), new Date(JAN_1_2024.getTime() + min * 60_000)).ok)).toEqual([
        true,
        true,
      ]);
    });

    it('UNSIGNED-PAYLOAD, and a signed x-sdk-content-sha256 equal to the body hash', () => {
      const unsigned = signed({ ...V1, headers: { ...V1.headers, 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' } });
      const hashed = signed({ ...V1, headers: { ...V1.headers, 'X-Sdk-Content-Sha256': V1.bodyHash } });
      expect([
        verifySignature({ ...unsigned, body: 'anything' }, secrets(V1), JAN_1_2024),
        verifySignature(hashed, secrets(V1), JAN_1_2024),
      ]).toEqual([
        { ok: true, accessKey: V1.ak },
        { ok: true, accessKey: V1.ak },
      ]);
    });
  });

  describe('rejects', () => {
    const good = signed(V1);
    const verify = (req: SignableRequest, secretFor = secrets(V1), now = JAN_1_2024) => verifySignature(req, secretFor, now);
    const mismatch = { ok: false, reason: 'signature does not match' };

    it('a body with one byte changed', () => {
      const body = Buffer.from(good.body);
      body[body.length - 3] = 0x31; // "0" -> "1" in the marker value
      expect(verify({ ...good, body })).toEqual(mismatch);
    });

    it('a different path, a different query, and a different method', () => {
      expect([
        verify({ ...good, path: good.path.replace('list-grants', 'list-retirable-grants') }),
        verify({ ...good, query: 'limit=1' }),
        verify({ ...good, method: 'PUT' }),
      ]).toEqual([mismatch, mismatch, mismatch]);
    });

    it('a signed header with another value', () => {
      expect(verify({ ...good, headers: { ...good.headers, 'x-project-id': 'ffffffffffffffffffffffffffffffff' } })).toEqual(mismatch);
    });

    it('a signature made with another secret key, and an unknown access key', () => {
      expect([verify(good, () => 'not-the-secret'), verify(good, () => undefined)]).toEqual([
        mismatch,
        { ok: false, reason: 'access key is unknown' },
      ]);
    });

    it('SignedHeaders without x-sdk-date, even when the signature over the rest is right', () => {
      const names = 'content-type;host;x-project-id';
      const canonical = canonicalRequest({
        method: 'POST',
        uri: canonicalUri(good.path),
        query: '',
        headers: canonicalHeaders(names.split(';').map((n) => [n, String(good.headers[n])] as const)),
        signedHeaders: names,
        payloadHash: V1.bodyHash,
      });
      const sig = hmacHex(V1.sk, stringToSign('20240101T000000Z', sha256Hex(canonical)));
      const req = { ...good, headers: { ...good.headers, authorization: authorization(V1.ak, names, sig) } };
      expect(verify(req)).toEqual({ ok: false, reason: 'x-sdk-date is not among SignedHeaders' });
    });

    it('an X-Sdk-Date 16 minutes behind or ahead of the server clock', () => {
      expect([-16, 16].map((min) => verify(good, secrets(V1), new Date(JAN_1_2024.getTime() + min * 60_000)))).toEqual([
        { ok: false, reason: 'X-Sdk-Date is more than 15 minutes from the server time' },
        { ok: false, reason: 'X-Sdk-Date is more than 15 minutes from the server time' },
      ]);
    });

    it('an unparseable X-Sdk-Date', () => {
      expect(verify({ ...good, headers: { ...good.headers, 'x-sdk-date': '2024-01-01T00:00:00Z' } })).toEqual({
        ok: false,
        reason: 'X-Sdk-Date is not a UTC time formatted YYYYMMDDTHHMMSSZ',
      });
    });

    it('a signed header that is absent from the request, including inherited names like constructor', () => {
      const { 'x-project-id': _dropped, ...withoutProject } = good.headers;
      const inherited = { ...good.headers, authorization: authorization(V1.ak, 'constructor;x-sdk-date', V1.signature) };
      expect([verify({ ...good, headers: withoutProject }), verify({ ...good, headers: inherited })]).toEqual([
        { ok: false, reason: 'signed header "x-project-id" is absent from the request' },
        { ok: false, reason: 'signed header "constructor" is absent from the request' },
      ]);
    });

    it('an unsigned x-sdk-content-sha256, and a signed one that is not the body hash', () => {
      const added = { ...good, headers: { ...good.headers, 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' } };
      const lying = signed({ ...V1, headers: { ...V1.headers, 'X-Sdk-Content-Sha256': EMPTY_BODY_SHA256 } });
      expect([verify(added), verify(lying)]).toEqual([
        { ok: false, reason: 'x-sdk-content-sha256 is not among SignedHeaders' },
        { ok: false, reason: 'body does not match x-sdk-content-sha256' },
      ]);
    });

    it('a missing Authorization header', () => {
      const { authorization: _dropped, ...rest } = good.headers;
      expect(verify({ ...good, headers: rest })).toEqual({ ok: false, reason: 'Authorization header is missing' });
    });

    const auth = String(good.headers.authorization);
    it.each([
      ['empty', ''],
      ['a bearer token', 'Bearer abc.def'],
      ['another algorithm', auth.replace('SDK-HMAC-SHA256', 'AWS4-HMAC-SHA256')],
      ['lower-case algorithm', auth.replace('SDK-HMAC-SHA256', 'sdk-hmac-sha256')],
      ['no space after commas', auth.replace(/, /g, ',')],
      [
        'fields reordered',
        authorization(V1.ak, V1.signedHeaders, V1.signature).replace(/Access=([^,]+), (SignedHeaders=[^,]+)/, '$2, Access=$1'),
      ],
      ['a short signature', auth.slice(0, -1)],
      ['an upper-case signature', auth.replace(/Signature=(\w+)/, (_m, s: string) => `Signature=${s.toUpperCase()}`)],
      ['an empty header name', auth.replace('content-type;', ';')],
      ['upper-case header names', auth.replace('content-type', 'Content-Type')],
      ['trailing garbage', `${auth}, Extra=1`],
      ['a newline inside', auth.replace(', Signature', ',\nSignature')],
      ['unicode', 'SDK-HMAC-SHA256 Access=名, SignedHeaders=x-sdk-date, Signature=ü'],
      ['huge', `SDK-HMAC-SHA256 Access=${'A'.repeat(100_000)}, SignedHeaders=x-sdk-date, Signature=${'0'.repeat(64)}`],
    ])('a malformed Authorization (%s) without throwing', (_name, value) => {
      expect(verify({ ...good, headers: { ...good.headers, authorization: value } })).toEqual({
        ok: false,
        reason: 'Authorization header is not "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex>"',
      });
    });

    it('never puts the secret key in a reason', () => {
      const results = [verify(good, () => 'not-the-secret'), verify({ ...good, body: 'x' })];
      expect(results.filter((r) => JSON.stringify(r).includes(V1.sk) || JSON.stringify(r).includes('not-the-secret'))).toEqual([]);
    });
  });
});
