/**
 * Starts the processes under test: the upstream (the emulator in its benchmark mode), the gateway (its built entry
 * on plain node, as `npm start` runs it), the two GraphQL peers (naive yoga + got, Apollo Server)
 * and the got proxy, each timed from spawn to its first health answer and to its first correct W1
 * answer. Each is its own process, so its CPU and RSS are its own. Also times `npm start` itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromChild, UpstreamInfo } from './instrument.ts';
import { freePort, message, sleep, spawnTs, stop, until } from './measure.ts';
import { checkAnswer, graphql, persistedDocuments } from './workloads.ts';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

export interface Upstream {
  child: ChildProcess;
  info: UpstreamInfo;
  /** Requests the upstream has received so far. */
  count(): Promise<number>;
  /** Creates n revocable grants (for W5: each can be revoked once). */
  prepare(n: number): Promise<Array<{ keyId: string; grantId: string }>>;
  /** Sets the artificial latency of every later KMS request. */
  setLatency(ms: number): Promise<void>;
}

/** The emulator in its benchmark mode as KMS (emulator-upstream.ts), filled and ready. */
export async function startUpstream(latencyMs: number): Promise<Upstream> {
  const child = spawnTs(here('./emulator-upstream.ts'), { BENCH_LATENCY_MS: String(latencyMs) });
  const ready = await message<Extract<FromChild, { type: 'ready' }>>(child, 'ready', 120_000);
  let serial = 0;
  const ask = <T>(msg: object, type: string): Promise<T> => {
    const id = ++serial;
    const reply = new Promise<T>((resolve) => {
      const on = (m: { type?: string; id?: number }): void => {
        if (m.type !== type || m.id !== id) return;
        child.off('message', on);
        resolve(m as T);
      };
      child.on('message', on);
    });
    child.send({ ...msg, id });
    return reply;
  };
  return {
    child,
    info: ready.info,
    count: async () => (await ask<{ total: number }>({ type: 'count' }, 'count')).total,
    prepare: async (n) => (await ask<{ grants: Array<{ keyId: string; grantId: string }> }>({ type: 'prepare', n }, 'prepared')).grants,
    setLatency: async (ms) => {
      await ask({ type: 'latency', ms }, 'latency');
    },
  };
}

export interface Started {
  child: ChildProcess;
  url: string;
  /** Spawn to first 200 on /health, ms. */
  healthMs: number;
  /** Spawn to first correct answer of a real operation (W1), ms. */
  firstAnswerMs: number;
}

/** Spawns a server process and times it to its health answer and to its first real answer. */
async function startTimed(
  file: string,
  env: Record<string, string>,
  nodeArgs: string[],
  health: (url: string) => Promise<boolean>,
  first: (url: string) => Promise<boolean>,
): Promise<Started> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawnTs(file, { ...env, PORT: String(port) }, nodeArgs);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} during start-up`))),
  );
  const url = `http://127.0.0.1:${port}`;
  const healthMs = await Promise.race([until(() => health(url), t0), exited]);
  const firstAnswerMs = await Promise.race([until(() => first(url), t0), exited]);
  exited.catch(() => undefined); // a later exit (when the bench stops it) is expected
  return { child, url, healthMs, firstAnswerMs };
}

const getOk =
  (path: string) =>
  async (url: string): Promise<boolean> =>
    (await fetch(url + path)).status === 200;

/** A probe: W1 as GraphQL at `url + path`, true once the answer is complete and correct. */
function firstW1(info: UpstreamInfo, path: string): (url: string) => Promise<boolean> {
  const body = JSON.stringify({ query: graphql(info.keys, 'W1') });
  return async (url) => {
    const res = await fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': info.token },
      body,
    });
    return checkAnswer('W1', 'gateway', res.status, await res.text()) === undefined;
  };
}

/** The env every system is given: where KMS is, and its project. */
const kmsEnv = (info: UpstreamInfo): Record<string, string> => ({ KMS_ENDPOINT: info.url, KMS_PROJECT_ID: info.projectId });

/** Where the gateway finds the workloads' persisted documents (written by {@link writePersistedDocuments}). */
const PERSISTED = join(tmpdir(), `kms-gateway-bench-${process.pid}-persisted-documents.json`);

