import http from 'node:http';
import https from 'node:https';
import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import got, { RequestError, type Got, type OptionsInit, type Response } from 'got';
import { GraphQLError } from 'graphql';
import { gatewayError } from '../errors/codes.ts';
import { errorCodeFor, messageFor, parseKmsErrorCode } from '../errors/kmsFailure.ts';
import { readDescribeKey, readGrantPage } from './responses.ts';
import type {
  KmsDescribeKeyResponse,
  KmsGrantPage,
  KmsGrantRefBody,
  KmsListGrantsBody,
  KmsListRetirableGrantsBody,
} from './types.ts';

/** Where KMS is and how patiently to talk to it. */
export interface KmsClientOptions {
  /** Base URL without a path, e.g. `https://kms.cn-north-4.myhuaweicloud.com`. */
  endpoint: string;
  projectId: string;
  /** Per-attempt timeout, milliseconds. */
  timeoutMs: number;
  /** Retries of reads on network errors, 429 and 502/503/504; writes are never retried. */
  readRetries: number;
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
   * `performance.now()` time by which the GraphQL operation must be done: no call starts after
   * it, a call's timeout never runs past it, and no retry is scheduled beyond it.
   */
  deadline?: number;
}

/** The KMS actions the gateway uses, one typed function each. Failures throw a contract GraphQLError. */
export interface KmsClient {
  listGrants(ctx: KmsCallContext, body: KmsListGrantsBody): Promise<KmsGrantPage>;
  listRetirableGrants(ctx: KmsCallContext, body: KmsListRetirableGrantsBody): Promise<KmsGrantPage>;
  revokeGrant(ctx: KmsCallContext, body: KmsGrantRefBody): Promise<void>;
  describeKey(ctx: KmsCallContext, body: { key_id: string }): Promise<KmsDescribeKeyResponse>;
  /** True when KMS answers HTTP at all (any status): readiness, without a token. */
  probe(): Promise<boolean>;
}

/** One finished KMS call, for metrics and logs (passed to `createKmsClient`'s `onCall`). */
export interface KmsCallEvent {
  action: string;
  /** HTTP status, or 0 when no response came (timeout, connection error). */
  status: number;
  durationMs: number;
}

const RETRYABLE_STATUSES = [429, 502, 503, 504];
const MAX_BACKOFF_MS = 1000;
/** A longer Retry-After than this is not waited for: the caller gets RATE_LIMITED at once. */
const MAX_RETRY_AFTER_MS = 3000;

/**
 * Builds the client: one `got.extend` instance with every option normalised once, keep-alive
 * agents, and no hooks on the hot path. Each call is: send -> classify status -> parse body, and
 * any failure becomes a contract error here, so got's errors (whose options hold the caller's
 * token) never leave this module.
 */
