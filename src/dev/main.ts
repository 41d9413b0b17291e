/**
 * The development shell: what `npm start` runs when KMS_ENDPOINT is unset. The embedded KMS
 * emulator, seeded with demo data, and the gateway in front of it, with alice's demo token and
 * the 100-grant demo key preset in GraphiQL and on the demo page; prints what a new user needs
 * to try it. The emulator is a development tool: refused with NODE_ENV=production, and absent
 * once `npm prune --omit=dev` has removed its dependencies (fastify); both exit 1 saying what to set.
 */
import type * as Emulator from '../emulator/index.ts';
import { startGateway } from '../server/gateway.ts';
import { configOrExit, exitWithoutKms, stopOnSignals } from '../server/lifecycle.ts';
import { helpLines } from './help.ts';

const config = configOrExit();
if (config.kmsEndpoint !== undefined) {
  console.error(
    'KMS_ENDPOINT is set: the development shell runs only on the embedded emulator. Run the gateway itself (`npm start` does): node dist/server/main.js',
  );
  process.exit(1);
}
if (config.production) exitWithoutKms('NODE_ENV=production runs no embedded KMS emulator: it is a development tool');
const { DEMO, startEmulator } = await loadEmulator();

const emulator = await startEmulator({ port: 0 });
const [alice, bob] = [emulator.demo['alice'], emulator.demo['bob']];
if (alice === undefined || bob === undefined) throw new Error('the demo seed has no users alice and bob');
// The demo page switches between alice (who created the demo keys) and bob (who may retire some of their grants).
const users = [alice, bob].map(({ name, token, userId }) => ({ name, token, userId }));
const preset = { token: alice.token, keyId: DEMO.keys.full, users };
// CURSOR_SECRET unset is right here: one process, nothing to share (the gateway makes a key of its own).
const gateway = await startGateway({ ...config, kmsEndpoint: emulator.url, kmsProjectId: emulator.projectId }, { preset });
for (const line of helpLines(gateway, emulator, preset)) console.log(line);
stopOnSignals(config.shutdownGraceMs, async () => {
  await gateway.close();
  await emulator.close();
});

/** The emulator's module, or exit 1 when it cannot load because its dependencies are not installed. */
async function loadEmulator(): Promise<typeof Emulator> {
  try {
    return await import('../emulator/index.ts');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return exitWithoutKms(
      'The embedded KMS emulator is not installed here: its dependencies are development dependencies (`npm prune --omit=dev` removes them)',
    );
  }
}
