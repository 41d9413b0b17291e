import { Agent } from 'node:http';
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeGrants, makeKey, makeKeyId } from '../support/fixtures.ts';
import { startFakeKms } from '../support/fakeKms.ts';
import type { FakeKms } from '../support/fakeKms.ts';
import { ALICE, PROJECT, TOKENS } from '../support/gateway.ts';
import { acceptsConnections, spawnGateway } from './support/process.ts';
import type { GatewayProcess } from './support/process.ts';
import { sleep } from './support/http.ts';

// Fixtures: one key with 4 grants; list-grants is made slow (500 ms) where a test says so.
const KEY = makeKeyId(600);
const GRANTS = makeGrants(KEY, 4);
const QUERY = JSON.stringify({ query: `query($k: ID!) { grants(keyId: $k, first: 4) { totalCount edges { node { grantId } } } }`, variables: { k: KEY } });
const EXPECTED = { data: { grants: { totalCount: 4, edges: GRANTS.map((g) => ({ node: { grantId: g.grant_id } })) } } };
const UPSTREAM_DELAY_MS = 500;
/** The process's own hard stop (server/lifecycle.ts) comes 5 s after the grace; a graceful stop here must be far quicker. */
const EXIT_BOUND_MS = 3000;

/** POSTs the query over node:http with a keep-alive agent (as a load balancer would), returning status and parsed body. */
function post(url: string, agent: Agent): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/graphql`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
      },
    );
    req.on('error', reject);
    req.end(QUERY);
  });
}

let fake: FakeKms;
let gateway: GatewayProcess | undefined;
beforeAll(async () => {
  fake = await startFakeKms({ tokens: TOKENS, keys: [makeKey(KEY, 'shutdown')], grants: GRANTS });
});
afterAll(async () => fake.close());
beforeEach(() => fake.reset());
afterEach(() => gateway?.kill());

describe('main (graceful shutdown of the gateway process)', () => {
  describe('SIGTERM during a slow request', () => {
    it('finishes the in-flight request with 200, refuses new connections, and exits 0 well within the grace', { timeout: 30_000 }, async () => {
      gateway = await spawnGateway({ KMS_ENDPOINT: fake.url, KMS_PROJECT_ID: PROJECT, SHUTDOWN_GRACE_MS: '10000' });
      fake.script('list-grants', { delayMs: UPSTREAM_DELAY_MS });
      const agent = new Agent({ keepAlive: true });
      const inFlight = post(gateway.url, agent);
      // Wait until the request is inside KMS (so it is truly in flight), then signal.
      for (let i = 0; i < 100 && fake.calls('list-grants').length === 0; i += 1) await sleep(10);
      expect(fake.calls('list-grants')).toHaveLength(1);
      const signalled = performance.now();
      gateway.child.kill('SIGTERM');
      await sleep(100);
      const acceptsDuringDrain = await acceptsConnections(gateway.url);
      const answer = await inFlight;
      const exit = await gateway.exited;
      agent.destroy();
      expect({ answer, acceptsDuringDrain, exit: { code: exit.code, signal: exit.signal } }).toEqual({
        answer: { status: 200, body: EXPECTED },
        acceptsDuringDrain: false,
        exit: { code: 0, signal: null },
      });
      expect(exit.at - signalled).toBeLessThan(EXIT_BOUND_MS);
      expect(gateway.output()).toContain('SIGTERM: finishing in-flight requests');
    });
  });

  describe('idle stop', () => {
    it.each(['SIGTERM', 'SIGINT'] as const)('exits 0 promptly on %s even with an idle keep-alive connection open', { timeout: 30_000 }, async (signal) => {
      gateway = await spawnGateway({ KMS_ENDPOINT: fake.url, KMS_PROJECT_ID: PROJECT });
      const agent = new Agent({ keepAlive: true });
      const answer = await post(gateway.url, agent); // leaves an idle keep-alive socket behind
      const signalled = performance.now();
      gateway.child.kill(signal);
      const exit = await gateway.exited;
      agent.destroy();
      expect({ answer: answer.status, code: exit.code, signal: exit.signal }).toEqual({ answer: 200, code: 0, signal: null });
      expect(exit.at - signalled).toBeLessThan(EXIT_BOUND_MS);
    });
  });
});
