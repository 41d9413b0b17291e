/**
 * One running emulator per test file (or per test), started and closed by vitest hooks, with a
 * token per demo user: the setup every over-HTTP emulator test shares.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.ts';
import { DEMO } from '../../src/emulator/seed.ts';
import type { Answer } from './support.ts';
import { kms } from './support.ts';

/** X-Auth-Tokens issued when the emulator starts: alice and bob in the demo project, carol in acme's. */
export interface DemoTokens {
  alice: string;
  bob: string;
  carol: string;
}

/** What {@link useEmulator} hands a test; read its fields inside hooks and tests only. */
export interface EmulatorSession {
  readonly emu: RunningEmulator;
  readonly tokens: DemoTokens;
  /** All grants on a key, one list-grants call as alice; fails the test unless it answers 200. */
  grantsOf(keyId: string): Promise<unknown[]>;
  /** A KMS call as carol, in the acme project. */
  asCarol(action: string, body: unknown): Promise<Answer>;
}

/**
 * Registers hooks that start an emulator with `options` before the tests of the enclosing
 * describe (or file) and close it after: once for them all (`'all'`, the default) or afresh for
 * each test (`'each'`, for tests that change the data).
 */
export function useEmulator(options: EmulatorOptions = {}, lifetime: 'all' | 'each' = 'all'): EmulatorSession {
  let running: { emu: RunningEmulator; tokens: DemoTokens } | undefined;
  const live = () => {
    if (running === undefined) throw new Error('useEmulator: the emulator runs only inside hooks and tests');
    return running;
  };
  const start = async () => {
    const emu = await startEmulator(options);
    const tokens = {
      alice: emu.issueToken('alice'),
      bob: emu.issueToken('bob'),
      carol: emu.issueToken('carol', { projectId: DEMO.acmeProjectId }),
    };
    running = { emu, tokens };
  };
  const stop = async () => {
    await running?.emu.close();
    running = undefined;
  };
  if (lifetime === 'each') {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }

  return {
    get emu() {
      return live().emu;
    },
    get tokens() {
      return live().tokens;
    },
    async grantsOf(keyId) {
      const res = await kms(live().emu, 'list-grants', { key_id: keyId }, { token: live().tokens.alice });
      expect(res.status).toBe(200);
      return (res.body as { grants: unknown[] }).grants;
    },
    asCarol(action, body) {
      return kms(live().emu, action, body, { token: live().tokens.carol, projectId: DEMO.acmeProjectId });
    },
  };
}
