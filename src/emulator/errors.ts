/**
 * The emulator's error model: every refusal is a {@link KmsError} carrying the HTTP status, the
 * code and the body shape real Huawei Cloud uses for it (docs/kms.md §5): KMS's own nested
 * `{"error":{"error_code","error_msg"}}` or the API gateway's flat
 * `{"error_code","error_msg","request_id"}`.
 */
import type { KmsFlatErrorBody, KmsNestedErrorBody } from '../kms/types.ts';

/** `kms` = KMS's nested body; `apigw` = the API gateway's flat body. */
export type ErrorShape = 'kms' | 'apigw';

/** A refusal to answer normally; thrown by validators, operations and auth, sent by the server. */
export class KmsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly shape: ErrorShape = 'kms',
  ) {
    super(message);
    this.name = 'KmsError';
  }
}

/** The body for `err`; `requestId` goes into the flat shape only (KMS's nested body has none). */
export function errorBody(err: KmsError, requestId: string): KmsNestedErrorBody | KmsFlatErrorBody {
  if (err.shape === 'apigw') return { error_code: err.code, error_msg: err.message, request_id: requestId };
  return { error: { error_code: err.code, error_msg: err.message } };
}

/** Appends a detail to KMS's fixed message, so a client learns which field broke which rule. */
function msg(base: string, detail?: string): string {
  return detail === undefined ? base : `${base} ${detail}`;
}

/** The errors the emulator raises, one factory per KMS/APIGW code (messages as Huawei Cloud's, docs/kms.md §5). */
export const errors = {
  invalidJson: (d?: string) => new KmsError(400, 'KMS.0202', msg('Invalid JSON format of the request message.', d)),
  tooLong: (d?: string) => new KmsError(400, 'KMS.0203', msg('Request message too long.', d)),
  missing: (field: string) => new KmsError(400, 'KMS.0204', `Parameters missing in the request message: ${field}.`),
  invalidKeyId: (d?: string) => new KmsError(400, 'KMS.0205', msg('Invalid key ID.', d)),
  invalidSequence: (d?: string) => new KmsError(400, 'KMS.0206', msg('Invalid sequence number.', d)),
  keyNotFound: () => new KmsError(404, 'KMS.0207', 'The key does not exist.'),
  keyDisabled: () => new KmsError(400, 'KMS.0209', 'The key has been disabled.'),
  keyPendingDeletion: () => new KmsError(400, 'KMS.0210', 'The key is in Scheduled deletion state and cannot be used.'),
  defaultKey: () => new KmsError(400, 'KMS.0211', 'Cannot perform this operation on Default Master Keys.'),
  badFormat: (d?: string) => new KmsError(400, 'KMS.0214', msg('The request format is invalid.', d)),
  methodNotAllowed: (method: string) => new KmsError(405, 'KMS.0215', `Request method not supported: ${method} (KMS actions take POST).`),
  tokenExpired: () => new KmsError(403, 'KMS.0303', 'X-Auth-Token expired.'),
  noPermission: (d?: string) => new KmsError(403, 'KMS.0306', msg('No access permissions.', d)),
  projectMismatch: (d?: string) => new KmsError(403, 'KMS.0321', msg('URIs in URL and X-Auth-Token do not match.', d)),
  invalidParam: (d?: string) => new KmsError(400, 'KMS.0308', msg('Invalid parameter.', d)),
  duplicateAlias: () => new KmsError(400, 'KMS.1104', 'Duplicate key aliases.'),
  invalidLimit: (d?: string) => new KmsError(400, 'KMS.1601', msg('Invalid limit.', d)),
  invalidMarker: (d?: string) => new KmsError(400, 'KMS.1602', msg('marker must be greater than or equals 0.', d)),
  onlyCreateGrant: () => new KmsError(400, 'KMS.2401', 'Specify an operation in addition to create-grant.'),
  invalidPrincipal: (d?: string) => new KmsError(400, 'KMS.2402', msg('Invalid user ID.', d)),
  tooManyKeyGrants: (limit: number) => new KmsError(400, 'KMS.2404', `Too many CMK grants. A key holds at most ${limit} grants.`),
  grantNotFound: (d?: string) => new KmsError(400, 'KMS.2501', msg('Invalid grant ID.', d)),
  grantKeyMismatch: () => new KmsError(400, 'KMS.2502', 'grant_id and key_id do not match.'),
  internal: (d?: string) => new KmsError(500, 'KMS.0101', msg('KMS error.', d)),
  io: (d?: string) => new KmsError(500, 'KMS.0102', msg('Abnormal KMS I/O.', d)),
  /** 401 from the API gateway: no, undecodable or unknown credentials, or a bad signature. */
  unauthenticated: (d: string) => new KmsError(401, 'APIGW.0301', `Incorrect IAM authentication information: ${d}`, 'apigw'),
  noSuchApi: () => new KmsError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment.', 'apigw'),
} as const;

/**
 * Any error thrown while serving a request, as the KmsError to answer with: KmsErrors as they
 * are; fastify's own errors by their code (body over the limit -> 400 KMS.0203, other 4xx -> that
 * status with KMS.0214); anything else -> 500 KMS.0101 (with no detail: never leak internals).
 */
export function asKmsError(err: unknown): KmsError {
  if (err instanceof KmsError) return err;
  const e = err as { code?: unknown; statusCode?: unknown };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errors.tooLong();
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new KmsError(e.statusCode, 'KMS.0214', 'The request format is invalid.');
  }
  return errors.internal();
}
