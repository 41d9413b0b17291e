import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import got from 'got';
import { gatewayError } from '../errors/codes.ts';
import { sendAttempt, type AttemptOutcome } from './attempt.ts';
import { failure } from './failure.ts';
import { readCreateGrant, readDescribeKey, readGrantPage, readKeyPage } from './responses.ts';
import { DEFAULT_RETRY_POLICY, retryDelay, type RetryPolicy } from './retryPolicy.ts';
import type {
  KmsCreateGrantBody,
  KmsCreateGrantResponse,
  KmsDescribeKeyResponse,
  KmsGrantPage,
  KmsGrantRefBody,
  KmsListGrantsBody,
  KmsListKeysBody,
  KmsListKeysResponse,
  KmsListRetirableGrantsBody,
} from './types.ts';

/** Where KMS is and how patiently to talk to it. */
export interface KmsClientOptions {
  /** Base URL without a path, e.g. `https://kms.cn-north-4.myhuaweicloud.com`. */
  endpoint: string;
  projectId: string;
  /** Per-attempt timeout, milliseconds: headers and the whole body. */
  timeoutMs: number;
  /** Retries of reads on network errors, 429 and 502/503/504; writes are never retried. */
  readRetries: number;
  /** Largest reply body read, bytes after decompression; larger is UPSTREAM_ERROR, not retried. */
  maxResponseBytes: number;
  /** Backoff settings (tests shorten them); the defaults suit a real KMS. */
  retry?: Partial<Omit<RetryPolicy, 'retries'>>;
  /** Consecutive upstream failures that open the circuit (then calls fail fast). */
  breakerThreshold?: number;
  /** How long the circuit stays open before one trial call, milliseconds. */
  breakerCooldownMs?: number;
}

/** Who is calling, forwarded on every KMS request; never stored beyond the request. */
export interface KmsCallContext {
  token: string;
  requestId: string;
  /**
   * `performance.now()` time by which the GraphQL operation must be done: no attempt starts
   * after it, an attempt's timeout never runs past it, and no retry is scheduled beyond it.
   */
  deadline?: number;
}

/** The KMS actions the gateway uses, one typed function each. Failures throw a contract GraphQLError. */
export interface KmsClient {
  listGrants(ctx: KmsCallContext, body: KmsListGrantsBody): Promise<KmsGrantPage>;
  listRetirableGrants(ctx: KmsCallContext, body: KmsListRetirableGrantsBody): Promise<KmsGrantPage>;
  revokeGrant(ctx: KmsCallContext, body: KmsGrantRefBody): Promise<void>;
  retireGrant(ctx: KmsCallContext, body: KmsGrantRefBody): Promise<void>;
  createGrant(ctx: KmsCallContext, body: KmsCreateGrantBody): Promise<KmsCreateGrantResponse>;
  listKeys(ctx: KmsCallContext, body: KmsListKeysBody): Promise<KmsListKeysResponse>;
  describeKey(ctx: KmsCallContext, body: { key_id: string }): Promise<KmsDescribeKeyResponse>;
  /** True when KMS answers HTTP at all (any status): readiness, without a token. */
  probe(): Promise<boolean>;
}

/** One KMS attempt (a retried call reports each), for metrics (passed to `createKmsClient`'s `onCall`). */
export interface KmsCallEvent {
  action: string;
  /** HTTP status, or 0 when no response came (timeout, connection error). */
  status: number;
  durationMs: number;
}

/**
 * Builds the client: one `got.extend` instance with every option normalised once, keep-alive
 * agents and no retries of its own. Each call is a loop of bounded attempts
 * ({@link sendAttempt}): classify the outcome, maybe retry (reads only), and turn a failure into
 * a contract error here, so got's errors (whose options hold the caller's token) never leave
 * this module.
 */
