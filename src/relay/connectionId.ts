/**
 * Which connection a page or a cursor belongs to: a typed value owned by the paging layer, so
 * the loaders switch on `kind` instead of parsing a string back. The one string form,
 * {@link connectionName}, is what cursors carry and what the page cache is keyed on: it is
 * injective (two connections never share a name) and never parsed, only compared.
 */
export type ConnectionId =
  /** A key's grants (list-grants). */
  | { kind: 'grants'; keyId: string }
  /** The caller's retirable grants (list-retirable-grants). */
  | { kind: 'retirable' }
  /** The caller's keys (list-keys), all of them or those in one KMS `key_state` ("1".."5"). */
  | { kind: 'keys'; keyState: string | undefined };

/** The connections whose items are grants. */
export type GrantConnectionId = Extract<ConnectionId, { kind: 'grants' | 'retirable' }>;

/** The connection of a key's grants. */
export function grantsConnection(keyId: string): GrantConnectionId {
  return { kind: 'grants', keyId };
}

/** The connection of the caller's retirable grants. */
export const RETIRABLE_CONNECTION: GrantConnectionId = { kind: 'retirable' };

/** The connection of the caller's keys, optionally in one `key_state`. */
export function keysConnection(keyState: string | undefined): ConnectionId {
  return { kind: 'keys', keyState };
}

/**
 * The connection's name: `grants:<keyId>`, `retirable`, `keys` or `keys:<key_state>`. Cursors
 * issued before connection ids were typed carry the same names, so they keep working across the
 * upgrade. A new kind needs a prefix of its own: the `never` below makes forgetting it a type error.
 */
export function connectionName(connection: ConnectionId): string {
  switch (connection.kind) {
    case 'grants':
      return `grants:${connection.keyId}`;
    case 'retirable':
      return 'retirable';
    case 'keys':
      return connection.keyState === undefined ? 'keys' : `keys:${connection.keyState}`;
    default:
      return unknownKind(connection);
  }
}

function unknownKind(connection: never): never {
  throw new Error(`unknown connection kind: ${JSON.stringify(connection)}`);
}
