import { EnvError, makeExactValidator } from 'envalid';

/**
 * envalid validators with exact types, shared by the gateway's and the emulator's environment:
 * whole numbers in a range, strict booleans, fixed choices, and a reporter that throws instead of
 * exiting.
 */

/**
 * A whole number in [min, max], written in plain decimal digits: `2.5`, `1e3`, `0x10`, ` 5`
 * and `5ms` are refused (envalid's `num` would take 2.5, and parseFloat `5ms`).
 */
export const integer = (min: number, max: number) =>
  makeExactValidator<number>((input) => {
    const value = /^-?[0-9]+$/.test(input) ? Number(input) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new EnvError(`must be an integer from ${min} to ${max}, got "${input}"`);
    }
    return value;
  });

/** Milliseconds: at least 100, so that a value meant in seconds (`KMS_TIMEOUT_MS=5`) is caught. */
export const millis = (max: number) => integer(100, max);

/** `true`/`1` or `false`/`0`, nothing else (envalid's `bool` also takes `t`, `yes`, `on`, ...). */
export const flag = makeExactValidator<boolean>((input) => {
  if (input === 'true' || input === '1') return true;
  if (input === 'false' || input === '0') return false;
  throw new EnvError(`must be true or false (or 1 or 0), got "${input}"`);
});

/** Exactly one of `choices`. */
export const oneOf = <T extends string>(choices: readonly T[]) =>
  makeExactValidator<T>((input) => {
    if (!(choices as readonly string[]).includes(input)) {
      throw new EnvError(`must be one of ${choices.join(', ')}, got "${input}"`);
    }
    return input as T;
  });

/**
 * envalid's own reporter prints and exits the process; this one throws one EnvError naming
 * every bad variable, so the caller decides (server/lifecycle.ts prints it and exits 1) and tests can see it.
 */
export function throwEnvErrors({ errors }: { errors: Partial<Record<string, Error>> }): void {
  const names = Object.keys(errors).sort();
  if (names.length === 0) return;
  throw new EnvError(names.map((name) => `${name}: ${errors[name]?.message ?? 'invalid'}`).join('; '));
}
