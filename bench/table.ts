/** The results table, as plain text: one row per workload and system, ratios on the right. */
import { DESCRIPTIONS, type System, type WorkloadId } from './workloads.ts';
import type { LoadResult } from './loadgen.ts';

export interface Row extends LoadResult {
  workload: WorkloadId;
  system: System;
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

export function renderTable(rows: Row[], title: string): string {
  const header = ['work', 'system', 'ops/s', 'p50 ms', 'p99 ms', 'KMS/op', 'min', 'CPU us/op', 'peak RSS MiB', 'x proxy', 'x direct', 'errors'];
  const widths = [4, 7, 8, 7, 7, 7, 4, 10, 13, 8, 9, 7];
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
      r.system === 'gateway' && proxy ? `${fmt(r.opsPerSec / proxy.opsPerSec, 2)}x` : '-',
      r.system !== 'direct' && direct ? `${fmt(r.opsPerSec / direct.opsPerSec, 2)}x` : '-',
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

/** The issue-6 targets that this run's rows can decide (undefined: not measured in this run). */
export function checkTargets(rows: Row[], latencyMs: number, startupMs: number | undefined): TargetCheck[] {
  const get = (w: WorkloadId, s: System): Row | undefined => rows.find((r) => r.workload === w && r.system === s);
  const checks: TargetCheck[] = [];
  const ratio = (w: WorkloadId, s: System): number | undefined => {
    const g = get(w, 'gateway');
    const o = get(w, s);
    return g && o ? g.opsPerSec / o.opsPerSec : undefined;
  };
  if (latencyMs === 0) {
    for (const w of ['W1', 'W3'] as const) {
      const x = ratio(w, 'proxy');
      checks.push({ name: `${w} >= 1.0x got proxy (0 ms)`, holds: x === undefined ? undefined : x >= 1, detail: `${fmt(x, 2)}x` });
    }
  } else {
    const x = ratio('W1', 'direct');
    const g = get('W1', 'gateway');
    const d = get('W1', 'direct');
    checks.push({ name: `W1 >= 0.95x direct REST (${latencyMs} ms)`, holds: x === undefined ? undefined : x >= 0.95, detail: `${fmt(x, 2)}x` });
    const dp = g && d ? g.p50 - d.p50 : undefined;
    checks.push({ name: 'W1 p50 within 1 ms of direct REST', holds: dp === undefined ? undefined : dp <= 1, detail: `+${fmt(dp, 2)} ms` });
  }
  for (const w of ['W1', 'W2', 'W3', 'W4'] as const) {
    const g = get(w, 'gateway');
    checks.push({
      name: `${w} KMS calls/op at the minimum`,
      holds: g === undefined ? undefined : g.kmsPerOp <= g.minCalls + 0.02,
      detail: g === undefined ? '-' : `${fmt(g.kmsPerOp, 2)} (min ${g.minCalls})`,
    });
  }
  const w1 = get('W1', 'gateway');
  checks.push({ name: 'W1 gateway CPU <= 350 us/op', holds: w1?.cpuUsPerOp === undefined ? undefined : w1.cpuUsPerOp <= 350, detail: `${fmt(w1?.cpuUsPerOp)} us` });
  const peak = Math.max(...rows.filter((r) => r.system === 'gateway').map((r) => r.peakRss ?? 0));
  checks.push({ name: 'gateway peak RSS < 150 MiB', holds: peak > 0 ? peak < 150 * MiB : undefined, detail: `${fmt(peak / MiB, 1)} MiB` });
  checks.push({ name: 'start-up to first answer < 400 ms', holds: startupMs === undefined ? undefined : startupMs < 400, detail: `${fmt(startupMs)} ms` });
  return checks;
}

export function renderChecks(checks: TargetCheck[]): string {
  return checks.map((c) => `  [${c.holds === undefined ? ' ? ' : c.holds ? 'ok ' : 'NO '}] ${c.name}: ${c.detail}`).join('\n');
}