/** Writes the workloads' documents as the gateway's persisted operations (for the gw-hash rows). */
export function writePersistedDocuments(info: UpstreamInfo): void {
  writeFileSync(PERSISTED, JSON.stringify(persistedDocuments(info.keys)));
}

/** Deletes what {@link writePersistedDocuments} wrote. */
export function removePersistedDocuments(): void {
  rmSync(PERSISTED, { force: true });
}

/** The gateway's env: KMS, quiet logs, production mode, the workloads' persisted documents. */
function gatewayEnv(info: UpstreamInfo): Record<string, string> {
  return {
    ...kmsEnv(info),
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    ...(existsSync(PERSISTED) && { PERSISTED_OPERATIONS_FILE: PERSISTED }),
  };
}

/** How `npm start` runs the gateway, read from package.json's `start` script: node's flags and the entry. */
export function startScript(root: string): { nodeArgs: string[]; entry: string } | undefined {
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { scripts?: Record<string, string> };
  const words = (pkg.scripts?.start ?? '').trim().split(/\s+/);
  if (words[0] !== 'node') return undefined;
  const rest = words.slice(1);
  const at = rest.findIndex((w) => !w.startsWith('-'));
  const entry = rest[at];
  // Only the simple form `node [--flag ...] entry` (no flag taking a separate value, nothing after the entry).
  if (entry === undefined || at !== rest.length - 1 || rest.slice(0, at).some((w) => !w.startsWith('--'))) return undefined;
  return { nodeArgs: rest.slice(0, at), entry };
}

/** The gateway from `entry` (a built .js/.mjs runs on plain node; a .ts file under tsx), with `nodeArgs`. */
export function startGateway(info: UpstreamInfo, nodeArgs: string[], entry: string): Promise<Started> {
  return startTimed(entry, gatewayEnv(info), nodeArgs, getOk('/health'), firstW1(info, '/graphql'));
}

/** The naive yoga + got peer (bench/peers/yoga-naive.ts): /graphql, yoga's own /health. */
export function startYogaNaive(info: UpstreamInfo, nodeArgs: string[] = []): Promise<Started> {
  return startTimed(here('./peers/yoga-naive.ts'), kmsEnv(info), nodeArgs, getOk('/health'), firstW1(info, '/graphql'));
}

/** The Apollo Server peer (bench/peers/apollo.ts): GraphQL on `/`; it has no health route, so health = `{ __typename }`. */
export function startApollo(info: UpstreamInfo, nodeArgs: string[] = []): Promise<Started> {
  const health = async (url: string): Promise<boolean> =>
    (await fetch(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }))
      .status === 200;
  return startTimed(here('./peers/apollo.ts'), kmsEnv(info), nodeArgs, health, firstW1(info, '/'));
}

export function startProxy(info: UpstreamInfo, nodeArgs: string[] = []): Promise<Started> {
  const body = JSON.stringify({ op: 'W1', keys: info.keys });
  return startTimed(here('./proxy.ts'), kmsEnv(info), nodeArgs, getOk('/health'), async (url) => {
    const res = await fetch(`${url}/op`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': info.token },
      body,
    });
    return checkAnswer('W1', 'proxy', res.status, await res.text()) === undefined;
  });
}

/**
 * `npm start` as a user runs it (its `prestart` build included), in `root`, timed from spawn to
 * its first correct W1 answer; then stopped. npm runs the gateway in a child of its own, so the
 * whole process group that this spawn made is signalled (by its id), never anything else.
 */
export async function timeNpmStart(root: string, info: UpstreamInfo): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, ...gatewayEnv(info), PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code} during start-up`))),
  );
  exited.catch(() => undefined);
  try {
    return await Promise.race([until(() => firstW1(info, '/graphql')(`http://127.0.0.1:${port}`), t0, 60_000), exited]);
  } finally {
    const pid = child.pid;
    if (pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await stop(child);
    // Wait (bounded) until the group's gateway has exited too, so it costs nothing during the runs.
    for (let i = 0; pid !== undefined && i < 100 && groupAlive(pid); i++) await sleep(50);
    if (pid !== undefined && groupAlive(pid)) process.kill(-pid, 'SIGKILL');
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
