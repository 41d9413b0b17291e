import { beforeEach, describe, expect, it } from 'vitest';
import { keyGlobalId } from '../../src/relay/globalId.ts';
import { DEMO, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, expectedError, gql, leaksIn } from '../support/gateway.ts';
import { timed } from '../support/waiting.ts';

// Fixtures: demo-backup (6 grants) and two other keys of alice's to describe.
const KEY = DEMO.keys.backup;
const GRANTS_QUERY = `query Grants($k: ID!) { grants(keyId: $k, first: 5) { totalCount } }`;
const HEALTHY = { data: { grants: { totalCount: DEMO.grantCounts.backup } } };
/** The whole operation's deadline; each KMS call alone could take far longer. */
const OPERATION_TIMEOUT_MS = 300;
const KMS_TIMEOUT_MS = 5000;
/** Each describe-key: under both limits alone, but two in a row (one call at a time) overrun the deadline. */
const DESCRIBE_LATENCY_MS = 250;

const stack = useEmulatorStack({ operationTimeoutMs: OPERATION_TIMEOUT_MS, kmsTimeoutMs: KMS_TIMEOUT_MS, kmsMaxConcurrency: 1 });
beforeEach(() => stack.emulator.reset());

describe('kms/client: the operation deadline (operationTimeoutMs)', () => {
  it('answers UPSTREAM_TIMEOUT at the deadline, long before the per-call timeout, when KMS hangs; then serves normally', async () => {
    stack.emulator.faults.set({ action: 'list-grants', effect: { kind: 'hang' } });
    const { result, ms } = await timed(() => gql(stack.gw, GRANTS_QUERY, { k: KEY }, stack.alice));
    expect({ data: result.body.data ?? null, errors: errorSummary(result.body) }).toEqual({
      data: null,
      errors: [expectedError(['grants'], 'UPSTREAM_TIMEOUT')],
    });
    expect(ms).toBeGreaterThanOrEqual(OPERATION_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(KMS_TIMEOUT_MS);
    expect(leaksIn(result.text, stack)).toEqual([]);

    stack.emulator.faults.clear();
    const after = await gql(stack.gw, GRANTS_QUERY, { k: KEY }, stack.alice);
    expect(after.body).toEqual(HEALTHY);
  });

  it('bounds an operation whose KMS calls are each slow but under the per-call timeout', async () => {
    stack.emulator.faults.set({ action: 'describe-key', latencyMs: DESCRIBE_LATENCY_MS });
    const query = `query { a: node(id: "${keyGlobalId(DEMO.keys.full)}") { id } b: node(id: "${keyGlobalId(DEMO.keys.app)}") { id } }`;
    const { result, ms } = await timed(() => gql(stack.gw, query, {}, stack.alice));
    // One key answers (250 ms); the second call, queued behind it, runs past the 300 ms deadline
    // and is cut there. (On a loaded machine the first may be cut too: either way a timeout.)
    expect(errorSummary(result.body).map((e) => e.code)).toContain('UPSTREAM_TIMEOUT');
    expect(ms).toBeLessThan(KMS_TIMEOUT_MS);
  });
});
