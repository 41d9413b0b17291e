/**
 * The standalone emulator's environment (`npm run emulator`): KMS_EMULATOR_PORT (default 4010),
 * KMS_EMULATOR_HOST (default 127.0.0.1), KMS_EMULATOR_SEED (demo | empty | file), KMS_EMULATOR_STATE (file).
 */
import type { EmulatorOptions } from './index.ts';

/** A bad environment variable; the message names it and the rule. */
export class EnvError extends Error {
  override name = 'EnvError';
}

/** Default port of the standalone emulator (contract.md). */
export const DEFAULT_EMULATOR_PORT = 4010;

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new EnvError(`${name} must not be empty when set`);
  return value;
}

/** Options for startEmulator from `env`; throws EnvError naming the first bad variable. */
export function readEmulatorEnv(env: NodeJS.ProcessEnv): EmulatorOptions {
  const portText = nonEmpty(env, 'KMS_EMULATOR_PORT');
  let port = DEFAULT_EMULATOR_PORT;
  if (portText !== undefined) {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 0 && port <= 65535)) {
      throw new EnvError(`KMS_EMULATOR_PORT must be an integer from 0 to 65535, got ${JSON.stringify(portText)}`);
    }
  }
  const options: EmulatorOptions = { port, host: nonEmpty(env, 'KMS_EMULATOR_HOST') ?? '127.0.0.1' };
  const seed = nonEmpty(env, 'KMS_EMULATOR_SEED');
  if (seed !== undefined) options.seed = seed;
  const statePath = nonEmpty(env, 'KMS_EMULATOR_STATE');
  if (statePath !== undefined) options.statePath = statePath;
  return options;
}
