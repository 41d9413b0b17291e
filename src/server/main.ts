/**
 * The gateway process: `node dist/server/main.js`, which `npm start` runs when KMS_ENDPOINT is
 * set. Configuration from the environment, the gateway, a graceful stop on SIGTERM or SIGINT:
 * nothing else. The embedded emulator and the demo presets are the development shell's
 * (`src/dev/main.ts`); without KMS_ENDPOINT this process exits 1 saying what to set.
 */
import { createLogger } from '../observability/logger.ts';
import { startGateway } from './gateway.ts';
import { configOrExit, exitWithoutKms, stopOnSignals } from './lifecycle.ts';

const config = configOrExit();
if (config.kmsEndpoint === undefined) {
  exitWithoutKms(
    'The embedded KMS emulator is a development tool: `npm start` runs it when KMS_ENDPOINT is unset, outside production, with the development dependencies installed',
  );
}
const logger = createLogger(config.logLevel);
if (config.cursorSecret === undefined) {
  logger.warn('CURSOR_SECRET is unset: cursors are signed with a random key and stop working on restart or on another replica');
}
const gateway = await startGateway(config, { logger });
console.log(`KMS grants gateway: ${gateway.graphqlUrl}`);
console.log(`KMS: ${config.kmsEndpoint} (project ${config.kmsProjectId})`);
stopOnSignals(config.shutdownGraceMs, gateway.close);
