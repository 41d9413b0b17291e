/**
 * The standalone emulator's environment (`npm run emulator`), read with envalid like the
 * gateway's: every bad variable is named, and nothing exits here.
 */
import { cleanEnv, EnvError, host, makeExactValidator } from 'envalid';
import { flag, integer, oneOf, throwEnvErrors } from '../envValidators.ts';
import type { EmulatorOptions } from './index.ts';

export { EnvError } from 'envalid';

/** Default port of the standalone emulator (the README's). */
const DEFAULT_EMULATOR_PORT = 4010;

/** A non-empty string (envalid's `str` accepts ""). */
const text = makeExactValidator<string>((input) => {
  if (input.trim() === '') throw new EnvError('must not be empty when set');
  return input;
});

/** Options for startEmulator from `env`; throws EnvError naming every bad variable. */
export function readEmulatorEnv(env: NodeJS.ProcessEnv): EmulatorOptions {
  const e = cleanEnv(
    env,
    {
      KMS_EMULATOR_PORT: integer(0, 65535)({ default: DEFAULT_EMULATOR_PORT }),
      KMS_EMULATOR_HOST: host({ default: '127.0.0.1' }),
      KMS_EMULATOR_SEED: text({ default: undefined }),
      KMS_EMULATOR_STATE: text({ default: undefined }),
      KMS_EMULATOR_PAGE_CAP: integer(1, 1000)({ default: undefined }),
      KMS_EMULATOR_MARKERS: oneOf(['offset', 'opaque'] as const)({ default: 'offset' }),
      KMS_EMULATOR_ANSWER_CACHE: flag({ default: false }),
    },
    { reporter: throwEnvErrors },
  );
  const options: EmulatorOptions = { port: e.KMS_EMULATOR_PORT, host: e.KMS_EMULATOR_HOST };
  if (e.KMS_EMULATOR_SEED !== undefined) options.seed = e.KMS_EMULATOR_SEED;
  if (e.KMS_EMULATOR_STATE !== undefined) options.statePath = e.KMS_EMULATOR_STATE;
  if (e.KMS_EMULATOR_PAGE_CAP !== undefined) options.pageCap = e.KMS_EMULATOR_PAGE_CAP;
  if (e.KMS_EMULATOR_MARKERS !== 'offset') options.markers = e.KMS_EMULATOR_MARKERS;
  if (e.KMS_EMULATOR_ANSWER_CACHE) options.answerCache = true;
  return options;
}
