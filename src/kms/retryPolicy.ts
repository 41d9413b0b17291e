import type { AttemptOutcome } from './attempt.ts';

/**
 * When a read is tried again: pure decisions over how the last attempt ended, so the rules are
 * unit-tested without a network. Writes never get here (a write is sent once).
 */

/** Retry settings of the KMS client. */
export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** First backoff step, milliseconds; doubles per attempt up to `maxDelayMs`, plus jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer `Retry-After` is not waited for: the caller is told RATE_LIMITED at once. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: Omit<RetryPolicy, 'retries'> = { baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 3000 };

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Milliseconds to wait before attempt number `done + 1`, or undefined when the outcome is final:
 * retried are 429/502/503/504, broken connections, and timeouts before any answer began. A reply
 * that began and then stalled, or grew too large, is final: sending again would only repeat it
 * and multiply the time or bytes it costs.
 */
export function retryDelay(outcome: AttemptOutcome, done: number, policy: RetryPolicy, now = Date.now()): number | undefined {
  if (done > policy.retries) return undefined;
  const retryable =
    outcome.kind === 'answered'
      ? RETRYABLE_STATUSES.has(outcome.status)
      : outcome.kind === 'connection' || (outcome.kind === 'timeout' && !outcome.started);
  if (!retryable) return undefined;
  if (outcome.kind === 'answered' && outcome.retryAfter !== undefined) {
    const wait = retryAfterMs(outcome.retryAfter, now);
    if (wait !== undefined) return wait <= policy.maxRetryAfterMs ? wait : undefined;
  }
  const backoff = Math.min(policy.baseDelayMs * 2 ** (done - 1), policy.maxDelayMs);
  return backoff + Math.random() * policy.baseDelayMs;
}

/** A `Retry-After` value (delay-seconds or an HTTP date) in milliseconds from `now`; undefined when unreadable. */
export function retryAfterMs(value: string, now: number): number | undefined {
  const text = value.trim();
  if (/^\d{1,9}$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month; Date.parse alone would read "-1" as a year.
  const at = /^[A-Za-z]{3}, /.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
