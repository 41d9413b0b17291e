/**
 * A lean, scriptable, fault-injecting KMS upstream on node:http, for the gateway's integration
 * tests. It is not the project's emulator: it serves only the four calls the gateway makes
 * (list-grants, list-retirable-grants, revoke-grant, describe-key), records every request it
 * receives, and answers whatever a test scripts (errors, delays, dropped sockets, hangs,
 * truncated or malformed bodies) before falling back to its in-memory data.
 *
 * Paging is deliberately awkward: pages are capped at `pageCap` whatever `limit` asks for, and
 * markers are opaque, non-numeric strings bound to their listing; an unknown marker is 400 KMS.1602.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { KMS_PATTERNS } from '../../src/kms/types.ts';
import type { KmsGrant, KmsKeyDetails } from '../../src/kms/types.ts';

/** The KMS actions the fake serves (the last segment of `/v1.0/{project}/kms/<action>`). */
export type FakeAction = 'list-grants' | 'list-retirable-grants' | 'revoke-grant' | 'describe-key';

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** The raw request path, e.g. `/v1.0/<project>/kms/list-grants`. */
  path: string;
  /** The `<action>` segment, or undefined when the path is not a KMS path. */
  action: string | undefined;
  /** Header names lower-cased, as node parses them. */
  headers: IncomingHttpHeaders;
  /** The JSON-parsed body; undefined when the body is empty or not JSON. */
  body: unknown;
  rawBody: string;
}

/** What a scripted call answers. Only `delayMs` (or nothing) = the normal answer, later. */
export interface ScriptedResponse {
  /** HTTP status; default 200 when `body` is given. */
  status?: number;
  /** An object is sent as JSON; a string is sent verbatim (malformed JSON, HTML, ''). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (or dropping, or truncating). */
  delayMs?: number;
  /** Destroy the socket without any answer. */
  drop?: boolean;
  /** Never answer (the socket is destroyed only by `close()`). */
  hang?: boolean;
  /** Send the headers (with the full Content-Length) and half the body, then destroy the socket. */
  truncate?: boolean;
}

/** Which calls a script applies to: an action, any action, or an action plus a predicate. */
export type ScriptTarget =
  | FakeAction
  | '*'
  | { action: FakeAction | '*'; where: (request: RecordedRequest) => boolean };

export interface FakeKmsOptions {
  /** The project id every path must carry; default {@link FAKE_PROJECT}. */
  projectId?: string;
  keys?: KmsKeyDetails[];
  grants?: KmsGrant[];
  /** `X-Auth-Token` value -> IAM user id. Any other token (or none) -> 401 APIGW.0301. */
  tokens: Record<string, string>;
  /** Largest page served, whatever `limit` asks for. Default: no cap beyond `limit`. */
  pageCap?: number;
  /** What a successful revoke-grant answers: `{}` (default) or a zero-length body. */
  revokeBody?: 'object' | 'empty';
  /** key id -> user ids allowed to list its grants, describe or revoke on it (others get 403 KMS.0306). */
  keyAccess?: Record<string, string[]>;
}

export interface FakeKms {
  /** `http://127.0.0.1:PORT`, no path: what the gateway takes as KMS_ENDPOINT. */
  readonly url: string;
  /** Every request received since start or the last `reset()`, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** The live data; tests may edit it (e.g. delete a key) between calls. */
  readonly state: { keys: KmsKeyDetails[]; grants: KmsGrant[] };
  /** Every `next_marker` the fake has handed out (never cleared). */
  readonly issuedMarkers: ReadonlySet<string>;
  /** The requests for one action, in arrival order. */
  calls(action: FakeAction): RecordedRequest[];
  /** Answer the next `times` matching calls (default: every one until `reset()`) with `response`. */
  script(target: ScriptTarget, response: ScriptedResponse, times?: number): void;
  /** Forget recorded requests and scripts; restore the initial keys and grants. Markers stay valid. */
  reset(): void;
  close(): Promise<void>;
}

/** The project id the fake expects unless told otherwise. */
export const FAKE_PROJECT = '0123456789abcdef0123456789abcdef';

