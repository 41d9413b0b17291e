/**
 * `npm run bench`: issue 6's benchmark, with issue 11's peers. Starts the upstream, the gateway,
 * the naive yoga + got gateway, Apollo Server and the got proxy as separate processes; for each
 * KMS latency and workload, checks every system's answer, then drives it (warm-up, measured run)
 * with autocannon, and prints a table per latency and the targets.
 * Flags: --connections N --duration S --warmup S --latency MS[,MS...] --no-npm-start
 * --workloads W1,W3 --rounds N --memory --cpu-prof (profiles into bench/profiles/<system>/)
 * --gateway <entry>|start (default `start`: the entry of package.json's `start` script, with its node flags).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { cpuMicros, memory, resetPeak, rssSampler, sleep, stop } from './measure.ts';
import { drive } from './loadgen.ts';
import { memoryRun } from './memory.ts';
import {
  removePersistedDocuments,
  startApollo,
  startGateway,
  startProxy,
  startScript,
  startUpstream,
  startYogaNaive,
  timeNpmStart,
  writePersistedDocuments,
  type Started,
} from './systems.ts';
import { checkTargets, renderChecks, renderLegend, renderTable, type Row } from './table.ts';
import { checkAnswer, grantSource, minCalls, plan, SYSTEMS, WORKLOADS, type Origins, type System, type WorkloadId } from './workloads.ts';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '10' },
    duration: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1.5' },
    latency: { type: 'string', default: '0' },
    workloads: { type: 'string', default: WORKLOADS.join(',') },
    rounds: { type: 'string', default: '1' },
    memory: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'npm-start': { type: 'boolean', default: true },
    gateway: { type: 'string' },
  },
  allowNegative: true,
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const latencies = values.latency.split(',').map((l) => Number(l.trim()));
if (latencies.some((l) => !Number.isFinite(l) || l < 0)) throw new Error('--latency: milliseconds, or a comma list of them (e.g. 0,20)');
const rounds = Number(values.rounds);
const workloads = values.workloads.split(',').map((w) => w.trim().toUpperCase()) as WorkloadId[];
if (workloads.some((w) => !WORKLOADS.includes(w))) throw new Error(`--workloads: pick from ${WORKLOADS.join(',')}`);
const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const profile = (name: string): string[] => (values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${root}/bench/profiles/${name}`] : []); // *.0.001 = main thread

// The gateway as `npm start` runs it: the entry and node flags of package.json's `start` script.
// An explicit --gateway wins; if that file does not exist (the entry was renamed), the start script's.
const start = startScript(root);
const abs = (path: string): string => (path.startsWith('/') ? path : `${root}/${path}`);
const asked = values.gateway === 'start' ? undefined : values.gateway;
if (start === undefined && asked === undefined)
  console.log("note: package.json's start script is not `node [--flags] <entry>`; using dist/server/main.js");
let gatewayPath = asked ?? start?.entry ?? 'dist/server/main.js';
if (values.gateway !== undefined && values.gateway !== 'start' && start !== undefined && abs(values.gateway) !== abs(start.entry)) {
  if (!existsSync(abs(values.gateway))) {
    console.log(`note: --gateway ${values.gateway} does not exist; using npm start's entry ${start.entry}`);
    gatewayPath = start.entry;
  } else console.log(`note: --gateway ${values.gateway} is not npm start's entry (${start.entry})`);
}
const entry = abs(gatewayPath);
const gatewayFlags = start !== undefined && abs(start.entry) === entry ? start.nodeArgs : [];

// Every run is bounded: the expected wall time, to say up front.
const perRun = warmup + 0.3 + duration + 0.5;
const estimate = latencies.length * workloads.length * SYSTEMS.length * rounds * perRun;
console.log(
  `kms-grants-gateway bench: ${new Date().toISOString()} | node ${process.version} | ${os.cpus().length}x ${os.cpus()[0]?.model ?? '?'}`,
);
console.log(
  `gateway node ${[...gatewayFlags, gatewayPath].join(' ')} | upstream emulator (answer cache), KMS latency ${latencies.join(',')} ms, ${connections} connections, ` +
    `${duration} s per run (+${warmup} s warm-up), rounds ${rounds} | measuring takes about ${Math.ceil(estimate / 10) * 10} s`,
);
console.log(`systems (each its own process; CPU and RSS from /proc/PID):\n${renderLegend()}`);

const upstream = await startUpstream(0); // start-up is timed at 0 ms; each latency is set before its runs
writePersistedDocuments(upstream.info);
// `npm start` first, before the measured gateway runs from the same build output.
const npmStartMs = values['npm-start'] ? await timeNpmStart(root, upstream.info) : undefined;
const gateway = await startGateway(upstream.info, [...gatewayFlags, ...profile('gateway')], entry);
const yoga = await startYogaNaive(upstream.info, profile('yoga-naive'));
const apollo = await startApollo(upstream.info, profile('apollo'));
const proxy = await startProxy(upstream.info, profile('proxy'));
const started: Array<[string, Started]> = [
  ['gateway', gateway],
  ['yoga-naive', yoga],
  ['apollo', apollo],
  ['proxy', proxy],
];
console.log(
  `start-up (spawn -> health 200 / first correct W1 answer, ms): ${started.map(([n, s]) => `${n} ${s.healthMs.toFixed(0)}/${s.firstAnswerMs.toFixed(0)}`).join(', ')}` +
    (npmStartMs === undefined ? '' : `; \`npm start\` (prestart build included) -> first answer ${npmStartMs.toFixed(0)}`),
);

const origins: Origins = {
  graphql: {
    gateway: { url: gateway.url, path: '/graphql' },
    'gw-hash': { url: gateway.url, path: '/graphql' },
    'yoga-naive': { url: yoga.url, path: '/graphql' },
    apollo: { url: apollo.url, path: '/' },
  },
  proxy: proxy.url,
  upstream: upstream.info,
};
const processOf: Record<System, Started | undefined> = {
  gateway,
  'gw-hash': gateway,
  'yoga-naive': yoga,
  apollo,
  proxy,
  direct: undefined,
};
const rows: Row[] = [];
const W5_PER_SYSTEM = 2000;

async function measure(
  w: WorkloadId,
  system: System,
  latencyMs: number,
  next: () => { keyId: string; grantId: string },
  bounded: boolean,
): Promise<Row> {
  const p = plan(w, system, origins, next);
  const pid = processOf[system]?.child.pid;
  // Measured runs are bounded by count, sized from the warm-up's rate to last about `duration`:
  // autocannon then waits for every answer, so no operation is cut off and KMS calls/op is exact.
  let amount = bounded ? W5_PER_SYSTEM : undefined;
  // (With --warmup 0 a 0.5 s probe still sizes the run, so KMS/op stays exact.)
  if (!bounded)
    amount = Math.max(20, Math.round((await drive(p, { connections, duration: warmup > 0 ? warmup : 0.5 })).opsPerSec * duration));
  if (amount !== undefined) amount = Math.ceil(amount / connections) * connections * p.sequence.length;
  await quiet(); // the warm-up's operations still in flight (autocannon only drops their sockets) finish first
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
    latencyMs,
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

const t0 = performance.now();
try {
  for (const latency of latencies) {
    await upstream.setLatency(latency);
    for (const w of workloads) {
      // W5 revokes real grants, each once: a pool for every system's check and measured runs.
      const bounded = w === 'W5';
      const pool = bounded ? await upstream.prepare(SYSTEMS.length * (rounds * W5_PER_SYSTEM + 1)) : [];
      const next = grantSource(pool, upstream.info.keys[0] ?? '');
      for (const s of SYSTEMS) await verify(w, s, next);
      const measured: Row[] = [];
      for (let round = 0; round < rounds; round++) {
        // Alternate the order between rounds so no system always runs first (warmer or cooler machine).
        const order = round % 2 === 0 ? [...SYSTEMS] : [...SYSTEMS].reverse();
        for (const s of order) {
          const row = await measure(w, s, latency, next, bounded);
          measured.push(row);
          process.stderr.write(
            `  ${latency} ms ${w} ${s.padEnd(10)} ${row.opsPerSec.toFixed(0).padStart(6)} ops/s p50 ${row.p50.toFixed(2)} ms, ${row.kmsPerOp.toFixed(2)} KMS/op, ${row.cpuUsPerOp?.toFixed(0) ?? '-'} us/op, errors ${row.errors}\n`,
          );
        }
      }
      for (const s of SYSTEMS) rows.push(median(measured.filter((r) => r.system === s)));
    }
    const title = `\nupstream emulator, KMS latency ${latency} ms, ${connections} connections, ${duration} s/run${rounds > 1 ? `, median of ${rounds} rounds` : ''}`;
    console.log(
      renderTable(
        rows.filter((r) => r.latencyMs === latency),
        title,
      ),
    );
  }
  console.log(`\nmeasured in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const { issue11, issue6 } = checkTargets(rows, { npmStartMs, gatewayMs: gateway.firstAnswerMs });
  console.log(`\nissue-11 targets decided by this run:\n${renderChecks(issue11)}`);
  console.log(`issue-6 targets (earlier) decided by this run:\n${renderChecks(issue6)}`);
  if (values.memory) {
    await upstream.setLatency(0);
    console.log(`\n${await memoryRun(origins, gateway, connections)}`);
  }
} finally {
  for (const [, s] of started) await stop(s.child);
  await stop(upstream.child);
  removePersistedDocuments();
}

/**
 * Waits until KMS has received no request for 250 ms (at most 10 s): a system keeps resolving the
 * operations whose sockets autocannon dropped at the end of the warm-up, and their KMS calls and
 * CPU must not count in the measured run.
 */
async function quiet(): Promise<void> {
  let last = await upstream.count();
  for (const until = performance.now() + 10_000; performance.now() < until; ) {
    await sleep(250);
    const now = await upstream.count();
    if (now === last) return;
    last = now;
  }
}

/** The round with the median ops/s (keeps each row's numbers from one measurement). */
function median(runs: Row[]): Row {
  const sorted = [...runs].sort((a, b) => a.opsPerSec - b.opsPerSec);
  const row = sorted[Math.floor((sorted.length - 1) / 2)];
  if (row === undefined) throw new Error('no measurement');
  return row;
}
