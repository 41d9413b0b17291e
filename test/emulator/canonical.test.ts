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
import type { Vector } from './signature-vectors.ts';
import { GO_DATE, GO_GET, GO_POST, PROJECT, V1, V1_CANONICAL_REQUEST, V2, V3, V4 } from './signature-vectors.ts';

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

describe('canonical request', () => {
  describe('steps', () => {
    it('percent-encodes everything but RFC 3986 unreserved characters, as UTF-8', () => {
      expect(percentEncode("aZ09-_.~ /!'()*+=&ü名")).toBe('aZ09-_.~%20%2F%21%27%28%29%2A%2B%3D%26%C3%BC%E5%90%8D');
    });

    it('appends a trailing slash to the path and normalises segment encoding', () => {
      expect([
        canonicalUri(`/v1.0/${PROJECT}/kms/list-grants`),
        canonicalUri('/a/'),
        canonicalUri(''),
        canonicalUri('/a%7eb/c d/%zz'),
      ]).toEqual([`/v1.0/${PROJECT}/kms/list-grants/`, '/a/', '/', '/a~b/c%20d/%25zz/']);
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
      expect(signedHeadersString(['X-Sdk-Date', 'host', 'Content-Type', 'X-Project-Id', 'host'])).toBe(
        'content-type;host;x-project-id;x-sdk-date',
      );
    });

    it('writes one trimmed name:value line per header, ending in a newline', () => {
      expect(
        canonicalHeaders([
          ['Content-Type', ' application/json '],
          ['host', '127.0.0.1:5400'],
        ]),
      ).toBe('content-type:application/json\nhost:127.0.0.1:5400\n');
    });

    it('hashes exact body bytes, or takes x-sdk-content-sha256 as given', () => {
      expect([
        payloadHash(''),
        payloadHash(Buffer.from(V2.body, 'utf8')),
        payloadHash(V2.body),
        payloadHash(V1.body, 'UNSIGNED-PAYLOAD'),
      ]).toEqual([EMPTY_BODY_SHA256, V2.bodyHash, V2.bodyHash, 'UNSIGNED-PAYLOAD']);
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
});
