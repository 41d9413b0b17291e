/**
 * The KMS emulator (demo data) and a gateway in front of it, both on loopback: the stack every
 * gateway test runs against. Faults are scripted on `emulator.faults`; what KMS received is in
 * `emulator.requests` ({@link kmsCalls}, {@link kmsBody}); {@link listFromKms} reads the emulator's
 * own answers, to compare the gateway's output with what KMS holds.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { DEFAULT_CONFIG, type GatewayConfig } from '../../src/config.ts';
import { DEMO, startEmulator, type EmulatorOptions, type ReceivedRequest, type RunningEmulator } from '../../src/emulator/index.ts';
import type { KmsGrant } from '../../src/kms/types.ts';
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
  /** alice's and bob's demo tokens themselves. */
  tokens: { alice: string; bob: string };
  close(): Promise<void>;
}

/** Gateway settings for tests: silent, short KMS timeout, one read retry, backoff of a few ms. */
export const TEST_GATEWAY: Partial<GatewayConfig> = { port: 0, logLevel: 'silent', kmsTimeoutMs: 1000, kmsReadRetries: 1 };

/** The backoff of every test gateway: a few milliseconds, so retried faults resolve at once. */
const TEST_RETRY = { baseDelayMs: 5, maxDelayMs: 20 };

/** Starts the emulator with `emulatorOptions` and a gateway on it with `overrides`. */
export async function startEmulatorStack(
  overrides: Partial<GatewayConfig> = {},
  emulatorOptions: EmulatorOptions = {},
  logger?: Logger,
): Promise<EmulatorStack> {
  const emulator = await startEmulator(emulatorOptions);
  const gw = await gatewayOn(emulator, overrides, logger);
  const token = (name: string): string => emulator.demo[name]?.token ?? '';
  const tokens = { alice: token('alice'), bob: token('bob') };
  return {
    emulator,
    gw,
    alice: { 'x-auth-token': tokens.alice },
    bob: { 'x-auth-token': tokens.bob },
    tokens,
    close: async () => {
      await gw.close();
      await emulator.close();
    },
  };
}

/** What {@link useEmulatorStack} hands a test file: the stack's parts; read them inside hooks and tests only. */
export type EmulatorStackSession = Readonly<Omit<EmulatorStack, 'close'>>;

/**
 * Registers hooks that start the stack ({@link startEmulatorStack} with the same arguments) before
 * the tests of the enclosing file (or describe) and close it after them. Hooks the caller
 * registers afterwards run once the stack is up; resetting the emulator between tests is theirs.
 */
export function useEmulatorStack(overrides: Partial<GatewayConfig> = {}, emulatorOptions: EmulatorOptions = {}): EmulatorStackSession {
  let running: EmulatorStack | undefined;
  beforeAll(async () => {
    running = await startEmulatorStack(overrides, emulatorOptions);
  });
  afterAll(async () => {
    await running?.close();
    running = undefined;
  });
  const live = (): EmulatorStack => {
    if (running === undefined) throw new Error('useEmulatorStack: the stack runs only inside hooks and tests');
    return running;
  };
  return {
    get emulator() {
      return live().emulator;
    },
    get gw() {
      return live().gw;
    },
    get alice() {
      return live().alice;
    },
    get bob() {
      return live().bob;
    },
    get tokens() {
      return live().tokens;
    },
  };
}

/**
 * Registers a hook that closes, after each test, every gateway (or other server) the test handed
 * to the returned `keep`, for tests that start servers of their own; `keep` returns its argument.
 */
export function closeAfterEach(): <T extends { close(): Promise<void> }>(server: T) => T {
  const started: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  return (server) => {
    started.push(server);
    return server;
  };
}

/** Runs `fn` on a gateway of its own on `emulator` ({@link gatewayOn} with `overrides`), closing it afterwards. */
export async function withGateway<T>(
  emulator: RunningEmulator,
  overrides: Partial<GatewayConfig>,
  fn: (gw: RunningGateway) => Promise<T>,
): Promise<T> {
  const gw = await gatewayOn(emulator, overrides);
  try {
    return await fn(gw);
  } finally {
    await gw.close();
  }
}

/**
 * Another gateway on a running emulator, with {@link TEST_GATEWAY} and `overrides` (for tests that
 * need a gateway state of their own, e.g. a fresh circuit breaker). The caller closes it.
 */
export function gatewayOn(emulator: RunningEmulator, overrides: Partial<GatewayConfig> = {}, logger?: Logger): Promise<RunningGateway> {
  const config: GatewayConfig = {
    ...DEFAULT_CONFIG,
    ...TEST_GATEWAY,
    kmsEndpoint: emulator.url,
    kmsProjectId: emulator.projectId,
    ...overrides,
  };
  return startGateway(config, { ...(logger && { logger }), kmsRetry: TEST_RETRY });
}

/** The requests KMS received for `action` (every request when absent), oldest first. */
export function kmsCalls(emulator: RunningEmulator, action?: string): ReceivedRequest[] {
  return emulator.requests.filter((r) => action === undefined || r.action === action);
}

/** The JSON body KMS received, minus the `sequence` the gateway adds to every call. */
export function kmsBody(request: { body: Record<string, unknown> | undefined }): Record<string, unknown> {
  const { sequence: _sequence, ...rest } = request.body ?? {};
  return rest;
}

/**
 * Calls the emulator's KMS API directly (not through the gateway) as the holder of `token`, and
 * answers the JSON body; throws on any status but 200. The call is recorded in
 * `emulator.requests` like any other: clear them before asserting on what the gateway sent.
 */
export async function callKms(emulator: RunningEmulator, action: string, body: Record<string, unknown>, token: string): Promise<unknown> {
  const response = await fetch(`${emulator.url}/v1.0/${emulator.projectId}/kms/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': token },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${action} answered ${response.status}: ${text}`);
  return text === '' ? {} : (JSON.parse(text) as unknown);
}

/**
 * Every grant KMS lists, in its order, for the holder of `token`: the grants of `keyId`, or the
 * caller's retirable grants when `keyId` is undefined. Follows `next_marker` to the end.
 */
export async function listFromKms(emulator: RunningEmulator, keyId: string | undefined, token: string): Promise<KmsGrant[]> {
  const action = keyId === undefined ? 'list-retirable-grants' : 'list-grants';
  const grants: KmsGrant[] = [];
  let marker = '';
  for (let guard = 0; guard < 1000; guard += 1) {
    const page = (await callKms(
      emulator,
      action,
      { ...(keyId !== undefined && { key_id: keyId }), limit: '1000', ...(marker !== '' && { marker }) },
      token,
    )) as {
      grants: KmsGrant[];
      next_marker: string;
      truncated: string;
    };
    grants.push(...page.grants);
    if (page.truncated !== 'true') return grants;
    marker = page.next_marker;
  }
  throw new Error(`${action}: no last page after 1000 pages`);
}
