import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, listFromKms, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, expectedError, gql } from '../support/gateway.ts';
import { buildCases, type FuzzCase } from './fuzzCases.ts';
import { parsed, raw, type RawResult } from './raw.ts';

// Fixtures: the demo keys `full` (100 grants) and `app` (12), behind an emulator serving pages of
// at most 7; the grant ids come straight from KMS, and 12 real cursors of `full` are fetched once
// before the fuzz (so tampered real cursors are in the mix); then the emulator is reset, so its
// request log holds only what the fuzz makes it receive.
const KEY_A = DEMO.keys.full;
const KEY_B = DEMO.keys.app;
const SEED = 0x4b4d5321;
const TOTAL_REQUESTS = 2200;
const HEALTH_EVERY = 200;
const CONCURRENCY = 8;

const stack = useEmulatorStack({}, { pageCap: 7 });
let grantIdsA: string[] = [];
let grantIdsB: string[] = [];
let realCursors: string[] = [];
/** What no answer may contain: every demo token, the KMS URL, its host and project path. */
let secrets: string[] = [];
beforeAll(async () => {
  const { emulator, gw, alice, tokens } = stack;
  const idsOf = async (key: string): Promise<string[]> => (await listFromKms(emulator, key, tokens.alice)).map((g) => g.grant_id);
  [grantIdsA, grantIdsB] = await Promise.all([idsOf(KEY_A), idsOf(KEY_B)]);
  const page = await gql<{ grants: { edges: { cursor: string }[] } }>(
    gw,
    `query($k: ID!) { grants(keyId: $k, first: 12) { edges { cursor } } }`,
    { k: KEY_A },
    alice,
  );
  realCursors = page.body.data?.grants.edges.map((e) => e.cursor) ?? [];
  secrets = [...Object.values(emulator.demo).map((u) => u.token), emulator.url, new URL(emulator.url).host, `/v1.0/${emulator.projectId}`];
  await emulator.reset();
});
afterAll(() => agent.destroy());

// ---------------------------------------------------------------------------------------------
// Sending

/** Sends one raw HTTP/1.1 request over a socket and answers the status and text (connection: close). */
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
      resolve({ status, headers: new Headers(), text, json: parsed(text.split('\r\n\r\n').slice(1).join('\r\n\r\n')) });
    });
    socket.end(request);
  });
}

/** Keep-alive connections for the fuzz (node:http costs about half what fetch does per request). */
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * Sends one case with node:http (or a raw socket), tagged with `X-Request-Id: fuzz-<index>`.
 * Status -1: the client failed (it refused the bytes, or the connection broke); the test wants none.
 */
function send(fuzz: FuzzCase, index: number): Promise<RawResult> {
  const { gw } = stack;
  if (fuzz.rawRequest !== undefined) {
    return rawSocket(gw.url, fuzz.rawRequest.replace('Connection: close\r\n', `Connection: close\r\nX-Request-Id: fuzz-${index}\r\n`));
  }
  const url = new URL(gw.graphqlUrl);
  for (const [name, value] of Object.entries(fuzz.search ?? {})) url.searchParams.set(name, value);
  const headers = { ...fuzz.headers, 'x-request-id': `fuzz-${index}` };
  const body = fuzz.body !== undefined && fuzz.method !== 'GET' ? fuzz.body : undefined;
  return new Promise((resolve) => {
    const failed = (error: unknown): void => resolve({ status: -1, headers: new Headers(), text: String(error), json: undefined });
    const attempt = (via: Agent | false): void => {
      try {
        const req = request(url, { method: fuzz.method, agent: via, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', failed);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const answerHeaders = new Headers();
            for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) answerHeaders.set(name, String(value));
            resolve({ status: res.statusCode ?? 0, headers: answerHeaders, text, json: parsed(text) });
          });
        });
        // A kept-alive socket the server closed between two requests breaks before the request is
        // read: Node's documented race, so that one case goes again on a connection of its own.
        req.on('error', (error) => (req.reusedSocket && via !== false ? attempt(false) : failed(error)));
        req.end(body);
      } catch (error) {
        failed(error);
      }
    };
    attempt(agent);
  });
}

/**
 * What must never be in an answer: the secrets and stack traces (`at f (file:1:2)` frames,
 * `.ts:`/`.js:` source positions, node_modules paths). yoga's `originalError` key is allowed here:
 * it stays on parser errors (yoga's status choice depends on it), with its text gone.
 */
function leaks(text: string): string[] {
  const found = secrets.filter((secret) => secret !== '' && text.includes(secret));
  if (/(\\n|\n)\s+at\s|\bat\s+\S+\s+\(\S+:\d+:\d+\)|\.(ts|js|mjs|cjs):\d+|node_modules|"stack"/.test(text)) found.push('stack trace');
  return found;
}

