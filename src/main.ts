import { randomBytes } from 'node:crypto';
import { EnvError } from 'envalid';
import { loadConfig, type GatewayConfig } from './config.ts';
import type { RunningEmulator } from './emulator/index.ts';
import { startGateway } from './server/http.ts';

/**
 * `npm start`: the gateway on a real KMS when KMS_ENDPOINT and KMS_PROJECT_ID are set, else on
 * the embedded emulator (seeded with demo data), printing what a new user needs to try it.
 */
async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof EnvError ? `Configuration error: ${error.message}` : error);
    process.exit(1);
  }

  let emulator: RunningEmulator | undefined;
  let demoKeyId: string | undefined;
  if (config.kmsEndpoint === undefined) {
    // Loaded only when used: a gateway on a real KMS does not pay for the emulator's modules.
    const { DEMO, startEmulator } = await import('./emulator/index.ts');
    demoKeyId = DEMO.keys.full;
    emulator = await startEmulator({ port: 0 });
    // A throwaway cursor key is right for a demo: one process, nothing to share.
    config = { ...config, kmsEndpoint: emulator.url, kmsProjectId: emulator.projectId, cursorSecret: config.cursorSecret ?? randomBytes(32).toString('hex') };
  }
  const alice = emulator?.demo.alice;
  const gateway = await startGateway(config, alice && demoKeyId ? { graphiqlDemo: { token: alice.token, keyId: demoKeyId } } : {});

  console.log(`KMS grants gateway: ${gateway.graphqlUrl}`);
  if (emulator !== undefined && alice !== undefined) {
    console.log(`KMS: embedded emulator at ${emulator.url} (project ${emulator.projectId}); set KMS_ENDPOINT and KMS_PROJECT_ID for a real KMS.`);
    console.log(`Open ${gateway.graphqlUrl} in a browser: GraphiQL has alice's demo token in its headers already.`);
    console.log(`Demo page: ${gateway.url}/ (token and the 100-grant demo key prefilled).`);
    console.log(`Demo tokens (valid 24 h), send as X-Auth-Token:`);
    for (const user of Object.values(emulator.demo)) console.log(`  ${user.name}: ${user.token}`);
    console.log(`Try it from a shell:`);
    console.log(`  TOKEN='${alice.token}'`);
    console.log(`  curl -s ${gateway.graphqlUrl} -H 'content-type: application/json' -H "X-Auth-Token: $TOKEN" \\`);
    console.log(`    -d '{"query":"{ grants(keyId: \\"${demoKeyId}\\", first: 3) { totalCount edges { node { grantId } } } }"}'`);
  } else {
    console.log(`KMS: ${config.kmsEndpoint} (project ${config.kmsProjectId})`);
  }

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight requests, then exiting`);
    // The server force-closes its sockets after the grace period; this is the last resort.
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs + 5000).unref();
    await gateway.close();
    await emulator?.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

await main();
