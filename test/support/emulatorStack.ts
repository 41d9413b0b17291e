/**
 * The KMS emulator (demo data) and a gateway in front of it, both on loopback: the stack the
 * gateway tests run against. Faults are scripted on `emulator.faults`; what KMS received is in
 * `emulator.requests`.
 */
import { DEFAULT_CONFIG, type GatewayConfig } from '../../src/config.ts';
import { DEMO, startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.ts';
import { startGateway, type RunningGateway } from '../../src/server/gateway.ts';
import type { Logger } from '../../src/observability/logger.ts';

export { DEMO };

/** A running emulator and a gateway on it. */
export interface EmulatorStack {
  emulator: RunningEmulator;
  gw: RunningGateway;
  /** alice's and bob's demo tokens as request headers. */
  alice: Record<string, string>;
  bob: Record<string, string>;
  close(): Promise<void>;
}

/** Gateway settings for tests: silent, short KMS timeout, one read retry, backoff of a few ms. */
export const TEST_GATEWAY: Partial<GatewayConfig> = { port: 0, logLevel: 'silent', kmsTimeoutMs: 1000, kmsReadRetries: 1 };

/** Starts the emulator with `emulatorOptions` and a gateway on it with `overrides`. */
export async function startEmulatorStack(
  overrides: Partial<GatewayConfig> = {},
  emulatorOptions: EmulatorOptions = {},
  logger?: Logger,
): Promise<EmulatorStack> {
  const emulator = await startEmulator(emulatorOptions);
  const config: GatewayConfig = {
    ...DEFAULT_CONFIG,
    ...TEST_GATEWAY,
    kmsEndpoint: emulator.url,
    kmsProjectId: emulator.projectId,
    ...overrides,
  };
  const gw = await startGateway(config, { ...(logger && { logger }), kmsRetry: { baseDelayMs: 5, maxDelayMs: 20 } });
  const user = (name: string): Record<string, string> => ({ 'x-auth-token': emulator.demo[name]?.token ?? '' });
  return {
    emulator,
    gw,
    alice: user('alice'),
    bob: user('bob'),
    close: async () => {
      await gw.close();
      await emulator.close();
    },
  };
}
