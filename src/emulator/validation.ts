/**
 * Request-body checks shared by every KMS action, and the grant actions' body parsers. Each
 * parser takes the decoded JSON object and returns typed input or throws the KmsError whose code
 * KMS uses for that field (docs/kms.md §2, §5). Unknown fields are
 * ignored; `null` counts as absent (as a Java/Jackson service would read it).
 */
import { KMS_GRANT_OPERATIONS, KMS_PATTERNS } from '../kms/types.ts';
import type { KmsPrincipalType } from '../kms/types.ts';
import { errors } from './errors.ts';
import { parseLimit, parseMarker } from './paging.ts';

/** A decoded request body: always a JSON object. */
export type Body = Readonly<Record<string, unknown>>;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const SEQUENCE_BYTES = 36;

/** The raw body as a JSON object. Not UTF-8 or not JSON -> KMS.0202; JSON but not an object -> KMS.0214. */
export function parseJsonObject(raw: Buffer | undefined): Body {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(raw ?? Buffer.alloc(0)));
  } catch {
    throw errors.invalidJson('The body must be a JSON object.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.badFormat('The body must be a JSON object.');
  }
  return value as Body;
}

/** An own field of the body; `null` reads as absent. */
export function field(body: Body, name: string): unknown {
  if (!Object.hasOwn(body, name)) return undefined;
  const value = body[name];
  return value === null ? undefined : value;
}

/** An optional string field; present but not a string -> the given error. */
export function optionalString(body: Body, name: string, invalid: (d: string) => Error): string | undefined {
  const value = field(body, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be a string.`);
  return value;
}

/** `sequence`, if present, must be a 36-byte string (docs/kms.md §1) -> else KMS.0206. */
export function checkSequence(body: Body): void {
  const value = field(body, 'sequence');
  if (value === undefined) return;
  if (typeof value !== 'string' || Buffer.byteLength(value, 'utf8') !== SEQUENCE_BYTES) {
    throw errors.invalidSequence(`sequence must be a string of ${SEQUENCE_BYTES} bytes.`);
  }
}

/** Required `key_id`: absent -> KMS.0204; not matching KMS_PATTERNS.keyId -> KMS.0205. */
export function requireKeyId(body: Body): string {
  const value = field(body, 'key_id');
  if (value === undefined) throw errors.missing('key_id');
  if (typeof value !== 'string' || !KMS_PATTERNS.keyId.test(value)) {
    throw errors.invalidKeyId(`key_id must match ${KMS_PATTERNS.keyId.source}.`);
  }
  return value;
}

/** Required `grant_id`: absent -> KMS.0204; not 64 hex characters -> KMS.2501. Returned lower-case. */
export function requireGrantId(body: Body): string {
  const value = field(body, 'grant_id');
  if (value === undefined) throw errors.missing('grant_id');
  if (typeof value !== 'string' || !KMS_PATTERNS.grantId.test(value)) {
    throw errors.grantNotFound(`grant_id must match ${KMS_PATTERNS.grantId.source}.`);
  }
  return value.toLowerCase();
}

/** Validated body of create-grant. */
export interface CreateGrantInput {
  keyId: string;
  granteePrincipal: string;
  granteePrincipalType: KmsPrincipalType;
  operations: string[];
  name?: string;
  retiringPrincipal?: string;
}

function principal(body: Body, name: string): string | undefined {
  const value = optionalString(body, name, errors.invalidPrincipal);
  if (value !== undefined && !KMS_PATTERNS.principal.test(value)) {
    throw errors.invalidPrincipal(`${name} must match ${KMS_PATTERNS.principal.source}.`);
  }
  return value;
}

function operations(value: unknown): string[] {
  const known: readonly string[] = KMS_GRANT_OPERATIONS;
  const rule = `operations must be a non-empty array of distinct values from: ${known.join(', ')}.`;
  if (!Array.isArray(value) || value.length === 0) throw errors.invalidParam(rule);
  const ops: string[] = [];
  for (const op of value as unknown[]) {
    if (typeof op !== 'string' || !known.includes(op) || ops.includes(op)) throw errors.invalidParam(rule);
    ops.push(op);
  }
  if (ops.length === 1 && ops[0] === 'create-grant') throw errors.onlyCreateGrant();
  return ops;
}

/** create-grant body: KMS.0204 missing, 0205 key_id, 2402 principals, 0308 type/operations/name, 2401. */
export function parseCreateGrant(body: Body): CreateGrantInput {
  for (const name of ['key_id', 'grantee_principal', 'operations']) {
    if (field(body, name) === undefined) throw errors.missing(name);
  }
  const keyId = requireKeyId(body);
  const granteePrincipal = principal(body, 'grantee_principal');
  if (granteePrincipal === undefined) throw errors.missing('grantee_principal');
  const type = field(body, 'grantee_principal_type') ?? 'user';
  if (type !== 'user' && type !== 'domain') throw errors.invalidParam('grantee_principal_type must be user or domain.');
  const ops = operations(field(body, 'operations'));
  const name = optionalString(body, 'name', errors.invalidParam);
  if (name !== undefined && !KMS_PATTERNS.grantName.test(name)) {
    throw errors.invalidParam(`name must match ${KMS_PATTERNS.grantName.source}.`);
  }
  const retiringPrincipal = principal(body, 'retiring_principal');
  const input: CreateGrantInput = { keyId, granteePrincipal, granteePrincipalType: type, operations: ops };
  if (name !== undefined) input.name = name;
  if (retiringPrincipal !== undefined) input.retiringPrincipal = retiringPrincipal;
  return input;
}

/** revoke-grant / retire-grant body. */
export function parseGrantRef(body: Body): { keyId: string; grantId: string } {
  return { keyId: requireKeyId(body), grantId: requireGrantId(body) };
}

/** list-grants body: key_id, then limit (KMS.1601) and marker (KMS.1602). */
export function parseListGrants(body: Body): { keyId: string; limit: number; offset: number } {
  const keyId = requireKeyId(body);
  return { keyId, limit: parseLimit(field(body, 'limit')), offset: parseMarker(field(body, 'marker')) };
}

/** list-retirable-grants body (and the paging part of list-keys). */
export function parsePaging(body: Body): { limit: number; offset: number } {
  return { limit: parseLimit(field(body, 'limit')), offset: parseMarker(field(body, 'marker')) };
}
