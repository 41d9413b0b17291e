/** The results tables, as plain text (one per KMS latency, a row per workload and system, ratios on the right), and the target checks. */
import { DESCRIPTIONS, SYSTEM_NOTES, SYSTEMS, type System, type WorkloadId } from './workloads.ts';
import type { LoadResult } from './loadgen.ts';

export interface Row extends LoadResult {
  workload: WorkloadId;
  system: System;
  /** The artificial KMS latency of the run, ms. */
  latencyMs: number;
  /** Requests the upstream received per operation. */
  kmsPerOp: number;
  minCalls: number;
  /** CPU of the system's own process per operation, microseconds (not for direct REST). */
  cpuUsPerOp: number | undefined;
  /** Peak RSS of the system's process during the run, bytes. */
  peakRss: number | undefined;
}

const MiB = 1024 * 1024;

function cell(value: string, width: number, left = false): string {
  return left ? value.padEnd(width) : value.padStart(width);
}

const fmt = (n: number | undefined, digits = 0): string => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits));
const times = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || b === 0 ? '-' : `${fmt(a / b, 2)}x`;

/** What each system is, for above the tables. */
export function renderLegend(): string {
  return SYSTEMS.map((s) => `  ${s.padEnd(10)} ${SYSTEM_NOTES[s]}`).join('\n');
}

export function renderTable(rows: Row[], title: string): string {
  const header = [
    'work',
    'system',
    'ops/s',
    'p50 ms',
    'p99 ms',
    'KMS/op',
    'min',
    'CPU us/op',
    'peak RSS MiB',
    'ops x proxy',
    'CPU x proxy',
    'ops x direct',
    'errors',
  ];
  const widths = [4, 10, 7, 7, 7, 7, 4, 9, 12, 11, 11, 12, 6];
  const lines = [title, header.map((h, i) => cell(h, widths[i] ?? 8, i < 2)).join(' ')];
  let last: WorkloadId | undefined;
  for (const r of rows) {
    if (r.workload !== last) {
      lines.push(`-- ${r.workload}: ${DESCRIPTIONS[r.workload]}`);
      last = r.workload;
    }
    const same = (s: System): Row | undefined => rows.find((x) => x.workload === r.workload && x.system === s);
    const proxy = same('proxy');
    const direct = same('direct');
    const values = [
      r.workload,
      r.system,
      fmt(r.opsPerSec),
      fmt(r.p50, 2),
      fmt(r.p99, 2),
      fmt(r.kmsPerOp, 2),
      String(r.minCalls),
      fmt(r.cpuUsPerOp),
      r.peakRss === undefined ? '-' : fmt(r.peakRss / MiB, 1),
      r.system !== 'proxy' && r.system !== 'direct' ? times(r.opsPerSec, proxy?.opsPerSec) : '-',
      r.system !== 'proxy' && r.system !== 'direct' ? times(r.cpuUsPerOp, proxy?.cpuUsPerOp) : '-',
      r.system !== 'direct' ? times(r.opsPerSec, direct?.opsPerSec) : '-',
      String(r.errors),
    ];
    lines.push(values.map((v, i) => cell(v, widths[i] ?? 8, i < 2)).join(' '));
  }
  return lines.join('\n');
}

export interface TargetCheck {
  name: string;
  holds: boolean | undefined;
  detail: string;
}

export interface Startup {
  /** `npm start` (its prestart build included) to the first correct answer, ms; undefined when not timed. */
  npmStartMs: number | undefined;
  /** The gateway's own process: spawn to first correct answer, ms. */
  gatewayMs: number;
}

const WORKS = ['W1', 'W2', 'W3', 'W4', 'W5'] as const;

/**
 * Issue 11's targets that this run's rows can decide (holds undefined: not measured in this run),
 * then the earlier issue-6 targets that still apply. Throughput ratios are judged at 0 ms KMS
 * latency (where the systems' own cost decides), the p50 one at every non-zero latency run.
 */
