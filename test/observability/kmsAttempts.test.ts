import { describe, expect, it } from 'vitest';
import { DEMO, useEmulatorStack } from '../support/emulatorStack.ts';
import { gql } from '../support/gateway.ts';

const stack = useEmulatorStack({ kmsReadRetries: 2 });

/** `gateway_kms_calls_total` samples for `action`, by status. */
async function callsByStatus(action: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${stack.gw.url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^gateway_kms_calls_total\{action="([^"]+)",status="(\d+)"\} (\d+)$/gm)) {
    if (match[1] === action) counts[match[2] ?? ''] = Number(match[3]);
  }
  return counts;
}

describe('metrics: gateway_kms_calls_total', () => {
  it('counts every attempt with its own status: 429, 429, then 200 is three calls, two of them 429', async () => {
    stack.emulator.faults.set({
      action: 'list-grants',
      times: 2,
      effect: { kind: 'error', status: 429, shape: 'apigw', code: 'APIGW.0308' },
    });
    const result = await gql(stack.gw, `query($k: ID!) { grants(keyId: $k, first: 1) { totalCount } }`, { k: DEMO.keys.app }, stack.alice);
    expect(result.body.errors).toBeUndefined();
    expect({
      metrics: await callsByStatus('list-grants'),
      received: stack.emulator.requests.filter((r) => r.action === 'list-grants').length,
    }).toEqual({ metrics: { '200': 1, '429': 2 }, received: 3 });
  });
});
