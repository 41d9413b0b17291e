/**
 * The hooks the failure tests share: one fake KMS for the file, and a fresh gateway in front of
 * it for every test, so no circuit-breaker or cache state carries over from one injected failure
 * to the next.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { GatewayConfig } from '../../src/config.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import { startFakeKms } from './fakeKms.ts';
import type { FakeKms, FakeKmsOptions } from './fakeKms.ts';
import { TOKENS, startGatewayOn } from './gateway.ts';

/** What {@link useFreshGateway} hands a test; read its fields inside hooks and tests only. */
export interface FreshGateway {
  readonly fake: FakeKms;
  readonly gw: RunningGateway;
}

/**
 * Registers hooks: a fake KMS with `fakeOptions` (and {@link TOKENS} unless given) before all
 * tests, closed after them; before each test, the fake reset (recorded requests, scripts, data)
 * and a gateway on it with `gatewayOverrides`, closed after the test.
 */
export function useFreshGateway(fakeOptions: Partial<FakeKmsOptions>, gatewayOverrides: Partial<GatewayConfig> = {}): FreshGateway {
  let fake: FakeKms | undefined;
  let gw: RunningGateway | undefined;
  beforeAll(async () => {
    fake = await startFakeKms({ tokens: TOKENS, ...fakeOptions });
  });
  afterAll(async () => fake?.close());
  beforeEach(async () => {
    const running = started(fake);
    running.reset();
    gw = await startGatewayOn(running, gatewayOverrides);
  });
  afterEach(async () => gw?.close());
  return {
    get fake() {
      return started(fake);
    },
    get gw() {
      return started(gw);
    },
  };
}

function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('useFreshGateway: the fake and the gateway run only inside hooks and tests');
  return value;
}
