/**
 * Used by the upstream child process (emulator-upstream.ts): counts every HTTP request the
 * process's servers receive (per KMS action) and optionally delays each one by a fixed artificial
 * latency, by wrapping `http.Server.prototype.emit('request')`, so the emulator needs no change
 * to be measured. The parent reads the counters and sets the latency over IPC.
 */
import http, { type IncomingMessage } from 'node:http';

export interface UpstreamInfo {
  url: string;
  projectId: string;
  /** The demo token every system forwards as X-Auth-Token. */
  token: string;
  /** Five key ids with at least 20 grants each, readable with `token`. */
  keys: string[];
  /** Grants in `token`'s retirable list, and over how many keys. */
  retirable: { grants: number; keys: number };
}

export type ToChild = { type: 'count'; id: number } | { type: 'latency'; id: number; ms: number };
export type FromChild =
  | { type: 'ready'; info: UpstreamInfo }
  | { type: 'count'; id: number; total: number; byAction: Record<string, number> }
  | { type: 'latency'; id: number; ms: number };

export interface Instrument {
  counts(): { total: number; byAction: Record<string, number> };
  /** Changes the artificial latency from now on. */
  setLatency(ms: number): void;
  /** The artificial latency now, ms. */
  latency(): number;
}

export function instrumentHttpServers(initialLatencyMs: number): Instrument {
  let latencyMs = initialLatencyMs;
  let total = 0;
  const byAction: Record<string, number> = {};
  const emit = http.Server.prototype.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'request') return emit.call(this, event, ...args);
    total++;
    const url = (args[0] as IncomingMessage).url ?? '';
    const action = url.slice(url.lastIndexOf('/') + 1);
    byAction[action] = (byAction[action] ?? 0) + 1;
    if (latencyMs <= 0) return emit.call(this, event, ...args);
    setTimeout(() => emit.call(this, event, ...args), latencyMs);
    return true;
  } as typeof http.Server.prototype.emit;
  return {
    counts: () => ({ total, byAction: { ...byAction } }),
    setLatency: (ms) => {
      latencyMs = ms;
    },
    latency: () => latencyMs,
  };
}

/** Answers the parent's count and latency requests and announces readiness. */
export function serveParent(info: UpstreamInfo, instrument: Instrument): void {
  process.on('message', (message: ToChild) => {
    if (message.type === 'count') {
      const reply: FromChild = { type: 'count', id: message.id, ...instrument.counts() };
      process.send?.(reply);
    } else if (message.type === 'latency') {
      instrument.setLatency(message.ms);
      const reply: FromChild = { type: 'latency', id: message.id, ms: message.ms };
      process.send?.(reply);
    }
  });
  const ready: FromChild = { type: 'ready', info };
  process.send?.(ready);
  process.on('disconnect', () => process.exit(0));
}
