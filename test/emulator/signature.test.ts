import { describe, expect, it } from 'vitest';
import {
  EMPTY_BODY_SHA256,
  canonicalHeaders,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  hmacHex,
  parseQuery,
  payloadHash,
  percentEncode,
  sha256Hex,
  signedHeadersString,
  stringToSign,
} from '../../src/emulator/auth/canonical.ts';
import {
  formatSdkDate,
  parseAuthorization,
  parseSdkDate,
  signRequest,
  verifySignature,
} from '../../src/emulator/auth/signature.ts';
import type { SignableRequest } from '../../src/emulator/auth/signature.ts';

// ---- fixtures: kms-api.md §8.2 and §12 ----

const PROJECT = '0123456789abcdef0123456789abcdef';
const JAN_1_2024 = new Date('2024-01-01T00:00:00Z');

/** The inputs of one vector, as signRequest takes them, plus what the documents say comes out. */
interface Vector {
  ak: string;
  sk: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  bodyHash: string;
  canonicalRequestHash: string;
  signedHeaders: string;
  signature: string;
}

const V1: Vector = {
  ak: 'HPUAEXAMPLEAK0000001',
  sk: 'ExampleSecretKey0000000000000000000000001',
  method: 'POST',
  url: `http://127.0.0.1:5400/v1.0/${PROJECT}/kms/list-grants`,
  // No X-Sdk-Date: the SDK added it from the frozen clock, as signRequest must from `now`.
  headers: { 'content-type': 'application/json', 'X-Project-Id': PROJECT },
  body: '{"key_id":"0d0466b0-e727-4d9c-b35d-f84bb474a37f","limit":"10","marker":"0"}',
  bodyHash: '8c03d765b64af2534b324e5e5c6cfcc0f0917f14c92b80f28736d416daa078fa',
  canonicalRequestHash: 'e43773e86b7927281d90fe32a4c56a1a66e0ba196715f6f474fe7f732ec46bf7',
  signedHeaders: 'content-type;host;x-project-id;x-sdk-date',
  signature: 'daea4afde7233e85a55df8c8842f88e382f953abf13f69f0b38c3b2a667b2365',
};

const V2: Vector = {
  ...V1,
  url: `http://127.0.0.1:5400/v1.0/${PROJECT}/kms/create-grant`,
  body: '{"key_id":"0d0466b0-e727-4d9c-b35d-f84bb474a37f","grantee_principal":"b168fe00ff56492495a7d22974df2d0b","operations":["describe-key","retire-grant"],"name":"grünt-名","grantee_principal_type":"user"}',
  bodyHash: '5d3ce6b942cbec9f6d1346b28722923cc6700be943a57dae588b389e37903a13',
  canonicalRequestHash: 'ea86addc7f7b82b2d4b014c7adde1d9ee837497137cac59092be112fa46f7652',
  signature: '4fb95d9d03ead0a7cb5824d94ab6998530998ae6da0195bd07e5f0d0466d0c18',
};

/** §8.2's worked example, confirmed by the SDK as V3; X-Sdk-Date is given and must be reused. */
const V3: Vector = {
  ak: 'EXAMPLEAK0000000000',
  sk: 'EXAMPLESK0000000000000000000000000000000',
  method: 'POST',
  url: `https://kms.cn-north-4.myhuaweicloud.com/v1.0/${PROJECT}/kms/list-grants`,
  headers: { 'content-type': 'application/json', 'X-Project-Id': PROJECT, 'X-Sdk-Date': '20240101T000000Z' },
  body: '{"key_id":"0d0466b0-e727-4d9c-b35d-f84bb474a37f","limit":"10"}',
  bodyHash: 'b83a251144303cb4010ae33d9b65971020782ca388949ee44809be5046e7aee9',
  canonicalRequestHash: 'a20fdcff3f80f76e491fde809051ba74872be153119cbc96452cc12babc8b60d',
  signedHeaders: 'content-type;host;x-project-id;x-sdk-date',
  signature: '47e8c73401f8a4a7af70624c0c6f8ff67dae4a6a51addd60bc79dfce5b9732d7',
};

