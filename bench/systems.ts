/**
 * Starts the three processes under test: the upstream (lean or emulator), the gateway
 * (`node --import tsx src/main.ts`, timed from spawn to first /health 200 and first GraphQL
 * answer) and the got proxy. Each is its own process, so its CPU and RSS are its own.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromChild, UpstreamInfo } from './instrument.ts';
import { freePort, message, spawnTs, until } from './measure.ts';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

export interface Upstream {
  child: ChildProcess;
  info: UpstreamInfo;
  /** Requests the upstream has received so far. */
  count(): Promise<number>;
  /** Creates n revocable grants (emulator); [] on the lean upstream (any id will do). */
  prepare(n: number): Promise<Array<{ keyId: string; grantId: string }>>;
}

export async function startUpstream(kind: 'lean' | 'emulator', latencyMs: number): Promise<Upstream> {
  const child = spawnTs(here(kind === 'lean' ? './upstream.ts' : './emulator-upstream.ts'), { BENCH_LATENCY_MS: String(latencyMs) });
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
    prepare: async (n) =>
      kind === 'lean' ? [] : (await ask<{ grants: Array<{ keyId: string; grantId: string }> }>({ type: 'prepare', n }, 'prepared')).grants,
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

/** Spawns a server process and times it to /health and to its first real answer. */
async function startTimed(file: string, env: Record<string, string>, nodeArgs: string[], first: (url: string) => Promise<boolean>): Promise<Started> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawnTs(file, { ...env, PORT: String(port) }, nodeArgs);
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${file} exited with ${code} during start-up`))));
  const url = `http://127.0.0.1:${port}`;
  const health = until(async () => (await fetch(`${url}/health`)).status === 200, t0);
  const healthMs = await Promise.race([health, exited]);
  const firstAnswerMs = await Promise.race([until(() => first(url), t0), exited]);
  exited.catch(() => undefined); // a later exit (when the bench stops it) is expected
  return { child, url, healthMs, firstAnswerMs };
}

/** The gateway from `entry` (default `src/main.ts` under tsx; a built .js/.mjs runs on plain node). */
export function startGateway(info: UpstreamInfo, nodeArgs: string[], entry: string): Promise<Started> {
  const env = {
    KMS_ENDPOINT: info.url,
    KMS_PROJECT_ID: info.projectId,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
  };
  const query = JSON.stringify({ query: 'query($k: ID!) { grants(keyId: $k, first: 20) { edges { node { grantId } } } }', variables: { k: info.keys[0] } });
  return startTimed(entry, env, nodeArgs, async (url) => {
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': info.token }, body: query });
    const text = await res.text();
    return res.status === 200 && text.includes('grantId') && !text.includes('"errors"');
  });
}

export function startProxy(info: UpstreamInfo, nodeArgs: string[] = []): Promise<Started> {
  const env = { KMS_ENDPOINT: info.url, KMS_PROJECT_ID: info.projectId };
  const body = JSON.stringify({ op: 'W1', keys: info.keys });
  return startTimed(here('./proxy.ts'), env, nodeArgs, async (url) => {
    const res = await fetch(`${url}/op`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': info.token }, body });
    await res.text();
    return res.status === 200;
  });
}
