import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGrants, makeKey, makeKeyId, startFakeKms } from '../support/fakeKms.ts';
import type { FakeKms } from '../support/fakeKms.ts';
import { ALICE, BOB, PROJECT, TOKENS, asUser, errorSummary, expectedError, gql, startGatewayOn } from '../support/gateway.ts';
import type { RunningGateway } from '../../src/server/http.ts';
import { grantGlobalId, keyGlobalId } from '../../src/relay/globalId.ts';
import { leaks, mapConcurrent, raw, seededRandom } from './support/http.ts';
import type { RawResult } from './support/http.ts';

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

/** One hostile request and what must come back. */
interface FuzzCase {
  category: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Query string for GETs. */
  search?: Record<string, string>;
  /** An exact status when the case pins one (413, 415, 405...). */
  status?: number;
  /** Sent over a raw socket (bytes fetch refuses to send, e.g. control characters in headers). */
  rawRequest?: string;
}

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
// Generators (deterministic: everything comes from one seeded PRNG)

function generator(seed: number) {
  const rnd = seededRandom(seed);
  const int = (min: number, max: number): number => min + Math.floor(rnd() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const chars = (alphabet: string, n: number): string => Array.from({ length: n }, () => alphabet[int(0, alphabet.length - 1)]).join('');
  const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const HEX = '0123456789abcdef';
  const STRANGE = [
    '\u0000', '\u0007', '\u001b[31m', '\n', '\r\n', '\t', '\u200b', '\u200e', '\u202e', '\u2066', '\ufeff', '\ufffd', '\ud83d\udd11',
    '\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67', '\u0661\u0662', '\u05d0\u05d1', 'ﬀ', 'İ', 'ß', '\u0301', '\ud800', '\udfff', '％', '／', '＜',
  ];
  const INJECTIONS = [
    '../', '../../etc/passwd', '..%2f..%2f', '%2e%2e%2f', '"}', '"}]}', '\\"}', "' OR '1'='1", "'; DROP TABLE grants; --", '1 OR 1=1',
    '${jndi:ldap://x/a}', '{{7*7}}', '<script>alert(1)</script>', '$(id)', '`id`', '|| id', '\r\nX-Injected: 1', '%0d%0aX-Injected:%201',
    '?marker=x', '#frag', '&limit=1000', '/v1.0/x/kms/revoke-grant', 'key_id":"x', '\\u0000', '%00', 'null', 'undefined', '[object Object]', '__proto__',
    'constructor', '-1', '1e400', 'NaN',
  ];
  /** A valid-looking id with something strange spliced in. */
  const spliced = (base: string): string => {
    const at = int(0, base.length);
    const what = rnd() < 0.5 ? pick(STRANGE) : pick(INJECTIONS);
    return base.slice(0, at) + what + base.slice(at + (rnd() < 0.5 ? 1 : 0));
  };
  const validKey = (): string => pick([KEY_A, KEY_B]);
  const validGrant = (): string => pick([...GRANTS_A, ...GRANTS_B]).grant_id;
  /** A malformed key id (never matching the KMS key id pattern). */
  const badKeyId = (): string =>
    pick([
      () => spliced(validKey()),
      () => pick(INJECTIONS),
      () => pick(STRANGE),
      () => validKey().toUpperCase(),
      () => `${validKey()} `,
      () => ` ${validKey()}`,
      () => validKey().slice(0, int(0, 35)),
      () => `${validKey()}${pick(['/', '../', '"', '\u0000', 'a'])}`,
      () => chars(B64URL, int(1, 80)),
      () => 'k'.repeat(int(37, 5000)),
      () => '',
    ])();
  /** A malformed grant id (never 64 hex characters). */
  const badGrantId = (): string =>
    pick([
      () => spliced(validGrant()),
      () => pick(INJECTIONS),
      () => validGrant().slice(0, int(0, 63)),
      () => `${validGrant()}${pick(['0', 'g', ' ', '\n'])}`,
      () => chars('ghijklmnopqrstuvwxyz', 64),
      () => chars(HEX, 63) + pick(STRANGE),
      () => '',
    ])();
  const b64 = (text: string): string => Buffer.from(text).toString('base64url');
  /** A cursor this gateway did not issue for the connection it is sent to, or a mangled real one. */
  const badCursor = (connectionKey: string): string => {
    const real = realCursors.length > 0 ? pick(realCursors) : b64('[1,"grants:x","",1]');
    return pick([
      () => '',
      () => chars(B64URL, int(1, 200)),
      () => b64(String.fromCharCode(...Array.from({ length: int(1, 120) }, () => int(0, 255)))),
      () => real.slice(0, int(0, real.length - 1)),
      () => real + pick(['=', '==', '.', '+', '/', '%3D', ' ', '\u0000', '\ud83d\ude00']),
      () => {
        const at = int(0, real.length - 1);
        return real.slice(0, at) + pick(['+', '/', '=', '.', ' ', '\n', 'é', '\u202e']) + real.slice(at + 1);
      },
      () => b64(`[2,"grants:${connectionKey}","",0]`),
      () => b64(`[1,"grants:${connectionKey}","",-1]`),
      () => b64(`[1,"grants:${connectionKey}","",1001]`),
      () => b64(`[1,"grants:${connectionKey}","",1.5]`),
      () => b64(`[1,"grants:${connectionKey}","m x",0]`),
      () => b64(`[1,"grants:${connectionKey}","${'m'.repeat(257)}",0]`),
      () => b64(`[1,"grants:${connectionKey}","\\u0000",0]`),
      () => b64(`[1,"grants:${connectionKey}","",0,0]`),
      () => b64(`{"v":1,"c":"grants:${connectionKey}","m":"","s":0}`),
      () => b64(`[1,"grants:${connectionKey === KEY_A ? KEY_B : KEY_A}","",1]`),
      () => b64('[1,"retirable","",1]'),
      () => b64(`[1,"grants:${connectionKey}","",0]`).toUpperCase() + '$',
      () => 'A'.repeat(int(1025, 4000)),
    ])();
  };
  /** A malformed global id. */
  const badNodeId = (): string =>
    pick([
      () => '',
      () => chars(B64URL, int(1, 120)),
      () => b64(`Key:${badKeyId()}`),
      () => b64(`Grant:${validKey()}:${badGrantId()}`),
      () => b64(`Grant:${validKey()}`),
      () => b64(`Key:${validKey()}:`),
      () => b64(`Key:${validKey()}:${validGrant()}`),
      () => b64(`Secret:${validKey()}`),
      () => keyGlobalId(validKey()) + pick(['=', '.', ' ', '\u0000']),
      () => grantGlobalId(validKey(), validGrant()).slice(0, -int(1, 10)),
      () => pick(INJECTIONS),
      () => spliced(keyGlobalId(validKey())),
      () => 'A'.repeat(int(201, 3000)),
    ])();
  return { rnd, int, pick, chars, badKeyId, badGrantId, badCursor, badNodeId, STRANGE, INJECTIONS };
}

function buildCases(total: number): FuzzCase[] {
  const g = generator(SEED);
  const { int, pick } = g;
  const json = (value: unknown): string => JSON.stringify(value);
  const post = (category: string, body: string, extra: Partial<FuzzCase> = {}): FuzzCase => ({
    category,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...asUser(ALICE) },
    body,
    ...extra,
  });
  const op = (query: string, variables?: unknown): string => json(variables === undefined ? { query } : { query, variables });
  const GRANTS = `query Q($k: ID!, $a: String, $f: Int) { grants(keyId: $k, first: $f, after: $a) { totalCount edges { cursor node { grantId } } } }`;
  const RETIRABLE = `query Q($a: String) { retirableGrants(first: 3, after: $a) { totalCount } }`;
  const NODE = `query Q($id: ID!) { node(id: $id) { id } }`;
  const REVOKE = `mutation M($k: ID!, $g: ID!) { revokeGrant(input: { keyId: $k, grantId: $g }) { grantId } }`;
  const VALID = op(`query Q($k: ID!) { grants(keyId: $k, first: 2) { totalCount } }`, { k: KEY_A });
  const gqlString = (s: string): string => JSON.stringify(s);

  const generators: { weight: number; make: () => FuzzCase }[] = [
    // Broken JSON.
    {
      weight: 10,
      make: () =>
        post(
          'broken JSON',
          pick([
            () => VALID.slice(0, int(0, VALID.length - 1)),
            () => VALID.slice(int(1, VALID.length - 1)),
            () => VALID.replace(':', pick(['', ';', '::', '='])),
            () => VALID.replace(/"/, pick(["'", '', '“'])),
            () => `${VALID}${pick([',', '}', ']', 'x', '\u0000'])}`,
            () => `{"query": "{ __typename }", }`,
            () => `{query: "{ __typename }"}`,
            () => `{"query": "{ __typename }" "variables": {}}`,
            () => '{'.repeat(int(1, 5000)),
            () => '['.repeat(int(1, 5000)),
            () => `{"query":"${'\\'.repeat(int(1, 9))}`,
            () => `{"query":"\\u${g.chars('0123456789abcdefxyz', 3)}"}`,
            () => g.chars('{}[]":,\\ntrufalse0123456789 ', int(1, 300)),
            () => Buffer.from(Array.from({ length: int(1, 200) }, () => int(0, 255))).toString('latin1'),
            () => '\ufeff' + VALID.slice(0, -1),
            () => '',
          ])(),
        ),
    },
    // Wrong JSON types.
    {
      weight: 10,
      make: () =>
        post(
          'wrong JSON types',
          pick([
            () => 'null',
            () => String(int(-1e6, 1e6)),
            () => 'true',
            () => '"{ __typename }"',
            () => json([]),
            () => json([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
            () => json({}),
            () => json({ query: pick([42, null, true, {}, [], ['{ __typename }'], { query: '{ __typename }' }]) }),
            () => json({ query: GRANTS, variables: pick(['{"k":"x"}', 42, [], true, [KEY_A]]) }),
            () => json({ query: GRANTS, variables: { k: pick([42, true, null, {}, [KEY_A], { $ne: null }]) } }),
            () => json({ query: GRANTS, variables: { k: KEY_A, f: pick(['10', 1.5, -1, 1001, 2 ** 31, 1e300, true, [], {}]) } }),
            () => json({ query: GRANTS, variables: { k: KEY_A, a: pick([42, true, {}, []]) } }),
            () => json({ query: GRANTS, operationName: pick([42, {}, [], 'Nope', '']), variables: { k: 'bad' } }),
            () => json({ query: '{ __typename }', extensions: pick(['x', 42, [], true]) }),
            () => json({ query: REVOKE, variables: { k: KEY_A, g: pick([42, null, {}, [validGrantOf()]]) } }),
          ])(),
        ),
    },
    // Bad keyId / grantId / after / id values, as variables and as inline literals.
    {
      weight: 18,
      make: () => {
        const kind = int(0, 6);
        if (kind === 0) return post('bad keyId (variable)', op(GRANTS, { k: g.badKeyId() }));
        if (kind === 1) return post('bad keyId (literal)', op(`{ grants(keyId: ${gqlString(g.badKeyId())}, first: 1) { totalCount } }`));
        if (kind === 2) return post('bad grantId (revoke)', op(REVOKE, { k: pick([KEY_A, g.badKeyId()]), g: g.badGrantId() }));
        if (kind === 3) return post('bad keyId (revoke)', op(REVOKE, { k: g.badKeyId(), g: validGrantOf() }));
        if (kind === 4) return post('bad node id', op(NODE, { id: g.badNodeId() }));
        if (kind === 5) {
          const key = pick([KEY_A, KEY_B]);
          return post('bad cursor (grants)', op(GRANTS, { k: key, a: g.badCursor(key), f: int(0, 5) }));
        }
        const cursor = pick([...realCursors, g.badCursor(KEY_A)]);
        return post('bad cursor (retirableGrants)', op(RETIRABLE, { a: cursor }));
      },
    },
    // first out of range (with a valid key: only the check stands between it and KMS).
    {
      weight: 3,
      make: () => post('first out of range', op(GRANTS, { k: KEY_A, f: pick([-1, -(2 ** 31), 1001, 5000, 2 ** 31 - 1]) })),
    },
    // Huge strings.
    {
      weight: 2,
      make: () =>
        pick([
          () => post('1 MB body', op(GRANTS, { k: KEY_A, pad: 'x'.repeat(1_048_576) }), { status: 413 }),
          () => post('1 MB query', op(`{ __typename ${' '.repeat(1_048_576)}}`), { status: 413 }),
          () => post('50 kB keyId', op(GRANTS, { k: `${KEY_A}${'0'.repeat(50_000)}` })),
          () => post('50 kB cursor', op(GRANTS, { k: KEY_A, a: 'A'.repeat(50_000) })),
        ])(),
    },
    // Deep nesting.
    {
      weight: 4,
      make: () => {
        const n = int(9, 400);
        return pick([
          () => post('deep selection', op(`{ grants(keyId: "${KEY_A}") ${'{ edges { node '.repeat(n)}${'} } '.repeat(n)}}`)),
          () => post('deep invalid selection', op(`{ ${'a { '.repeat(n)}b${' }'.repeat(n)} }`)),
          () => post('deep JSON variables', `{"query":${json(GRANTS)},"variables":{"k":${'['.repeat(n * 10)}1${']'.repeat(n * 10)}}}`),
          () => post('deep list literal', op(`{ grants(keyId: ${'['.repeat(n)}"x"${']'.repeat(n)}) { totalCount } }`)),
          () => post('deep fragments', op(`query { ...F0 } ${Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} }`).join(' ')} fragment F30 on Query { ...F0 }`)),
        ])();
      },
    },
    // Alias, token and directive floods, over a valid key (only the limits prevent KMS calls).
    {
      weight: 6,
      make: () => {
        const n = int(16, 400);
        return pick([
          () => post('alias flood', op(`query($k: ID!) { ${Array.from({ length: n }, (_, i) => `a${i}: grants(keyId: $k, first: 1000) { totalCount }`).join(' ')} }`, { k: KEY_A })),
          () => post('alias flood (node)', op(`{ ${Array.from({ length: n }, (_, i) => `n${i}: node(id: ${gqlString(keyGlobalId(KEY_A))}) { id }`).join(' ')} }`)),
          () => post('token flood', op(`query($k: ID!) { grants(keyId: $k, first: 1) { totalCount } ${Array.from({ length: int(340, 3000) }, (_, i) => `t${i}: __typename`).join(' ')} }`, { k: KEY_A })),
          () => post('directive flood', op(`query($k: ID!) { grants(keyId: $k, first: 1) ${'@include(if: true) '.repeat(int(11, 300))}{ totalCount } }`, { k: KEY_A })),
          () => post('directive flood (spread)', op(`query($k: ID!) { grants(keyId: $k, first: 1) { totalCount } ${Array.from({ length: int(11, 200) }, () => '...on Query @skip(if: false) { __typename }').join(' ')} }`, { k: KEY_A })),
          () => post('requested-grants flood', op(`query($k: ID!, $f: Int) { ${Array.from({ length: int(6, 15) }, (_, i) => `g${i}: grants(keyId: $k, first: $f) { totalCount }`).join(' ')} }`, { k: KEY_A, f: 1000 })),
        ])();
      },
    },
    // Unicode, NUL, emoji, RTL in the query text itself.
    {
      weight: 4,
      make: () => {
        // Only characters that are not GraphQL whitespace (tab, newlines and the BOM are ignored tokens).
        const visible = g.STRANGE.filter((c) => !['\t', '\n', '\r\n', '\ufeff'].includes(c));
        return post('strange query text', op(`{ grants${pick(visible)}(keyId: "${KEY_A}") { totalCount } ${pick(visible)} }`));
      },
    },
    // Other content types and methods.
    {
      weight: 5,
      make: () =>
        pick([
          () => ({ ...post('form-urlencoded', `query=${encodeURIComponent(VALID)}`), headers: { 'content-type': 'application/x-www-form-urlencoded', ...asUser(ALICE) }, status: 415 }),
          () => ({
            ...post('multipart', `--B\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${VALID}\r\n--B--\r\n`),
            headers: { 'content-type': 'multipart/form-data; boundary=B', ...asUser(ALICE) },
            status: 415,
          }),
          () => ({ ...post('text/plain', VALID), headers: { 'content-type': 'text/plain', ...asUser(ALICE) }, status: 415 }),
          () => ({ ...post('application/graphql', `{ grants(keyId: "${KEY_A}") { totalCount } }`), headers: { 'content-type': 'application/graphql', ...asUser(ALICE) }, status: 415 }),
          () => ({ ...post('no content type', VALID), headers: { ...asUser(ALICE) }, status: 415 }),
          () => ({ category: 'GET mutation', method: 'GET', headers: asUser(ALICE), search: { query: `mutation { revokeGrant(input: { keyId: "${KEY_A}", grantId: "${validGrantOf()}" }) { grantId } }` }, status: 405 }),
          () => ({ category: 'GET without CSRF header', method: 'GET', headers: {}, search: { query: `{ grants(keyId: "${KEY_A}") { totalCount } }` }, status: 403 }),
          () => ({ category: 'GET bad variables', method: 'GET', headers: asUser(ALICE), search: { query: GRANTS, variables: pick(['{', '[]', '42', 'null', '{"k":1}']) } }),
          () => ({ category: 'GET without query', method: 'GET', headers: asUser(ALICE), search: { variables: '{}' } }),
          () => ({ category: 'PUT', method: pick(['PUT', 'PATCH', 'DELETE']), headers: { 'content-type': 'application/json', ...asUser(ALICE) }, body: VALID }),
        ])(),
    },
    // Header tricks: control characters in the token header (raw socket), odd Authorization.
    {
      weight: 4,
      make: () => {
        const body = op(GRANTS, { k: g.badKeyId() });
        return pick([
          (): FuzzCase => ({
            category: 'header injection in X-Auth-Token (raw)',
            method: 'POST',
            headers: {},
            rawRequest:
              `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n` +
              `X-Auth-Token: ${ALICE.token}${pick(['\nX-Injected: 1', '\r\n X-Folded: 1', '\u0000x', '\rX-Injected: 1'])}\r\n` +
              `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          }),
          (): FuzzCase => ({
            ...post('odd Authorization', body),
            headers: {
              'content-type': 'application/json',
              authorization: pick([`Bearer ${ALICE.token} extra`, `Basic ${ALICE.token}`, `Bearer`, `bearer  ${BOB.token}`, `Bearer ${ALICE.token}%0d%0aX-Injected:%201`]),
            },
          }),
          (): FuzzCase => ({ ...post('huge token header', body), headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token.repeat(int(100, 1500)) } }),
        ])();
      },
    },
  ];
  function validGrantOf(): string {
    return pick(GRANTS_A).grant_id;
  }
  const weights = generators.reduce((sum, gen) => sum + gen.weight, 0);
  const cases: FuzzCase[] = [];
  while (cases.length < total) {
    let ticket = g.rnd() * weights;
    const chosen = generators.find((gen) => (ticket -= gen.weight) < 0) ?? generators[0];
    if (chosen !== undefined) cases.push(chosen.make());
  }
  return cases;
}

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
      const cases = buildCases(TOTAL_REQUESTS);
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
