import { describe, expect, it } from 'vitest';
import { makeGrants, makeKey, makeKeyId } from '../support/fixtures.ts';
import { useFreshGateway } from '../support/freshGateway.ts';
import { ALICE, BOB, asUser, errorSummary, expectedError, gql, leaksIn } from '../support/gateway.ts';

// Fixtures: one readable key with 3 grants, and a key only bob may read.
const KEY = makeKeyId(40);
const KEY_OF_BOB = makeKeyId(41);
const GRANTS_QUERY = `query($k: ID!) { grants(keyId: $k, first: 1) { totalCount } }`;

type Shape = 'nested' | 'flat';
/** An upstream error answer: status, and the KMS code in one of KMS's two body shapes. */
interface Row {
  status: number;
  code?: string;
  expected: string;
}

const ROWS: Row[] = [
  ...['APIGW.0301', 'APIGW.0303', 'APIGW.0305', 'APIGW.0307'].map((code) => ({ status: 401, code, expected: 'UNAUTHENTICATED' })),
  ...['KMS.0301', 'KMS.0302', 'KMS.0303', 'KMS.0304'].map((code) => ({ status: 403, code, expected: 'UNAUTHENTICATED' })),
  ...['KMS.0305', 'KMS.0306', 'KMS.0307', 'KMS.0321', 'KMS.0326', 'APIGW.0302', 'APIGW.0306'].map((code) => ({
    status: 403,
    code,
    expected: 'FORBIDDEN',
  })),
  { status: 404, code: 'KMS.0207', expected: 'NOT_FOUND' },
  { status: 400, code: 'KMS.2501', expected: 'NOT_FOUND' },
  { status: 400, code: 'KMS.2502', expected: 'NOT_FOUND' },
  { status: 429, code: 'APIGW.0308', expected: 'RATE_LIMITED' },
  ...['KMS.0205', 'KMS.0308', 'KMS.1601', 'KMS.1602', 'KMS.0209'].map((code) => ({ status: 400, code, expected: 'BAD_USER_INPUT' })),
  { status: 405, code: 'KMS.0215', expected: 'BAD_USER_INPUT' },
  { status: 500, code: 'KMS.0101', expected: 'UPSTREAM_ERROR' },
  { status: 502, code: 'APIGW.0201', expected: 'UPSTREAM_ERROR' },
  { status: 503, code: 'KMS.0104', expected: 'UPSTREAM_ERROR' },
  { status: 504, code: 'APIGW.0201', expected: 'UPSTREAM_TIMEOUT' },
];

/** Answers with a status and no KMS code at all: mapped from the status, no kmsErrorCode. */
const CODELESS: { status: number; body: string; expected: string }[] = [
  { status: 401, body: '', expected: 'UNAUTHENTICATED' },
  { status: 403, body: '{}', expected: 'FORBIDDEN' },
  { status: 404, body: '<html>Not Found</html>', expected: 'NOT_FOUND' },
  { status: 429, body: '', expected: 'RATE_LIMITED' },
  { status: 400, body: '{"message":"bad"}', expected: 'BAD_USER_INPUT' },
  { status: 409, body: '', expected: 'BAD_USER_INPUT' },
  { status: 413, body: '<html>Request Entity Too Large</html>', expected: 'BAD_USER_INPUT' },
  { status: 500, body: '', expected: 'UPSTREAM_ERROR' },
  { status: 502, body: '<html>Bad Gateway</html>', expected: 'UPSTREAM_ERROR' },
  { status: 503, body: '{}', expected: 'UPSTREAM_ERROR' },
  { status: 504, body: '<html>Gateway Timeout</html>', expected: 'UPSTREAM_TIMEOUT' },
];

