/**
 * Time in tests without fixed sleeps: measure how long something took, or try something again
 * until it gives the wanted answer or a deadline passes.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Runs `fn` and measures it, in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - started };
}

/**
 * Calls `attempt` until `done(result)` holds or `deadlineMs` has passed, `intervalMs` apart, and
 * answers the last result (the caller asserts on it, so a miss fails with what was seen last).
 */
export async function retryUntil<T>(
  attempt: () => Promise<T>,
  done: (result: T) => boolean,
  { deadlineMs, intervalMs = 20 }: { deadlineMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    const result = await attempt();
    if (done(result) || performance.now() >= deadline) return result;
    await delay(intervalMs);
  }
}
