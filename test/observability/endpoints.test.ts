import { describe, expect, it } from 'vitest';
import { DEMO, startEmulator } from '../../src/emulator/index.ts';
import { READY_CACHE_MS } from '../../src/server/endpoints.ts';
import { closeAfterEach, gatewayOn, useEmulatorStack } from '../support/emulatorStack.ts';
import { gql } from '../support/gateway.ts';
import { retryUntil } from '../support/waiting.ts';
import { raw } from '../http/raw.ts';

// Fixtures: the emulator's demo data; a gateway per test (the stack's own is not used). The
// readiness tests run against an emulator of their own, which they close.
const KEY = DEMO.keys.app;

const stack = useEmulatorStack();
const keep = closeAfterEach();

describe('server/endpoints (/health, /ready, /metrics)', () => {
  describe('/health and /ready', () => {
    it('answers /health 200, and /ready 200 while KMS answers, then 503 once KMS has gone away (health still 200)', async () => {
      const upstream = await startEmulator();
      const gw = keep(await gatewayOn(upstream));
      const health = await raw(`${gw.url}/health`);
      const readyUp = await raw(`${gw.url}/ready`);
      await upstream.close();
      // The readiness answer is reused for READY_CACHE_MS; poll past it rather than sleep.
      const readyDown = await retryUntil(
        () => raw(`${gw.url}/ready`),
        (r) => r.status === 503,
        { deadlineMs: READY_CACHE_MS + 3000, intervalMs: 50 },
      );
      const healthDown = await raw(`${gw.url}/health`);
      expect({ health: health.status, readyUp: readyUp.status, readyDown: readyDown.status, healthDown: healthDown.status }).toEqual({
        health: 200,
        readyUp: 200,
        readyDown: 503,
        healthDown: 200,
      });
    });

    it('answers /ready 503 at once when KMS was never reachable, naming no URL', async () => {
      const upstream = await startEmulator();
      await upstream.close();
      const gw = keep(await gatewayOn(upstream));
      const ready = await raw(`${gw.url}/ready`);
      expect({ status: ready.status, leaks: ready.text.includes(upstream.url) || ready.text.includes(new URL(upstream.url).host) }).toEqual(
        { status: 503, leaks: false },
      );
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
      const gw = keep(await gatewayOn(stack.emulator, { kmsReadRetries: 0 })); // one attempt per KMS call
      const withKeys = `query($k: ID!) { grants(keyId: $k, first: 3) { edges { node { key { alias } } } } }`;
      await gql(gw, withKeys, { k: KEY }, stack.alice);
      await gql(gw, `{ retirableGrants(first: 1) { totalCount } }`, {}, stack.alice);
      await gql(gw, `{ grants(keyId: "bad") { totalCount } }`, {}, stack.alice);
      await gql(gw, `query($k: ID!) { grants(keyId: $k) { totalCount } }`, { k: KEY }, { 'x-auth-token': 'unknown-token' });
      await gql(gw, `query($k: ID!) { grants(keyId: $k) { totalCount } }`, { k: KEY });
      const response = await fetch(`${gw.url}/metrics`);
      const text = await response.text();
      const families = [
        'gateway_graphql_operations_total',
        'gateway_graphql_errors_total',
        'gateway_graphql_operation_duration_seconds',
        'gateway_kms_calls_total',
        'gateway_kms_call_duration_seconds',
        'gateway_dataloader_batch_size',
      ];
      expect({
        contentType: response.headers.get('content-type')?.startsWith('text/plain; version=0.0.4'),
        typed: families.filter((family) => !new RegExp(`^# TYPE ${family} (counter|histogram)$`, 'm').test(text)),
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
        token: text.includes(stack.alice['x-auth-token'] ?? ''),
        upstream: text.includes(stack.emulator.url),
      }).toEqual({
        contentType: true,
        typed: [],
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
        token: false,
        upstream: false,
      });
    });
  });
});
