/**
 * Helpers for the emulator tests: plain fetch calls to a running emulator, answers read back as
 * { status, headers, body }. No mocking: every call is real HTTP on loopback.
 */
import { expect } from 'vitest';
import { signRequest } from '../../src/emulator/auth/signature.ts';
import type { RunningEmulator } from '../../src/emulator/index.ts';

/** An answer: status, lower-case headers, and the body parsed as JSON (or the text if it is not JSON). */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

async function read(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body };
}

/** Options of {@link kms}. */
export interface KmsCallOptions {
  /** X-Auth-Token; default none. */
  token?: string;
  /** Project id in the path; default the emulator's. */
  projectId?: string;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** Send these bytes instead of JSON.stringify(body). */
  raw?: string | Buffer;
  method?: string;
}

/** The URL of a KMS action. */
export function kmsUrl(emu: RunningEmulator, action: string, projectId = emu.projectId): string {
  return `${emu.url}/v1.0/${projectId}/kms/${action}`;
}

/** Calls a KMS action with a JSON body (POST by default). */
export async function kms(emu: RunningEmulator, action: string, body: unknown, opts: KmsCallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  if (opts.token !== undefined) headers['x-auth-token'] = opts.token;
  const method = opts.method ?? 'POST';
  const init: RequestInit = { method, headers };
  if (method !== 'GET' && method !== 'HEAD') {
    const raw = opts.raw ?? JSON.stringify(body);
    init.body = typeof raw === 'string' ? raw : new Uint8Array(raw);
  }
  return read(await fetch(kmsUrl(emu, action, opts.projectId), init));
}

/** Calls a KMS action AK/SK-signed as the SDK does (content-type, host, x-project-id, x-sdk-date signed). */
export async function signedKms(
  emu: RunningEmulator,
  action: string,
  body: unknown,
  creds: { accessKey: string; secretKey: string },
  opts: { projectId?: string; xProjectId?: string | null; now?: Date; tamper?: (b: string) => string } = {},
): Promise<Answer> {
  const url = kmsUrl(emu, action, opts.projectId);
  const text = JSON.stringify(body);
  const given: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.xProjectId !== null) given['X-Project-Id'] = opts.xProjectId ?? opts.projectId ?? emu.projectId;
  const headers = signRequest(
    { method: 'POST', url, headers: given, body: text },
    creds.accessKey,
    creds.secretKey,
    opts.now ?? new Date(),
  );
  const sent = opts.tamper ? opts.tamper(text) : text;
  return read(await fetch(url, { method: 'POST', headers, body: sent }));
}

/** POST /v3/auth/tokens with this body. */
export async function iamLogin(emu: RunningEmulator, body: unknown): Promise<Answer> {
  return read(
    await fetch(`${emu.url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

/** A password-login body for IAM. */
export function passwordBody(name: string, password: string, domain: string, scope: { id?: string; name?: string }): unknown {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name, password, domain: { name: domain } } } },
      scope: { project: scope },
    },
  };
}

/** The nested KMS error body. */
export function kmsError(code: string): { error: { error_code: string; error_msg: string } } {
  return { error: { error_code: code, error_msg: expectString() } };
}

/** The flat API-gateway error body; `requestId` must equal the X-Request-Id header. */
export function apigwError(code: string, requestId: string): { error_code: string; error_msg: string; request_id: string } {
  return { error_code: code, error_msg: expectString(), request_id: requestId };
}

// vitest's asymmetric matcher, typed as string so fixtures keep their shape.
function expectString(): string {
  return expect.any(String) as unknown as string;
}
