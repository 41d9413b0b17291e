import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGrants, makeKey, makeKeyId } from '../support/fixtures.ts';
import { startFakeKms } from '../support/fakeKms.ts';
import type { FakeKms } from '../support/fakeKms.ts';
import { ALICE, BOB, PROJECT, TOKENS, asUser, errorSummary, expectedError, gql, startGatewayOn } from '../support/gateway.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import { leaks, mapConcurrent, raw } from './support/http.ts';
import type { RawResult } from './support/http.ts';
import type { FuzzCase } from './support/fuzzCases.ts';
import { buildCases } from './support/fuzzCases.ts';

// Fixtures: keys A and B with grants, described; a real cursor of A is fetched once before the
// fuzz (so tampered real cursors are in the mix), then the fake's request log is cleared.
const KEY_A = makeKeyId(300);
const KEY_B = makeKeyId(301);
const GRANTS_A = makeGrants(KEY_A, 30);
const GRANTS_B = makeGrants(KEY_B, 5);
const SEED = 0x4b4d5321;
const TOTAL_REQUESTS = 2200;
const HEALTH_EVERY = 200;
const CONCURRENCY = 8;

let fake: FakeKms;
let gw: RunningGateway;
let realCursors: string[] = [];
beforeAll(async () => {
  fake = await startFakeKms({
    tokens: TOKENS,
    keys: [makeKey(KEY_A, 'fuzz-a'), makeKey(KEY_B, 'fuzz-b')],
    grants: [...GRANTS_A, ...GRANTS_B],
    pageCap: 7,
  });
  gw = await startGatewayOn(fake);
  const page = await gql<{ grants: { edges: { cursor: string }[] } }>(
    gw,
    `query($k: ID!) { grants(keyId: $k, first: 12) { edges { cursor } } }`,
    { k: KEY_A },
    asUser(ALICE),
  );
  realCursors = page.body.data?.grants.edges.map((e) => e.cursor) ?? [];
  fake.reset();
});
afterAll(async () => {
  await gw.close();
  await fake.close();
});

// ---------------------------------------------------------------------------------------------
// Sending

/** Sends one raw HTTP/1.1 request over a socket and returns the status and text (connection: close). */
function rawSocket(gwUrl: string, request: string): Promise<RawResult> {
  const { hostname, port } = new URL(gwUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('raw socket timeout')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const bodyText = text.split('\r\n\r\n').slice(1).join('\r\n\r\n');
      let json: unknown;
      try {
        json = JSON.parse(bodyText) as unknown;
      } catch {
        json = undefined;
      }
      resolve({ status, headers: new Headers(), text, json });
    });
    socket.end(request);
  });
}

async function send(fuzz: FuzzCase, index: number): Promise<RawResult> {
  if (fuzz.rawRequest !== undefined) {
    return rawSocket(gw.url, fuzz.rawRequest.replace('Connection: close\r\n', `Connection: close\r\nX-Request-Id: fuzz-${index}\r\n`));
  }
  const url = new URL(gw.graphqlUrl);
  for (const [name, value] of Object.entries(fuzz.search ?? {})) url.searchParams.set(name, value);
  const init: RequestInit = { method: fuzz.method, headers: { ...fuzz.headers, 'x-request-id': `fuzz-${index}` } };
  if (fuzz.body !== undefined && fuzz.method !== 'GET') init.body = fuzz.body;
  try {
    return await raw(url.toString(), init);
  } catch (error) {
    // fetch may refuse to send some bytes; a refused request reached nobody.
    return { status: -1, headers: new Headers(), text: String(error), json: undefined };
  }
}

/** The verdict on one answer: an HTTP error or a GraphQL errors array, pinned status, no leaks. */
function verdict(fuzz: FuzzCase, result: RawResult, secrets: readonly string[]): string[] {
  const problems: string[] = [];
  const errors = (result.json as { errors?: unknown } | undefined)?.errors;
  const graphqlError = Array.isArray(errors) && errors.length > 0;
  if (result.status === -1) return problems;
  if (result.status === 0) problems.push('no HTTP answer');
  if (result.status < 400 && !graphqlError) problems.push(`status ${result.status} without errors`);
  if (result.status >= 500) problems.push(`server error ${result.status}`);
  if (fuzz.status !== undefined && result.status !== fuzz.status) problems.push(`status ${result.status}, expected ${fuzz.status}`);
  problems.push(...leaks(result.text, secrets));
  // The gateway may quote the caller's own bad value in a message body; it must never turn it into a header.
  const headerText = fuzz.rawRequest !== undefined ? (result.text.split('\r\n\r\n')[0] ?? '') : [...result.headers].map(([n, v]) => `${n}: ${v}`).join('\n');
  if (/x-injected|x-folded/i.test(headerText)) problems.push('injected header in the response headers');
  return problems;
}

