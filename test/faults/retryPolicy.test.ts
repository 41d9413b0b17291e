import { describe, expect, it } from 'vitest';
import type { AttemptOutcome } from '../../src/kms/attempt.ts';
import { retryAfterMs, retryDelay, type RetryPolicy } from '../../src/kms/retryPolicy.ts';

const POLICY: RetryPolicy = { retries: 2, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 3000 };
const answered = (status: number, retryAfter?: string): AttemptOutcome => ({ kind: 'answered', status, body: '', retryAfter });
const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('kms/retryPolicy', () => {
  describe('retryDelay: which outcomes are tried again', () => {
    const cases: [string, AttemptOutcome, boolean][] = [
      ['429', answered(429), true],
      ['502', answered(502), true],
      ['503', answered(503), true],
      ['504', answered(504), true],
      ['500', answered(500), false],
      ['400', answered(400), false],
      ['403', answered(403), false],
      ['a broken connection', { kind: 'connection' }, true],
      ['a timeout before any answer', { kind: 'timeout', started: false }, true],
      ['a reply that began and then stalled', { kind: 'timeout', started: true }, false],
      ['a reply over the size limit', { kind: 'too-large', status: 200 }, false],
    ];
    for (const [name, outcome, retried] of cases) {
      it(`${retried ? 'retries' : 'does not retry'} ${name}`, () => {
        expect(retryDelay(outcome, 1, POLICY) !== undefined).toBe(retried);
      });
    }
    it('stops after `retries` retries', () => {
      expect([1, 2, 3].map((done) => retryDelay(answered(503), done, POLICY) !== undefined)).toEqual([true, true, false]);
    });
    it('backs off exponentially up to maxDelayMs, plus at most baseDelayMs of jitter', () => {
      const policy = { ...POLICY, retries: 10 };
      for (const [done, floor] of [
        [1, 100],
        [2, 200],
        [3, 400],
        [4, 800],
        [5, 1000],
        [9, 1000],
      ] as const) {
        const delay = retryDelay(answered(503), done, policy) ?? -1;
        expect(delay >= floor && delay < floor + 100).toBe(true);
      }
    });
    it('waits a Retry-After within maxRetryAfterMs, and gives up at once on a longer one', () => {
      expect([retryDelay(answered(429, '2'), 1, POLICY, NOW), retryDelay(answered(429, '4'), 1, POLICY, NOW)]).toEqual([2000, undefined]);
    });
  });

  describe('retryAfterMs', () => {
    it('reads delay-seconds and HTTP dates, and nothing else', () => {
      expect([
        retryAfterMs('0', NOW),
        retryAfterMs(' 3 ', NOW),
        retryAfterMs('Thu, 01 Jan 2026 00:00:02 GMT', NOW),
        retryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', NOW),
        retryAfterMs('-1', NOW),
        retryAfterMs('soon', NOW),
      ]).toEqual([0, 3000, 2000, 0, undefined, undefined]);
    });
  });
});
