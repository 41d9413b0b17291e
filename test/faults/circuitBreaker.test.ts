import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GatewayConfig } from '../../src/config.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import { DEMO, closeAfterEach, gatewayOn, kmsCalls, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, expectedError, gql, leaksIn } from '../support/gateway.ts';
import { retryUntil } from '../support/waiting.ts';

// Fixtures: demo-backup, alice's key with 6 grants.
const KEY = DEMO.keys.backup;
const GRANTS_QUERY = `query Grants($k: ID!) { grants(keyId: $k, first: 5) { totalCount } }`;
const HEALTHY = { data: { grants: { totalCount: DEMO.grantCounts.backup } } };
/** The breaker's cool-down in these tests: short, so recovery is quick to see. */
const COOLDOWN_MS = 100;
/** contract.md: once KMS answers normally again, the gateway serves normally within 30 s. */
const CONTRACT_RECOVERY_MS = 30_000;
/** Room for a recovery test to fail on its own assertion rather than on the test timeout. */
const RECOVERY_TEST_TIMEOUT_MS = CONTRACT_RECOVERY_MS + 10_000;

const stack = useEmulatorStack();
beforeEach(() => stack.emulator.reset());

// A gateway of its own per test: the breaker's state must not carry over.
const keep = closeAfterEach();
const gatewayWith = async (overrides: Partial<GatewayConfig>): Promise<RunningGateway> => keep(await gatewayOn(stack.emulator, overrides));

const listCalls = (): number => kmsCalls(stack.emulator, 'list-grants').length;
const sameAs = (expected: unknown) => (body: unknown) => JSON.stringify(body) === JSON.stringify(expected);

describe('kms/client: circuit breaker', () => {
  it(
    'fails fast with UPSTREAM_ERROR and no KMS call once open (threshold 3), then recovers by itself after the cool-down',
    async () => {
      const g = await gatewayWith({ breakerThreshold: 3, breakerCooldownMs: COOLDOWN_MS, kmsReadRetries: 0 });
      stack.emulator.faults.set({ action: 'list-grants', effect: { kind: 'error', status: 500, shape: 'kms', code: 'KMS.0101' } });
      for (let i = 0; i < 3; i += 1) {
        const { body } = await gql(g, GRANTS_QUERY, { k: KEY }, stack.alice);
        expect(errorSummary(body)).toEqual([expectedError(['grants'], 'UPSTREAM_ERROR', 'KMS.0101')]);
      }
      expect(listCalls()).toBe(3);

      // Open: no call reaches KMS.
      const open = await gql(g, GRANTS_QUERY, { k: KEY }, stack.alice);
      expect({ errors: errorSummary(open.body), calls: listCalls() }).toEqual({
        errors: [expectedError(['grants'], 'UPSTREAM_ERROR')],
        calls: 3,
      });
      expect(leaksIn(open.text, stack)).toEqual([]);

      // KMS heals; calls keep failing fast until the cool-down, then one is tried and the circuit closes.
      stack.emulator.faults.clear();
      stack.emulator.requests.length = 0;
      const healed = await retryUntil(async () => (await gql(g, GRANTS_QUERY, { k: KEY }, stack.alice)).body, sameAs(HEALTHY), {
        deadlineMs: CONTRACT_RECOVERY_MS,
      });
      expect(healed).toEqual(HEALTHY);
      const again = await gql(g, GRANTS_QUERY, { k: KEY }, stack.alice);
      expect({ again: again.body, calls: listCalls() }).toEqual({ again: HEALTHY, calls: 2 });
    },
    RECOVERY_TEST_TIMEOUT_MS,
  );

  it('does not open on client errors (404, 403): they are the caller’s, not KMS failing', async () => {
    const g = await gatewayWith({ breakerThreshold: 3, breakerCooldownMs: 60_000, kmsReadRetries: 0 });
    const answers: unknown[] = [];
    stack.emulator.faults.set({ action: 'list-grants', times: 3, effect: { kind: 'error', status: 404, shape: 'kms', code: 'KMS.0207' } });
    for (let i = 0; i < 3; i += 1) answers.push(errorSummary((await gql(g, GRANTS_QUERY, { k: KEY }, stack.alice)).body));
    stack.emulator.faults.set({ action: 'list-grants', times: 2, effect: { kind: 'error', status: 403, shape: 'kms', code: 'KMS.0306' } });
    for (let i = 0; i < 2; i += 1) answers.push(errorSummary((await gql(g, GRANTS_QUERY, { k: KEY }, stack.alice)).body));
    const { body } = await gql(g, GRANTS_QUERY, { k: KEY }, stack.alice);
    expect({ answers, body, calls: listCalls() }).toEqual({
      answers: [
        ...Array.from({ length: 3 }, () => [expectedError(['grants'], 'NOT_FOUND', 'KMS.0207')]),
        ...Array.from({ length: 2 }, () => [expectedError(['grants'], 'FORBIDDEN', 'KMS.0306')]),
      ],
      body: HEALTHY,
      calls: 6,
    });
  });

  describe('recovery after a run of failures (contract: normal service within 30 s of KMS healing)', () => {
    it(
      'serves normally again once KMS answers normally after ten failing operations (reads retried)',
      async () => {
        const g = await gatewayWith({ breakerCooldownMs: COOLDOWN_MS, kmsReadRetries: 1 });
        stack.emulator.faults.set({ action: 'list-grants', effect: { kind: 'raw', status: 503, body: '' } });
        for (let i = 0; i < 10; i += 1) {
          const { body } = await gql(g, GRANTS_QUERY, { k: KEY }, stack.alice);
          expect(errorSummary(body)).toEqual([expectedError(['grants'], 'UPSTREAM_ERROR')]);
        }
        stack.emulator.faults.clear();
        const last = await retryUntil(async () => (await gql(g, GRANTS_QUERY, { k: KEY }, stack.alice)).body, sameAs(HEALTHY), {
          deadlineMs: CONTRACT_RECOVERY_MS,
        });
        expect(last).toEqual(HEALTHY);
      },
      RECOVERY_TEST_TIMEOUT_MS,
    );

    it('keeps the default cool-down well inside those 30 s', () => {
      expect(DEFAULT_CONFIG.breakerCooldownMs).toBeLessThan(CONTRACT_RECOVERY_MS);
    });
  });
});
