/**
 * The create-grant form's checks: the same rules the gateway applies before calling KMS
 * (src/resolvers/args.ts, from KMS's own patterns), so a bad grant is caught in the page with a
 * message next to its field, and only what KMS itself decides (quota, permissions, key state)
 * ever comes back from the server. Pure: no DOM, no network.
 */
import type { CreateGrantInput, GranteePrincipalType, GrantOperation } from '../generated/graphql.ts';

/** KMS's key id pattern. */
export const KEY_ID = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;
/** A grantee or retiring principal: a user or account id. */
export const PRINCIPAL = /^[a-zA-Z0-9]{1,64}$/;
/** A grant name. */
export const GRANT_NAME = /^[a-zA-Z0-9:/_-]{1,255}$/;

/** Every operation a grant may allow, in the schema's order. */
export const GRANT_OPERATIONS: readonly GrantOperation[] = [
  'CREATE_DATAKEY',
  'CREATE_DATAKEY_WITHOUT_PLAINTEXT',
  'ENCRYPT_DATAKEY',
  'DECRYPT_DATAKEY',
  'DESCRIBE_KEY',
  'CREATE_GRANT',
  'RETIRE_GRANT',
  'ENCRYPT_DATA',
  'DECRYPT_DATA',
];

/** What the form holds, as typed (text fields untrimmed, empty when left blank). */
export interface GrantDraft {
  keyId: string;
  granteePrincipal: string;
  granteePrincipalType: string;
  operations: readonly string[];
  name: string;
  retiringPrincipal: string;
}

/** The form's fields that can be wrong. */
export type GrantField = 'keyId' | 'granteePrincipal' | 'granteePrincipalType' | 'operations' | 'name' | 'retiringPrincipal';

/** Either the input to send, or a message for each wrong field (in the form's order). */
export type GrantValidation =
  | { ok: true; input: Omit<CreateGrantInput, 'clientMutationId'> }
  | { ok: false; errors: Partial<Record<GrantField, string>> };

const isOperation = (value: string): value is GrantOperation => (GRANT_OPERATIONS as readonly string[]).includes(value);
const isPrincipalType = (value: string): value is GranteePrincipalType => value === 'USER' || value === 'DOMAIN';

/**
 * Checks a draft as the gateway would: principals `^[a-zA-Z0-9]{1,64}$`, name
 * `^[a-zA-Z0-9:/_-]{1,255}$` (both optional ones only when filled in), operations at least one,
 * none twice, not `CREATE_GRANT` alone; grantee type USER unless DOMAIN is chosen. Surrounding
 * spaces (a pasted id) are dropped before checking; nothing else is changed.
 */
export function validateGrant(draft: GrantDraft): GrantValidation {
  const errors: Partial<Record<GrantField, string>> = {};
  const keyId = draft.keyId.trim();
  const granteePrincipal = draft.granteePrincipal.trim();
  const name = draft.name.trim();
  const retiringPrincipal = draft.retiringPrincipal.trim();
  const type = draft.granteePrincipalType === '' ? 'USER' : draft.granteePrincipalType;

  if (!KEY_ID.test(keyId)) errors.keyId = 'Pick a key first.';
  if (granteePrincipal === '') errors.granteePrincipal = 'Enter the grantee: a user id (or, for an account, its account id).';
  else if (!PRINCIPAL.test(granteePrincipal)) errors.granteePrincipal = 'A user or account id is 1 to 64 letters and digits, nothing else.';
  if (!isPrincipalType(type)) errors.granteePrincipalType = 'Choose a user or an account.';

  const operations = draft.operations;
  const unknown = operations.filter((op) => !isOperation(op));
  if (operations.length === 0) errors.operations = 'Choose at least one operation.';
  else if (unknown.length > 0) errors.operations = `Unknown operation: ${unknown.join(', ')}.`;
  else if (new Set(operations).size !== operations.length) errors.operations = 'Choose each operation once.';
  else if (operations.length === 1 && operations[0] === 'CREATE_GRANT')
    errors.operations = 'KMS refuses create-grant alone: add another operation.';

  if (name !== '' && !GRANT_NAME.test(name)) errors.name = 'A name is 1 to 255 letters, digits and : / _ - (no spaces).';
  if (retiringPrincipal !== '' && !PRINCIPAL.test(retiringPrincipal))
    errors.retiringPrincipal = 'A user id is 1 to 64 letters and digits, nothing else.';

  if (Object.keys(errors).length > 0 || !isPrincipalType(type)) return { ok: false, errors };
  return {
    ok: true,
    input: {
      keyId,
      granteePrincipal,
      granteePrincipalType: type,
      operations: operations.filter(isOperation),
      ...(name !== '' && { name }),
      ...(retiringPrincipal !== '' && { retiringPrincipal }),
    },
  };
}
