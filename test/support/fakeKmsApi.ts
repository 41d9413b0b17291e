/**
 * What the fake KMS answers when no script says otherwise: the route and token checks, the four
 * actions over the live data, and deliberately awkward paging (pages capped at `pageCap`, markers
 * opaque and bound to their listing).
 */
import { randomBytes } from 'node:crypto';
import { KMS_PATTERNS } from '../../src/kms/types.ts';
import type { KmsGrant, KmsKeyDetails } from '../../src/kms/types.ts';
import type { FakeKmsOptions, RecordedRequest } from './fakeKms.ts';

/** An answer before it is sent: status, extra headers, body text. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** The fake's KMS behaviour over `state`, which it reads and edits (revoke-grant removes a grant). */
export interface KmsApi {
  answer(recorded: RecordedRequest): Reply;
  /** Every `next_marker` handed out (never cleared). */
  readonly issuedMarkers: ReadonlySet<string>;
}

/** The KMS behaviour of a fake serving `projectId` as `options` configure it. */
export function createKmsApi(projectId: string, options: FakeKmsOptions, state: { keys: KmsKeyDetails[]; grants: KmsGrant[] }): KmsApi {
  const markers = new Map<string, { scope: string; offset: number }>();
  const issued = new Set<string>();

  const issueMarker = (scope: string, offset: number): string => {
    // Opaque and never a number: base64 with '+', '/' and '=' so a careless cursor codec breaks.
    const marker = `m:${randomBytes(10).toString('base64')}`;
    markers.set(marker, { scope, offset });
    issued.add(marker);
    return marker;
  };

  const paginate = (scope: string, all: KmsGrant[], body: Record<string, unknown>): Reply => {
    const limit = parseLimit(body['limit']);
    if (limit === undefined) return kmsError(400, 'KMS.1601', 'Invalid limit.');
    const marker = body['marker'];
    let offset = 0;
    if (marker !== undefined && marker !== '') {
      const known = typeof marker === 'string' ? markers.get(marker) : undefined;
      if (known === undefined || known.scope !== scope) {
        return kmsError(400, 'KMS.1602', 'marker must be greater than or equals 0.');
      }
      offset = known.offset;
    }
    const size = Math.min(limit, options.pageCap ?? limit);
    const page = all.slice(offset, offset + size);
    const end = offset + page.length;
    const truncated = end < all.length;
    return ok({
      grants: page,
      next_marker: truncated ? issueMarker(scope, end) : '',
      truncated: truncated ? 'true' : 'false',
      total: all.length,
    });
  };

  const allowed = (keyId: string, userId: string): boolean => {
    const users = options.keyAccess?.[keyId];
    return users === undefined || users.includes(userId);
  };

  const answer = (recorded: RecordedRequest): Reply => {
    const route = /^\/v1\.0\/([^/]+)\/kms\/([a-z-]+)$/.exec(recorded.path);
    if (route === null) return flatError(404, 'APIGW.0101', 'The API does not exist or has not been published.');
    if (recorded.method !== 'POST') return kmsError(405, 'KMS.0215', 'Request method not supported.');
    const token = recorded.headers['x-auth-token'];
    const userId = typeof token === 'string' ? options.tokens[token] : undefined;
    if (userId === undefined) return flatError(401, 'APIGW.0301', 'Incorrect IAM authentication information.');
    if (route[1] !== projectId) return kmsError(403, 'KMS.0321', 'URIs in URL and X-Auth-Token do not match.');
    const body = recorded.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return kmsError(400, 'KMS.0202', 'Invalid JSON format of the request message.');
    }
    const fields = body as Record<string, unknown>;
    const action = route[2];
    if (action === 'list-retirable-grants') {
      return paginate(
        `retirable:${userId}`,
        state.grants.filter((g) => g.retiring_principal === userId),
        fields,
      );
    }
    if (action !== 'list-grants' && action !== 'revoke-grant' && action !== 'describe-key') {
      return flatError(404, 'APIGW.0101', 'The API does not exist or has not been published.');
    }
    const keyId = fields['key_id'];
    if (keyId === undefined) return kmsError(400, 'KMS.0204', 'Parameters missing in the request message.');
    if (typeof keyId !== 'string' || !KMS_PATTERNS.keyId.test(keyId)) return kmsError(400, 'KMS.0205', 'Invalid key ID.');
    const keyExists =
      state.keys.some((k) => k.key_id === keyId) || (action !== 'describe-key' && state.grants.some((g) => g.key_id === keyId));
    if (!keyExists) return kmsError(404, 'KMS.0207', 'The key does not exist.');
    if (!allowed(keyId, userId)) return kmsError(403, 'KMS.0306', 'No access permissions.');
    if (action === 'describe-key') {
      return ok({ key_info: state.keys.find((k) => k.key_id === keyId) });
    }
    if (action === 'list-grants') {
      return paginate(`grants:${keyId}`, state.grants.filter((g) => g.key_id === keyId), fields);
    }
    const grantId = fields['grant_id'];
    if (grantId === undefined) return kmsError(400, 'KMS.0204', 'Parameters missing in the request message.');
    const index = state.grants.findIndex((g) => g.grant_id === grantId);
    const grant = state.grants[index];
    if (typeof grantId !== 'string' || !KMS_PATTERNS.grantId.test(grantId) || grant === undefined) {
      return kmsError(400, 'KMS.2501', 'Invalid grant ID.');
    }
    if (grant.key_id !== keyId) return kmsError(400, 'KMS.2502', 'grant_id and key_id do not match.');
    state.grants.splice(index, 1);
    return options.revokeBody === 'empty' ? { status: 200, headers: {}, text: '' } : ok({});
  };

  return { answer, issuedMarkers: issued };
}

// ---------------------------------------------------------------------------------------------
// private helpers

function ok(body: unknown): Reply {
  return { status: 200, headers: {}, text: JSON.stringify(body) };
}

/** KMS's own (nested) error body. */
function kmsError(status: number, code: string, message: string): Reply {
  return { status, headers: {}, text: JSON.stringify({ error: { error_code: code, error_msg: message } }) };
}

/** The API gateway's (flat) error body. */
function flatError(status: number, code: string, message: string): Reply {
  const body = { error_code: code, error_msg: message, request_id: randomBytes(16).toString('hex') };
  return { status, headers: {}, text: JSON.stringify(body) };
}

/** KMS `limit`: absent or '' = 1000; otherwise a decimal string 1..1000. Undefined = invalid. */
function parseLimit(value: unknown): number | undefined {
  if (value === undefined || value === '') return 1000;
  if (typeof value !== 'string' || !/^[0-9]{1,4}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= 1000 ? n : undefined;
}
