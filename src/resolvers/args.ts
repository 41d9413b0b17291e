import { badInput } from '../errors/codes.ts';
import { KMS_MAX_LIMIT, KMS_PATTERNS } from '../kms/types.ts';
import type { ConnectionId } from '../relay/connectionId.ts';
import type { CursorCodec, CursorPosition } from '../relay/cursor.ts';

/** `first` when the caller gives none. */
export const DEFAULT_FIRST = 20;
/** The largest `first`: KMS's own maximum (and default) `limit`. */
export const MAX_FIRST = KMS_MAX_LIMIT;

/**
 * Argument checks shared by the resolvers. Each runs before any KMS call and throws
 * BAD_USER_INPUT naming the argument and the rule it broke.
 */

/** A KMS key id, exactly as KMS's regex demands. */
export function checkKeyId(keyId: string, argument = 'keyId'): string {
  if (!KMS_PATTERNS.keyId.test(keyId)) {
    throw badInput(`\`${argument}\` must be a KMS key id (${KMS_PATTERNS.keyId.source}), got ${quote(keyId)}`);
  }
  return keyId;
}

/** A KMS grant id: 64 hexadecimal characters. */
export function checkGrantId(grantId: string, argument = 'grantId'): string {
  if (!KMS_PATTERNS.grantId.test(grantId)) {
    throw badInput(`\`${argument}\` must be a KMS grant id (${KMS_PATTERNS.grantId.source}), got ${quote(grantId)}`);
  }
  return grantId;
}

/** `first`: 0..MAX_FIRST, default DEFAULT_FIRST. */
export function checkFirst(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_FIRST;
  if (!Number.isInteger(first) || first < 0 || first > MAX_FIRST) {
    throw badInput(`\`first\` must be between 0 and ${MAX_FIRST}, got ${first}`);
  }
  return first;
}

/** A principal (`granteePrincipal`, `retiringPrincipal`): a user or account id, `^[a-zA-Z0-9]{1,64}$`. */
export function checkPrincipal(principal: string, argument: string): string {
  if (!KMS_PATTERNS.principal.test(principal)) {
    throw badInput(`\`${argument}\` must be a user or account id (${KMS_PATTERNS.principal.source}), got ${quote(principal)}`);
  }
  return principal;
}

/** A grant name, `^[a-zA-Z0-9:/_-]{1,255}$`. */
export function checkGrantName(name: string, argument: string): string {
  if (!KMS_PATTERNS.grantName.test(name)) {
    throw badInput(`\`${argument}\` must match ${KMS_PATTERNS.grantName.source}, got ${quote(name)}`);
  }
  return name;
}

/** A grant's operations: at least one, none twice, and not `CREATE_GRANT` alone (KMS.2401). */
export function checkOperations<T extends string>(operations: readonly T[], argument: string): readonly T[] {
  if (operations.length === 0) throw badInput(`\`${argument}\` must name at least one operation`);
  if (new Set(operations).size !== operations.length) throw badInput(`\`${argument}\` must not name an operation twice`);
  if (operations.length === 1 && operations[0] === 'CREATE_GRANT') {
    throw badInput(`\`${argument}\` must name an operation besides CREATE_GRANT (KMS refuses it alone)`);
  }
  return operations;
}

/** Where to start: the beginning, or just after the `after` cursor of this connection. */
export function startPosition(cursors: CursorCodec, connection: ConnectionId, after: string | null | undefined): CursorPosition {
  if (after === null || after === undefined) return { connection, marker: '', skip: 0 };
  return cursors.decode(after, connection);
}

/** Echoes a bad value into a message safely: bounded, JSON-quoted. */
function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
}
