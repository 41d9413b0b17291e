/**
 * Fault injection, off unless asked for: rules that make matching requests slow, fail with a
 * given answer, drop the connection, or answer with broken JSON. Set in-process through
 * {@link FaultController} or over HTTP (`/__emulator/faults`, routes/faults.ts).
 */

/** What a matching request gets instead of its normal answer. */
export type FaultEffect =
  /** An error body in KMS's nested shape (`kms`) or the API gateway's flat one (`apigw`). */
  | { kind: 'error'; status: number; shape: 'kms' | 'apigw'; code: string; message?: string }
  /** Exactly this body and status. */
  | { kind: 'raw'; status: number; body: string; contentType?: string }
  /** The socket is destroyed without an answer. */
  | { kind: 'drop' }
  /** A JSON content type with a body that is not JSON. */
  | { kind: 'malformed-json'; status?: number }
  /** Headers promise the full body; half of it is sent, then the socket is destroyed. */
  | { kind: 'truncated'; status?: number }
  /** Never answer; the socket stays open until the client gives up or the emulator closes. */
  | { kind: 'hang' }
  /**
   * A 200 whose body is `bytes` spaces (absent: without end), sent as fast as the client reads.
   * `gzip`: compressed on the fly with `content-encoding: gzip` (a decompression bomb);
   * `declareLength`: a `Content-Length` of `bytes` is announced first.
   */
  | { kind: 'endless'; bytes?: number; gzip?: boolean; declareLength?: boolean }
  /** A 200 with its headers and the start of a JSON body, then one byte every `intervalMs`, without end. */
  | { kind: 'trickle'; intervalMs: number };

/** One rule. Without `effect` it only adds latency, then the request is served normally. */
export interface FaultRule {
  /** A KMS action (`list-grants`, `revoke-grant`, ...), `iam` for POST /v3/auth/tokens, or `*` for all of them. */
  action: string;
  /** Only requests whose body names this `key_id` (absent: any request of the action). */
  keyId?: string;
  /** Apply to the next N matching requests only; absent = until cleared. */
  times?: number;
  /** Delay before answering (or before the effect), 0..60000 ms. */
  latencyMs?: number;
  /** A `Retry-After` header value added to the faulty answer. */
  retryAfter?: string;
  effect?: FaultEffect;
}

const MAX_LATENCY_MS = 60_000;
type Obj = Record<string, unknown>;

function int(o: Obj, name: string, min: number, max: number): number | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}`);
  }
  return v;
}

function text(o: Obj, name: string): string | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Error(`${name} must be a string`);
  return v;
}

function flag(o: Obj, name: string): boolean {
  const v = o[name];
  if (typeof v !== 'boolean') throw new Error(`${name} must be true or false`);
  return v;
}

function requiredText(o: Obj, name: string): string {
  const v = o[name];
  if (typeof v !== 'string' || v === '') throw new Error(`${name} must be a non-empty string`);
  return v;
}

function parseEffect(v: unknown): FaultEffect {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('effect must be an object');
  const o = v as Obj;
  switch (o['kind']) {
    case 'error': {
      const shape = o['shape'] ?? 'kms';
      if (shape !== 'kms' && shape !== 'apigw') throw new Error('effect.shape must be kms or apigw');
      const e: FaultEffect = { kind: 'error', status: int(o, 'status', 400, 599) ?? 500, shape, code: requiredText(o, 'code') };
      const message = text(o, 'message');
      return message === undefined ? e : { ...e, message };
    }
    case 'raw': {
      const e: FaultEffect = { kind: 'raw', status: int(o, 'status', 200, 599) ?? 200, body: text(o, 'body') ?? '' };
      const contentType = text(o, 'contentType');
      return contentType === undefined ? e : { ...e, contentType };
    }
    case 'drop':
      return { kind: 'drop' };
    case 'hang':
      return { kind: 'hang' };
    case 'endless': {
      const e: FaultEffect = { kind: 'endless' };
      const bytes = int(o, 'bytes', 1, Number.MAX_SAFE_INTEGER);
      if (bytes !== undefined) e.bytes = bytes;
      if (o['gzip'] !== undefined) e.gzip = flag(o, 'gzip');
      if (o['declareLength'] !== undefined) {
        if (bytes === undefined) throw new Error('effect.declareLength needs effect.bytes');
        e.declareLength = flag(o, 'declareLength');
      }
      return e;
    }
    case 'trickle':
      return { kind: 'trickle', intervalMs: int(o, 'intervalMs', 1, MAX_LATENCY_MS) ?? 1000 };
    case 'malformed-json':
    case 'truncated': {
      const status = int(o, 'status', 200, 599);
      return status === undefined ? { kind: o['kind'] } : { kind: o['kind'], status };
    }
    default:
      throw new Error('effect.kind must be error, raw, drop, malformed-json, truncated, hang, endless or trickle');
  }
}

/** A rule from untrusted JSON; throws an Error naming the bad field. */
export function parseFaultRule(value: unknown): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('a fault rule must be a JSON object');
  const o = value as Obj;
  const rule: FaultRule = { action: requiredText(o, 'action') };
  const keyId = text(o, 'keyId');
  if (keyId !== undefined) rule.keyId = keyId;
  const times = int(o, 'times', 1, 1_000_000);
  if (times !== undefined) rule.times = times;
  const latencyMs = int(o, 'latencyMs', 0, MAX_LATENCY_MS);
  if (latencyMs !== undefined) rule.latencyMs = latencyMs;
  const retryAfter = typeof o['retryAfter'] === 'number' ? String(int(o, 'retryAfter', 0, 86_400)) : text(o, 'retryAfter');
  if (retryAfter !== undefined) rule.retryAfter = retryAfter;
  if (o['effect'] !== undefined) rule.effect = parseEffect(o['effect']);
  return rule;
}

/**
 * The active rules: at most one per (action, keyId). A request obeys the most specific rule that
 * matches it: its action and key, then its action, then `*`.
 */
export class FaultController {
  readonly #rules = new Map<string, FaultRule>();

  /** Adds `rule`, replacing any rule for the same action and key. Throws on an invalid rule. */
  set(rule: FaultRule): void {
    const checked = parseFaultRule(rule);
    this.#rules.set(ruleKey(checked.action, checked.keyId), checked);
  }

  /** Removes every rule, or only those for `action` (any key). */
  clear(action?: string): void {
    if (action === undefined) this.#rules.clear();
    else for (const [key, rule] of this.#rules) if (rule.action === action) this.#rules.delete(key);
  }

  /** The active rules (with `times` counting down). */
  list(): FaultRule[] {
    return [...this.#rules.values()].map((r) => ({ ...r }));
  }

  /** The rule this request must obey, or undefined; counts the request against the rule's `times`. */
  take(action: string, keyId?: string): FaultRule | undefined {
    const candidates = [...(keyId === undefined ? [] : [ruleKey(action, keyId)]), ruleKey(action, undefined), ruleKey('*', undefined)];
    const key = candidates.find((k) => this.#rules.has(k));
    const rule = key === undefined ? undefined : this.#rules.get(key);
    if (key === undefined || rule === undefined) return undefined;
    if (rule.times !== undefined) {
      if (rule.times <= 1) this.#rules.delete(key);
      else this.#rules.set(key, { ...rule, times: rule.times - 1 });
    }
    return rule;
  }
}

function ruleKey(action: string, keyId: string | undefined): string {
  return keyId === undefined ? action : `${action}\u0000${keyId}`;
}
