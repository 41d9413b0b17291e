/**
 * The floor for bench/micro/kms-call.ts: one KMS attempt on plain node:http (keep-alive agent),
 * none of got's option handling. Not a replacement for src/kms/attempt.ts (no size limit, no
 * timeout): only how much of an attempt's cost is got's.
 */
import http from 'node:http';
import type { Got } from 'got';
import type { AttemptOutcome, AttemptRequest } from '../../src/kms/attempt.ts';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let base: URL | undefined;

export function sendAttempt(client: Got, request: AttemptRequest): Promise<AttemptOutcome> {
  base ??= new URL(String(client.defaults.options.prefixUrl));
  const url = base;
  return new Promise((resolve) => {
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(request.body)), ...request.headers };
    const req = http.request(
      { host: url.hostname, port: url.port, path: `${url.pathname}/${request.action}`, method: 'POST', agent, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ kind: 'answered', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), retryAfter: undefined }),
        );
      },
    );
    req.on('error', () => resolve({ kind: 'connection' }));
    req.end(request.body);
  });
}
