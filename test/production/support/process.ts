/**
 * Gateway child processes for the shutdown, replica and start-up tests: `node dist/server/main.js`,
 * exactly what `npm start` runs (test/globalSetup.ts builds it before the suite)
 * with the environment a deployment would give it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A free loopback port (main.ts refuses PORT=0: envalid's port() wants 1..65535). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A child process running a script (TypeScript under tsx, or a built .js). */
export interface ScriptProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** SIGKILL if still running (cleanup). */
  kill(): void;
}

/**
 * Spawns `<script>` (under tsx when it is TypeScript) in the repository root with only PATH, HOME and `env`,
 * and waits (at most `startupMs`) until its output contains `ready`; SIGKILLs it and throws
 * with the output if it exits or times out first.
 */
export async function spawnScript(script: string, env: Record<string, string>, ready: string, startupMs: number): Promise<ScriptProcess> {
  // TypeScript runs under tsx; the built bundle runs on plain node, as `npm start` does.
  const args = script.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() }));
  });
  const deadline = performance.now() + startupMs;
  while (!output.includes(ready)) {
    if (child.exitCode !== null || performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not start (exit ${child.exitCode}); output:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    child,
    output: () => output,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** A gateway process. */
export interface GatewayProcess extends ScriptProcess {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  graphqlUrl: string;
}

/** Spawns the built gateway (`npm start`'s `node dist/server/main.js`) on a free port and waits (at most `startupMs`) for its URL line. */
export async function spawnGateway(env: Record<string, string>, startupMs = 15_000): Promise<GatewayProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const gateway = await spawnScript('dist/server/main.js', { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'silent', ...env }, `KMS grants gateway: ${url}/graphql`, startupMs);
  return { ...gateway, url, graphqlUrl: `${url}/graphql` };
}

/** Whether a new TCP connection to `url` is accepted (true) or refused (false). */
export function acceptsConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
