/**
 * Process plumbing and OS-level measurements: spawning TypeScript children, free ports,
 * CPU time and RSS of a PID from /proc, start-up timing.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Spawns `node [--cpu-prof ...] [--import tsx] <file>` (tsx for .ts files) with an IPC channel; children inherit stderr. */
export function spawnTs(file: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  const loader = file.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return spawn(process.execPath, [...nodeArgs, ...loader, file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

/** A port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** User + system CPU time of a process so far, microseconds (resolution 1/CLK_TCK s). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the `(comm)`, which may hold spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK;
}

/** VmRSS and VmHWM (peak RSS) of a process, bytes. */
export function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? '0') * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** Resets VmHWM to the current RSS (Linux clear_refs 5); false when not permitted. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS while a run lasts, in case VmHWM cannot be reset. */
export function rssSampler(pid: number): { stop(): number } {
  let max = memory(pid).rss;
  const timer = setInterval(() => {
    max = Math.max(max, memory(pid).rss);
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, memory(pid).rss);
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` every 2 ms until it resolves true or `timeoutMs` passes; returns the elapsed
 * milliseconds since `since` (a performance.now() value).
 */
export async function until(probe: () => Promise<boolean>, since: number, timeoutMs = 30_000): Promise<number> {
  for (;;) {
    if (await probe().catch(() => false)) return performance.now() - since;
    if (performance.now() - since > timeoutMs) throw new Error(`not ready after ${timeoutMs} ms`);
    await sleep(2);
  }
}

/** Waits for the child's first IPC message of `type`. */
export function message<T>(child: ChildProcess, type: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child ${child.pid}: no '${type}' after ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: { type?: string }): void => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`child ${child.pid} exited (${code}) before '${type}'`)));
  });
}

/** Stops a child and waits for it to exit (SIGTERM, then SIGKILL after 5 s). */
export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
