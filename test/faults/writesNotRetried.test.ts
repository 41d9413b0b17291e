import { beforeEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/emulator/index.ts';
import { DEMO, kmsBody, kmsCalls, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, expectedError, gql, leaksIn } from '../support/gateway.ts';
import { timed } from '../support/waiting.ts';

// Fixtures: a grant of demo-app, alice's key (only she may revoke).
const KEY = DEMO.keys.app;
const GRANT = DEMO.grants.appAcmeDescribe;
const REVOKE = `mutation Revoke($k: ID!, $g: ID!) { revokeGrant(input: { keyId: $k, grantId: $g }) { grantId } }`;
const KMS_TIMEOUT_MS = 250;
/** One attempt of at most 250 ms, with slack for a loaded machine; a retry would wait 1 s (Retry-After) or time out again. */
const ONE_ATTEMPT_BOUND_MS = 1000;

// Reads would be retried twice: writes must still be sent once. The breaker is not under test.
const stack = useEmulatorStack({ kmsTimeoutMs: KMS_TIMEOUT_MS, kmsReadRetries: 2, breakerThreshold: 1000 });
beforeEach(() => stack.emulator.reset());

describe('kms/client: revoke-grant is never retried', () => {
  const cases: { fault: string; rule: Omit<FaultRule, 'action'>; code: string; kmsErrorCode?: string }[] = [
    {
      fault: '503 (KMS.0104)',
      rule: { effect: { kind: 'error', status: 503, shape: 'kms', code: 'KMS.0104' } },
      code: 'UPSTREAM_ERROR',
      kmsErrorCode: 'KMS.0104',
    },
    { fault: '502 with an empty body', rule: { effect: { kind: 'raw', status: 502, body: '' } }, code: 'UPSTREAM_ERROR' },
    { fault: '504 with an empty body', rule: { effect: { kind: 'raw', status: 504, body: '' } }, code: 'UPSTREAM_TIMEOUT' },
    {
      fault: '429 with Retry-After: 1',
      rule: { retryAfter: '1', effect: { kind: 'error', status: 429, shape: 'apigw', code: 'APIGW.0308' } },
      code: 'RATE_LIMITED',
      kmsErrorCode: 'APIGW.0308',
    },
    { fault: 'no answer at all', rule: { effect: { kind: 'hang' } }, code: 'UPSTREAM_TIMEOUT' },
    { fault: 'a dropped connection', rule: { effect: { kind: 'drop' } }, code: 'UPSTREAM_ERROR' },
    { fault: 'a truncated body', rule: { effect: { kind: 'truncated' } }, code: 'UPSTREAM_ERROR' },
  ];
  // The gateway answers only after its last attempt, so what KMS received by then is all it gets.
  it.each(cases)('makes exactly one revoke-grant call on $fault and answers $code', async ({ rule, code, kmsErrorCode }) => {
    stack.emulator.faults.set({ action: 'revoke-grant', ...rule });
    const { result, ms } = await timed(() => gql(stack.gw, REVOKE, { k: KEY, g: GRANT }, stack.alice));
    expect({
      data: result.body.data ?? null,
      errors: errorSummary(result.body),
      sent: kmsCalls(stack.emulator, 'revoke-grant').map(kmsBody),
    }).toEqual({
      data: null,
      errors: [expectedError(['revokeGrant'], code, kmsErrorCode)],
      sent: [{ key_id: KEY, grant_id: GRANT }],
    });
    expect(ms).toBeLessThan(ONE_ATTEMPT_BOUND_MS);
    expect(leaksIn(result.text, stack)).toEqual([]);
  });
});
