import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors/codes.ts';
import { errorCodeFor, messageFor, parseKmsErrorCode } from '../../src/kms/failure.ts';

const NESTED_BODY = JSON.stringify({ error: { error_code: 'KMS.0207', error_msg: 'The key does not exist.' } });
const NESTED_CODE_BODY = JSON.stringify({ error: { code: 'KMS.0306', message: 'No permission.' } });
const FLAT_BODY = JSON.stringify({
  error_code: 'APIGW.0301',
  error_msg: 'Incorrect IAM authentication information: X-Auth-Token=MIIE...secret',
  request_id: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
});

const ALL_CODES: readonly ErrorCode[] = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'UPSTREAM_ERROR',
  'UPSTREAM_TIMEOUT',
];

describe('kms/failure', () => {
  describe('parseKmsErrorCode: the three body shapes', () => {
    it('reads error.error_code (KMS), error.code (other services) and a flat error_code (API gateway)', () => {
      expect([NESTED_BODY, NESTED_CODE_BODY, FLAT_BODY].map(parseKmsErrorCode)).toEqual(['KMS.0207', 'KMS.0306', 'APIGW.0301']);
    });

    it('prefers error.error_code over error.code, and the nested code over a flat one', () => {
      const both = JSON.stringify({ error: { error_code: 'KMS.2501', code: 'KMS.0306' }, error_code: 'APIGW.0308' });
      const nestedCodeAndFlat = JSON.stringify({ error: { code: 'KMS.0306' }, error_code: 'APIGW.0308' });
      expect([parseKmsErrorCode(both), parseKmsErrorCode(nestedCodeAndFlat)]).toEqual(['KMS.2501', 'KMS.0306']);
    });

    it('falls back to the flat error_code when the nested error carries no code-shaped value', () => {
      const body = JSON.stringify({ error: { error_code: 'not a code', error_msg: 'x' }, error_code: 'KMS.1601' });
      expect(parseKmsErrorCode(body)).toBe('KMS.1601');
    });

    it('reads the code out of a huge body', () => {
      expect(parseKmsErrorCode(JSON.stringify({ error_code: 'KMS.0207', pad: 'x'.repeat(1_000_000) }))).toBe('KMS.0207');
    });
  });

  describe('parseKmsErrorCode: anything else is undefined', () => {
    it.for<[string, string]>([
      ['an empty body', ''],
      ['plain text', 'Bad Gateway'],
      ['an HTML error page', '<html><body>502 Bad Gateway</body></html>'],
      ['truncated JSON', '{"error_code":"KMS.0207"'],
      ['a JSON array of an error', '[{"error_code":"KMS.0207"}]'],
      ['a JSON string', '"KMS.0207"'],
      ['a JSON number', '403'],
      ['JSON true', 'true'],
      ['JSON null', 'null'],
      ['an empty object', '{}'],
      ['a null error', '{"error":null}'],
      ['an error that is an array', '{"error":[{"error_code":"KMS.0207"}]}'],
      ['an error that is a string', '{"error":"KMS.0207"}'],
      ['a null error_code', '{"error_code":null}'],
      ['a numeric error_code', '{"error_code":403}'],
      ['a boolean nested error_code', '{"error":{"error_code":true}}'],
      ['an object error_code', '{"error_code":{"code":"KMS.0207"}}'],
      ['a code with a message after it', '{"error_code":"KMS.0207 the key does not exist"}'],
      ['a code with spaces', '{"error_code":"KMS. 0207"}'],
      ['a code with a newline', '{"error_code":"KMS.0207\\n"}'],
      ['a code with a Cyrillic К', '{"error_code":"КMS.0207"}'],
      ['a code without a dot', '{"error_code":"KMS0207"}'],
      ['a code without a number', '{"error_code":"KMS."}'],
      ['a code without a prefix', '{"error_code":".0207"}'],
      ['a code with a URL', '{"error_code":"http://kms.internal/v1.0"}'],
      ['a long string', `{"error_code":"${'A'.repeat(5000)}.0207"}`],
      ['an empty code', '{"error_code":""}'],
    ])('%s', ([, text]) => {
      expect(parseKmsErrorCode(text)).toBeUndefined();
    });
  });

  describe('errorCodeFor: the contract mapping table', () => {
    it.for<[number, string | undefined, ErrorCode]>([
      // UNAUTHENTICATED: 401 (APIGW.0301/0303/0305/0307); KMS.0301..0304 (403 from KMS for bad/expired tokens).
      [401, 'APIGW.0301', 'UNAUTHENTICATED'],
      [401, 'APIGW.0303', 'UNAUTHENTICATED'],
      [401, 'APIGW.0305', 'UNAUTHENTICATED'],
      [401, 'APIGW.0307', 'UNAUTHENTICATED'],
      [401, undefined, 'UNAUTHENTICATED'],
      [403, 'KMS.0301', 'UNAUTHENTICATED'],
      [403, 'KMS.0302', 'UNAUTHENTICATED'],
      [403, 'KMS.0303', 'UNAUTHENTICATED'],
      [403, 'KMS.0304', 'UNAUTHENTICATED'],
      // FORBIDDEN: other 403s.
      [403, 'KMS.0305', 'FORBIDDEN'],
      [403, 'KMS.0306', 'FORBIDDEN'],
      [403, 'KMS.0307', 'FORBIDDEN'],
      [403, 'KMS.0321', 'FORBIDDEN'],
      [403, 'APIGW.0302', 'FORBIDDEN'],
      [403, undefined, 'FORBIDDEN'],
      // NOT_FOUND: 404 (KMS.0207); KMS.2501 (KMS answers 400); KMS.2502.
      [404, 'KMS.0207', 'NOT_FOUND'],
      [404, undefined, 'NOT_FOUND'],
      [400, 'KMS.2501', 'NOT_FOUND'],
      [400, 'KMS.2502', 'NOT_FOUND'],
      [400, 'KMS.0207', 'NOT_FOUND'],
      // RATE_LIMITED: 429 (APIGW.0308).
      [429, 'APIGW.0308', 'RATE_LIMITED'],
      [429, undefined, 'RATE_LIMITED'],
      // UPSTREAM_TIMEOUT: 504.
      [504, undefined, 'UPSTREAM_TIMEOUT'],
      [504, 'APIGW.0504', 'UPSTREAM_TIMEOUT'],
      // UPSTREAM_ERROR: 5xx other than 504.
      [500, undefined, 'UPSTREAM_ERROR'],
      [500, 'KMS.0500', 'UPSTREAM_ERROR'],
      [502, undefined, 'UPSTREAM_ERROR'],
      [503, undefined, 'UPSTREAM_ERROR'],
      [599, undefined, 'UPSTREAM_ERROR'],
      // BAD_USER_INPUT: a KMS 4xx not listed above (the emulator's validation codes among them).
      [400, 'KMS.0205', 'BAD_USER_INPUT'],
      [400, 'KMS.1601', 'BAD_USER_INPUT'],
      [400, 'KMS.1602', 'BAD_USER_INPUT'],
      [400, 'KMS.0202', 'BAD_USER_INPUT'],
      [400, 'KMS.0204', 'BAD_USER_INPUT'],
      [400, 'KMS.2401', 'BAD_USER_INPUT'],
      [400, 'KMS.2404', 'BAD_USER_INPUT'],
      [400, undefined, 'BAD_USER_INPUT'],
      [409, undefined, 'BAD_USER_INPUT'],
      [413, undefined, 'BAD_USER_INPUT'],
    ])('maps status %i with error_code %s to %s', ([status, kmsCode, expected]) => {
      expect(errorCodeFor(status, kmsCode)).toBe(expected);
    });

    it('decides by error_code before the status', () => {
      expect([
        errorCodeFor(400, 'APIGW.0301'),
        errorCodeFor(500, 'KMS.2501'),
        errorCodeFor(400, 'APIGW.0308'),
        errorCodeFor(403, 'KMS.0302'),
      ]).toEqual(['UNAUTHENTICATED', 'NOT_FOUND', 'RATE_LIMITED', 'UNAUTHENTICATED']);
    });

    it('treats an answer that is not an error status as a malformed upstream (UPSTREAM_ERROR)', () => {
      expect([200, 204, 302].map((status) => errorCodeFor(status, undefined))).toEqual([
        'UPSTREAM_ERROR',
        'UPSTREAM_ERROR',
        'UPSTREAM_ERROR',
      ]);
    });
  });

  describe('messageFor', () => {
    it('gives a fixed sentence per code, naming the action and, when there is one, KMS’s code', () => {
      const withCode = Object.fromEntries(ALL_CODES.map((code) => [code, messageFor(code, 'list-grants', 'KMS.0306')]));
      const withoutCode = Object.fromEntries(ALL_CODES.map((code) => [code, messageFor(code, 'revoke-grant', undefined)]));
      expect({ withCode, withoutCode }).toEqual({
        withCode: {
          BAD_USER_INPUT: 'KMS rejected the parameters of list-grants (KMS.0306)',
          UNAUTHENTICATED: "KMS did not accept the caller's token for list-grants (KMS.0306)",
          FORBIDDEN: 'KMS denied list-grants to the caller (KMS.0306)',
          NOT_FOUND: 'KMS found no such object for list-grants (KMS.0306)',
          RATE_LIMITED: 'KMS is throttling list-grants; retry later (KMS.0306)',
          UPSTREAM_ERROR: 'KMS failed to serve list-grants (KMS.0306)',
          UPSTREAM_TIMEOUT: 'KMS did not answer list-grants in time (KMS.0306)',
        },
        withoutCode: {
          BAD_USER_INPUT: 'KMS rejected the parameters of revoke-grant',
          UNAUTHENTICATED: "KMS did not accept the caller's token for revoke-grant",
          FORBIDDEN: 'KMS denied revoke-grant to the caller',
          NOT_FOUND: 'KMS found no such object for revoke-grant',
          RATE_LIMITED: 'KMS is throttling revoke-grant; retry later',
          UPSTREAM_ERROR: 'KMS failed to serve revoke-grant',
          UPSTREAM_TIMEOUT: 'KMS did not answer revoke-grant in time',
        },
      });
    });

    it('varies with nothing but the action and the code: the same template for any of them', () => {
      const templates = ALL_CODES.map(
        (code) =>
          new Set(
            [
              ['list-grants', 'KMS.0207'],
              ['describe-key', 'APIGW.0301'],
              ['list-retirable-grants', 'KMS.2501'],
            ].map(([action = '', kmsCode = '']) =>
              messageFor(code, action, kmsCode).replace(action, '<action>').replace(kmsCode, '<code>'),
            ),
          ).size,
      );
      expect(templates).toEqual(ALL_CODES.map(() => 1));
    });

    it('carries no upstream text: the code parsed from a body that echoes a token is the only part of it in the message', () => {
      const kmsCode = parseKmsErrorCode(FLAT_BODY);
      const message = messageFor(errorCodeFor(401, kmsCode), 'list-grants', kmsCode);
      expect(message).toBe("KMS did not accept the caller's token for list-grants (APIGW.0301)");
    });
  });
});
