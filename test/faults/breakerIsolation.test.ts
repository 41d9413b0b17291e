import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, gql } from '../support/gateway.ts';

// Fifteen distinct pages of one key: fifteen list-grants calls, queued one at a time behind the
// per-request concurrency limit, each slowed down by the emulator, so the operation's deadline
// runs out with most of them never sent (and the last sent ones cut short by it).
const HEAVY = `query($k: ID!) { ${Array.from({ length: 15 }, (_, i) => `a${i}: grants(keyId: $k, first: ${i + 1}) { totalCount }`).join(' ')} }`;
const LIGHT = `{ retirableGrants(first: 2) { totalCount } }`;

const stack = useEmulatorStack({ operationTimeoutMs: 250, kmsMaxConcurrency: 1, breakerThreshold: 2, breakerCooldownMs: 60_000 });
beforeAll(async () => {
  stack.emulator.faults.set({ action: 'list-grants', latencyMs: 60 });
});

describe('kms/client circuit breaker', () => {
  it("counts only requests sent to KMS: user A running out of time over and over never makes user B's calls fail fast", async () => {
    const heavy = () => gql(stack.gw, HEAVY, { k: DEMO.keys.full }, stack.alice);
    const light = () => gql(stack.gw, LIGHT, {}, stack.bob);
    const during = await Promise.all([heavy(), heavy(), heavy(), light(), heavy(), light()]);
    const codes = new Set(during.slice(0, 3).flatMap((r) => errorSummary(r.body).map((e) => e.code)));
    // The heavy operations did run out of their deadline, many calls over.
    expect(codes).toEqual(new Set(['UPSTREAM_TIMEOUT']));
    const after = await Promise.all([light(), light(), light()]);
    expect([during[3], during[5], ...after].map((r) => r.body)).toEqual(
      Array.from({ length: 5 }, () => ({ data: { retirableGrants: { totalCount: expect.any(Number) } } })),
    );
  });
});