const V4: Vector = {
  ak: 'AccessKey',
  sk: 'SecretKey',
  method: 'GET',
  url: 'https://example.huaweicloud.com:8443/v1/items?marker=x%2Fy%20z&limit=5&tag=b&tag=a',
  headers: { 'X-Sdk-Date': '20240101T000000Z', 'content-type': 'application/json' },
  body: '',
  bodyHash: EMPTY_BODY_SHA256,
  canonicalRequestHash: '4dbd15a49a75825b8ff032291fe01b8a62dc339a8ddf74e1240662d947d1880c',
  signedHeaders: 'content-type;host;x-sdk-date',
  signature: '556743c4246add2ed24efcbd7eca64c15be5a92f8e9cebf41293f6466116ec80',
};

const V1_CANONICAL_REQUEST = [
  'POST',
  `/v1.0/${PROJECT}/kms/list-grants/`,
  '',
  'content-type:application/json',
  'host:127.0.0.1:5400',
  `x-project-id:${PROJECT}`,
  'x-sdk-date:20240101T000000Z',
  '',
  'content-type;host;x-project-id;x-sdk-date',
  V1.bodyHash,
].join('\n');

/** Go SDK signer_test.go: only x-sdk-date signed, so these go through the steps and the verifier. */
const GO_DATE = '20060102T150405Z';
const GO_NOW = new Date('2006-01-02T15:04:05Z');
const GO_GET = { method: 'GET', query: 'limit=1', body: '', signature: '5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624' };
const GO_POST = { method: 'POST', query: 'key=value', body: '{"Name":"test","Id":1}\n', signature: 'cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59' };

// ---- helpers ----

/** Signs `v` and runs the exact steps of the vector's host-and-headers set by hand. */
function canonicalOf(v: Vector, sdkDate: string): string {
  const url = new URL(v.url);
  const headers = new Map<string, string>(Object.entries(v.headers).map(([k, val]) => [k.toLowerCase(), val]));
  headers.set('host', url.host);
  headers.set('x-sdk-date', sdkDate);
  const names = signedHeadersString(headers.keys());
  return canonicalRequest({
    method: v.method,
    uri: canonicalUri(url.pathname),
    query: canonicalQueryString(parseQuery(url.search.slice(1))),
    headers: canonicalHeaders(names.split(';').map((n) => [n, headers.get(n) ?? ''] as const)),
    signedHeaders: names,
    payloadHash: payloadHash(v.body),
  });
}

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

const secrets = (...vs: Vector[]) => (ak: string) => vs.find((v) => v.ak === ak)?.sk;
const goSecrets = (ak: string) => (ak === 'AccessKey' ? 'SecretKey' : undefined);
const authorization = (ak: string, names: string, sig: string) => `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=${names}, Signature=${sig}`;

