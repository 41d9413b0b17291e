/**
 * `node --import tsx bench/ab.ts --variant name=path/to/main.js [--variant ...] [--workload W1]
 * [--blocks 12] [--block 2] [--connections 10] [--pin] [--env K=V]`: an A/B(/C...) comparison of gateway builds
 * on one upstream, for costs too small for `npm run bench` to tell from noise on a shared machine.
 * Every variant runs as its own process; they are driven in turn, in short blocks of the same
 * length, the order rotating each round, so a noisy moment hits every variant alike. Each block
 * gives a CPU time per operation (from /proc/PID/stat) and ops/s; the report is each variant's
 * median and lower quartile (the least disturbed blocks), and each ratio to the first variant.
 * `--hash` sends the workload as a persisted-document hash instead of its text.
 * `--cpu-prof` writes each variant's V8 profile to bench/profiles/ab-<name>/.
 * `--pin` pins every gateway to CPU 1 (taskset), so they compete with the load generator less.
 * A variant is a built entry (`name=entry`, or `name=entry|--node-flags ...` to run it with other node
 * flags than npm start's `--enable-source-maps`) (`dist/server/main.js` of a copy of the project built with its own
 * `scripts/build.ts`); `name=path` names it.
 */
import { parseArgs } from 'node:util';
import { cpuMicros, memory, resetPeak, stop } from './measure.ts';
import { drive } from './loadgen.ts';
import { startGateway, startUpstream, removePersistedDocuments, writePersistedDocuments, type Started } from './systems.ts';
import { grantSource, plan, WORKLOADS, type Origins, type WorkloadId } from './workloads.ts';

const { values } = parseArgs({
  options: {
    variant: { type: 'string', multiple: true, default: [] },
    workload: { type: 'string', default: 'W1' },
    blocks: { type: 'string', default: '12' },
    block: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10' },
    latency: { type: 'string', default: '0' },
    pin: { type: 'boolean', default: false },
    hash: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    path: { type: 'string', default: '/graphql' },
    body: { type: 'string' },
  },
});
// `name=entry` or `name=entry|--node-flag --another`: node flags instead of npm start's `--enable-source-maps`.
const variants = values.variant.map((v) => {
  const at = v.indexOf('=');
  const [entry = '', flags] = (at > 0 ? v.slice(at + 1) : v).split('|');
  return {
    name: at > 0 ? v.slice(0, at) : entry,
    entry,
    flags: flags === undefined ? ['--enable-source-maps'] : flags.split(' ').filter(Boolean),
  };
});
if (variants.length === 0) throw new Error('--variant name=entry, at least one');
const w = values.workload.toUpperCase() as WorkloadId;
if (!WORKLOADS.includes(w)) throw new Error(`--workload: one of ${WORKLOADS.join(',')}`);
const blocks = Number(values.blocks);
const block = Number(values.block);
const connections = Number(values.connections);

const upstream = await startUpstream(0);
writePersistedDocuments(upstream.info);
const started: Array<{ name: string; s: Started }> = [];
try {
  for (const v of variants) {
    const args = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${new URL('./profiles/ab-' + v.name, import.meta.url).pathname}`] : [];
    started.push({ name: v.name, s: await startGateway(upstream.info, [...v.flags, ...args], v.entry) });
  }
  if (values.pin) {
    const { execFileSync } = await import('node:child_process');
    for (const { s } of started) if (s.child.pid !== undefined) execFileSync('taskset', ['-a', '-p', '-c', '1', String(s.child.pid)]);
  }
  await upstream.setLatency(Number(values.latency));
  const results = new Map<string, Array<{ cpu: number; ops: number; p50: number }>>();
  const originsFor = (s: Started): Origins => ({
    graphql: {
      gateway: { url: s.url, path: values.path },
      'gw-hash': { url: s.url, path: values.path },
      'yoga-naive': { url: s.url, path: values.path },
      apollo: { url: s.url, path: values.path },
    },
    proxy: s.url,
    upstream: upstream.info,
  });
  const planFor = (s: Started): ReturnType<typeof plan> => {
    const p = plan(w, values.hash ? 'gw-hash' : 'gateway', originsFor(s), grantSource([], upstream.info.keys[0] ?? ''));
    if (values.body !== undefined) {
      const body = values.body.replaceAll('$KEY', upstream.info.keys[0] ?? '');
      for (const r of p.sequence) r.body = body;
    }
    return p;
  };
  // Warm-up: JIT and caches of every variant.
  for (const { s } of started) await drive(planFor(s), { connections, duration: 2 });
  const peaks = new Map<string, number>();
  for (const { name, s } of started) {
    if (s.child.pid === undefined) continue;
    resetPeak(s.child.pid);
    peaks.set(name, 0);
  }
  for (let round = 0; round < blocks; round++) {
    const order = started.map((_, i) => started[(i + round) % started.length]!);
    for (const { name, s } of order) {
      const pid = s.child.pid!;
      const cpu0 = cpuMicros(pid);
      const r = await drive(planFor(s), { connections, duration: block });
      const cpu1 = cpuMicros(pid);
      const list = results.get(name) ?? [];
      list.push({ cpu: (cpu1 - cpu0) / Math.max(r.ops, 1), ops: r.opsPerSec, p50: r.p50 });
      results.set(name, list);
      peaks.set(name, Math.max(peaks.get(name) ?? 0, memory(pid).peak));
      if (r.errors > 0) console.log(`  ${name}: ${r.errors} errors in a block`);
    }
  }
  const q = (xs: number[], p: number): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))] ?? Number.NaN;
  };
  const base = results.get(variants[0]!.name)!;
  const baseLq = q(
    base.map((b) => b.cpu),
    0.25,
  );
  const baseMed = q(
    base.map((b) => b.cpu),
    0.5,
  );
  const baseOps = q(
    base.map((b) => b.ops),
    0.5,
  );
  console.log(
    `\n${w}, ${blocks} blocks x ${block} s, ${connections} connections, latency ${values.latency} ms${values.pin ? ', pinned to CPU 1' : ''}`,
  );
  console.log('variant          CPU us/op LQ   median   x base(LQ)  x base(med)  ops/s med  x base   p50 med  peak RSS MiB');
  for (const { name } of started) {
    const rs = results.get(name)!;
    const lq = q(
      rs.map((r) => r.cpu),
      0.25,
    );
    const med = q(
      rs.map((r) => r.cpu),
      0.5,
    );
    const ops = q(
      rs.map((r) => r.ops),
      0.5,
    );
    const p50 = q(
      rs.map((r) => r.p50),
      0.5,
    );
    console.log(
      `${name.padEnd(16)} ${lq.toFixed(0).padStart(12)} ${med.toFixed(0).padStart(8)} ${(lq / baseLq).toFixed(3).padStart(11)} ${(med / baseMed).toFixed(3).padStart(12)} ${ops.toFixed(0).padStart(10)} ${(ops / baseOps).toFixed(3).padStart(7)} ${p50.toFixed(2).padStart(9)} ${((peaks.get(name) ?? 0) / 1048576).toFixed(1).padStart(13)}`,
    );
  }
} finally {
  for (const { s } of started) await stop(s.child);
  await stop(upstream.child);
  removePersistedDocuments();
}