export function createKmsClient(options: KmsClientOptions, onCall?: (event: KmsCallEvent) => void): KmsClient {
  const client = got.extend({
    prefixUrl: `${options.endpoint}/v1.0/${options.projectId}/kms`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    followRedirect: false,
    throwHttpErrors: false,
    agent: {
      http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
      https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
    },
    retry: { limit: 0 },
  });
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry, retries: options.readRetries };

  // While KMS keeps failing, fail fast instead of piling up waiting requests; after the
  // cool-down one trial call decides whether to close again. Only attempts that reached the
  // network and failed there count (see `isKmsFault`): never a caller's own deadline or a 4xx.
  const breaker = circuitBreaker(
    handleWhen((error) => error instanceof KmsFault),
    {
      halfOpenAfter: options.breakerCooldownMs ?? 5000,
      breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
    },
  );

  const attempt = async (action: string, ctx: KmsCallContext, body: string): Promise<AttemptOutcome> => {
    const started = performance.now();
    const remaining = ctx.deadline === undefined ? Number.POSITIVE_INFINITY : ctx.deadline - started;
    if (remaining <= 0) {
      // Decided before anything is sent, outside the breaker: KMS did nothing wrong.
      throw gatewayError('UPSTREAM_TIMEOUT', `The operation ran out of time before ${action}`, { requestId: ctx.requestId });
    }
    const timeoutMs = Math.max(1, Math.floor(Math.min(options.timeoutMs, remaining)));
    const headers = { 'x-auth-token': ctx.token, 'x-request-id': ctx.requestId };
    try {
      return await breaker.execute(async () => {
        const outcome = await sendAttempt(client, { action, headers, body, timeoutMs, maxBytes: options.maxResponseBytes });
        onCall?.({ action, status: outcome.kind === 'answered' ? outcome.status : 0, durationMs: performance.now() - started });
        // A timeout cut short by the caller's deadline says nothing about KMS.
        if (isKmsFault(outcome, timeoutMs === options.timeoutMs)) throw new KmsFault(outcome);
        return outcome;
      });
    } catch (error) {
      if (error instanceof KmsFault) return error.outcome;
      if (error instanceof BrokenCircuitError) {
        throw gatewayError('UPSTREAM_ERROR', `KMS is failing; ${action} was not attempted (retry in a few seconds)`, {
          requestId: ctx.requestId,
        });
      }
      throw error;
    }
  };

  /** Sends `body` to `action` (a read may be tried again) and answers the 2xx body text. */
  const call = async (action: string, ctx: KmsCallContext, body: object, reads: boolean): Promise<string> => {
    // KMS's `sequence` (a 36-byte serial number) is ours, one per call: never caller input.
    const payload = JSON.stringify({ ...body, sequence: randomUUID() });
    for (let done = 1; ; done++) {
      const outcome = await attempt(action, ctx, payload);
      if (outcome.kind === 'answered' && outcome.status >= 200 && outcome.status < 300) return outcome.body;
      const delay = reads ? retryDelay(outcome, done, retry) : undefined;
      if (delay === undefined || (ctx.deadline !== undefined && performance.now() + delay >= ctx.deadline)) {
        throw failure(outcome, action, ctx.requestId, options.maxResponseBytes, !reads);
      }
      await sleep(delay);
    }
  };

  return {
    async listGrants(ctx, body) {
      return must(readGrantPage(await call('list-grants', ctx, body, true)), 'list-grants', ctx);
    },
    async listRetirableGrants(ctx, body) {
      return must(readGrantPage(await call('list-retirable-grants', ctx, body, true)), 'list-retirable-grants', ctx);
    },
    async revokeGrant(ctx, body) {
      // KMS answers `{}` or nothing at all; both mean done. Never retried: see README (error model).
      await call('revoke-grant', ctx, body, false);
    },
    async retireGrant(ctx, body) {
      await call('retire-grant', ctx, body, false);
    },
    async createGrant(ctx, body) {
      return must(readCreateGrant(await call('create-grant', ctx, body, false)), 'create-grant', ctx);
    },
    async listKeys(ctx, body) {
      return must(readKeyPage(await call('list-keys', ctx, body, true)), 'list-keys', ctx);
    },
    async describeKey(ctx, body) {
      return must(readDescribeKey(await call('describe-key', ctx, body, true)), 'describe-key', ctx);
    },
    async probe() {
      const outcome = await sendAttempt(client, {
        action: 'list-keys',
        headers: {},
        body: '{}',
        timeoutMs: Math.min(options.timeoutMs, 2000),
        maxBytes: options.maxResponseBytes,
      });
      return outcome.kind === 'answered' || outcome.kind === 'too-large';
    },
  };
}

/** An attempt that failed at KMS's end; thrown inside the breaker so that it counts. */
class KmsFault extends Error {
  constructor(readonly outcome: AttemptOutcome) {
    super('KMS fault');
  }
}

/** Whether an outcome says KMS (or the way to it) is failing: 5xx, no connection, an oversized reply, a full-length timeout. */
function isKmsFault(outcome: AttemptOutcome, fullTimeout: boolean): boolean {
  switch (outcome.kind) {
    case 'answered':
      return outcome.status >= 500;
    case 'timeout':
      return fullTimeout;
    case 'too-large':
    case 'connection':
      return true;
  }
}

/** A well-formed answer, or UPSTREAM_ERROR: KMS answered 2xx with something it does not document. */
function must<T>(value: T | undefined, action: string, ctx: KmsCallContext): T {
  if (value === undefined) throw gatewayError('UPSTREAM_ERROR', `KMS sent a malformed answer to ${action}`, { requestId: ctx.requestId });
  return value;
}
