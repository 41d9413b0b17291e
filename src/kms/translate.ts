import type { GrantOperation, GranteePrincipalType, KeyState } from '../generated/resolvers-types.ts';
import { KMS_GRANT_OPERATIONS } from './types.ts';

/**
 * KMS wire values <-> GraphQL enum values. Pure and total: a value KMS adds in the future maps
 * to null (or is dropped from lists) instead of failing the whole response.
 */

/** `create-datakey` -> `CREATE_DATAKEY`; null for anything but KMS's exact spellings. */
export function toGrantOperation(operation: string): GrantOperation | null {
  return OPERATION_BY_KMS_NAME.get(operation) ?? null;
}

/** `CREATE_DATAKEY` -> `create-datakey`. */
export function fromGrantOperation(operation: GrantOperation): string {
  return operation.toLowerCase().replaceAll('_', '-');
}

const OPERATION_BY_KMS_NAME: ReadonlyMap<string, GrantOperation> = new Map(
  KMS_GRANT_OPERATIONS.map((name) => [name, name.toUpperCase().replaceAll('-', '_') as GrantOperation]),
);

/** `USER` -> `user`, `DOMAIN` -> `domain`. */
export function fromPrincipalType(type: GranteePrincipalType): 'user' | 'domain' {
  return type === 'DOMAIN' ? 'domain' : 'user';
}

/** `user` -> `USER`, `domain` -> `DOMAIN`; KMS's default when absent is `user`. */
export function toPrincipalType(type: string | undefined): GranteePrincipalType | null {
  if (type === undefined || type === 'user') return 'USER';
  return type === 'domain' ? 'DOMAIN' : null;
}

const KEY_STATES: readonly KeyState[] = ['PENDING_ACTIVATION', 'ENABLED', 'DISABLED', 'PENDING_DELETION', 'PENDING_IMPORT'];

/** A state's name -> KMS `key_state` `"1"`..`"5"`. */
export function fromKeyState(state: KeyState): string {
  return String(KEY_STATES.indexOf(state) + 1);
}

/** `key_state` `"1"`..`"5"` -> its name; null for anything else. */
export function toKeyState(state: string): KeyState | null {
  return /^[1-5]$/.test(state) ? (KEY_STATES[Number(state) - 1] ?? null) : null;
}

/** KMS epoch-millisecond strings (`"1497341531000"`) -> Date; null for `""` or garbage. */
export function fromEpochMs(value: string | undefined): Date | null {
  if (value === undefined || !/^\d{1,15}$/.test(value)) return null;
  return new Date(Number(value));
}
