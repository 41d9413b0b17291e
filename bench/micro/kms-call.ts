/**
 * `node --import tsx bench/micro/kms-call.ts [attempt module]`: the client-side CPU of one KMS
 * attempt, in process: `sendAttempt` (src/kms/attempt.ts, or the module given, e.g.
 * bench/micro/attempt-raw.ts, plain node:http, the floor) on a got instance configured as
 * src/kms/client.ts's, against a fixed 20-grant list-grants answer served by a child process
 * (kms-server.mjs), so only the client's CPU is counted. 10 calls in flight; N calls per round
 * (env N, default 20000), R rounds (env R, default 5); prints us/call per round.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import got from 'got';
import type { AttemptOutcome, AttemptRequest } from '../../src/kms/attempt.ts';

type Send = (client: typeof got, request: AttemptRequest) => Promise<AttemptOutcome>;

const module = process.argv[2] ? resolve(process.argv[2]) : fileURLToPath(new URL('../../src/kms/attempt.ts', import.meta.url));
const { sendAttempt } = (await import(module)) as { sendAttempt: Send };
const child = fork(fileURLToPath(new URL('./kms-server.mjs', import.meta.url)));
const port = await new Promise<number>((done) => child.once('message', (m: { port: number }) => done(m.port)));
const client = got.extend({
  prefixUrl: `http://127.0.0.1:${port}/v1.0/0123456789abcdef0123456789abcdef/kms`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  followRedirect: false,
  throwHttpErrors: false,
  agent: { http: new http.Agent({ keepAlive: true, maxSockets: 256 }), https: new https.Agent({ keepAlive: true, maxSockets: 256 }) },
  retry: { limit: 0 },
});
const request: AttemptRequest = {
  action: 'list-grants',
  headers: { 'x-auth-token': `emu1.${'x'.repeat(300)}`, 'x-request-id': '6f1c3c9e-0000-4000-8000-000000000001' },
  body: '{"key_id":"05c5d675-9f63-45fa-8654-97bd2dba4059","limit":"20","sequence":"6f1c3c9e-0000-4000-8000-000000000000"}',
  timeoutMs: 5000,
  maxBytes: 4 * 1024 * 1024,
};

async function calls(n: number): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (started++ < n) {
        const outcome = await sendAttempt(client, request);
        if (outcome.kind !== 'answered' || outcome.status !== 200) throw new Error(JSON.stringify(outcome));
      }
    }),
  );
}

const n = Number(process.env['N'] ?? 20_000);
await calls(3000); // warm-up
const perCall: number[] = [];
for (let round = 0; round < Number(process.env['R'] ?? 5); round++) {
  const before = process.cpuUsage();
  await calls(n);
  const used = process.cpuUsage(before);
  perCall.push((used.user + used.system) / n);
}
perCall.sort((a, b) => a - b);
console.log(
  `${module}: us/call min ${perCall[0]?.toFixed(1)}, median ${perCall[Math.floor(perCall.length / 2)]?.toFixed(1)} (rounds: ${perCall.map((x) => x.toFixed(0)).join(' ')})`,
);
child.kill();
