/**
 * `npm run soak [-- --seconds N]` (default 60): a bounded soak of the gateway against the KMS
 * emulator, both as child processes on loopback. Mixed traffic (paging, retirable grants with
 * their key, node refetches, revokes of grants this script creates through the emulator,
 * cross-user attempts and invalid input) from several tokens (alice, bob, carol and IAM-issued
 * ones), with emulator faults switched on part of the time (POST /__emulator/faults). Prints
 * requests, errors by code, the gateway's RSS (start, peak, end) and cross-token leaks, which
 * must be 0: exit status 1 otherwise. Not part of `npm test`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEMO } from '../src/emulator/index.ts';
import { grantGlobalId, keyGlobalId } from '../src/relay/globalId.ts';
import { freePort, spawnScript } from './processes.ts';

const CONCURRENCY = 8;
const REQUEST_TIMEOUT_MS = 35_000;
const STARTUP_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// Arguments, processes

/** `--seconds N` (default 60), through node's own argument parser. */
function secondsArg(args: readonly string[]): number {
  const { values } = parseArgs({ args: [...args], options: { seconds: { type: 'string', default: '60' } } });
  const seconds = Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 24 * 3600)
    throw new Error(`--seconds must be a positive number, got ${values.seconds}`);
  return seconds;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** VmRSS of a process in MiB (Linux), or NaN. */
function rssMiB(pid: number | undefined): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

// ---------------------------------------------------------------------------------------------
// Callers and what each may see

interface Caller {
  label: string;
  name: string;
  userId: string;
  token: string;
  /** key id -> may list its grants (from the emulator directly, with this token). */
  mayList: Map<string, boolean>;
  /** Global ids of grants this caller has seen (for node refetches). */
  seen: string[];
}

interface Stats {
  requests: number;
  byStatus: Map<number, number>;
  byCode: Map<string, number>;
  leaks: string[];
  transportErrors: number;
  created: number;
  revoked: number;
}

const bump = <K>(map: Map<K, number>, key: K): void => {
  map.set(key, (map.get(key) ?? 0) + 1);
};

interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string };
}
interface GqlAnswer {
  status: number;
  text: string;
  data: Record<string, unknown> | null | undefined;
  errors: GqlError[];
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const seconds = secondsArg(process.argv.slice(2));
  const emuPort = await freePort();
  const gwPort = await freePort();
  const emulator = await spawnScript(
    'src/emulator/main.ts',
    { KMS_EMULATOR_PORT: String(emuPort) },
    /X-Auth-Token: .*\n[\s\S]*X-Auth-Token: .*\n[\s\S]*X-Auth-Token: /,
    STARTUP_MS,
  );
  const emuUrl = `http://127.0.0.1:${emuPort}`;
  const project = DEMO.projectId;
  const gateway = await spawnScript(
    'dist/server/main.js',
    {
      KMS_ENDPOINT: emuUrl,
      KMS_PROJECT_ID: project,
      PORT: String(gwPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      KMS_TIMEOUT_MS: '1000',
      OPERATION_TIMEOUT_MS: '5000',
      KMS_BREAKER_COOLDOWN_MS: '1000',
    },
    /KMS grants gateway: http:\/\/127\.0\.0\.1:\d+\/graphql/,
    STARTUP_MS,
  );
  const gwUrl = `http://127.0.0.1:${gwPort}/graphql`;
  const gwPid = gateway.child.pid;
  const stats: Stats = { requests: 0, byStatus: new Map(), byCode: new Map(), leaks: [], transportErrors: 0, created: 0, revoked: 0 };
  const rss = { start: rssMiB(gwPid), peak: rssMiB(gwPid), end: Number.NaN };
  const sampler = setInterval(() => {
    const now = rssMiB(gwPid);
    if (now > rss.peak) rss.peak = now;
  }, 250);

  try {
    // Tokens: the banner's ready ones, plus IAM-issued ones (POST /v3/auth/tokens).
    const banner = emulator.output();
    const callers: Caller[] = [];
    for (const match of banner.matchAll(/user (\w+) \(domain \S+, user id ([0-9a-f]+), project [0-9a-f]+\)[\s\S]*?X-Auth-Token: (\S+)/g)) {
      callers.push({
        label: match[1] ?? '',
        name: match[1] ?? '',
        userId: match[2] ?? '',
        token: match[3] ?? '',
        mayList: new Map(),
        seen: [],
      });
    }
    for (const [name, domain] of [
      ['alice', 'demo'],
      ['bob', 'demo'],
      ['carol', 'acme'],
    ] as const) {
      const response = await fetch(`${emuUrl}/v3/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          auth: {
            identity: { methods: ['password'], password: { user: { name, password: `${name}-demo-password`, domain: { name: domain } } } },
            scope: { project: { id: domain === 'demo' ? project : DEMO.acmeProjectId } },
          },
        }),
      });
      const body = (await response.json()) as { token: { user: { id: string } } };
      const token = response.headers.get('x-subject-token');
      if (response.status !== 201 || token === null) throw new Error(`IAM login of ${name} failed: ${response.status}`);
      callers.push({ label: `${name}(iam)`, name, userId: body.token.user.id, token, mayList: new Map(), seen: [] });
    }
    if (callers.length < 6) throw new Error(`expected 6 callers, got ${callers.map((c) => c.label).join(', ')}`);
    const allTokens = callers.map((c) => c.token);
    const keys = Object.values(DEMO.keys) as string[];
    const missingKey = '00000000-0000-0000-0000-000000000000';

    // Ground truth, straight from the emulator with each token: which keys' grants it may list.
    const kms = (action: string, token: string, body: object): Promise<Response> =>
      fetch(`${emuUrl}/v1.0/${project}/kms/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': token },
        body: JSON.stringify(body),
      });
    for (const caller of callers) {
      for (const key of keys) caller.mayList.set(key, (await kms('list-grants', caller.token, { key_id: key, limit: '1' })).status === 200);
    }

    const alice = callers.find((c) => c.label === 'alice');
    const bob = callers.find((c) => c.label === 'bob');
    if (alice === undefined || bob === undefined) throw new Error('alice and bob are needed');
    const pendingRevokes: { keyId: string; grantId: string }[] = [];

    const gql = async (caller: Caller | null, query: string, variables: Record<string, unknown> = {}): Promise<GqlAnswer | null> => {
      stats.requests += 1;
      try {
        const response = await fetch(gwUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(caller ? { 'x-auth-token': caller.token } : {}) },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await response.text();
        bump(stats.byStatus, response.status);
        let body: { data?: Record<string, unknown> | null; errors?: GqlError[] } = {};
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          body = {};
        }
        const errors = body.errors ?? [];
        for (const e of errors) bump(stats.byCode, e.extensions?.code ?? 'NO_CODE');
        if (errors.length === 0) bump(stats.byCode, 'OK');
        for (const token of allTokens) {
          if (text.includes(token)) stats.leaks.push(`a token in a response to ${caller?.label ?? 'anonymous'}`);
        }
        return { status: response.status, text, data: body.data, errors };
      } catch {
        stats.transportErrors += 1;
        return null;
      }
    };

    const rnd = (n: number): number => Math.floor(Math.random() * n);
    const pick = <T>(items: readonly T[]): T => items[rnd(items.length)] as T;

    type Edge = {
      cursor: string;
      node: { id: string; grantId: string; keyId: string; retiringPrincipal: string | null; key?: { keyId: string } | null };
    };
    type Connection = { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

    const actions: { weight: number; run: () => Promise<void> }[] = [
      {
        weight: 30,
        run: async () => {
          const caller = pick(callers);
          const key = pick([...keys, missingKey]);
          let after: string | null = null;
          for (let page = 0; page < 3; page += 1) {
            const answer = await gql(
              caller,
              `query($k: ID!, $f: Int, $a: String) { grants(keyId: $k, first: $f, after: $a) { edges { cursor node { id grantId keyId retiringPrincipal } } pageInfo { hasNextPage endCursor } } }`,
              { k: key, f: 1 + rnd(40), a: after },
            );
            const connection = answer?.data?.['grants'] as Connection | undefined | null;
            if (!connection) return;
            if (caller.mayList.get(key) !== true) stats.leaks.push(`${caller.label} listed the grants of key ${key}, which it may not`);
            for (const edge of connection.edges) {
              if (edge.node.keyId !== key) stats.leaks.push(`${caller.label} got a grant of key ${edge.node.keyId} asking for ${key}`);
              if (caller.seen.length < 500) caller.seen.push(edge.node.id);
            }
            if (!connection.pageInfo.hasNextPage) return;
            after = connection.pageInfo.endCursor;
          }
        },
      },
      {
        weight: 20,
        run: async () => {
          const caller = pick(callers);
          const answer = await gql(
            caller,
            `query($f: Int) { retirableGrants(first: $f) { edges { node { id grantId keyId retiringPrincipal key { keyId } } } } }`,
            { f: 1 + rnd(60) },
          );
          const connection = answer?.data?.['retirableGrants'] as Connection | undefined | null;
          for (const edge of connection?.edges ?? []) {
            if (edge.node.retiringPrincipal !== caller.userId) {
              stats.leaks.push(`${caller.label} saw a retirable grant of ${String(edge.node.retiringPrincipal)}`);
            }
            if (edge.node.key && edge.node.key.keyId !== edge.node.keyId) stats.leaks.push(`${caller.label} got another key's details`);
          }
        },
      },
      {
        weight: 10,
        run: async () => {
          const caller = pick(callers);
          const id = caller.seen.length > 0 && Math.random() < 0.7 ? pick(caller.seen) : keyGlobalId(pick(keys));
          const answer = await gql(
            caller,
            `query($id: ID!) { node(id: $id) { id ... on Grant { keyId retiringPrincipal } ... on Key { keyId } } }`,
            { id },
          );
          const node = answer?.data?.['node'] as { id: string; keyId: string } | null | undefined;
          if (node && node.id !== id) stats.leaks.push(`${caller.label} asked node ${id} and got ${node.id}`);
          if (node && id !== keyGlobalId(node.keyId) && caller.mayList.get(node.keyId) !== true) {
            stats.leaks.push(`${caller.label} refetched a grant of key ${node.keyId}, which it may not list`);
          }
        },
      },
      {
        weight: 10,
        run: async () => {
          // Create a grant as alice straight at the emulator, then revoke it through the gateway.
          const keyId = pick([DEMO.keys.app, DEMO.keys.backup, DEMO.keys.full]);
          const created = await kms('create-grant', alice.token, {
            key_id: keyId,
            grantee_principal: bob.userId,
            operations: ['describe-key'],
            retiring_principal: bob.userId,
          }).catch(() => null);
          if (created?.status !== 200) return;
          const { grant_id: grantId } = (await created.json()) as { grant_id: string };
          stats.created += 1;
          // Bob may not revoke alice's grants: the gateway must pass KMS's refusal on.
          if (Math.random() < 0.3) {
            const attempt = await gql(bob, `mutation($k: ID!, $g: ID!) { revokeGrant(input: { keyId: $k, grantId: $g }) { grantId } }`, {
              k: keyId,
              g: grantId,
            });
            if (attempt?.data?.['revokeGrant']) stats.leaks.push(`bob revoked alice's grant ${grantId}`);
          }
          const revoker = pick(callers.filter((c) => c.name === 'alice'));
          const answer = await gql(
            revoker,
            `mutation($k: ID!, $g: ID!) { revokeGrant(input: { keyId: $k, grantId: $g }) { grantId revokedGrantId } }`,
            { k: keyId, g: grantId },
          );
          const payload = answer?.data?.['revokeGrant'] as { grantId: string; revokedGrantId: string } | null | undefined;
          if (payload) {
            stats.revoked += 1;
            if (payload.grantId !== grantId || payload.revokedGrantId !== grantGlobalId(keyId, grantId))
              stats.leaks.push('revoke answered for another grant');
          } else {
            pendingRevokes.push({ keyId, grantId });
          }
        },
      },
      {
        weight: 20,
        run: async () => {
          const caller = pick(callers);
          const bad = pick([
            { query: `{ grants(keyId: "../../etc/passwd") { totalCount } }` },
            {
              query: `query($a: String) { retirableGrants(first: 1, after: $a) { totalCount } }`,
              variables: { a: Buffer.from(`[1,"retirable","forged",0]`).toString('base64url').slice(3) },
            },
            { query: `query($k: ID!) { grants(keyId: $k, first: 5000) { totalCount } }`, variables: { k: DEMO.keys.full } },
            { query: `mutation { revokeGrant(input: { keyId: "${DEMO.keys.app}", grantId: "' OR 1=1 --" }) { grantId } }` },
            { query: `{ node(id: "not-an-id") { id } }` },
            { query: `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: retirableGrants(first: 1) { totalCount }`).join(' ')} }` },
          ]);
          const answer = await gql(caller, bad.query, bad.variables ?? {});
          if (answer && answer.errors.length === 0) stats.leaks.push(`invalid input accepted: ${bad.query.slice(0, 60)}`);
        },
      },
      {
        weight: 5,
        run: async () => {
          // No token at all: never any data from KMS.
          const answer = await gql(null, `query($k: ID!) { grants(keyId: $k, first: 3) { totalCount } }`, { k: DEMO.keys.full });
          if (answer?.data?.['grants']) stats.leaks.push('an anonymous request got grants');
        },
      },
    ];
    const totalWeight = actions.reduce((sum, a) => sum + a.weight, 0);
    const chooseAction = (): (() => Promise<void>) => {
      let ticket = Math.random() * totalWeight;
      for (const action of actions) {
        ticket -= action.weight;
        if (ticket < 0) return action.run;
      }
      return actions[0]?.run ?? (async () => undefined);
    };

    // Faults: in every 10 s, 6 s clean then 4 s with one fault rule.
    const faults: object[] = [
      { action: 'list-grants', effect: { kind: 'error', status: 503, shape: 'kms', code: 'KMS.0104' } },
      { action: 'describe-key', latencyMs: 1500 },
      { action: '*', retryAfter: '1', effect: { kind: 'error', status: 429, shape: 'apigw', code: 'APIGW.0308' } },
      { action: 'list-retirable-grants', effect: { kind: 'drop' } },
      { action: 'list-grants', effect: { kind: 'malformed-json' } },
      { action: 'revoke-grant', effect: { kind: 'truncated' } },
      { action: '*', effect: { kind: 'error', status: 500, shape: 'kms', code: 'KMS.0101' } },
    ];
    const faultLog: string[] = [];
    const deadline = Date.now() + seconds * 1000;
    const faultLoop = (async () => {
      let n = 0;
      while (Date.now() < deadline) {
        await sleep(Math.min(6000, Math.max(0, deadline - Date.now())));
        if (Date.now() >= deadline) break;
        const rule = faults[n % faults.length];
        n += 1;
        await fetch(`${emuUrl}/__emulator/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(rule),
        });
        faultLog.push(JSON.stringify(rule));
        await sleep(Math.min(4000, Math.max(0, deadline - Date.now())));
        await fetch(`${emuUrl}/__emulator/faults`, { method: 'DELETE' });
      }
    })();

