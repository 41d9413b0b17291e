/**
 * A lean, scriptable, fault-injecting KMS upstream on node:http, for the gateway's integration
 * tests. It is not the project's emulator: it serves only the four calls the gateway makes
 * (list-grants, list-retirable-grants, revoke-grant, describe-key), records every request it
 * receives, and answers whatever a test scripts (errors, delays, dropped sockets, hangs,
 * truncated or malformed bodies) before falling back to its in-memory data.
 *
 * This module is the transport and the scripting; what it answers unscripted (including its
 * deliberately awkward paging) is fakeKmsApi.ts, and the fixture builders are fixtures.ts.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Reply } from './fakeKmsApi.ts';
import { createKmsApi } from './fakeKmsApi.ts';
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
  /**
   * Changes the largest page served from the next call on (undefined: no cap beyond `limit`), as
   * KMS may between two requests; markers already issued stay valid. `reset()` restores `pageCap`.
   */
  setPageCap(cap: number | undefined): void;
  /** Answer the next `times` matching calls (default: every one until `reset()`) with `response`. */
  script(target: ScriptTarget, response: ScriptedResponse, times?: number): void;
  /** Forget recorded requests and scripts; restore the initial keys, grants and page cap. Markers stay valid. */
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

  // The API reads its options on every call, so a copy of them is the live page-cap knob.
  const live: FakeKmsOptions = { ...options };
  const api = createKmsApi(projectId, live, state);

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
          : api.answer(recorded);
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
    issuedMarkers: api.issuedMarkers,
    calls: (action) => requests.filter((r) => r.action === action),
    setPageCap: (cap) => {
      live.pageCap = cap;
    },
    script: (target, response, times = Number.POSITIVE_INFINITY) => {
      scripts.push({ target, response, remaining: times });
    },
    reset: () => {
      requests.length = 0;
      scripts.length = 0;
      live.pageCap = options.pageCap;
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
// private helpers

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
