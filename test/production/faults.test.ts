import { afterEach, describe, expect, it } from 'vitest';
import { makeGrants, makeKey, makeKeyId } from '../support/fixtures.ts';
import type { ScriptedResponse } from '../support/fakeKms.ts';
import { useFreshGateway } from '../support/freshGateway.ts';
import { ALICE, asUser, errorSummary, expectedError, gql, kmsBody, leaksIn, startGatewayOn } from '../support/gateway.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import type { GatewayConfig } from '../../src/config.ts';
import { keyGlobalId } from '../../src/relay/globalId.ts';
import { sleep, timed } from './support/http.ts';

// Fixtures: key A with 3 grants, key B with 2; both described.
const KEY_A = makeKeyId(700);
const KEY_B = makeKeyId(701);
const GRANTS_A = makeGrants(KEY_A, 3);
const GRANTS_B = makeGrants(KEY_B, 2);
const GRANTS_QUERY = `query Grants($k: ID!) { grants(keyId: $k, first: 5) { totalCount } }`;
const REVOKE = `mutation Revoke($k: ID!, $g: ID!) { revokeGrant(input: { keyId: $k, grantId: $g }) { grantId } }`;
/** Per-call timeout and read retries of the gateway under test (kept small so faults resolve fast). */
const KMS_TIMEOUT_MS = 300;
const BASE: Partial<GatewayConfig> = { kmsTimeoutMs: KMS_TIMEOUT_MS, kmsReadRetries: 1 };
/**
 * Our bound for any fault with these settings: 2 attempts of at most 300 ms plus a backoff of
 * at most ~200 ms, with slack for a loaded machine. (The contract's bound is 30 s.)
 */
const FAULT_BOUND_MS = 2000;
const kmsError = (code: string): { error: { error_code: string; error_msg: string } } => ({ error: { error_code: code, error_msg: 'scripted' } });

// A fresh gateway per test: the circuit breaker's state must not carry over.
const stack = useFreshGateway({ keys: [makeKey(KEY_A, 'alpha'), makeKey(KEY_B, 'beta')], grants: [...GRANTS_A, ...GRANTS_B] }, BASE);
const extra: RunningGateway[] = [];
afterEach(async () => {
  await Promise.all(extra.splice(0).map((g) => g.close()));
});

async function gatewayWith(overrides: Partial<GatewayConfig>): Promise<RunningGateway> {
  const g = await startGatewayOn(stack.fake, { ...BASE, ...overrides });
  extra.push(g);
  return g;
}

/** The healthy answer to GRANTS_QUERY on key A. */
const HEALTHY_A = { data: { grants: { totalCount: 3 } } };