/** Starts a fake KMS on 127.0.0.1 with a free port. */
export async function startFakeKms(options: FakeKmsOptions): Promise<FakeKms> {
  const projectId = options.projectId ?? FAKE_PROJECT;
  const initial = { keys: structuredClone(options.keys ?? []), grants: structuredClone(options.grants ?? []) };
  const state = { keys: structuredClone(initial.keys), grants: structuredClone(initial.grants) };
  const requests: RecordedRequest[] = [];
  const scripts: { target: ScriptTarget; response: ScriptedResponse; remaining: number }[] = [];
  const markers = new Map<string, { scope: string; offset: number }>();
  const issued = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const takeScript = (recorded: RecordedRequest): ScriptedResponse | undefined => {
    const index = scripts.findIndex((s) => s.remaining > 0 && matches(s.target, recorded));
    const entry = scripts[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) scripts.splice(index, 1);
    return entry.response;
  };

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

  const send = (res: ServerResponse, reply: Reply, truncate: boolean): void => {
    const bytes = Buffer.from(reply.text, 'utf8');
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'x-request-id': randomBytes(16).toString('hex'),
      ...reply.headers,
      'content-length': bytes.length,
    };
    res.writeHead(reply.status, headers);
    if (!truncate) {
      res.end(bytes);
      return;
    }
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
  };

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path,
        action: /\/kms\/([a-z-]+)$/.exec(path)?.[1],
        headers: { ...req.headers },
        body: parseJson(rawBody),
        rawBody,
      };
      requests.push(recorded);
      const scripted = takeScript(recorded);
      const respond = (): void => {
        if (scripted?.hang === true) return;
        if (scripted?.drop === true) {
          req.socket.destroy();
          return;
        }
        const custom = scripted !== undefined && (scripted.status !== undefined || scripted.body !== undefined);
        const reply: Reply = custom
          ? {
              status: scripted.status ?? 200,
              headers: scripted.headers ?? {},
              text: typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body ?? {}),
            }
          : answer(recorded);
        send(res, reply, scripted?.truncate === true);
      };
      if (scripted?.delayMs !== undefined) later(scripted.delayMs, respond);
      else respond();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    state,
    issuedMarkers: issued,
    calls: (action) => requests.filter((r) => r.action === action),
    script: (target, response, times = Number.POSITIVE_INFINITY) => {
      scripts.push({ target, response, remaining: times });
    },
    reset: () => {
      requests.length = 0;
      scripts.length = 0;
      state.keys.splice(0, state.keys.length, ...structuredClone(initial.keys));
      state.grants.splice(0, state.grants.length, ...structuredClone(initial.grants));
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Fixture builders

/** A valid, deterministic KMS key id (`^[0-9a-z]{8}-...-[0-9a-z]{12}$`) for fixture number `n`. */
export function makeKeyId(n: number): string {
  const h = sha256(`key/${n}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A describe-key `key_info` for `keyId`, enabled, with the given alias. */
export function makeKey(keyId: string, alias: string, overrides: Partial<KmsKeyDetails> = {}): KmsKeyDetails {
  return {
    key_id: keyId,
    domain_id: 'b168fe00ff56492495a7d22974df2d0b',
    key_alias: alias,
    realm: 'cn-north-4',
    key_spec: 'AES_256',
    key_usage: 'ENCRYPT_DECRYPT',
    key_description: '',
    creation_date: '1700000000000',
    scheduled_deletion_date: '',
    key_state: '2',
    default_key_flag: '0',
    key_type: '1',
    expiration_time: '',
    origin: 'kms',
    ...overrides,
  };
}

/**
 * `n` valid grants on `keyId` (grant ids: 64 deterministic hex characters), numbered from 0;
 * `overrides` may depend on the grant's number.
 */
export function makeGrants(
  keyId: string,
  n: number,
  overrides: Partial<KmsGrant> | ((i: number) => Partial<KmsGrant>) = {},
): KmsGrant[] {
  return Array.from({ length: n }, (_, i) => ({
    key_id: keyId,
    grant_id: sha256(`grant/${keyId}/${i}`),
    grantee_principal: sha256(`grantee/${i}`).slice(0, 32),
    grantee_principal_type: 'user' as const,
    operations: ['describe-key', 'encrypt-data'],
    issuing_principal: 'a1ce0000000000000000000000000001',
    creation_date: String(1_700_000_000_000 + i * 1000),
    name: `grant-${i}`,
    ...(typeof overrides === 'function' ? overrides(i) : overrides),
  }));
}

// ---------------------------------------------------------------------------------------------
// private helpers

interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

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

function matches(target: ScriptTarget, request: RecordedRequest): boolean {
  if (typeof target === 'string') return target === '*' || target === request.action;
  return (target.action === '*' || target.action === request.action) && target.where(request);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