describe('server (fuzz: malformed and hostile requests)', () => {
  describe('2,200 deterministic hostile requests with concurrency 8', () => {
    it('answers each with an HTTP error or GraphQL errors, no stack/token/upstream URL, stays up, and never calls KMS', { timeout: 60_000 }, async () => {
      expect(realCursors).toHaveLength(12);
      const cases = buildCases(TOTAL_REQUESTS, { seed: SEED, keyA: KEY_A, keyB: KEY_B, grantsA: GRANTS_A, grantsB: GRANTS_B, realCursors });
      const secrets = [ALICE.token, BOB.token, fake.url, new URL(fake.url).host, `/v1.0/${PROJECT}`];
      const failures: { index: number; category: string; problems: string[]; excerpt: string }[] = [];
      let unsent = 0;
      const categories = new Map<string, number>();
      const started = performance.now();
      for (let from = 0; from < cases.length; from += HEALTH_EVERY) {
        const batch = cases.slice(from, from + HEALTH_EVERY);
        await mapConcurrent(batch, CONCURRENCY, async (fuzz, offset) => {
          const index = from + offset;
          categories.set(fuzz.category, (categories.get(fuzz.category) ?? 0) + 1);
          const result = await send(fuzz, index);
          if (result.status === -1) unsent += 1;
          const problems = verdict(fuzz, result, secrets);
          if (problems.length > 0) failures.push({ index, category: fuzz.category, problems, excerpt: result.text.slice(0, 300) });
        });
        const health = await raw(`${gw.url}/health`);
        expect({ after: from + batch.length, health: health.status }).toEqual({ after: from + batch.length, health: 200 });
      }
      const elapsed = performance.now() - started;
      // Which fuzz requests reached KMS (the gateway forwards our X-Request-Id).
      const reachedKms = fake.requests.map((r) => {
        const index = Number(String(r.headers['x-request-id']).replace('fuzz-', ''));
        return { index, category: cases[index]?.category, action: r.action, body: r.rawBody.slice(0, 200) };
      });
      expect({
        failures: failures.slice(0, 20),
        failureCount: failures.length,
        reachedKms: reachedKms.slice(0, 20),
        kmsCalls: reachedKms.length,
        unsent,
      }).toEqual({ failures: [], failureCount: 0, reachedKms: [], kmsCalls: 0, unsent: 0 });
      expect(cases.length).toBeGreaterThanOrEqual(2000);
      expect(categories.size).toBeGreaterThanOrEqual(30);
      expect(elapsed).toBeLessThan(40_000);
    });

    it('still serves a valid request normally after the fuzz', async () => {
      const { body } = await gql(gw, `query($k: ID!) { grants(keyId: $k, first: 2) { totalCount } }`, { k: KEY_A }, asUser(ALICE));
      expect(body).toEqual({ data: { grants: { totalCount: 30 } } });
    });
  });

  describe('parser errors', () => {
    it('does not echo the JSON parser\'s error (name, message, a slice of the body) in the response', async () => {
      const response = await raw(gw.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...asUser(ALICE) },
        body: '{"query": "{ __typename }", "variables": {"note": "echo-me-9f2c"',
      });
      // yoga keeps an `originalError` entry (its status choice depends on it); its text is gone.
      expect({ status: response.status, echoed: response.text.includes('echo-me-9f2c'), parserMessage: /Unexpected|JSON input|position \d/.test(response.text) }).toEqual({
        status: 400,
        echoed: false,
        parserMessage: false,
      });
    });
  });

  describe('cursors the gateway did not issue', () => {
    it('refuses a well-formed cursor carrying a forged KMS marker with BAD_USER_INPUT and no KMS call', async () => {
      fake.reset();
      const forged = Buffer.from(JSON.stringify([1, `grants:${KEY_A}`, 'm:forged-marker', 0])).toString('base64url');
      const { body } = await gql(gw, `query($k: ID!, $a: String) { grants(keyId: $k, first: 1, after: $a) { totalCount } }`, { k: KEY_A, a: forged }, asUser(ALICE));
      expect(errorSummary(body)).toEqual([expectedError(['grants'], 'BAD_USER_INPUT')]);
      expect(fake.requests.map((r) => r.rawBody)).toEqual([]);
    });
  });
});
