import { describe, expect, it } from 'vitest';
import { formatSdkDate, parseAuthorization, parseSdkDate, signRequest } from '../../src/emulator/auth/signature.ts';
import { JAN_1_2024, V1, V2, V3, V4, authorization } from './signature-vectors.ts';

describe('signature', () => {
  describe('sdk date', () => {
    it('formats and parses YYYYMMDDTHHMMSSZ, rejecting other shapes and impossible dates', () => {
      expect(formatSdkDate(new Date('2024-03-05T06:07:08.999Z'))).toBe('20240305T060708Z');
      expect(parseSdkDate('20240305T060708Z')).toEqual(new Date('2024-03-05T06:07:08Z'));
      expect(
        ['20240230T000000Z', '20240101T250000Z', '2024-01-01T00:00:00Z', '20240101T000000', ' 20240101T000000Z', ''].map(parseSdkDate),
      ).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
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
      const headers = signRequest(
        { method: V3.method, url: V3.url, headers: V3.headers, body: V3.body },
        V3.ak,
        V3.sk,
        new Date('2030-06-01T00:00:00Z'),
      );
      expect(headers.Authorization).toBe(authorization(V3.ak, V3.signedHeaders, V3.signature));
    });

    it('omits a default port from host and signs a given host header instead of the URL host', () => {
      const viaUrl = signRequest({ method: 'GET', url: 'https://kms.example.com:443/x', headers: {}, body: '' }, 'AK', 'SK', JAN_1_2024);
      const viaHeader = signRequest(
        { method: 'GET', url: 'https://10.0.0.1/x', headers: { Host: 'kms.example.com' }, body: '' },
        'AK',
        'SK',
        JAN_1_2024,
      );
      expect([viaUrl, viaHeader]).toEqual([
        { 'X-Sdk-Date': '20240101T000000Z', host: 'kms.example.com', Authorization: viaUrl.Authorization },
        { 'X-Sdk-Date': '20240101T000000Z', Host: 'kms.example.com', Authorization: viaUrl.Authorization },
      ]);
      expect(viaUrl.Authorization).toMatch(/^SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=[0-9a-f]{64}$/);
    });

    it('refuses a header given twice in different cases, and a preset Authorization', () => {
      const sign = (headers: Record<string, string>) => () =>
        signRequest({ method: 'GET', url: 'https://h/x', headers, body: '' }, 'AK', 'SK', JAN_1_2024);
      expect(sign({ 'content-type': 'a', 'Content-Type': 'b' })).toThrow('header "content-type" is given twice');
      expect(sign({ Authorization: 'Bearer t' })).toThrow('must not include Authorization');
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
