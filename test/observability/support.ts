/**
 * What the observability tests share: a pino destination in memory, and a gateway on a running
 * emulator that logs into it.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { GatewayConfig } from '../../src/config.ts';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import { gatewayOn } from '../support/emulatorStack.ts';

/** Every line a logger wrote: parsed, and as text (for leak checks). */
export interface MemoryLog {
  lines(): Record<string, unknown>[];
  text(): string;
}

/**
 * A gateway on `emulator` logging at `level` into memory, with no read retries (so every KMS
 * call is one attempt); the caller closes it.
 */
export async function loggingGateway(
  emulator: RunningEmulator,
  level: string,
  overrides: Partial<GatewayConfig> = {},
): Promise<{ gw: RunningGateway; log: MemoryLog }> {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const text = (): string => chunks.join('');
  const lines = (): Record<string, unknown>[] =>
    text()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const gw = await gatewayOn(emulator, { kmsReadRetries: 0, logLevel: level, ...overrides }, pino({ level }, stream));
  return { gw, log: { lines, text } };
}

/** The per-operation lines of a log (`msg: 'graphql operation'`). */
export function operationLines(log: MemoryLog): Record<string, unknown>[] {
  return log.lines().filter((l) => l['msg'] === 'graphql operation');
}