/** The verdict on one answer: an HTTP error or a GraphQL errors array, pinned status, no leaks. */
function verdict(fuzz: FuzzCase, result: RawResult): string[] {
  const problems: string[] = [];
  const errors = (result.json as { errors?: unknown } | undefined)?.errors;
  const graphqlError = Array.isArray(errors) && errors.length > 0;
  if (result.status === -1) return problems;
  if (result.status === 0) problems.push('no HTTP answer');
  if (result.status < 400 && !graphqlError) problems.push(`status ${result.status} without errors`);
  if (result.status >= 500) problems.push(`server error ${result.status}`);
  if (fuzz.status !== undefined && result.status !== fuzz.status) problems.push(`status ${result.status}, expected ${fuzz.status}`);
  problems.push(...leaks(result.text));
  // The gateway may quote the caller's own bad value in a message body; it must never turn it into a header.
  const headerText =
    fuzz.rawRequest !== undefined ? (result.text.split('\r\n\r\n')[0] ?? '') : [...result.headers].map(([n, v]) => `${n}: ${v}`).join('\n');
  if (/x-injected|x-folded/i.test(headerText)) problems.push('injected header in the response headers');
  return problems;
}

/** Calls `worker` for each item with at most `concurrency` in flight. */
async function forEachConcurrent<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await worker(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

describe('server/http and server/yoga (fuzz: malformed and hostile requests)', () => {
  describe('2,200 deterministic hostile requests with concurrency 8', () => {
    it('answers each with an HTTP error or GraphQL errors, with no stack, token or KMS URL, stays up, and never calls KMS', {
      timeout: 60_000,
    }, async () => {
      const { emulator, gw, tokens } = stack;
      const cases = buildCases(TOTAL_REQUESTS, { seed: SEED, keyA: KEY_A, keyB: KEY_B, grantIdsA, grantIdsB, realCursors, tokens });
      const failures: { index: number; category: string; problems: string[]; excerpt: string }[] = [];
      const health: number[] = [];
      let unsent = 0;
      for (let from = 0; from < cases.length; from += HEALTH_EVERY) {
        await forEachConcurrent(cases.slice(from, from + HEALTH_EVERY), CONCURRENCY, async (fuzz, offset) => {
          const index = from + offset;
          const result = await send(fuzz, index);
          if (result.status === -1) unsent += 1;
          const problems = verdict(fuzz, result);
          if (problems.length > 0) failures.push({ index, category: fuzz.category, problems, excerpt: result.text.slice(0, 300) });
        });
        health.push((await raw(`${gw.url}/health`)).status);
      }
      // Which fuzz requests reached KMS (the gateway forwards our X-Request-Id).
      const reachedKms = emulator.requests.map((r) => {
        const index = Number(String(r.headers['x-request-id']).replace('fuzz-', ''));
        return { index, category: cases[index]?.category, action: r.action, body: JSON.stringify(r.body ?? null).slice(0, 200) };
      });
      expect({
        failures: failures.slice(0, 20),
        failureCount: failures.length,
        reachedKms: reachedKms.slice(0, 20),
        kmsCalls: reachedKms.length,
        unsent,
        health,
        categories: new Set(cases.map((c) => c.category)).size >= 30,
      }).toEqual({
        failures: [],
        failureCount: 0,
        reachedKms: [],
        kmsCalls: 0,
        unsent: 0,
        health: Array.from({ length: TOTAL_REQUESTS / HEALTH_EVERY }, () => 200),
        categories: true,
      });
    });

    it('still serves a valid request normally after the fuzz', async () => {
      const { body } = await gql(
        stack.gw,
        `query($k: ID!) { grants(keyId: $k, first: 2) { totalCount edges { node { grantId } } } }`,
        { k: KEY_A },
        stack.alice,
      );
      expect(body).toEqual({
        data: { grants: { totalCount: grantIdsA.length, edges: grantIdsA.slice(0, 2).map((grantId) => ({ node: { grantId } })) } },
      });
    });
  });

  describe('parser errors', () => {
    it("does not echo the JSON parser's error (name, message, a slice of the body) in the answer", async () => {
      const response = await raw(stack.gw.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...stack.alice },
        body: '{"query": "{ __typename }", "variables": {"note": "echo-me-9f2c"',
      });
      expect({
        status: response.status,
        echoed: response.text.includes('echo-me-9f2c'),
        parserMessage: /Unexpected|JSON input|position \d/.test(response.text),
      }).toEqual({
        status: 400,
        echoed: false,
        parserMessage: false,
      });
    });
  });

  describe('cursors the gateway did not issue', () => {
    it('refuses a well-formed cursor carrying a forged KMS marker with BAD_USER_INPUT and no KMS call', async () => {
      await stack.emulator.reset();
      const forged = Buffer.from(JSON.stringify([1, `grants:${KEY_A}`, 'm:forged-marker', 0])).toString('base64url');
      const { body } = await gql(
        stack.gw,
        `query($k: ID!, $a: String) { grants(keyId: $k, first: 1, after: $a) { totalCount } }`,
        { k: KEY_A, a: forged },
        stack.alice,
      );
      expect({ errors: errorSummary(body), kms: stack.emulator.requests }).toEqual({
        errors: [expectedError(['grants'], 'BAD_USER_INPUT')],
        kms: [],
      });
    });
  });
});
