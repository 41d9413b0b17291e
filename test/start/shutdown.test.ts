import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { kmsCalls, listFromKms } from '../support/emulatorStack.ts';
import { retryUntil } from '../support/waiting.ts';
import { acceptsConnections, kmsEnv, printed, spawnGateway, type GatewayProcess } from './support.ts';

// Fixtures: the emulator's demo key `backup` (6 grants), read once straight from KMS; list-grants
// is made slow where a test says so. Grace and keep-alive times are a minute, so a gateway that
// waited for either instead of stopping promptly would still be running at EXIT_DEADLINE_MS.
const KEY = DEMO.keys.backup;
const QUERY = JSON.stringify({
  query: `query($k: ID!) { grants(keyId: $k, first: 10) { totalCount edges { node { grantId } } } }`,
  variables: { k: KEY },
});
/** How long KMS holds the in-flight request: the drain is observed inside this window. */
const UPSTREAM_LATENCY_MS = 500;
const MINUTE = '60000';
/** A prompt stop takes a few hundred milliseconds; waiting out the grace or the keep-alive timeout takes a minute. */
const EXIT_DEADLINE_MS = 5000;

/** POSTs the query over node:http with a keep-alive agent (as a load balancer would), answering status and parsed body. */
function post(url: string, agent: Agent, token: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/graphql`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-auth-token': token } },
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

/** How the process ended, or 'still running' when it has not within `ms`. */
async function exitWithin(
  gateway: GatewayProcess,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)));
  const exit = await Promise.race([gateway.exited.then(({ code, signal }) => ({ code, signal })), late]);
  clearTimeout(timer);
  return exit;
}

let emulator: RunningEmulator;
let token: string;
let expected: unknown;
/** One gateway process per test, started together. */
let gateways: { drain: GatewayProcess; SIGTERM: GatewayProcess; SIGINT: GatewayProcess };
beforeAll(async () => {
  emulator = await startEmulator();
  token = emulator.demo['alice']?.token ?? '';
  const grants = await listFromKms(emulator, KEY, token);
  expected = { data: { grants: { totalCount: grants.length, edges: grants.map((g) => ({ node: { grantId: g.grant_id } })) } } };
  await emulator.reset();
  const env = { ...kmsEnv(emulator), SHUTDOWN_GRACE_MS: MINUTE, KEEP_ALIVE_TIMEOUT_MS: MINUTE };
  const [drain, SIGTERM, SIGINT] = await Promise.all([spawnGateway(env), spawnGateway(env), spawnGateway(env)]);
  gateways = { drain, SIGTERM, SIGINT };
}, 30_000);
afterAll(async () => {
  for (const gateway of Object.values(gateways ?? {})) gateway.kill();
  await emulator?.close();
});

describe('server/main (graceful shutdown of the gateway process)', () => {
  describe('SIGTERM during a slow request', () => {
    it('refuses new connections while the in-flight request is still running, answers that request 200, and exits 0 without waiting out the grace', async () => {
      const gateway = gateways.drain;
      emulator.faults.set({ action: 'list-grants', times: 1, latencyMs: UPSTREAM_LATENCY_MS });
      const agent = new Agent({ keepAlive: true });
      let answered = false;
      const inFlight = post(gateway.url, agent, token).finally(() => (answered = true));
      // Signal only once the request is inside KMS, so it is truly in flight.
      const arrived = await retryUntil(
        async () => kmsCalls(emulator, 'list-grants').length,
        (n) => n === 1,
        { deadlineMs: 5000, intervalMs: 5 },
      );
      gateway.child.kill('SIGTERM');
      await printed(gateway, 'SIGTERM: finishing in-flight requests');
      const accepts = await retryUntil(
        () => acceptsConnections(gateway.url),
        (open) => !open,
        { deadlineMs: 2000, intervalMs: 10 },
      );
      const answeredBeforeRefusal = answered;
      const answer = await inFlight;
      const exit = await exitWithin(gateway, EXIT_DEADLINE_MS);
      agent.destroy();
      expect({ arrived, accepts, answeredBeforeRefusal, answer, exit }).toEqual({
        arrived: 1,
        accepts: false,
        answeredBeforeRefusal: false,
        answer: { status: 200, body: expected },
        exit: { code: 0, signal: null },
      });
    });
  });

  describe('idle stop', () => {
    it.each(['SIGTERM', 'SIGINT'] as const)(
      'exits 0 on %s at once, not after the keep-alive timeout, though an idle keep-alive connection is open',
      async (signal) => {
        const gateway = gateways[signal];
        const agent = new Agent({ keepAlive: true });
        const answer = await post(gateway.url, agent, token); // leaves an idle keep-alive socket behind
        gateway.child.kill(signal);
        const exit = await exitWithin(gateway, EXIT_DEADLINE_MS);
        agent.destroy();
        expect({ answer: answer.status, exit }).toEqual({ answer: 200, exit: { code: 0, signal: null } });
      },
    );
  });
});
