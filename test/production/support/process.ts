/**
 * Gateway child processes for the shutdown, replica and start-up tests: `node dist/server/main.js`,
 * exactly what `npm start` runs (test/globalSetup.ts builds it before the suite)
 * with the environment a deployment would give it.
 */
import { connect } from 'node:net';
import { freePort, spawnScript, type ScriptProcess } from '../../../scripts/processes.ts';

export { freePort, spawnScript, type ScriptProcess };

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
