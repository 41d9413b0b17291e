import { EnvError } from 'envalid';
import { loadConfig, type GatewayConfig } from '../config.ts';

/**
 * What both entries (`server/main.ts`, the gateway; `dev/main.ts`, the development shell) do
 * around a running gateway: read the configuration or exit, and stop gracefully on a signal.
 */

/** The configuration from `env`; on a bad variable, `Configuration error: <VARIABLE>: <why>` on stderr and exit 1. */
export function configOrExit(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    console.error(error instanceof EnvError ? `Configuration error: ${error.message}` : error);
    process.exit(1);
  }
}

/**
 * Exit 1 saying what to set when there is no KMS to use: no KMS_ENDPOINT, and `why` the
 * embedded emulator is not an option here.
 */
export function exitWithoutKms(why: string): never {
  console.error(
    'Configuration error: KMS_ENDPOINT: not set. Set KMS_ENDPOINT to your KMS base URL ' +
      '(e.g. https://kms.cn-north-4.myhuaweicloud.com) and KMS_PROJECT_ID to your IAM project id. ' +
      `(${why}.)`,
  );
  process.exit(1);
}

/**
 * On the first SIGINT or SIGTERM: say so, run `stop` (it lets in-flight requests finish, up to
 * `graceMs`), then exit 0. Should `stop` hang anyway, exit 1 shortly after the grace period.
 */
export function stopOnSignals(graceMs: number, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight requests, then exiting`);
    // The server force-closes its sockets after the grace period; this is the last resort.
    setTimeout(() => process.exit(1), graceMs + 5000).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('error while stopping:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
}
