/**
 * Gateway child processes for the process-level tests (shutdown, replicas, start-up, reply
 * memory): `node dist/server/main.js`, exactly what `npm start` runs with KMS_ENDPOINT set
 * (test/globalSetup.ts builds it before the suite), with the environment a deployment would give
 * it, in front of an emulator running in the test's own process.
 */
import { connect } from 'node:net';
import { freePort, spawnScript, type ScriptProcess } from '../../scripts/processes.ts';
import type { RunningEmulator } from '../../src/emulator/index.ts';

export { freePort, spawnScript, type ScriptProcess };

/** A gateway process. */
export interface GatewayProcess extends ScriptProcess {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  graphqlUrl: string;
}

/**
 * Spawns the built gateway on a free port with `env` (LOG_LEVEL silent unless given) and waits, at
 * most `startupMs`, for the line that prints its URL; throws with its output if it exits first.
 */
export async function spawnGateway(env: Record<string, string>, startupMs = 15_000): Promise<GatewayProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const ready = `KMS grants gateway: ${url}/graphql`;
  const gateway = await spawnScript(
    'dist/server/main.js',
    { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'silent', ...env },
    ready,
    startupMs,
  );
  return { ...gateway, url, graphqlUrl: `${url}/graphql` };
}

/** The environment that points a gateway process at `emulator` (its URL and project). */
export function kmsEnv(emulator: RunningEmulator): Record<string, string> {
  return { KMS_ENDPOINT: emulator.url, KMS_PROJECT_ID: emulator.projectId };
}

/** Whether a new TCP connection to `url` is accepted (true) or refused (false); a silent listener counts as refusing after 2 s. */
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

/** Resolves once `proc` has printed `text` (stdout or stderr); rejects if it exits first or `deadlineMs` passes. */
export function printed(proc: ScriptProcess, text: string, deadlineMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const streams = [proc.child.stdout, proc.child.stderr].filter((s) => s !== null);
    const done = (error?: Error): void => {
      clearTimeout(timer);
      for (const stream of streams) stream.off('data', check);
      proc.child.off('exit', onExit);
      if (error === undefined) resolve();
      else reject(error);
    };
    const check = (): void => {
      if (proc.output().includes(text)) done();
    };
    const onExit = (): void => done(new Error(`exited before printing ${JSON.stringify(text)}; output:\n${proc.output()}`));
    const timer = setTimeout(
      () => done(new Error(`did not print ${JSON.stringify(text)} within ${deadlineMs} ms; output:\n${proc.output()}`)),
      deadlineMs,
    );
    // The process's own output listener was attached first, so output() already holds each chunk when `check` runs.
    for (const stream of streams) stream.on('data', check);
    proc.child.once('exit', onExit);
    check();
  });
}