export function checkTargets(rows: Row[], startup: Startup): { issue11: TargetCheck[]; issue6: TargetCheck[] } {
  const get = (w: WorkloadId, s: System, latency: number): Row | undefined =>
    rows.find((r) => r.workload === w && r.system === s && r.latencyMs === latency);
  const latencies = [...new Set(rows.map((r) => r.latencyMs))];
  const ratio = (w: WorkloadId, s: System, latency = 0): number | undefined => {
    const g = get(w, 'gateway', latency);
    const o = get(w, s, latency);
    return g && o ? g.opsPerSec / o.opsPerSec : undefined;
  };
  const verdict = (x: number | undefined, ok: (x: number) => boolean): boolean | undefined => (x === undefined ? undefined : ok(x));
  const issue11: TargetCheck[] = [];

  // CPU per operation below the naive yoga + got build's, on every workload and latency measured.
  const cpu: string[] = [];
  let cpuHolds: boolean | undefined;
  for (const latency of latencies) {
    for (const w of WORKS) {
      const g = get(w, 'gateway', latency)?.cpuUsPerOp;
      const n = get(w, 'yoga-naive', latency)?.cpuUsPerOp;
      if (g === undefined || n === undefined) continue;
      cpu.push(`${w}@${latency}ms ${fmt(g)}/${fmt(n)} us`);
      cpuHolds = (cpuHolds ?? true) && g < n;
    }
  }
  issue11.push({ name: 'gateway CPU/op < naive yoga+got CPU/op, every workload', holds: cpuHolds, detail: cpu.join(', ') || '-' });

  const w1 = ratio('W1', 'proxy');
  issue11.push({ name: 'W1 ops/s >= 0.75x got proxy (0 ms)', holds: verdict(w1, (x) => x >= 0.75), detail: `${fmt(w1, 2)}x` });
  const apollo = ratio('W1', 'apollo');
  issue11.push({
    name: 'W1 ops/s past Apollo Server (0 ms; aim)',
    holds: verdict(apollo, (x) => x > 1),
    detail: `${fmt(apollo, 2)}x Apollo's`,
  });
  const w3 = ratio('W3', 'proxy');
  issue11.push({ name: 'W3 ops/s >= 0.8x got proxy (0 ms)', holds: verdict(w3, (x) => x >= 0.8), detail: `${fmt(w3, 2)}x` });
  for (const w of ['W2', 'W4'] as const) {
    const x = ratio(w, 'proxy');
    issue11.push({
      name: `${w} x proxy no worse than W1's (0 ms)`,
      holds: x === undefined || w1 === undefined ? undefined : x >= w1,
      detail: `${fmt(x, 2)}x vs W1 ${fmt(w1, 2)}x`,
    });
  }
  const slow = latencies.filter((l) => l > 0);
  if (slow.length === 0)
    issue11.push({ name: 'W1 p50 <= naive yoga+got p50 (20 ms)', holds: undefined, detail: 'no run with KMS latency' });
  for (const latency of slow) {
    const g = get('W1', 'gateway', latency);
    const n = get('W1', 'yoga-naive', latency);
    issue11.push({
      name: `W1 p50 <= naive yoga+got p50 (${latency} ms)`,
      holds: g && n ? g.p50 <= n.p50 : undefined,
      detail: `${fmt(g?.p50, 2)} vs ${fmt(n?.p50, 2)} ms`,
    });
  }
  const peak = Math.max(0, ...rows.filter((r) => r.system === 'gateway').map((r) => r.peakRss ?? 0));
  issue11.push({ name: 'gateway peak RSS < 150 MiB', holds: peak > 0 ? peak < 150 * MiB : undefined, detail: `${fmt(peak / MiB, 1)} MiB` });
  issue11.push({
    name: 'start-up through `npm start` < 400 ms (nothing changed)',
    holds: verdict(startup.npmStartMs, (x) => x < 400),
    detail: `${fmt(startup.npmStartMs)} ms (npm + prestart + gateway; the gateway process alone ${fmt(startup.gatewayMs)} ms)`,
  });

  const issue6: TargetCheck[] = [];
  for (const w of ['W1', 'W2', 'W3', 'W4'] as const) {
    const g = latencies.map((l) => get(w, 'gateway', l)).find((r) => r !== undefined);
    issue6.push({
      name: `${w} gateway KMS calls/op at the minimum`,
      holds: g === undefined ? undefined : g.kmsPerOp <= g.minCalls + 0.02,
      detail: g === undefined ? '-' : `${fmt(g.kmsPerOp, 2)} (min ${g.minCalls})`,
    });
  }
  for (const latency of slow) {
    const x = ratio('W1', 'direct', latency);
    const g = get('W1', 'gateway', latency);
    const d = get('W1', 'direct', latency);
    issue6.push({ name: `W1 >= 0.95x direct REST (${latency} ms)`, holds: verdict(x, (v) => v >= 0.95), detail: `${fmt(x, 2)}x` });
    const dp = g && d ? g.p50 - d.p50 : undefined;
    issue6.push({
      name: `W1 p50 within 1 ms of direct REST (${latency} ms)`,
      holds: verdict(dp, (v) => v <= 1),
      detail: `+${fmt(dp, 2)} ms`,
    });
  }
  const cpu1 = get('W1', 'gateway', 0)?.cpuUsPerOp;
  issue6.push({ name: 'W1 gateway CPU <= 350 us/op (0 ms)', holds: verdict(cpu1, (x) => x <= 350), detail: `${fmt(cpu1)} us` });
  return { issue11, issue6 };
}

export function renderChecks(checks: TargetCheck[]): string {
  return checks.map((c) => `  [${c.holds === undefined ? ' ? ' : c.holds ? 'ok ' : 'NO '}] ${c.name}: ${c.detail}`).join('\n');
}
