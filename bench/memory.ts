/**
 * `--memory`: the gateway's RSS after 20,000 and after 100,000 W1 operations (issue 6: growth
 * under 10%), read from /proc after each bounded autocannon run.
 */
import { drive } from './loadgen.ts';
import { memory } from './measure.ts';
import type { Started } from './systems.ts';
import { grantSource, plan, type Origins } from './workloads.ts';

const MiB = 1024 * 1024;

export async function memoryRun(origins: Origins, gateway: Started, connections: number): Promise<string> {
  const pid = gateway.child.pid;
  if (pid === undefined) return 'memory: gateway has no pid';
  const p = plan('W1', 'gateway', origins, grantSource([], ''));
  const lines = ['memory (gateway RSS, W1):'];
  const before = memory(pid).rss;
  lines.push(`  before:             ${(before / MiB).toFixed(1)} MiB`);
  const first = await drive(p, { connections, duration: 0, amount: 20_000 });
  const at20k = memory(pid).rss;
  lines.push(`  after  20,000 ops:  ${(at20k / MiB).toFixed(1)} MiB  (${first.opsPerSec.toFixed(0)} ops/s, errors ${first.errors})`);
  const second = await drive(p, { connections, duration: 0, amount: 80_000 });
  const at100k = memory(pid).rss;
  const growth = (at100k - at20k) / at20k;
  lines.push(`  after 100,000 ops:  ${(at100k / MiB).toFixed(1)} MiB  (${second.opsPerSec.toFixed(0)} ops/s, errors ${second.errors})`);
  lines.push(
    `  growth 20k -> 100k: ${(growth * 100).toFixed(1)}%  [${growth < 0.1 ? 'ok ' : 'NO '}] target < 10%; peak ${(memory(pid).peak / MiB).toFixed(1)} MiB`,
  );
  return lines.join('\n');
}
