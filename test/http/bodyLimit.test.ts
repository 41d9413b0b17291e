/**
 * The request body limit (MAX_BODY_BYTES, server/limits/bodySize.ts): decided from
 * `Content-Length` when the request has one, counted while read when it is chunked; either way
 * a body over the limit is 413 REQUEST_ENTITY_TOO_LARGE with no KMS call, and one within it runs.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import { gatewayOn, kmsCalls } from '../support/emulatorStack.ts';

const LIMIT = 2048;
const KEY = DEMO.keys.app;
const QUERY = 'query($k: ID!) { grants(keyId: $k, first: 1) { totalCount } }';

let emulator: RunningEmulator;
let gw: RunningGateway;
let token = '';
beforeAll(async () => {
  emulator = await startEmulator();
  token = emulator.demo['alice']?.token ?? '';
  gw = await gatewayOn(emulator, { maxBodyBytes: LIMIT });
});
afterAll(async () => {
  await gw?.close();
  await emulator?.close();
});
beforeEach(() => {
  emulator.requests.length = 0;
});

/** A GraphQL body of exactly `bytes` bytes (padding in a variable the operation does not declare, which GraphQL ignores). */
function bodyOf(bytes: number): Buffer {
  const empty = JSON.stringify({ query: QUERY, variables: { k: KEY, pad: '' } });
  const body = Buffer.from(JSON.stringify({ query: QUERY, variables: { k: KEY, pad: 'x'.repeat(bytes - empty.length) } }));
  if (body.length !== bytes) throw new Error(`body of ${body.length} bytes, not ${bytes}`);
  return body;
}

/**
 * POSTs `body` with node:http: with its Content-Length, or chunked (no Content-Length) in
 * chunks of `chunk` bytes, written one after another. Answers the status and the error code.
 */
function post(body: Buffer, mode: 'content-length' | 'chunked', chunk = 512): Promise<{ status: number; code: unknown; errors: unknown }> {
  return new Promise((resolve, reject) => {
    const url = new URL(gw.graphqlUrl);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'x-auth-token': token };
    if (mode === 'content-length') headers['content-length'] = body.length;
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => {
        const json = JSON.parse(Buffer.concat(parts).toString('utf8')) as { errors?: Array<{ extensions?: { code?: unknown } }> };
        resolve({ status: res.statusCode ?? 0, code: json.errors?.[0]?.extensions?.code, errors: json.errors });
      });
    });
    // The gateway may answer 413 and close before the whole body is sent: that is its answer.
    req.on('error', reject);
    if (mode === 'content-length') {
      req.end(body);
      return;
    }
    for (let at = 0; at < body.length; at += chunk) req.write(body.subarray(at, at + chunk));
    req.end();
  });
}

describe('request body limit (MAX_BODY_BYTES)', () => {
  it('answers 413 to a Content-Length over the limit, with no KMS call', async () => {
    expect(await post(bodyOf(LIMIT + 1), 'content-length')).toMatchObject({ status: 413, code: 'REQUEST_ENTITY_TOO_LARGE' });
    expect(kmsCalls(emulator)).toEqual([]);
  });

  it('answers 413 to a chunked body over the limit (no Content-Length: counted while read), with no KMS call', async () => {
    expect(await post(bodyOf(LIMIT + 1), 'chunked')).toMatchObject({ status: 413, code: 'REQUEST_ENTITY_TOO_LARGE' });
    expect(await post(bodyOf(LIMIT * 4), 'chunked', 100)).toMatchObject({ status: 413, code: 'REQUEST_ENTITY_TOO_LARGE' });
    expect(kmsCalls(emulator)).toEqual([]);
  });

  it('runs a body of exactly the limit, with a Content-Length or chunked', async () => {
    expect(await post(bodyOf(LIMIT), 'content-length')).toEqual({ status: 200, code: undefined, errors: undefined });
    expect(await post(bodyOf(LIMIT), 'chunked')).toEqual({ status: 200, code: undefined, errors: undefined });
    expect(kmsCalls(emulator, 'list-grants')).toHaveLength(2);
  });
});
