import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEMO, startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { ROOT, freePort } from '../../scripts/processes.ts';

/**
 * The production install, for real: a copy of the project built, then pruned of its development
 * dependencies (`npm run build && npm prune --omit=dev`), started with `npm start` on a KMS (the
 * emulator, in this process) and asked a GraphQL query with a demo token. Without KMS_ENDPOINT it
 * must refuse to start and say what to set: the emulator is a development tool.
 */

/**
 * The copy goes in the system's temporary folder, not inside the repository: Node resolves a
 * package in every node_modules above the importing file, so a copy under the repository would
 * still find the repository's own fastify after the prune.
 */
const TEMP = tmpdir();
/** On the repository's file system, node_modules is copied as hard links: a second instead of 300 MB. */
const SAME_DEVICE = statSync(TEMP).dev === statSync(ROOT).dev;
let COPY = '';
/** What the build reads and `npm start` runs (no tests, no benchmark). */
const PROJECT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'schema.graphql', 'src', 'client', 'scripts'];
/** The refusal's message: which variables to set. */
const SAYS_WHAT_TO_SET = /^Configuration error: KMS_ENDPOINT: not set\. Set KMS_ENDPOINT .* and KMS_PROJECT_ID /m;
/** Development dependencies the running product must not need. */
const DEV_ONLY = ['fastify', 'tsx', 'esbuild', '@urql/core'];

interface Run {
  code: number | null;
  output: string;
}

/** `npm args` in the copy (see {@link run}). */
function npm(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<Run> {
  return run('npm', args, env, COPY, timeoutMs);
}

/** `npm start` in the copy, in a process group of its own (npm, its shell, node), waited for until it prints its URL. */
async function npmStart(env: Record<string, string>, ready: string): Promise<{ stop: () => void; output: () => string }> {
  const { child, output } = spawnInGroup('npm', ['start'], env, COPY);
  const stop = (): void => killGroup(child.pid);
  const deadline = performance.now() + 15_000;
  while (!output().includes(ready)) {
    if (child.exitCode !== null || performance.now() > deadline) {
      stop();
      throw new Error(`npm start did not start (exit ${child.exitCode}); output:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { stop, output };
}

let emulator: RunningEmulator;
let prune: Run;

beforeAll(async () => {
  COPY = mkdtempSync(join(TEMP, 'kms-grants-gateway-production-'));
  for (const file of PROJECT_FILES) cpSync(join(ROOT, file), join(COPY, file), { recursive: true });
  // npm only unlinks what it prunes; the one file it rewrites in node_modules is its hidden
  // lockfile, so that one is a copy of its own, never a link to the repository's.
  await run('cp', [SAME_DEVICE ? '-al' : '-a', join(ROOT, 'node_modules'), join(COPY, 'node_modules')], {}, ROOT, 60_000);
  const hiddenLock = join(COPY, 'node_modules', '.package-lock.json');
  rmSync(hiddenLock, { force: true });
  if (existsSync(join(ROOT, 'node_modules', '.package-lock.json'))) cpSync(join(ROOT, 'node_modules', '.package-lock.json'), hiddenLock);
  const build = await npm(['run', 'build']);
  if (build.code !== 0) throw new Error(`npm run build failed:\n${build.output}`);
  // --offline: pruning only removes, so it needs no registry.
  prune = await npm(['prune', '--omit=dev', '--no-audit', '--no-fund', '--offline']);
  emulator = await startEmulator({ port: 0 });
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  if (COPY !== '') rmSync(COPY, { recursive: true, force: true });
});

// Each test starts processes of its own and waits on them: they run side by side.
describe.concurrent('the production install (npm run build && npm prune --omit=dev)', () => {
  it('leaves none of the development dependencies the product does not run on', ({ expect }) => {
    expect({ prune: prune.code, left: DEV_ONLY.filter((name) => existsSync(join(COPY, 'node_modules', name))) }).toEqual({
      prune: 0,
      left: [],
    });
  });

  it('serves GraphQL from the built output on NODE_ENV=production npm start with KMS_ENDPOINT, without rebuilding', async ({ expect }) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const gateway = await npmStart(
      {
        NODE_ENV: 'production',
        KMS_ENDPOINT: emulator.url,
        KMS_PROJECT_ID: emulator.projectId,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'silent',
      },
      `KMS grants gateway: ${url}/graphql`,
    );
    try {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': emulator.demo['alice']?.token ?? '' },
        body: JSON.stringify({
          query: 'query($k: ID!) { grants(keyId: $k, first: 3) { totalCount edges { node { keyId } } } }',
          variables: { k: DEMO.keys.full },
        }),
      });
      const [health, ready] = await Promise.all([fetch(`${url}/health`), fetch(`${url}/ready`)]);
      expect({
        status: response.status,
        body: (await response.json()) as unknown,
        health: health.status,
        ready: ready.status,
        rebuilt: gateway.output().includes('Building dist/'),
      }).toEqual({
        status: 200,
        body: { data: { grants: { totalCount: 100, edges: Array.from({ length: 3 }, () => ({ node: { keyId: DEMO.keys.full } })) } } },
        health: 200,
        ready: 200,
        rebuilt: false,
      });
    } finally {
      gateway.stop();
    }
  });

  it.for<[string, Record<string, string>]>([
    ['without NODE_ENV', {}],
    ['with NODE_ENV=production', { NODE_ENV: 'production' }],
  ])('exits 1 on npm start without KMS_ENDPOINT (%s), saying what to set', async ([_name, env], { expect }) => {
    const { code, output } = await npm(['start'], { ...env, PORT: String(await freePort()) }, 8000);
    expect({ code, says: SAYS_WHAT_TO_SET.test(output), served: output.includes('KMS grants gateway:') }).toEqual({
      code: 1,
      says: true,
      served: false,
    });
  });
});

describe.concurrent('NODE_ENV=production without KMS_ENDPOINT, development dependencies installed', () => {
  it.for([
    ['npm start (scripts/start.js)', 'scripts/start.js'],
    ['the development shell itself (dist/dev/main.js)', 'dist/dev/main.js'],
  ] as const)('exits 1 from %s, saying what to set, and starts no emulator', async ([_name, script], { expect }) => {
    const { code, output } = await run(process.execPath, [script], { NODE_ENV: 'production', PORT: String(await freePort()) }, ROOT);
    expect({ code, says: SAYS_WHAT_TO_SET.test(output), emulator: output.includes('embedded emulator at') }).toEqual({
      code: 1,
      says: true,
      emulator: false,
    });
  });
});

/**
 * Runs a command in `cwd` ({@link spawnInGroup}); resolves when it exits. After `timeoutMs` the
 * whole group is killed (npm's children too), so a process that should have exited but serves
 * instead fails its test with its output rather than hanging.
 */
function run(command: string, args: string[], env: Record<string, string> = {}, cwd = ROOT, timeoutMs = 15_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const { child, output } = spawnInGroup(command, args, env, cwd);
    const timer = setTimeout(() => killGroup(child.pid), timeoutMs);
    child.once('error', reject);
    // Whatever the command left running (npm's shell and node) goes with it, which also closes
    // the pipes those hold, so 'close' (all output read) follows.
    child.once('exit', () => killGroup(child.pid));
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output() });
    });
  });
}

/** Starts `command` in `cwd` with only PATH, HOME and `env`, in a process group of its own; `output` is its stdout and stderr so far. */
function spawnInGroup(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): { child: ChildProcessByStdio<null, Readable, Readable>; output: () => string } {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** SIGKILL to the process group `pid` leads (one this file started), if it is still there. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
