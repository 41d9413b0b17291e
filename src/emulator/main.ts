/**
 * `npm run emulator`: the KMS emulator alone. Prints where it listens and how to call it as each
 * user (password, AK/SK, a ready token); stops cleanly on SIGINT/SIGTERM. A bad environment
 * variable or seed/state file -> a message naming it, exit status 1.
 */
import { EnvError, readEmulatorEnv } from './env.ts';
import { startEmulator } from './index.ts';
import type { RunningEmulator } from './index.ts';

function banner(emu: RunningEmulator): string {
  const lines = [
    `KMS emulator listening on ${emu.url}`,
    `  KMS:  POST ${emu.url}/v1.0/${emu.projectId}/kms/<action>`,
    `  IAM:  POST ${emu.url}/v3/auth/tokens`,
    `  project id: ${emu.projectId}`,
    '',
  ];
  for (const u of Object.values(emu.demo)) {
    lines.push(
      `user ${u.name} (domain ${u.domainName}, user id ${u.userId}, project ${u.projectId})`,
      `  password: ${u.password}`,
      `  AK/SK:    ${u.accessKey} / ${u.secretKey}`,
      `  X-Auth-Token: ${u.token}`,
      '',
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  let emu: RunningEmulator;
  try {
    emu = await startEmulator(readEmulatorEnv(process.env));
  } catch (err) {
    const prefix = err instanceof EnvError ? 'configuration error' : 'cannot start the KMS emulator';
    process.stderr.write(`${prefix}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${banner(emu)}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping the KMS emulator\n`);
    emu.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await main();
