import { describe, expect, it } from 'vitest';
import { acceptRequestId, extractToken } from '../../src/server/auth.ts';

const TOKEN = 'MIIEhwYJKoZIhvcNAQcCoIIEeDCCBHQCAQExDTALBglghkgBZQMEAgEwggLFBgkqhkiG9w0BBwGgggK2';
const OTHER_TOKEN = 'emu1.eyJ1c2VySWQiOiJib2IifQ.c2lnbmF0dXJl';

/** The token extractToken finds in a request with these headers. */
const tokenOf = (init: Record<string, string>): string | null => extractToken(new Headers(init));

describe('server/auth', () => {
  describe('extractToken', () => {
    it('reads X-Auth-Token, in any header-name case', () => {
      expect([tokenOf({ 'X-Auth-Token': TOKEN }), tokenOf({ 'x-auth-token': TOKEN }), tokenOf({ 'X-AUTH-TOKEN': OTHER_TOKEN })]).toEqual([
        TOKEN,
        TOKEN,
        OTHER_TOKEN,
      ]);
    });

    it('reads Authorization: Bearer, with the scheme in any case', () => {
      const schemes = ['Bearer', 'bearer', 'BEARER', 'bEaReR'];
      expect(schemes.map((scheme) => tokenOf({ Authorization: `${scheme} ${TOKEN}` }))).toEqual(schemes.map(() => TOKEN));
    });

    it('tolerates extra blanks between the scheme and the token', () => {
      expect([tokenOf({ Authorization: `Bearer   ${TOKEN}` }), tokenOf({ Authorization: `Bearer\t${TOKEN}` })]).toEqual([TOKEN, TOKEN]);
    });

    it('prefers X-Auth-Token when both are sent', () => {
      expect([
        tokenOf({ 'X-Auth-Token': TOKEN, Authorization: `Bearer ${OTHER_TOKEN}` }),
        tokenOf({ 'X-Auth-Token': TOKEN, Authorization: 'Basic YWxpY2U6cGFzc3dvcmQ=' }),
      ]).toEqual([TOKEN, TOKEN]);
    });

    it('counts an empty or blank X-Auth-Token as no token', () => {
      expect([tokenOf({ 'X-Auth-Token': '' }), tokenOf({ 'X-Auth-Token': '   ' })]).toEqual([null, null]);
    });

    // contract.md: an empty X-Auth-Token "counts as no token", so the request is as if it were absent
    // and a Bearer Authorization still applies.
    it('falls back to Authorization: Bearer when X-Auth-Token is empty', () => {
      expect(tokenOf({ 'X-Auth-Token': '', Authorization: `Bearer ${OTHER_TOKEN}` })).toBe(OTHER_TOKEN);
    });

    it.for<[string, Record<string, string>]>([
      ['no headers', {}],
      ['unrelated headers', { Cookie: `token=${TOKEN}`, 'X-Api-Key': TOKEN }],
      ['Basic auth', { Authorization: 'Basic YWxpY2U6cGFzc3dvcmQ=' }],
      ['Bearer with no token', { Authorization: 'Bearer' }],
      ['Bearer with only blanks', { Authorization: 'Bearer    ' }],
      ['Bearer with two words', { Authorization: 'Bearer a b' }],
      ['Bearer glued to the token', { Authorization: `Bearer${TOKEN}` }],
      ['a bare token in Authorization', { Authorization: TOKEN }],
      ['another scheme', { Authorization: `Token ${TOKEN}` }],
      ['a lookalike scheme', { Authorization: `Bearerr ${TOKEN}` }],
      ['two credentials', { Authorization: `Bearer ${TOKEN}, Basic YWxpY2U6cGFzc3dvcmQ=` }],
      ['an empty X-Auth-Token and Basic auth', { 'X-Auth-Token': '', Authorization: 'Basic YWxpY2U6cGFzc3dvcmQ=' }],
    ])('finds no token in %s', ([, init]) => {
      expect(tokenOf(init)).toBeNull();
    });

    it('passes a huge Bearer token through whole (KMS decides)', () => {
      const huge = 'T'.repeat(64_000);
      expect(tokenOf({ Authorization: `Bearer ${huge}` })).toBe(huge);
    });
  });

  describe('acceptRequestId', () => {
    it('accepts sane ids, up to 128 characters', () => {
      const ids = ['abc', '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', 'req.1:retry_2', 'x'.repeat(128)];
      expect(ids.map(acceptRequestId)).toEqual(ids);
    });

    it.for<[string, string | null | undefined]>([
      ['null', null],
      ['undefined', undefined],
      ['the empty string', ''],
      ['129 characters', 'x'.repeat(129)],
      ['a huge string', 'x'.repeat(1_000_000)],
      ['a space', 'req 1'],
      ['a newline', 'req1\nX-Injected: yes'],
      ['a carriage return', 'req1\r'],
      ['a tab', 'req\t1'],
      ['a slash', 'req/1'],
      ['quotes', '"req1"'],
      ['non-ASCII letters', 'réq1'],
      ['an emoji', '🔑'],
      ['a NUL', 'req\u00001'],
    ])('refuses %s', ([, value]) => {
      expect(acceptRequestId(value)).toBeNull();
    });
  });
});
