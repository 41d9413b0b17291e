import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { makeGrants, makeKey, makeKeyId } from '../support/fixtures.ts';
import { startFakeKms } from '../support/fakeKms.ts';
import type { FakeKms } from '../support/fakeKms.ts';
import { ALICE, PROJECT, TOKENS, asUser, gql } from '../support/gateway.ts';
import { startGateway } from '../../src/server/gateway.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import { DEFAULT_CONFIG } from '../../src/config.ts';
import type { GatewayConfig } from '../../src/config.ts';
import { raw, sleep } from './support/http.ts';

// Fixtures: two described keys (3 and 2 grants) and distinctive secrets that must never be logged.
const KEY_A = makeKeyId(500);
const KEY_B = makeKeyId(501);
const GRANTS = [...makeGrants(KEY_A, 3), ...makeGrants(KEY_B, 2)];
/** Tokens the fake does not know (KMS answers 401) and one it knows; all distinctive. */
const SECRET_HEADER_TOKEN = 'MIIsecret-XAUTH-4e1b7c9d2f';
const SECRET_BEARER_TOKEN = 'MIIsecret-BEARER-8a3f6e0c1d';
const SECRET_VARIABLE = 'variable-secret-6d2e9b';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A pino destination in memory: every line the gateway logs. */
function memoryLog(): { stream: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
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
  return { stream, lines, text };
}

let fake: FakeKms;
beforeAll(async () => {
  fake = await startFakeKms({ tokens: TOKENS, keys: [makeKey(KEY_A, 'obs-a'), makeKey(KEY_B, 'obs-b')], grants: GRANTS });
});
afterAll(async () => fake.close());
beforeEach(() => fake.reset());

const started: RunningGateway[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((g) => g.close()));
});

async function gatewayOn(upstream: string, level: string, overrides: Partial<GatewayConfig> = {}) {
  const log = memoryLog();
  const gw = await startGateway(
    { ...DEFAULT_CONFIG, port: 0, kmsEndpoint: upstream, kmsProjectId: PROJECT, kmsTimeoutMs: 300, kmsReadRetries: 0, logLevel: level, ...overrides },
    { logger: pino({ level }, log.stream) },
  );
  started.push(gw);
  return { gw, log };
}

const operationLines = (lines: Record<string, unknown>[]): Record<string, unknown>[] => lines.filter((l) => l['msg'] === 'graphql operation');