export function createKmsClient(options: KmsClientOptions, onCall?: (event: KmsCallEvent) => void): KmsClient {
  const base = got.extend({
    prefixUrl: `${options.endpoint}/v1.0/${options.projectId}/kms`,
    method: 'POST',
    responseType: 'text',
    headers: { 'content-type': 'application/json' },
    followRedirect: false,
    timeout: { request: options.timeoutMs },
    agent: {
      http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
      https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
    },
    retry: { limit: 0 },
  });
  const reads = base.extend({
    retry: {
      limit: options.readRetries,
      methods: ['POST'],
      statusCodes: RETRYABLE_STATUSES,
      enforceRetryRules: true,
      maxRetryAfter: MAX_RETRY_AFTER_MS,
      // Short jittered backoff: the contract answers every upstream failure within 30 s.
      calculateDelay: ({ attemptCount, retryAfter, error }) => {
        const delay = retryAfter ?? Math.min(100 * 2 ** (attemptCount - 1), MAX_BACKOFF_MS) + Math.random() * 100;
        const deadline = (error.options.context as { deadline?: number }).deadline;
        return deadline !== undefined && performance.now() + delay >= deadline ? 0 : delay;
      },
    },
  });

  // While KMS keeps failing (5xx, timeouts, no connection), fail fast instead of piling up
  // waiting requests; after the cool-down one trial call decides whether to close again.
  const breaker = circuitBreaker(
    handleWhen((error) => error instanceof GraphQLError && String(error.extensions.code).startsWith('UPSTREAM_')),
    {
      halfOpenAfter: options.breakerCooldownMs ?? 5000,
      breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
    },
  );

  const send = async (client: Got, action: string, ctx: KmsCallContext, body: object): Promise<string> => {
    const started = performance.now();
    if (ctx.deadline !== undefined && ctx.deadline <= started) {
      throw gatewayError('UPSTREAM_TIMEOUT', `The operation ran out of time before ${action}`, { requestId: ctx.requestId });
    }
    let status = 0;
    try {
      const response = (await client(action, requestOptions(ctx, body, started, options.timeoutMs))) as Response<string>;
      status = response.statusCode;
      return response.body;
    } catch (error) {
      status = error instanceof RequestError ? (error.response?.statusCode ?? 0) : 0;
      throw toGatewayError(error, action, ctx.requestId);
    } finally {
      onCall?.({ action, status, durationMs: performance.now() - started });
    }
  };
  const call = async (client: Got, action: string, ctx: KmsCallContext, body: object): Promise<string> => {
    try {
      return await breaker.execute(() => send(client, action, ctx, body));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw gatewayError('UPSTREAM_ERROR', `KMS is failing; ${action} was not attempted (retry in a few seconds)`, { requestId: ctx.requestId });
      }
      throw error;
    }
  };

  return {
    async listGrants(ctx, body) {
      return must(readGrantPage(await call(reads, 'list-grants', ctx, body)), 'list-grants', ctx);
    },
    async listRetirableGrants(ctx, body) {
      return must(readGrantPage(await call(reads, 'list-retirable-grants', ctx, body)), 'list-retirable-grants', ctx);
    },
    async revokeGrant(ctx, body) {
      // KMS answers `{}` or nothing at all; both mean done. Never retried: see README (error model).
      await call(base, 'revoke-grant', ctx, body);
    },
    async describeKey(ctx, body) {
      return must(readDescribeKey(await call(reads, 'describe-key', ctx, body)), 'describe-key', ctx);
    },
    async probe() {
      try {
        await base('list-keys', { body: '{}', throwHttpErrors: false, timeout: { request: Math.min(options.timeoutMs, 2000) } });
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** KMS's `sequence` is a 36-byte request serial number: our request id when it has that shape. */
const SEQUENCE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The per-call part of a request; everything else was normalised once by `got.extend`. */
function requestOptions(ctx: KmsCallContext, body: object, now: number, timeoutMs: number): OptionsInit {
  const options: OptionsInit = {
    headers: { 'x-auth-token': ctx.token, 'x-request-id': ctx.requestId },
    // Serialised here: a string body skips got's own JSON handling.
    body: JSON.stringify(SEQUENCE.test(ctx.requestId) ? { ...body, sequence: ctx.requestId } : body),
  };
  if (ctx.deadline !== undefined) {
    options.context = { deadline: ctx.deadline };
    const remaining = ctx.deadline - now;
    if (remaining < timeoutMs) options.timeout = { request: Math.max(1, Math.floor(remaining)) };
  }
  return options;
}

/** Maps anything a got call can throw to the contract's codes, dropping the got error itself. */
export function toGatewayError(error: unknown, action: string, requestId: string): GraphQLError {
  if (error instanceof RequestError && error.response !== undefined) {
    const status = error.response.statusCode;
    const kmsCode = parseKmsErrorCode(String(error.response.body ?? ''));
    const code = errorCodeFor(status, kmsCode);
    return gatewayError(code, messageFor(code, action, kmsCode), kmsCode === undefined ? { requestId } : { kmsErrorCode: kmsCode, requestId });
  }
  const timedOut =
    error instanceof RequestError &&
    (error.code === 'ETIMEDOUT' || error.name === 'TimeoutError' || error.name === 'AbortError');
  const code = timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_ERROR';
  return gatewayError(code, messageFor(code, action, undefined), { requestId });
}

/** A well-formed answer, or UPSTREAM_ERROR: KMS answered 2xx with something it does not document. */
function must<T>(value: T | undefined, action: string, ctx: KmsCallContext): T {
  if (value === undefined) throw gatewayError('UPSTREAM_ERROR', `KMS sent a malformed answer to ${action}`, { requestId: ctx.requestId });
  return value;
}