describe('kms/client through a real upstream (faults, retries, breaker, deadline, partial results)', () => {
  describe('a read failing on every attempt maps to the contract code within its bound, then the gateway serves normally', () => {
    const cases: { fault: string; response: ScriptedResponse; code: string; kmsErrorCode?: string; calls: number }[] = [
      { fault: '500 (KMS.0101)', response: { status: 500, body: kmsError('KMS.0101') }, code: 'UPSTREAM_ERROR', kmsErrorCode: 'KMS.0101', calls: 1 },
      { fault: '502 with an HTML body', response: { status: 502, body: '<html>Bad Gateway</html>' }, code: 'UPSTREAM_ERROR', calls: 2 },
      { fault: '503 (KMS.0104)', response: { status: 503, body: kmsError('KMS.0104') }, code: 'UPSTREAM_ERROR', kmsErrorCode: 'KMS.0104', calls: 2 },
      { fault: '504 with an empty body', response: { status: 504, body: '' }, code: 'UPSTREAM_TIMEOUT', calls: 2 },
      {
        fault: '429 APIGW.0308 without Retry-After',
        response: { status: 429, body: { error_code: 'APIGW.0308', error_msg: 'throttled', request_id: 'r' } },
        code: 'RATE_LIMITED',
        kmsErrorCode: 'APIGW.0308',
        calls: 2,
      },
      { fault: 'a response slower than kmsTimeoutMs', response: { delayMs: KMS_TIMEOUT_MS * 3 }, code: 'UPSTREAM_TIMEOUT', calls: 2 },
      { fault: 'no response at all', response: { hang: true }, code: 'UPSTREAM_TIMEOUT', calls: 2 },
      { fault: 'malformed JSON with 200', response: { status: 200, body: '{"grants": [{"key_id": ' }, code: 'UPSTREAM_ERROR', calls: 1 },
      { fault: 'a truncated body', response: { truncate: true }, code: 'UPSTREAM_ERROR', calls: 2 },
      { fault: 'a connection reset', response: { drop: true }, code: 'UPSTREAM_ERROR', calls: 2 },
    ];
    it.each(cases)('answers $code after $fault (reads retried: $calls calls)', async ({ response, code, kmsErrorCode, calls }) => {
      stack.fake.script('list-grants', response);
      const { result, ms } = await timed(() => gql(stack.gw, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE)));
      expect({ status: result.status, data: result.body.data ?? null, errors: errorSummary(result.body) }).toEqual({
        status: 200,
        data: null,
        errors: [expectedError(['grants'], code, kmsErrorCode)],
      });
      expect(ms).toBeLessThan(FAULT_BOUND_MS);
      expect(leaksIn(result.text, stack.fake)).toEqual([]);
      expect(stack.fake.calls('list-grants')).toHaveLength(calls);

      stack.fake.reset();
      const after = await gql(stack.gw, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE));
      expect(after.body).toEqual(HEALTHY_A);
    });
  });

  describe('429 and Retry-After on reads', () => {
    const throttled = (headers: Record<string, string> = {}): ScriptedResponse => ({
      status: 429,
      headers,
      body: { error_code: 'APIGW.0308', error_msg: 'throttled', request_id: 'r' },
    });

    it('retries a read throttled once without Retry-After after a short backoff, and answers normally', async () => {
      stack.fake.script('list-grants', throttled(), 1);
      const { result, ms } = await timed(() => gql(stack.gw, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE)));
      expect(result.body).toEqual(HEALTHY_A);
      expect(stack.fake.calls('list-grants')).toHaveLength(2);
      expect(ms).toBeLessThan(900);
    });

    it('waits the Retry-After (1 s) before retrying a throttled read, and answers normally', async () => {
      stack.fake.script('list-grants', throttled({ 'retry-after': '1' }), 1);
      const { result, ms } = await timed(() => gql(stack.gw, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE)));
      expect(result.body).toEqual(HEALTHY_A);
      expect(stack.fake.calls('list-grants')).toHaveLength(2);
      expect(ms).toBeGreaterThanOrEqual(950);
      expect(ms).toBeLessThan(FAULT_BOUND_MS + 1000);
    });

    it('answers RATE_LIMITED at once, without waiting or retrying, when Retry-After is longer than the gateway waits (60 s)', async () => {
      stack.fake.script('list-grants', throttled({ 'retry-after': '60' }));
      const { result, ms } = await timed(() => gql(stack.gw, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE)));
      expect(errorSummary(result.body)).toEqual([expectedError(['grants'], 'RATE_LIMITED', 'APIGW.0308')]);
      expect(ms).toBeLessThan(900);
      expect(stack.fake.calls('list-grants')).toHaveLength(1);
    });
  });

  describe('revoke-grant is never retried', () => {
    const cases: { fault: string; response: ScriptedResponse; code: string; kmsErrorCode?: string }[] = [
      { fault: '503', response: { status: 503, body: kmsError('KMS.0104') }, code: 'UPSTREAM_ERROR', kmsErrorCode: 'KMS.0104' },
      { fault: '504', response: { status: 504, body: '' }, code: 'UPSTREAM_TIMEOUT' },
      {
        fault: '429 with Retry-After: 1',
        response: { status: 429, headers: { 'retry-after': '1' }, body: { error_code: 'APIGW.0308', error_msg: 't', request_id: 'r' } },
        code: 'RATE_LIMITED',
        kmsErrorCode: 'APIGW.0308',
      },
      { fault: 'a connection reset', response: { drop: true }, code: 'UPSTREAM_ERROR' },
      { fault: 'a truncated body', response: { truncate: true }, code: 'UPSTREAM_ERROR' },
    ];
    it.each(cases)('makes exactly one revoke-grant call on $fault and answers $code', async ({ response, code, kmsErrorCode }) => {
      stack.fake.script('revoke-grant', response);
      const grant = GRANTS_A[0];
      const { result, ms } = await timed(() => gql(stack.gw, REVOKE, { k: KEY_A, g: grant?.grant_id }, asUser(ALICE)));
      expect({ data: result.body.data ?? null, errors: errorSummary(result.body) }).toEqual({
        data: null,
        errors: [expectedError(['revokeGrant'], code, kmsErrorCode)],
      });
      expect(ms).toBeLessThan(FAULT_BOUND_MS);
      await sleep(1300); // longer than any backoff or Retry-After a retry would wait
      expect(stack.fake.calls('revoke-grant').map(kmsBody)).toEqual([{ key_id: KEY_A, grant_id: grant?.grant_id }]);
    });
  });

  describe('circuit breaker (threshold 3, cool-down 300 ms)', () => {
    it('fails fast with UPSTREAM_ERROR and no upstream call once open, then recovers by itself after the cool-down', async () => {
      const g = await gatewayWith({ breakerThreshold: 3, breakerCooldownMs: 300, kmsReadRetries: 0 });
      stack.fake.script('list-grants', { status: 500, body: kmsError('KMS.0101') });
      for (let i = 0; i < 3; i += 1) {
        const { body } = await gql(g, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE));
        expect(errorSummary(body)).toEqual([expectedError(['grants'], 'UPSTREAM_ERROR', 'KMS.0101')]);
      }
      expect(stack.fake.calls('list-grants')).toHaveLength(3);

      // Open: no call reaches KMS, and the answer is immediate.
      const open = await timed(() => gql(g, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE)));
      expect(errorSummary(open.result.body)).toEqual([expectedError(['grants'], 'UPSTREAM_ERROR')]);
      expect(open.ms).toBeLessThan(100);
      expect(stack.fake.calls('list-grants')).toHaveLength(3);
      expect(leaksIn(open.result.text, stack.fake)).toEqual([]);

      // KMS heals; after the cool-down the next call is tried and the circuit closes.
      stack.fake.reset();
      await sleep(350);
      const healed = await gql(g, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE));
      expect(healed.body).toEqual(HEALTHY_A);
      const again = await gql(g, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE));
      expect(again.body).toEqual(HEALTHY_A);
      expect(stack.fake.calls('list-grants')).toHaveLength(2);
    });

    it('does not open on client errors (404, 403): they are the caller’s, not KMS failing', async () => {
      const g = await gatewayWith({ breakerThreshold: 3, breakerCooldownMs: 60_000, kmsReadRetries: 0 });
      stack.fake.script('list-grants', { status: 404, body: kmsError('KMS.0207') }, 5);
      for (let i = 0; i < 5; i += 1) {
        const { body } = await gql(g, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE));
        expect(errorSummary(body)).toEqual([expectedError(['grants'], 'NOT_FOUND', 'KMS.0207')]);
      }
      const { body } = await gql(g, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE));
      expect(body).toEqual(HEALTHY_A);
      expect(stack.fake.calls('list-grants')).toHaveLength(6);
    });
  });

  describe('operation deadline (operationTimeoutMs)', () => {
    it('answers UPSTREAM_TIMEOUT within the deadline when KMS hangs and the per-call timeout is longer', async () => {
      const g = await gatewayWith({ operationTimeoutMs: 500, kmsTimeoutMs: 10_000 });
      stack.fake.script('list-grants', { hang: true });
      const { result, ms } = await timed(() => gql(g, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE)));
      expect({ data: result.body.data ?? null, errors: errorSummary(result.body) }).toEqual({
        data: null,
        errors: [expectedError(['grants'], 'UPSTREAM_TIMEOUT')],
      });
      expect(ms).toBeGreaterThanOrEqual(450);
      expect(ms).toBeLessThan(1500);
      expect(leaksIn(result.text, stack.fake)).toEqual([]);

      stack.fake.reset();
      const after = await gql(g, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE));
      expect(after.body).toEqual(HEALTHY_A);
    });

    it('bounds an operation whose KMS calls are each slow but under the per-call timeout', async () => {
      const g = await gatewayWith({ operationTimeoutMs: 600, kmsTimeoutMs: 10_000, kmsMaxConcurrency: 1 });
      stack.fake.script('describe-key', { delayMs: 400 });
      const query = `query { a: node(id: "${keyGlobalId(KEY_A)}") { id } b: node(id: "${keyGlobalId(KEY_B)}") { id } }`;
      const { result, ms } = await timed(() => gql(g, query, {}, asUser(ALICE)));
      // One key answers (400 ms); the second call (queued behind it) runs past the 600 ms deadline.
      expect(errorSummary(result.body).map((e) => e.code)).toContain('UPSTREAM_TIMEOUT');
      expect(ms).toBeLessThan(1500);
    });
  });

  describe('partial results', () => {
    it('answers the healthy root field and nulls the failing one, with HTTP 200 and an error at its path', async () => {
      stack.fake.script({ action: 'describe-key', where: (r) => kmsBody(r)['key_id'] === KEY_B }, { status: 500, body: kmsError('KMS.0101') });
      const query = `query($k: ID!) { grants(keyId: $k, first: 5) { totalCount } key: node(id: "${keyGlobalId(KEY_B)}") { id } }`;
      const { status, body, text } = await gql(stack.gw, query, { k: KEY_A }, asUser(ALICE));
      expect({ status, data: body.data, errors: errorSummary(body) }).toEqual({
        status: 200,
        data: { grants: { totalCount: 3 }, key: null },
        errors: [expectedError(['key'], 'UPSTREAM_ERROR', 'KMS.0101')],
      });
      expect(leaksIn(text, stack.fake)).toEqual([]);
    });

    it('answers the healthy root field when the other one times out', async () => {
      stack.fake.script({ action: 'describe-key', where: (r) => kmsBody(r)['key_id'] === KEY_B }, { hang: true });
      const query = `query($k: ID!) { grants(keyId: $k, first: 5) { totalCount } key: node(id: "${keyGlobalId(KEY_B)}") { id } }`;
      const { result, ms } = await timed(() => gql(stack.gw, query, { k: KEY_A }, asUser(ALICE)));
      expect({ status: result.status, data: result.body.data, errors: errorSummary(result.body) }).toEqual({
        status: 200,
        data: { grants: { totalCount: 3 }, key: null },
        errors: [expectedError(['key'], 'UPSTREAM_TIMEOUT')],
      });
      expect(ms).toBeLessThan(FAULT_BOUND_MS);
    });
  });
});