describe('observability (logs, request ids, health, readiness, metrics)', () => {
  describe('operation log', () => {
    it('writes one line per operation with name, type, ms, kmsCalls, outcome and requestId', async () => {
      const { gw, log } = await gatewayOn(fake.url, 'info');
      const named = `query KeyGrants($k: ID!) { grants(keyId: $k, first: 3) { edges { node { grantId key { alias } } } } }`;
      await gql(gw, named, { k: KEY_A }, { ...asUser(ALICE), 'x-request-id': 'obs-op-1' });
      await gql(gw, `{ __typename }`, {}, { 'x-request-id': 'obs-op-2' });
      await gql(gw, `query Bad { grants(keyId: "nope") { totalCount } }`, {}, { ...asUser(ALICE), 'x-request-id': 'obs-op-3' });
      await gql(
        gw,
        `mutation Revoke($k: ID!, $g: ID!) { revokeGrant(input: { keyId: $k, grantId: $g }) { grantId } }`,
        { k: KEY_A, g: GRANTS[0]?.grant_id },
        { ...asUser(ALICE), 'x-request-id': 'obs-op-4' },
      );
      const line = (requestId: string, operation: string | null, type: string, kmsCalls: number, outcome: string, errors: string[]) => ({
        requestId,
        operation,
        type,
        ms: expect.any(Number) as unknown,
        kmsCalls,
        outcome,
        errors,
      });
      expect(operationLines(log.lines()).map(({ requestId, operation, type, ms, kmsCalls, outcome, errors }) => ({ requestId, operation, type, ms, kmsCalls, outcome, errors }))).toEqual([
        line('obs-op-1', 'KeyGrants', 'query', 2, 'ok', []),
        line('obs-op-2', null, 'query', 0, 'ok', []),
        line('obs-op-3', 'Bad', 'query', 0, 'error', ['BAD_USER_INPUT']),
        line('obs-op-4', 'Revoke', 'mutation', 1, 'ok', []),
      ]);
      expect(operationLines(log.lines()).every((l) => typeof l['ms'] === 'number' && (l['ms'] as number) >= 0 && l['level'] === 30)).toBe(true);
    });

    it.each([
      { name: 'no token', query: `query NoToken($k: ID!) { grants(keyId: $k) { totalCount } }`, variables: { k: KEY_A }, headers: {} },
      {
        name: 'over the requested-grants limit',
        query: `query TooMany($k: ID!, $n: Int) { a: grants(keyId: $k, first: $n) { totalCount } b: grants(keyId: $k, first: $n) { totalCount } c: grants(keyId: $k, first: $n) { totalCount } d: grants(keyId: $k, first: $n) { totalCount } e: grants(keyId: $k, first: $n) { totalCount } f: grants(keyId: $k, first: $n) { totalCount } }`,
        variables: { k: KEY_A, n: 1000 },
        headers: asUser(ALICE),
      },
      {
        name: 'over the alias limit (graphql-armor)',
        query: `query Aliases { ${Array.from({ length: 16 }, (_, i) => `a${i}: retirableGrants(first: 1) { totalCount }`).join(' ')} }`,
        variables: {},
        headers: asUser(ALICE),
      },
    ])('logs and counts an operation refused before any resolver runs ($name)', async ({ query, variables, headers }) => {
      const { gw, log } = await gatewayOn(fake.url, 'info');
      const result = await gql(gw, query, variables, { ...headers, 'x-request-id': 'obs-refused' });
      const code = String(result.body.errors?.[0]?.extensions?.['code']);
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      expect({
        lines: operationLines(log.lines()).map(({ requestId, outcome, kmsCalls }) => ({ requestId, outcome, kmsCalls })),
        counted: metrics.includes(`gateway_graphql_errors_total{code="${code}"} 1`),
      }).toEqual({ lines: [{ requestId: 'obs-refused', outcome: 'error', kmsCalls: 0 }], counted: true });
      expect(fake.requests).toEqual([]);
    });

    it('never logs a token (X-Auth-Token, Bearer, both) nor the operation\'s variables, even at trace level', async () => {
      const { gw, log } = await gatewayOn(fake.url, 'trace');
      const query = `query Q($k: ID!, $note: ID!) { grants(keyId: $k, first: 1) { totalCount } n: node(id: $note) { id } }`;
      await gql(gw, query, { k: KEY_A, note: SECRET_VARIABLE }, { 'x-auth-token': SECRET_HEADER_TOKEN });
      await gql(gw, query, { k: KEY_A, note: SECRET_VARIABLE }, { authorization: `Bearer ${SECRET_BEARER_TOKEN}` });
      await gql(gw, query, { k: `${SECRET_VARIABLE}-key`, note: SECRET_VARIABLE }, { 'x-auth-token': SECRET_HEADER_TOKEN, authorization: `Bearer ${SECRET_BEARER_TOKEN}` });
      await gql(gw, query, { k: KEY_A, note: SECRET_VARIABLE }, asUser(ALICE));
      // A request yoga refuses before execution, with the token in the header.
      await raw(gw.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': SECRET_HEADER_TOKEN }, body: '{"query": ' });
      const text = log.text();
      expect(operationLines(log.lines())).toHaveLength(4);
      expect({
        headerToken: text.includes(SECRET_HEADER_TOKEN),
        bearerToken: text.includes(SECRET_BEARER_TOKEN),
        aliceToken: text.includes(ALICE.token),
        variable: text.includes(SECRET_VARIABLE),
      }).toEqual({ headerToken: false, bearerToken: false, aliceToken: false, variable: false });
      // The tokens did reach KMS (so the log had the chance to see them).
      expect(fake.requests.map((r) => r.headers['x-auth-token'])).toEqual([SECRET_HEADER_TOKEN, SECRET_BEARER_TOKEN, ALICE.token]);
    });
  });

  describe('X-Request-Id', () => {
    it('accepts the caller\'s id: echoed in the response header, sent to KMS, and in the log line', async () => {
      const { gw, log } = await gatewayOn(fake.url, 'info');
      const result = await gql(gw, `query($k: ID!) { grants(keyId: $k, first: 1) { totalCount } }`, { k: KEY_A }, { ...asUser(ALICE), 'x-request-id': 'caller-req-42' });
      expect({
        response: result.headers.get('x-request-id'),
        kms: fake.requests.map((r) => r.headers['x-request-id']),
        log: operationLines(log.lines()).map((l) => l['requestId']),
      }).toEqual({ response: 'caller-req-42', kms: ['caller-req-42'], log: ['caller-req-42'] });
    });

    it.each([
      { name: 'absent', header: undefined },
      { name: 'with spaces', header: 'not a sane id' },
      { name: 'too long', header: 'x'.repeat(300) },
      { name: 'empty', header: '' },
    ])('generates a UUID when the caller\'s id is $name, and uses it for KMS and the log', async ({ header }) => {
      const { gw, log } = await gatewayOn(fake.url, 'info');
      const result = await gql(
        gw,
        `query($k: ID!) { grants(keyId: $k, first: 1) { totalCount } }`,
        { k: KEY_A },
        header === undefined ? asUser(ALICE) : { ...asUser(ALICE), 'x-request-id': header },
      );
      const id = result.headers.get('x-request-id') ?? '';
      expect(UUID.test(id)).toBe(true);
      expect({ kms: fake.requests.map((r) => r.headers['x-request-id']), log: operationLines(log.lines()).map((l) => l['requestId']) }).toEqual({
        kms: [id],
        log: [id],
      });
    });

    it('gives every request its own id', async () => {
      const { gw } = await gatewayOn(fake.url, 'info');
      const ids = await Promise.all(Array.from({ length: 5 }, async () => (await raw(`${gw.url}/health`)).headers.get('x-request-id')));
      expect(new Set(ids).size).toBe(5);
    });
  });

  describe('/health and /ready', () => {
    it('answers /health 200, and /ready 200 while KMS answers, then 503 once the upstream is closed', async () => {
      const upstream = await startFakeKms({ tokens: TOKENS });
      const { gw } = await gatewayOn(upstream.url, 'silent');
      const health = await raw(`${gw.url}/health`);
      const readyUp = await raw(`${gw.url}/ready`);
      await upstream.close();
      await sleep(2100); // the readiness answer is cached for 2 s
      const readyDown = await raw(`${gw.url}/ready`);
      const healthDown = await raw(`${gw.url}/health`);
      expect({ health: health.status, readyUp: readyUp.status, readyDown: readyDown.status, healthDown: healthDown.status }).toEqual({
        health: 200,
        readyUp: 200,
        readyDown: 503,
        healthDown: 200,
      });
    });

    it('answers /ready 503 at once when KMS was never reachable', async () => {
      const upstream = await startFakeKms({ tokens: TOKENS });
      const url = upstream.url;
      await upstream.close();
      const { gw } = await gatewayOn(url, 'silent');
      const ready = await raw(`${gw.url}/ready`);
      expect({ status: ready.status, leaks: ready.text.includes(url) }).toEqual({ status: 503, leaks: false });
    });
  });

  describe('/metrics', () => {
    /** The value of one sample line (`name{labels} value`), or undefined. */
    const sample = (text: string, name: string, labels: Record<string, string>): number | undefined => {
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        const set = /\{(.*)\}/.exec(line)?.[1] ?? '';
        if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) return Number(line.split(' ').at(-1));
      }
      return undefined;
    };

    it('serves Prometheus text with operations, errors by code, durations, KMS calls by action and status, and batch sizes', async () => {
      const { gw } = await gatewayOn(fake.url, 'silent');
      const withKeys = `query($k: ID!) { grants(keyId: $k, first: 3) { edges { node { key { alias } } } } }`;
      await gql(gw, withKeys, { k: KEY_A }, asUser(ALICE));
      await gql(gw, `{ retirableGrants(first: 1) { totalCount } }`, {}, asUser(ALICE));
      await gql(gw, `{ grants(keyId: "bad") { totalCount } }`, {}, asUser(ALICE));
      await gql(gw, `query($k: ID!) { grants(keyId: $k) { totalCount } }`, { k: KEY_A }, { 'x-auth-token': 'unknown-token' });
      await gql(gw, `query($k: ID!) { grants(keyId: $k) { totalCount } }`, { k: KEY_A });
      const response = await fetch(`${gw.url}/metrics`);
      const text = await response.text();
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect({
        okQueries: sample(text, 'gateway_graphql_operations_total', { type: 'query', outcome: 'ok' }),
        errorQueries: sample(text, 'gateway_graphql_operations_total', { type: 'query', outcome: 'error' }),
        badInput: sample(text, 'gateway_graphql_errors_total', { code: 'BAD_USER_INPUT' }),
        unauthenticated: sample(text, 'gateway_graphql_errors_total', { code: 'UNAUTHENTICATED' }),
        durationCount: sample(text, 'gateway_graphql_operation_duration_seconds_count', { type: 'query' }),
        listGrants200: sample(text, 'gateway_kms_calls_total', { action: 'list-grants', status: '200' }),
        listGrants401: sample(text, 'gateway_kms_calls_total', { action: 'list-grants', status: '401' }),
        describeKey200: sample(text, 'gateway_kms_calls_total', { action: 'describe-key', status: '200' }),
        retirable200: sample(text, 'gateway_kms_calls_total', { action: 'list-retirable-grants', status: '200' }),
        kmsLatencyCount: sample(text, 'gateway_kms_call_duration_seconds_count', { action: 'list-grants' }),
        keyBatches: sample(text, 'gateway_dataloader_batch_size_count', { loader: 'keys' }),
        keyBatchSum: sample(text, 'gateway_dataloader_batch_size_sum', { loader: 'keys' }),
        pageBatches: sample(text, 'gateway_dataloader_batch_size_count', { loader: 'pages' }),
      }).toEqual({
        okQueries: 2,
        errorQueries: 3,
        badInput: 1,
        unauthenticated: 2,
        durationCount: 5,
        listGrants200: 1,
        listGrants401: 1,
        describeKey200: 1,
        retirable200: 1,
        kmsLatencyCount: 2,
        keyBatches: 1,
        keyBatchSum: 1,
        pageBatches: 3,
      });
      for (const family of [
        'gateway_graphql_operations_total',
        'gateway_graphql_errors_total',
        'gateway_graphql_operation_duration_seconds',
        'gateway_kms_calls_total',
        'gateway_kms_call_duration_seconds',
        'gateway_dataloader_batch_size',
      ]) {
        expect(text).toMatch(new RegExp(`^# TYPE ${family} (counter|histogram)$`, 'm'));
      }
      expect({ token: text.includes(ALICE.token), upstream: text.includes(fake.url) }).toEqual({ token: false, upstream: false });
    });
  });
});
