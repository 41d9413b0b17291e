import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { DEFAULT_CONFIG } from '../../src/config.ts';
import { startGateway, type RunningGateway } from '../../src/server/gateway.ts';
import { DEMO, startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { kmsCalls, listFromKms } from '../support/emulatorStack.ts';

/**
 * Slow clients (slowloris): sockets that send their headers, or their body, a byte at a time.
 * The gateway caps how many connections it holds (MAX_CONNECTIONS), cuts a client that has not
 * sent its headers within HEADERS_TIMEOUT_MS or its whole request within REQUEST_TIMEOUT_MS, and
 * keeps serving the connections it already holds.
 */

// Fixtures: the emulator's demo keys `backup`, whose grants KMS lists at once, and `app`, whose
// list-grants KMS answers late where a test says so; their grant counts read straight from KMS.
const KEY = DEMO.keys.backup;
const SLOW_KEY = DEMO.keys.app;

/** Small limits, so the test takes seconds. */
const LIMITS = { headersTimeoutMs: 500, requestTimeoutMs: 1500, keepAliveTimeoutMs: 5000, maxConnections: 20 };
/** How often Node checks those timeouts (what http.ts configures: a quarter of headersTimeout). */
const CHECK_MS = Math.min(1000, LIMITS.headersTimeoutMs / 4);
/** Scheduling slack on a busy two-core machine. */
const SLACK_MS = 600;
/** More slow sockets than the cap. */
const ATTACKERS = 40;
/** KMS answers list-grants on SLOW_KEY after this long: longer than requestTimeout, which must not cut it. */
const SLOW_KMS_MS = 2000;

/** A pino destination in memory: everything the gateway logs. */
function memoryLog(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

const QUERY = 'query($k: ID!) { grants(keyId: $k, first: 10) { totalCount edges { node { grantId } } } }';

interface Answer {
  status: number;
  grants: number | undefined;
  /** Whether the request went over a connection that was already open. */
  reused: boolean;
}

/** POSTs the grants query for `keyId` with node:http over `agent` (false: a new connection). */
function postGrants(gw: RunningGateway, agent: Agent | false, keyId: string): Promise<Answer> {
  const body = JSON.stringify({ query: QUERY, variables: { k: keyId } });
  return new Promise((resolve, reject) => {
    const req = request(
      gw.graphqlUrl,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-auth-token': aliceToken },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const json = JSON.parse(text) as { data?: { grants?: { totalCount: number } } };
          resolve({ status: res.statusCode ?? 0, grants: json.data?.grants?.totalCount, reused: req.reusedSocket });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** One client socket as the test saw it. */
interface Tracked {
  openedAt: number;
  closedAt: number | undefined;
  /** What the server sent before closing (a 408, or nothing). */
  received: string;
}

/** Connects to `url` and records when the socket opens and closes and what it receives. */
function track(url: string, onConnect: (socket: Socket) => void): { socket: Socket; record: Tracked } {
  const { hostname, port } = new URL(url);
  const record: Tracked = { openedAt: performance.now(), closedAt: undefined, received: '' };
  const socket = connect(Number(port), hostname, () => {
    record.openedAt = performance.now();
    onConnect(socket);
  });
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (record.received += chunk));
  socket.on('error', () => undefined); // ECONNRESET/EPIPE from a refused or cut socket
  socket.on('close', () => (record.closedAt = performance.now()));
  return { socket, record };
}

/**
 * `count` slowloris clients: each sends a request line and then one header byte every 100 ms,
 * never finishing its headers, and reconnects 50 ms after the server closes it, until stopped.
 */
function slowHeaderAttack(url: string, count: number) {
  const sockets: Tracked[] = [];
  const live = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const attacker = (): void => {
    if (stopped) return;
    const { socket, record } = track(url, (s) => {
      s.write('POST /graphql HTTP/1.1\r\nHost: gateway\r\nX-Slow: ');
      const drip = setInterval(() => {
        if (!s.destroyed) s.write('a');
      }, 100);
      timers.add(drip);
      s.once('close', () => {
        clearInterval(drip);
        timers.delete(drip);
      });
    });
    sockets.push(record);
    live.add(socket);
    socket.once('close', () => {
      live.delete(socket);
      if (stopped) return;
      const again = setTimeout(() => {
        timers.delete(again);
        attacker();
      }, 50);
      timers.add(again);
    });
  };
  for (let i = 0; i < count; i += 1) attacker();
  return {
    sockets,
    stop: (): void => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      for (const socket of live) socket.destroy();
    },
  };
}

/** Polls `condition` every 20 ms until it holds or `ms` have passed; returns whether it held. */
async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

let emulator: RunningEmulator;
let aliceToken: string;
/** How many grants KMS holds on KEY and on SLOW_KEY. */
let counts: { key: number; slowKey: number };
beforeAll(async () => {
  emulator = await startEmulator();
  aliceToken = emulator.demo['alice']?.token ?? '';
  const [key, slowKey] = await Promise.all([KEY, SLOW_KEY].map(async (k) => (await listFromKms(emulator, k, aliceToken)).length));
  counts = { key: key ?? 0, slowKey: slowKey ?? 0 };
});
afterAll(async () => emulator?.close());
beforeEach(async () => emulator.reset());

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gatewayWithLog(): Promise<{ gw: RunningGateway; log: () => string }> {
  const log = memoryLog();
  const gw = await startGateway(
    {
      ...DEFAULT_CONFIG,
      ...LIMITS,
      port: 0,
      kmsEndpoint: emulator.url,
      kmsProjectId: emulator.projectId,
      kmsTimeoutMs: SLOW_KMS_MS + 2000,
      operationTimeoutMs: SLOW_KMS_MS + 3000,
      kmsReadRetries: 0,
      logLevel: 'info',
    },
    { logger: pino({ level: 'info' }, log.stream) },
  );
  cleanups.push(() => gw.close());
  return { gw, log: log.text };
}

describe('slow clients (MAX_CONNECTIONS, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS)', () => {
  it('caps connections and cuts slow headers, while connections already open keep getting KMS-backed answers', async () => {
    const { gw, log } = await gatewayWithLog();

    // Before the attack: a keep-alive client with one open connection, and an operation in flight.
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(() => keepAlive.destroy());
    const warmUp = await postGrants(gw, keepAlive, KEY);
    emulator.faults.set({ action: 'list-grants', keyId: SLOW_KEY, times: 1, latencyMs: SLOW_KMS_MS });
    const inFlightStarted = performance.now();
    const inFlight = postGrants(gw, false, SLOW_KEY);
    await until(() => kmsCalls(emulator, 'list-grants').some((r) => r.body?.['key_id'] === SLOW_KEY), 2000);

    const attack = slowHeaderAttack(gw.url, ATTACKERS);
    cleanups.push(() => attack.stop());
    const attackStarted = performance.now();
    // The server closes a connection over the cap on arrival, without a word; one it held until
    // headersTimeout gets a 408 first. (Classified by what the server did, not by client-side
    // timing, which event-loop lag on a busy machine would blur.)
    const refused = (): Tracked[] => attack.sockets.filter((s) => s.closedAt !== undefined && s.received === '');
    const held = (s: Tracked): boolean => s.closedAt === undefined || s.received.startsWith('HTTP/1.1 408');
    await until(() => refused().length > 0, 1000);

    // Every socket of the first wave is closed within headersTimeout (+ one check interval).
    const bound = LIMITS.headersTimeoutMs + CHECK_MS + SLACK_MS;
    const firstWave = attack.sockets.slice(0, ATTACKERS);
    await until(() => firstWave.every((s) => s.closedAt !== undefined), bound + 500);

    // Still under attack (the refused and cut sockets reconnect), over the connection opened
    // before it, idle meanwhile for longer than headersTimeout: kept (keepAliveTimeout) and served.
    const duringAttack = await postGrants(gw, keepAlive, KEY);
    const inFlightAnswer = await inFlight;
    const inFlightMs = performance.now() - inFlightStarted;
    // Of the first wave (40 at once), the server held at most the cap minus the two connections
    // already open (keep-alive, in flight); the rest were refused on arrival.
    const heldInFirstWave = firstWave.filter(held).length;
    // Let the attack go on a little longer (reconnecting sockets are accepted and cut) before stopping it.
    await until(() => performance.now() - attackStarted > SLOW_KMS_MS, SLOW_KMS_MS);
    const now = performance.now();
    const overdue = attack.sockets.map((s) => Math.round((s.closedAt ?? now) - s.openedAt)).filter((lifetime) => lifetime > bound);
    const cutWith408 = attack.sockets.filter((s) => s.received.startsWith('HTTP/1.1 408')).length;
    const refusedCount = refused().length;
    attack.stop();

    // After the attack: a new client, on a new connection, is answered within headersTimeout.
    const freshStarted = performance.now();
    const fresh = await postGrants(gw, false, KEY);
    const freshMs = performance.now() - freshStarted;

    expect({
      warmUp,
      duringAttack,
      inFlight: { ...inFlightAnswer, notCutByRequestTimeout: inFlightMs >= SLOW_KMS_MS },
      refusedOverCap: refusedCount > 0,
      heldInFirstWave: heldInFirstWave <= LIMITS.maxConnections - 2 && heldInFirstWave > 0 ? 'within cap' : heldInFirstWave,
      overdue,
      cutWith408: cutWith408 > 0,
      fresh: { ...fresh, withinHeadersTimeout: freshMs < LIMITS.headersTimeoutMs ? true : freshMs },
      emfile: /EMFILE/.test(log()),
      serverErrors: log().includes('http server error'),
      refusalLogged: await until(() => log().includes('connections refused: MAX_CONNECTIONS reached'), 1500),
    }).toEqual({
      warmUp: { status: 200, grants: counts.key, reused: false },
      duringAttack: { status: 200, grants: counts.key, reused: true },
      inFlight: { status: 200, grants: counts.slowKey, reused: false, notCutByRequestTimeout: true },
      refusedOverCap: true,
      heldInFirstWave: 'within cap',
      overdue: [],
      cutWith408: true,
      fresh: { status: 200, grants: counts.key, reused: false, withinHeadersTimeout: true },
      emfile: false,
      serverErrors: false,
      refusalLogged: true,
    });
  });

  it('cuts a request whose body trickles in at requestTimeout (408 or close)', async () => {
    const { gw } = await gatewayWithLog();
    const body = JSON.stringify({ query: '{ __typename }' }).padEnd(200, ' ');
    let drip: NodeJS.Timeout | undefined;
    const { socket, record } = track(gw.url, (s) => {
      s.write(`POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      let sent = 0;
      drip = setInterval(() => {
        if (sent < body.length && !s.destroyed) s.write(body[sent++] ?? ' ');
      }, 100);
    });
    cleanups.push(() => {
      clearInterval(drip);
      socket.destroy();
    });
    const bound = LIMITS.requestTimeoutMs + CHECK_MS + SLACK_MS;
    await until(() => record.closedAt !== undefined, bound + 500);
    clearInterval(drip);
    const lifetime = Math.round((record.closedAt ?? performance.now()) - record.openedAt);
    expect({
      closed: record.closedAt !== undefined,
      // Not cut by headersTimeout (its headers were complete), and not left open past requestTimeout.
      lifetimeInWindow: lifetime >= LIMITS.requestTimeoutMs - 50 && lifetime <= bound ? true : lifetime,
      answer: record.received === '' || record.received.startsWith('HTTP/1.1 408') ? 'ok' : record.received,
    }).toEqual({ closed: true, lifetimeInWindow: true, answer: 'ok' });
  });
});
