import { describe, expect, it } from 'vitest';
import { DEMO, useEmulatorStack } from '../support/emulatorStack.ts';
import { gql } from '../support/gateway.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const stack = useEmulatorStack();

describe('kms/client: KMS sequence numbers', () => {
  it("generates KMS's `sequence` itself, one per call: a caller's UUID-shaped X-Request-Id goes to logs and headers only", async () => {
    const callerId = '919c82d4-8046-4722-9094-35c3c6524cff';
    const result = await gql(
      stack.gw,
      `query($a: ID!, $b: ID!) { a: grants(keyId: $a, first: 1) { totalCount } b: grants(keyId: $b, first: 1) { totalCount } }`,
      { a: DEMO.keys.full, b: DEMO.keys.app },
      { ...stack.alice, 'x-request-id': callerId },
    );
    const sent = stack.emulator.requests.map((r) => ({ sequence: r.body?.['sequence'], requestId: r.headers['x-request-id'] }));
    expect({
      response: result.headers.get('x-request-id'),
      calls: sent.length,
      distinct: new Set(sent.map((s) => s.sequence)).size,
    }).toEqual({
      response: callerId,
      calls: 2,
      distinct: 2,
    });
    for (const call of sent) {
      expect(call.sequence).toMatch(UUID);
      expect(call.sequence).not.toBe(callerId);
      expect(call.requestId).toBe(callerId);
    }
  });
});
