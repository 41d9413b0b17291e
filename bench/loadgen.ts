/**
 * Drives one system with autocannon (programmatic API) and measures per *operation*: an operation
 * is the plan's request sequence on one connection (one request for gateway and proxy). Latency is
 * recorded from autocannon's per-response float milliseconds, not its integer-ms histogram, so
 * sub-millisecond differences in p50 show. The run's time is from start to the last completed
 * operation: autocannon only notices the end of a count-bounded run at its next sampling tick
 * (1 s by default, 0.1 s here), and that idle tail would otherwise lower ops/s by up to a second's worth.
 */
import autocannon from 'autocannon';
import type { Plan } from './workloads.ts';

export interface LoadResult {
  ops: number;
  seconds: number;
  opsPerSec: number;
  p50: number;
  p99: number;
  /** Non-2xx responses and socket errors/timeouts. */
  errors: number;
}

export interface LoadOptions {
  connections: number;
  /** Seconds. */
  duration: number;
  /** Stop after this many requests instead (bounded pools, e.g. W5 on the emulator). */
  amount?: number;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function drive(plan: Plan, options: LoadOptions): Promise<LoadResult> {
  const perOp = plan.sequence.length;
  const fresh = plan.fresh;
  const requests = plan.sequence.map((r) =>
    fresh === undefined
      ? { ...r }
      : { method: r.method, path: r.path, headers: r.headers, setupRequest: (req: autocannon.Request) => ({ ...req, body: fresh() }) },
  );
  const latencies: number[] = [];
  const position = new WeakMap<object, { n: number; sum: number }>();
  let errors = 0;
  const started = performance.now();
  let lastDone = started;
  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: plan.origin,
      connections: options.connections,
      pipelining: 1,
      timeout: 10,
      sampleInt: 100,
      requests,
      ...(options.amount === undefined ? { duration: options.duration } : { amount: options.amount }),
    },
    (error: Error | null, result: autocannon.Result) => (error ? fail(error) : finish(result)),
  );
  instance.on('response', (client: object, status: number, _bytes: number, ms: number) => {
    if (status < 200 || status > 299) {
      errors++;
      position.delete(client);
      return;
    }
    const at = position.get(client) ?? { n: 0, sum: 0 };
    at.n++;
    at.sum += ms;
    if (at.n === perOp) {
      latencies.push(at.sum);
      lastDone = performance.now();
      at.n = 0;
      at.sum = 0;
    }
    position.set(client, at);
  });
  instance.on('reqError', () => {
    errors++;
  });
  const result = await done;
  const seconds = (lastDone - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    ops: latencies.length,
    seconds,
    opsPerSec: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: errors + result.timeouts,
  };
}
