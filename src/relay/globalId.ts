import { badInput } from '../errors/codes.ts';
import { KMS_PATTERNS } from '../kms/types.ts';

/**
 * Relay global ids. An id carries what its refetch needs: a Key's id its key id, a Grant's id
 * its key id and grant id (KMS has no get-grant; the grant is found by listing its key).
 */
export type GlobalRef = { type: 'Key'; keyId: string } | { type: 'Grant'; keyId: string; grantId: string };

/** The global id of a key. */
export function keyGlobalId(keyId: string): string {
  return Buffer.from(`Key:${keyId}`).toString('base64url');
}

/** The global id of a grant. */
export function grantGlobalId(keyId: string, grantId: string): string {
  return Buffer.from(`Grant:${keyId}:${grantId}`).toString('base64url');
}

/** Decodes an id made by the functions above; anything else is BAD_USER_INPUT. */
export function decodeGlobalId(id: string): GlobalRef {
  const text = id.length <= 200 ? Buffer.from(id, 'base64url').toString('utf8') : '';
  // Strict: only the exact encoding we issue (base64url decoding alone is lenient).
  if (Buffer.from(text).toString('base64url') !== id) throw badInput('`id` is not a global id issued by this gateway');
  const [type, keyId = '', grantId = '', ...rest] = text.split(':');
  if (rest.length === 0 && KMS_PATTERNS.keyId.test(keyId)) {
    if (type === 'Key' && grantId === '' && !text.endsWith(':')) return { type, keyId };
    if (type === 'Grant' && KMS_PATTERNS.grantId.test(grantId)) return { type, keyId, grantId };
  }
  throw badInput('`id` is not a global id of a Grant or a Key issued by this gateway');
}