describe('signature', () => {
  describe('canonical steps', () => {
    it('percent-encodes everything but RFC 3986 unreserved characters, as UTF-8', () => {
      expect(percentEncode("aZ09-_.~ /!'()*+=&ü名")).toBe('aZ09-_.~%20%2F%21%27%28%29%2A%2B%3D%26%C3%BC%E5%90%8D');
    });

    it('appends a trailing slash to the path and normalises segment encoding', () => {
      expect([canonicalUri(`/v1.0/${PROJECT}/kms/list-grants`), canonicalUri('/a/'), canonicalUri(''), canonicalUri('/a%7eb/c d/%zz')]).toEqual([
        `/v1.0/${PROJECT}/kms/list-grants/`,
        '/a/',
        '/',
        '/a~b/c%20d/%25zz/',
      ]);
    });

    it('builds the V4 query: sorted keys, encoded values, sorted repeated array values', () => {
      const params = { marker: 'x/y z', limit: '5', tag: ['b', 'a'] };
      expect(canonicalQueryString(params)).toBe('limit=5&marker=x%2Fy%20z&tag=a&tag=b');
      expect(params.tag).toEqual(['b', 'a']);
    });

    it('parses a raw query into decoded keys and repeated values, + meaning space', () => {
      expect(parseQuery('marker=x%2Fy+z&limit=5&tag=b&tag=a&&flag&bad=%zz')).toEqual({
        marker: ['x/y z'],
        limit: ['5'],
        tag: ['b', 'a'],
        flag: [''],
        bad: ['%zz'],
      });
      expect(canonicalQueryString(parseQuery(''))).toBe('');
    });

    it('lower-cases, de-duplicates and sorts signed header names', () => {
      expect(signedHeadersString(['X-Sdk-Date', 'host', 'Content-Type', 'X-Project-Id', 'host'])).toBe('content-type;host;x-project-id;x-sdk-date');
    });

    it('writes one trimmed name:value line per header, ending in a newline', () => {
      expect(canonicalHeaders([['Content-Type', ' application/json '], ['host', '127.0.0.1:5400']])).toBe(
        'content-type:application/json\nhost:127.0.0.1:5400\n',
      );
    });

    it('hashes exact body bytes, or takes x-sdk-content-sha256 as given', () => {
      expect([payloadHash(''), payloadHash(Buffer.from(V2.body, 'utf8')), payloadHash(V2.body), payloadHash(V1.body, 'UNSIGNED-PAYLOAD')]).toEqual([
        EMPTY_BODY_SHA256,
        V2.bodyHash,
        V2.bodyHash,
        'UNSIGNED-PAYLOAD',
      ]);
    });

    it('reproduces the V1 canonical request text, its hash, the string to sign and the signature', () => {
      const canonical = canonicalOf(V1, '20240101T000000Z');
      const toSign = stringToSign('20240101T000000Z', sha256Hex(canonical));
      expect({ canonical, toSign, signature: hmacHex(V1.sk, toSign) }).toEqual({
        canonical: V1_CANONICAL_REQUEST,
        toSign: `SDK-HMAC-SHA256\n20240101T000000Z\n${V1.canonicalRequestHash}`,
        signature: V1.signature,
      });
    });

    it.each([
      ['V1', V1],
      ['V2 (non-ASCII body)', V2],
      ['V3 (§8.2 worked example)', V3],
      ['V4 (query handling)', V4],
    ])('reproduces %s body hash, canonical hash and signature', (_name, v) => {
      const canonical = canonicalOf(v, '20240101T000000Z');
      expect({
        bodyHash: sha256Hex(v.body),
        canonicalRequestHash: sha256Hex(canonical),
        signature: hmacHex(v.sk, stringToSign('20240101T000000Z', sha256Hex(canonical))),
      }).toEqual({ bodyHash: v.bodyHash, canonicalRequestHash: v.canonicalRequestHash, signature: v.signature });
    });

    it.each([
      ['GET /path?limit=1', GO_GET, GO_GET.signature],
      ['POST with trailing newline', GO_POST, GO_POST.signature],
    ])('reproduces the Go SDK vector %s', (_name, vector, expected) => {
      const canonical = canonicalRequest({
        method: vector.method,
        uri: canonicalUri('/path'),
        query: canonicalQueryString(parseQuery(vector.query)),
        headers: canonicalHeaders([['x-sdk-date', GO_DATE]]),
        signedHeaders: 'x-sdk-date',
        payloadHash: payloadHash(vector.body),
      });
      expect(hmacHex('SecretKey', stringToSign(GO_DATE, sha256Hex(canonical)))).toBe(expected);
    });
  });

  describe('sdk date', () => {
    it('formats and parses YYYYMMDDTHHMMSSZ, rejecting other shapes and impossible dates', () => {
      expect(formatSdkDate(new Date('2024-03-05T06:07:08.999Z'))).toBe('20240305T060708Z');
      expect(parseSdkDate('20240305T060708Z')).toEqual(new Date('2024-03-05T06:07:08Z'));
      expect(['20240230T000000Z', '20240101T250000Z', '2024-01-01T00:00:00Z', '20240101T000000', ' 20240101T000000Z', ''].map(parseSdkDate)).toEqual(
        [undefined, undefined, undefined, undefined, undefined, undefined],
      );
    });
  });

  describe('signRequest', () => {
    it.each([
      ['V1 (adds X-Sdk-Date from now)', V1],
      ['V2 (non-ASCII body)', V2],
      ['V3 (reuses the given X-Sdk-Date)', V3],
      ['V4 (query, host with port)', V4],
    ])('returns the full header set for %s', (_name, v) => {
      const headers = signRequest({ method: v.method, url: v.url, headers: v.headers, body: v.body }, v.ak, v.sk, JAN_1_2024);
      expect(headers).toEqual({
        'X-Sdk-Date': '20240101T000000Z',
        ...v.headers,
        host: new URL(v.url).host,
        Authorization: authorization(v.ak, v.signedHeaders, v.signature),
      });
    });

    it('keeps the given X-Sdk-Date even when now is elsewhere', () => {
      const headers = signRequest({ method: V3.method, url: V3.url, headers: V3.headers, body: V3.body }, V3.ak, V3.sk, new Date('2030-06-01T00:00:00Z'));
      expect(headers.Authorization).toBe(authorization(V3.ak, V3.signedHeaders, V3.signature));
    });

    it('omits a default port from host and signs a given host header instead of the URL host', () => {
      const viaUrl = signRequest({ method: 'GET', url: 'https://kms.example.com:443/x', headers: {}, body: '' }, 'AK', 'SK', JAN_1_2024);
      const viaHeader = signRequest({ method: 'GET', url: 'https://10.0.0.1/x', headers: { Host: 'kms.example.com' }, body: '' }, 'AK', 'SK', JAN_1_2024);
      expect([viaUrl, viaHeader]).toEqual([
        { 'X-Sdk-Date': '20240101T000000Z', host: 'kms.example.com', Authorization: viaUrl.Authorization },
        { 'X-Sdk-Date': '20240101T000000Z', Host: 'kms.example.com', Authorization: viaUrl.Authorization },
      ]);
      expect(viaUrl.Authorization).toMatch(/^SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=[0-9a-f]{64}$/);
    });

    it('refuses a header given twice in different cases, and a preset Authorization', () => {
      const sign = (headers: Record<string, string>) => () => signRequest({ method: 'GET', url: 'https://h/x', headers, body: '' }, 'AK', 'SK', JAN_1_2024);
      expect(sign({ 'content-type': 'a', 'Content-Type': 'b' })).toThrow('header "content-type" is given twice');
      expect(sign({ Authorization: 'Bearer t' })).toThrow('must not include Authorization');
    });
  });

  describe('verifySignature accepts', () => {
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
        { host: 'example.huaweicloud.com', 'x-sdk-date': GO_DATE, authorization: authorization('AccessKey', 'x-sdk-date', vector.signature) },
        vector.body,
      );
      expect(verifySignature(req, goSecrets, GO_NOW)).toEqual({ ok: true, accessKey: 'AccessKey' });
    });

    it('a query as axios sends it (+ for space) and headers the HTTP layer added unsigned', () => {
      const req = signed(V4);
      const relaxed = { ...req, query: 'marker=x%2Fy+z&limit=5&tag=b&tag=a', headers: { ...req.headers, 'user-agent': 'huaweicloud-usdk-nodejs/3.0', accept: '*/*' } };
      expect(verifySignature(relaxed, secrets(V4), JAN_1_2024)).toEqual({ ok: true, accessKey: V4.ak });
    });

    it('an X-Sdk-Date exactly 15 minutes off, either way', () => {
      expect([-15, 15].map((min) => verifySignature(signed(V1), secrets(V1), new Date(JAN_1_2024.getTime() + min * 60_000)).ok)).toEqual([true, true]);
    });

    it('UNSIGNED-PAYLOAD, and a signed x-sdk-content-sha256 equal to the body hash', () => {
      const unsigned = signed({ ...V1, headers: { ...V1.headers, 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' } });
      const hashed = signed({ ...V1, headers: { ...V1.headers, 'X-Sdk-Content-Sha256': V1.bodyHash } });
      expect([verifySignature({ ...unsigned, body: 'anything' }, secrets(V1), JAN_1_2024), verifySignature(hashed, secrets(V1), JAN_1_2024)]).toEqual([
        { ok: true, accessKey: V1.ak },
        { ok: true, accessKey: V1.ak },
      ]);
    });
  });

  describe('verifySignature rejects', () => {
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
      expect([verify(good, () => 'not-the-secret'), verify(good, () => undefined)]).toEqual([mismatch, { ok: false, reason: 'access key is unknown' }]);
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
      ['fields reordered', authorization(V1.ak, V1.signedHeaders, V1.signature).replace(/Access=([^,]+), (SignedHeaders=[^,]+)/, '$2, Access=$1')],
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

  describe('parseAuthorization', () => {
    it('splits a well-formed value into access key, declared header order and signature', () => {
      expect(parseAuthorization(authorization('AK1', 'x-sdk-date;host', V1.signature))).toEqual({
        accessKey: 'AK1',
        signedHeaders: ['x-sdk-date', 'host'],
        signature: V1.signature,
      });
    });
  });
});