    const workers = Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) await chooseAction()();
    });
    await Promise.all([...workers, faultLoop]);
    await fetch(`${emuUrl}/__emulator/faults`, { method: 'DELETE' });

    // Clean up grants whose revoke failed under a fault (straight at the emulator).
    let cleaned = 0;
    for (const { keyId, grantId } of pendingRevokes) {
      const response = await kms('revoke-grant', alice.token, { key_id: keyId, grant_id: grantId });
      if (response.status === 200) cleaned += 1;
    }
    await sleep(500);
    rss.end = rssMiB(gwPid);

    const sorted = <K>(map: Map<K, number>): Record<string, number> =>
      Object.fromEntries([...map.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [String(k), v]));
    const summary = {
      seconds,
      callers: callers.map((c) => c.label),
      requests: stats.requests,
      requestsPerSecond: Math.round(stats.requests / seconds),
      transportErrors: stats.transportErrors,
      httpStatus: sorted(stats.byStatus),
      errorsByCode: sorted(stats.byCode),
      grantsCreatedViaEmulator: stats.created,
      revokedViaGateway: stats.revoked,
      revokesLeftToCleanUp: pendingRevokes.length,
      cleanedUpDirectly: cleaned,
      faultsInjected: faultLog,
      gatewayRssMiB: { start: round(rss.start), peak: round(rss.peak), end: round(rss.end) },
      crossTokenLeaks: stats.leaks.length,
      leakSamples: [...new Set(stats.leaks)].slice(0, 10),
    };
    console.log(JSON.stringify(summary, null, 2));
    process.exitCode = stats.leaks.length === 0 ? 0 : 1;
  } finally {
    clearInterval(sampler);
    const gwExit = await gateway.stop();
    await emulator.stop();
    console.log(`gateway exit code after SIGTERM: ${gwExit}`);
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

await main();
