/**
 * `npm run bench`: issue 6's benchmark. Starts the upstream, the gateway and the got proxy as
 * separate processes, drives each workload against gateway, proxy and direct REST in turn with
 * autocannon, and prints the table and the targets. Flags: --connections N --duration S
 * --warmup S --latency MS --upstream lean|emulator --workloads W1,W3 --rounds N --memory
 * --cpu-prof (profiles gateway and proxy into bench/profiles/) --gateway <entry> (default src/main.ts).
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { cpuMicros, memory, resetPeak, rssSampler, sleep, stop } from './measure.ts';
import { drive } from './loadgen.ts';
import { memoryRun } from './memory.ts';
import { startGateway, startProxy, startUpstream, type Started } from './systems.ts';
import { checkTargets, renderChecks, renderTable, type Row } from './table.ts';
import { checkAnswer, grantSource, minCalls, plan, SYSTEMS, WORKLOADS, type Origins, type System, type WorkloadId } from './workloads.ts';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '10' },
    duration: { type: 'string', default: '7' },
    warmup: { type: 'string', default: '2' },
    latency: { type: 'string', default: '0' },
    upstream: { type: 'string', default: 'lean' },
    workloads: { type: 'string', default: WORKLOADS.join(',') },
    rounds: { type: 'string', default: '1' },
    memory: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    gateway: { type: 'string', default: 'src/main.ts' },
  },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const latency = Number(values.latency);
const rounds = Number(values.rounds);
const kind = values.upstream === 'emulator' ? 'emulator' : 'lean';
const workloads = values.workloads.split(',').map((w) => w.trim().toUpperCase()) as WorkloadId[];
if (workloads.some((w) => !WORKLOADS.includes(w))) throw new Error(`--workloads: pick from ${WORKLOADS.join(',')}`);
const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const profile = (name: string): string[] =>
  values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${root}/bench/profiles/${name}`] : []; // *.0.001 = main thread
const entry = values.gateway.startsWith('/') ? values.gateway : `${root}/${values.gateway}`;

console.log(`kms-grants-gateway bench: ${new Date().toISOString()} | node ${process.version} | ${os.cpus().length}x ${os.cpus()[0]?.model ?? '?'}`);
console.log(`gateway ${values.gateway} | upstream ${kind}, KMS latency ${latency} ms, ${connections} connections, ${duration} s per run (+${warmup} s warm-up), rounds ${rounds}`);

const upstream = await startUpstream(kind, latency);
const gateway = await startGateway(upstream.info, profile('gateway'), entry);
const proxy = await startProxy(upstream.info, profile('proxy'));
console.log(`start-up (spawn -> /health 200 -> first answer): gateway ${gateway.healthMs.toFixed(0)} / ${gateway.firstAnswerMs.toFixed(0)} ms, proxy ${proxy.healthMs.toFixed(0)} / ${proxy.firstAnswerMs.toFixed(0)} ms`);

const origins: Origins = { gateway: gateway.url, proxy: proxy.url, upstream: upstream.info };
const processOf: Record<System, Started | undefined> = { gateway, proxy, direct: undefined };
const rows: Row[] = [];
const W5_PER_SYSTEM = 2000;

async function measure(w: WorkloadId, system: System, next: () => { keyId: string; grantId: string }, bounded: boolean): Promise<Row> {
  const p = plan(w, system, origins, next);
  const pid = processOf[system]?.child.pid;
  // Measured runs are bounded by count, sized from the warm-up's rate to last about `duration`:
  // autocannon then waits for every answer, so no operation is cut off and KMS calls/op is exact.
  let amount = bounded ? W5_PER_SYSTEM : undefined;
  // (With --warmup 0 a 0.5 s probe still sizes the run, so KMS/op stays exact.)
  if (!bounded) amount = Math.max(20, Math.round((await drive(p, { connections, duration: warmup > 0 ? warmup : 0.5 })).opsPerSec * duration));
  if (amount !== undefined) amount = Math.ceil(amount / connections) * connections * p.sequence.length;
  await sleep(300); // let the warm-up's last calls land before counting
  const canReset = pid !== undefined && resetPeak(pid);
  const sampler = pid === undefined ? undefined : rssSampler(pid);
  const calls0 = await upstream.count();
  const cpu0 = pid === undefined ? 0 : cpuMicros(pid);
  const result = await drive(p, { connections, duration, ...(amount !== undefined && { amount }) });
  const cpu1 = pid === undefined ? 0 : cpuMicros(pid);
  const calls1 = await upstream.count();
  const sampled = sampler?.stop();
  const peakRss = pid === undefined ? undefined : canReset ? Math.max(memory(pid).peak, sampled ?? 0) : sampled;
  return {
    ...result,
    workload: w,
    system,
    kmsPerOp: (calls1 - calls0) / Math.max(result.ops, 1),
    minCalls: minCalls(w, upstream.info),
    cpuUsPerOp: pid === undefined ? undefined : (cpu1 - cpu0) / Math.max(result.ops, 1),
    peakRss,
  };
}

async function verify(w: WorkloadId, system: System, next: () => { keyId: string; grantId: string }): Promise<void> {
  const p = plan(w, system, origins, next);
  for (const req of p.sequence) {
    const res = await fetch(p.origin + req.path, { method: 'POST', headers: req.headers, body: p.fresh?.() ?? req.body });
    const problem = checkAnswer(w, system, res.status, await res.text());
    if (problem !== undefined) throw new Error(`${w} on ${system} answers wrongly, not measuring it: ${problem}`);
  }
}

try {
  for (const w of workloads) {
    const bounded = w === 'W5' && kind === 'emulator';
    const pool = w === 'W5' ? await upstream.prepare(bounded ? SYSTEMS.length * (W5_PER_SYSTEM + 1) : 0) : [];
    const next = grantSource(pool, upstream.info.keys[0] ?? '');
    for (const s of SYSTEMS) await verify(w, s, next);
    const measured: Row[] = [];
    for (let round = 0; round < rounds; round++) {
      // Alternate the order between rounds so no system always runs first (warmer or cooler machine).
      const order = round % 2 === 0 ? [...SYSTEMS] : [...SYSTEMS].reverse();
      for (const s of order) {
        const row = await measure(w, s, next, bounded);
        measured.push(row);
        process.stderr.write(`  ${w} ${s.padEnd(7)} ${row.opsPerSec.toFixed(0).padStart(6)} ops/s p50 ${row.p50.toFixed(2)} ms, ${row.kmsPerOp.toFixed(2)} KMS/op, errors ${row.errors}\n`);
      }
    }
    for (const s of SYSTEMS) rows.push(median(measured.filter((r) => r.system === s)));
  }
  const title = `\nupstream ${kind}, KMS latency ${latency} ms, ${connections} connections, ${duration} s/run${rounds > 1 ? `, median of ${rounds} rounds` : ''}`;
  console.log(renderTable(rows, title));
  console.log(`\nissue-6 targets decided by this run:\n${renderChecks(checkTargets(rows, latency, gateway.firstAnswerMs))}`);
  if (values.memory) console.log(`\n${await memoryRun(origins, gateway, connections)}`);
} finally {
  await stop(gateway.child);
  await stop(proxy.child);
  await stop(upstream.child);
}

/** The round with the median ops/s (keeps each row's numbers from one measurement). */
function median(runs: Row[]): Row {
  const sorted = [...runs].sort((a, b) => a.opsPerSec - b.opsPerSec);
  const row = sorted[Math.floor((sorted.length - 1) / 2)];
  if (row === undefined) throw new Error('no measurement');
  return row;
}
