import { beforeEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/emulator/index.ts';
import { DEMO, kmsBody, kmsCalls, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, expectedError, gql, leaksIn } from '../support/gateway.ts';
import { timed } from '../support/waiting.ts';

// Fixtures: demo-backup, alice's key with 6 grants.
const KEY = DEMO.keys.backup;
const GRANTS_QUERY = `query Grants($k: ID!) { grants(keyId: $k, first: 5) { totalCount } }`;
const KEY_QUERY = `query($k: ID!) { grants(keyId: $k, first: 1) { edges { node { key { alias } } } } }`;
/** The healthy answer to GRANTS_QUERY. */
const HEALTHY = { data: { grants: { totalCount: DEMO.grantCounts.backup } } };
/** Per-attempt KMS timeout: short, so hangs resolve fast. Reads are tried twice (one retry). */
const KMS_TIMEOUT_MS = 250;
/**
 * The bound on any read fault with these settings: two attempts of at most 250 ms and a backoff
 * of at most 20 ms, with slack for a loaded machine. (The contract's bound is 30 s.)
 */
const FAULT_BOUND_MS = 2000;
/** The longest Retry-After the gateway waits for (retryPolicy's maxRetryAfterMs). */
const MAX_RETRY_AFTER_MS = 3000;

// A run of failures must not open the circuit breaker: it is not under test here.
const stack = useEmulatorStack({ kmsTimeoutMs: KMS_TIMEOUT_MS, kmsReadRetries: 1, breakerThreshold: 1000 });
beforeEach(() => stack.emulator.reset());

const listCalls = () => kmsCalls(stack.emulator, 'list-grants');
const fault = (rule: Omit<FaultRule, 'action'>): void => stack.emulator.faults.set({ action: 'list-grants', ...rule });

describe('kms/client: a read whose KMS misbehaves', () => {
  describe('on every attempt: the contract code within its bound, then normal service once KMS heals', () => {
    const cases: { fault: string; rule: Omit<FaultRule, 'action'>; code: string; kmsErrorCode?: string; calls: number }[] = [
      {
        fault: '500 (KMS.0101)',
        rule: { effect: { kind: 'error', status: 500, shape: 'kms', code: 'KMS.0101' } },
        code: 'UPSTREAM_ERROR',
        kmsErrorCode: 'KMS.0101',
        calls: 1,
      },
      {
        fault: '502 with an HTML body',
        rule: { effect: { kind: 'raw', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' } },
        code: 'UPSTREAM_ERROR',
        calls: 2,
      },
      {
        fault: '503 (KMS.0104)',
        rule: { effect: { kind: 'error', status: 503, shape: 'kms', code: 'KMS.0104' } },
        code: 'UPSTREAM_ERROR',
        kmsErrorCode: 'KMS.0104',
        calls: 2,
      },
      { fault: '504 with an empty body', rule: { effect: { kind: 'raw', status: 504, body: '' } }, code: 'UPSTREAM_TIMEOUT', calls: 2 },
      {
        fault: '429 APIGW.0308 without Retry-After',
        rule: { effect: { kind: 'error', status: 429, shape: 'apigw', code: 'APIGW.0308' } },
        code: 'RATE_LIMITED',
        kmsErrorCode: 'APIGW.0308',
        calls: 2,
      },
      { fault: 'an answer slower than kmsTimeoutMs', rule: { latencyMs: KMS_TIMEOUT_MS * 3 }, code: 'UPSTREAM_TIMEOUT', calls: 2 },
      { fault: 'no answer at all', rule: { effect: { kind: 'hang' } }, code: 'UPSTREAM_TIMEOUT', calls: 2 },
      { fault: 'a dropped connection', rule: { effect: { kind: 'drop' } }, code: 'UPSTREAM_ERROR', calls: 2 },
      { fault: 'a truncated body', rule: { effect: { kind: 'truncated' } }, code: 'UPSTREAM_ERROR', calls: 2 },
      { fault: '200 with malformed JSON', rule: { effect: { kind: 'malformed-json' } }, code: 'UPSTREAM_ERROR', calls: 1 },
      {
        fault: '200 with text',
        rule: { effect: { kind: 'raw', status: 200, body: 'OK', contentType: 'text/plain' } },
        code: 'UPSTREAM_ERROR',
        calls: 1,
      },
      {
        fault: '200 with JSON of the wrong shape',
        rule: { effect: { kind: 'raw', status: 200, body: JSON.stringify({ grants: 'nope' }) } },
        code: 'UPSTREAM_ERROR',
        calls: 1,
      },
    ];
    it.each(cases)('answers $code after $fault (reads retried: $calls calls)', async ({ rule, code, kmsErrorCode, calls }) => {
      fault(rule);
      const { result, ms } = await timed(() => gql(stack.gw, GRANTS_QUERY, { k: KEY }, stack.alice));
      expect({
        status: result.status,
        data: result.body.data ?? null,
        errors: errorSummary(result.body),
        calls: listCalls().length,
      }).toEqual({
        status: 200,
        data: null,
        errors: [expectedError(['grants'], code, kmsErrorCode)],
        calls,
      });
      expect(ms).toBeLessThan(FAULT_BOUND_MS);
      expect(leaksIn(result.text, stack)).toEqual([]);

      stack.emulator.faults.clear();
      const after = await gql(stack.gw, GRANTS_QUERY, { k: KEY }, stack.alice);
      expect(after.body).toEqual(HEALTHY);
    });
  });

  describe('once: retried, and answered normally', () => {
    const once: { fault: string; rule: Omit<FaultRule, 'action'> }[] = [
      { fault: '503', rule: { effect: { kind: 'error', status: 503, shape: 'kms', code: 'KMS.0104' } } },
      { fault: '502', rule: { effect: { kind: 'raw', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' } } },
      { fault: 'a dropped connection', rule: { effect: { kind: 'drop' } } },
      { fault: '429 without Retry-After', rule: { effect: { kind: 'error', status: 429, shape: 'apigw', code: 'APIGW.0308' } } },
      { fault: 'no answer (timed out before any answer)', rule: { effect: { kind: 'hang' } } },
    ];
    it.each(once)('retries a list-grants that failed once with $fault', async ({ rule }) => {
      fault({ ...rule, times: 1 });
      const { body } = await gql(stack.gw, GRANTS_QUERY, { k: KEY }, stack.alice);
      expect({ body, sent: listCalls().map(kmsBody) }).toEqual({
        body: HEALTHY,
        sent: [
          { key_id: KEY, limit: '5' },
          { key_id: KEY, limit: '5' },
        ],
      });
    });

    it('retries a describe-key that failed once with 503', async () => {
      stack.emulator.faults.set({ action: 'describe-key', times: 1, effect: { kind: 'raw', status: 503, body: '' } });
      const { body } = await gql(stack.gw, KEY_QUERY, { k: KEY }, stack.alice);
      expect({ body, calls: kmsCalls(stack.emulator, 'describe-key').length }).toEqual({
        body: { data: { grants: { edges: [{ node: { key: { alias: 'demo-backup' } } }] } } },
        calls: 2,
      });
    });
  });

  describe('429 with Retry-After', () => {
    it('waits the Retry-After (1 s) before retrying a throttled read, and answers normally', async () => {
      fault({ times: 1, retryAfter: '1', effect: { kind: 'error', status: 429, shape: 'apigw', code: 'APIGW.0308' } });
      const { result, ms } = await timed(() => gql(stack.gw, GRANTS_QUERY, { k: KEY }, stack.alice));
      expect({ body: result.body, calls: listCalls().length }).toEqual({ body: HEALTHY, calls: 2 });
      expect(ms).toBeGreaterThanOrEqual(950);
    });

    it('answers RATE_LIMITED at once, without waiting or retrying, when Retry-After (60 s) is longer than the gateway waits', async () => {
      fault({ retryAfter: '60', effect: { kind: 'error', status: 429, shape: 'apigw', code: 'APIGW.0308' } });
      const { result, ms } = await timed(() => gql(stack.gw, GRANTS_QUERY, { k: KEY }, stack.alice));
      expect({ errors: errorSummary(result.body), calls: listCalls().length }).toEqual({
        errors: [expectedError(['grants'], 'RATE_LIMITED', 'APIGW.0308')],
        calls: 1,
      });
      expect(ms).toBeLessThan(MAX_RETRY_AFTER_MS);
    });
  });
});