function errorBody(shape: Shape, code: string): object {
  const message = `upstream says ${code}`;
  return shape === 'nested'
    ? { error: { error_code: code, error_msg: message } }
    : { error_code: code, error_msg: message, request_id: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' };
}

const stack = useFreshGateway({
  keys: [makeKey(KEY, 'errors'), makeKey(KEY_OF_BOB, 'bobs')],
  grants: [...makeGrants(KEY, 3), ...makeGrants(KEY_OF_BOB, 1)],
  keyAccess: { [KEY_OF_BOB]: [BOB.userId] },
});

describe('errors (KMS outcomes -> extensions.code)', () => {
  describe('from an upstream error_code, in both KMS body shapes', () => {
    const cases = ROWS.flatMap((row) => (['nested', 'flat'] as const).map((shape) => ({ ...row, shape })));
    it.each(cases)('maps $status $code ($shape body) to $expected', async ({ status, code, expected, shape }) => {
      stack.fake.script('list-grants', { status, body: errorBody(shape, code ?? '') });
      const { body, text } = await gql(stack.gw, GRANTS_QUERY, { k: KEY }, asUser(ALICE));
      expect({ data: body.data ?? null, errors: errorSummary(body) }).toEqual({
        data: null,
        errors: [expectedError(['grants'], expected, code)],
      });
      expect(leaksIn(text, stack.fake)).toEqual([]);
    });
  });

  describe('from the HTTP status when KMS sent no error_code', () => {
    it.each(CODELESS)('maps $status with body $body to $expected and no kmsErrorCode', async ({ status, body: raw, expected }) => {
      stack.fake.script('list-grants', { status, body: raw, headers: { 'content-type': raw.startsWith('<') ? 'text/html' : 'application/json' } });
      const { body, text } = await gql(stack.gw, GRANTS_QUERY, { k: KEY }, asUser(ALICE));
      expect(errorSummary(body)).toEqual([expectedError(['grants'], expected)]);
      expect(leaksIn(text, stack.fake)).toEqual([]);
    });
  });

  describe("from the upstream's own answers", () => {
    it('maps an unknown key (404 KMS.0207) to NOT_FOUND', async () => {
      const { body } = await gql(stack.gw, GRANTS_QUERY, { k: makeKeyId(49) }, asUser(ALICE));
      expect(errorSummary(body)).toEqual([expectedError(['grants'], 'NOT_FOUND', 'KMS.0207')]);
      expect(stack.fake.requests.length).toBe(1);
    });

    it("maps someone else's key (403 KMS.0306) to FORBIDDEN", async () => {
      const { body } = await gql(stack.gw, GRANTS_QUERY, { k: KEY_OF_BOB }, asUser(ALICE));
      expect(errorSummary(body)).toEqual([expectedError(['grants'], 'FORBIDDEN', 'KMS.0306')]);
    });

    it('maps a failing describe-key to an error at Grant.key', async () => {
      stack.fake.script('describe-key', { status: 403, body: errorBody('nested', 'KMS.0306') });
      const { body } = await gql(stack.gw, `query($k: ID!) { grants(keyId: $k, first: 1) { edges { node { grantId key { alias } } } } }`, { k: KEY }, asUser(ALICE));
      expect({ data: body.data, errors: errorSummary(body) }).toEqual({
        data: { grants: { edges: [{ node: { grantId: makeGrants(KEY, 1)[0]?.grant_id, key: null } }] } },
        errors: [expectedError(['grants', 'edges', 0, 'node', 'key'], 'FORBIDDEN', 'KMS.0306')],
      });
    });
  });

  describe('input checked before any KMS call', () => {
    const badKeys = ['', 'not-a-key', KEY.toUpperCase(), `${KEY}0`, 'x'.repeat(5000), KEY.replace('-', '_')];
    it.each(badKeys.map((k) => ({ k, shown: k.slice(0, 40) })))('rejects keyId "$shown" as BAD_USER_INPUT', async ({ k }) => {
      const { body } = await gql(stack.gw, GRANTS_QUERY, { k }, asUser(ALICE));
      expect(errorSummary(body)).toEqual([expectedError(['grants'], 'BAD_USER_INPUT')]);
      expect(stack.fake.requests).toEqual([]);
    });

    it('rejects an operation with 1000 aliases as BAD_USER_INPUT without calling KMS', async () => {
      const fields = Array.from({ length: 1000 }, (_, i) => `a${i}: grants(keyId: $k, first: 1000) { totalCount }`).join('\n');
      const { body } = await gql(stack.gw, `query($k: ID!) { ${fields} }`, { k: KEY }, asUser(ALICE));
      expect(body.data ?? null).toBeNull();
      expect(new Set(errorSummary(body).map((e) => e.code))).toEqual(new Set(['BAD_USER_INPUT']));
      expect(stack.fake.requests).toEqual([]);
    });
  });

  describe('nothing sensitive in responses', () => {
    it('does not echo an upstream message that carries the token and the upstream URL', async () => {
      stack.fake.script('list-grants', {
        status: 401,
        body: {
          error_code: 'APIGW.0301',
          error_msg: `Incorrect IAM authentication information: token ${ALICE.token} for ${stack.fake.url}/v1.0/x rejected`,
          request_id: 'aa',
        },
      });
      const { body, text } = await gql(stack.gw, GRANTS_QUERY, { k: KEY }, asUser(ALICE));
      expect(errorSummary(body)).toEqual([expectedError(['grants'], 'UNAUTHENTICATED', 'APIGW.0301')]);
      expect(leaksIn(text, stack.fake)).toEqual([]);
    });

    it('answers a GraphQL syntax error without a stack trace', async () => {
      const { text } = await gql(stack.gw, `{ grants(keyId: `, {}, asUser(ALICE));
      expect(leaksIn(text, stack.fake)).toEqual([]);
      expect(stack.fake.requests).toEqual([]);
    });
  });
});
