import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, expectedError, gql, leaksIn } from '../support/gateway.ts';

// Fixtures: demo-app (alice's, 12 grants, the first one bob's create-grant grant); acme-key,
// carol's, which alice's account may not list; a well-formed key id no key has.
const KEY = DEMO.keys.app;
const FIRST_GRANT = DEMO.grants.appBobCreateGrant;
const KEY_OF_ANOTHER_ACCOUNT = DEMO.keys.carols;
const NO_SUCH_KEY = '00000000-0000-0000-0000-000000000000';
const GRANTS_QUERY = `query($k: ID!) { grants(keyId: $k, first: 1) { totalCount } }`;

/** An upstream error answer: status, KMS code, and the code the gateway must answer. */
interface Row {
  status: number;
  code: string;
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

// Many 5xx in a row: the circuit breaker, which is not under test here, must not open.
const stack = useEmulatorStack({ breakerThreshold: 1000 });
beforeEach(() => stack.emulator.reset());

describe('errors: KMS outcomes -> extensions.code', () => {
  describe('from an upstream error_code, in both KMS body shapes', () => {
    const cases = ROWS.flatMap((row) => (['kms', 'apigw'] as const).map((shape) => ({ ...row, shape })));
    it.each(cases)('maps $status $code ($shape body) to $expected', async ({ status, code, expected, shape }) => {
      stack.emulator.faults.set({
        action: 'list-grants',
        effect: { kind: 'error', status, shape, code, message: `upstream says ${code}` },
      });
      const { body, text } = await gql(stack.gw, GRANTS_QUERY, { k: KEY }, stack.alice);
      expect({ data: body.data ?? null, errors: errorSummary(body) }).toEqual({
        data: null,
        errors: [expectedError(['grants'], expected, code)],
      });
      expect(leaksIn(text, stack)).toEqual([]);
    });
  });

  describe('from the HTTP status when KMS sent no error_code', () => {
    it.each(CODELESS)('maps $status with body $body to $expected and no kmsErrorCode', async ({ status, body: raw, expected }) => {
      const contentType = raw.startsWith('<') ? 'text/html' : 'application/json';
      stack.emulator.faults.set({ action: 'list-grants', effect: { kind: 'raw', status, body: raw, contentType } });
      const { body, text } = await gql(stack.gw, GRANTS_QUERY, { k: KEY }, stack.alice);
      expect(errorSummary(body)).toEqual([expectedError(['grants'], expected)]);
      expect(leaksIn(text, stack)).toEqual([]);
    });
  });

  describe("from the upstream's own answers", () => {
    it('maps an unknown key (404 KMS.0207) to NOT_FOUND', async () => {
      const { body } = await gql(stack.gw, GRANTS_QUERY, { k: NO_SUCH_KEY }, stack.alice);
      expect(errorSummary(body)).toEqual([expectedError(['grants'], 'NOT_FOUND', 'KMS.0207')]);
      expect(stack.emulator.requests.length).toBe(1);
    });

    it("maps another account's key (403 KMS.0306) to FORBIDDEN", async () => {
      const { body } = await gql(stack.gw, GRANTS_QUERY, { k: KEY_OF_ANOTHER_ACCOUNT }, stack.alice);
      expect(errorSummary(body)).toEqual([expectedError(['grants'], 'FORBIDDEN', 'KMS.0306')]);
    });

    it('maps a failing describe-key to an error at Grant.key', async () => {
      stack.emulator.faults.set({ action: 'describe-key', effect: { kind: 'error', status: 403, shape: 'kms', code: 'KMS.0306' } });
      const { body } = await gql(
        stack.gw,
        `query($k: ID!) { grants(keyId: $k, first: 1) { edges { node { grantId key { alias } } } } }`,
        { k: KEY },
        stack.alice,
      );
      expect({ data: body.data, errors: errorSummary(body) }).toEqual({
        data: { grants: { edges: [{ node: { grantId: FIRST_GRANT, key: null } }] } },
        errors: [expectedError(['grants', 'edges', 0, 'node', 'key'], 'FORBIDDEN', 'KMS.0306')],
      });
    });
  });

  describe('input checked before any KMS call', () => {
    const badKeys = ['', 'not-a-key', KEY.toUpperCase(), `${KEY}0`, 'x'.repeat(5000), KEY.replace('-', '_')];
    it.each(badKeys.map((k) => ({ k, shown: k.slice(0, 40) })))('rejects keyId "$shown" as BAD_USER_INPUT', async ({ k }) => {
      const { body } = await gql(stack.gw, GRANTS_QUERY, { k }, stack.alice);
      expect(errorSummary(body)).toEqual([expectedError(['grants'], 'BAD_USER_INPUT')]);
      expect(stack.emulator.requests).toEqual([]);
    });

    it('rejects an operation with 1000 aliases as BAD_USER_INPUT without calling KMS', async () => {
      const fields = Array.from({ length: 1000 }, (_, i) => `a${i}: grants(keyId: $k, first: 1000) { totalCount }`).join('\n');
      const { body } = await gql(stack.gw, `query($k: ID!) { ${fields} }`, { k: KEY }, stack.alice);
      expect(body.data ?? null).toBeNull();
      expect(new Set(errorSummary(body).map((e) => e.code))).toEqual(new Set(['BAD_USER_INPUT']));
      expect(stack.emulator.requests).toEqual([]);
    });
  });

  describe('nothing sensitive in responses', () => {
    it('does not echo an upstream message that carries the token and the upstream URL', async () => {
      const message = `Incorrect IAM authentication information: token ${stack.tokens.alice} for ${stack.emulator.url}/v1.0/x rejected`;
      stack.emulator.faults.set({
        action: 'list-grants',
        effect: { kind: 'error', status: 401, shape: 'apigw', code: 'APIGW.0301', message },
      });
      const { body, text } = await gql(stack.gw, GRANTS_QUERY, { k: KEY }, stack.alice);
      expect(errorSummary(body)).toEqual([expectedError(['grants'], 'UNAUTHENTICATED', 'APIGW.0301')]);
      expect(leaksIn(text, stack)).toEqual([]);
    });

    it('answers a GraphQL syntax error without a stack trace', async () => {
      const { text } = await gql(stack.gw, `{ grants(keyId: `, {}, stack.alice);
      expect(leaksIn(text, stack)).toEqual([]);
      expect(stack.emulator.requests).toEqual([]);
    });
  });
});
