/**
 * The fuzz test's hostile requests: what each sends and, when pinned, the status it must get.
 */
import { keyGlobalId } from '../../src/relay/globalId.ts';
import { hostileValues, type FuzzFixture } from './hostileValues.ts';

/** One hostile request and what must come back. */
export interface FuzzCase {
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

/**
 * `total` hostile requests, weighted over about thirty categories (broken JSON, bad ids and
 * cursors, limits, floods, odd methods and headers...), each with the status it must get when one
 * is pinned. Deterministic for a given fixture.
 */
export function buildCases(total: number, fixture: FuzzFixture): FuzzCase[] {
  const { keyA: KEY_A, keyB: KEY_B, grantIdsA, realCursors } = fixture;
  const ALICE = { token: fixture.tokens.alice };
  const BOB = { token: fixture.tokens.bob };
  const asUser = (user: { token: string }): Record<string, string> => ({ 'x-auth-token': user.token });
  const g = hostileValues(fixture);
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
          () =>
            post(
              'deep fragments',
              op(
                `query { ...F0 } ${Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} }`).join(' ')} fragment F30 on Query { ...F0 }`,
              ),
            ),
        ])();
      },
    },
    // Alias, token and directive floods, over a valid key (only the limits prevent KMS calls).
    {
      weight: 6,
      make: () => {
        const n = int(16, 400);
        return pick([
          () =>
            post(
              'alias flood',
              op(
                `query($k: ID!) { ${Array.from({ length: n }, (_, i) => `a${i}: grants(keyId: $k, first: 1000) { totalCount }`).join(' ')} }`,
                { k: KEY_A },
              ),
            ),
          () =>
            post(
              'alias flood (node)',
              op(`{ ${Array.from({ length: n }, (_, i) => `n${i}: node(id: ${gqlString(keyGlobalId(KEY_A))}) { id }`).join(' ')} }`),
            ),
          () =>
            post(
              'token flood',
              op(
                `query($k: ID!) { grants(keyId: $k, first: 1) { totalCount } ${Array.from({ length: int(340, 3000) }, (_, i) => `t${i}: __typename`).join(' ')} }`,
                { k: KEY_A },
              ),
            ),
          () =>
            post(
              'directive flood',
              op(`query($k: ID!) { grants(keyId: $k, first: 1) ${'@include(if: true) '.repeat(int(11, 300))}{ totalCount } }`, {
                k: KEY_A,
              }),
            ),
          () =>
            post(
              'directive flood (spread)',
              op(
                `query($k: ID!) { grants(keyId: $k, first: 1) { totalCount } ${Array.from({ length: int(11, 200) }, () => '...on Query @skip(if: false) { __typename }').join(' ')} }`,
                { k: KEY_A },
              ),
            ),
          () =>
            post(
              'requested-grants flood',
              op(
                `query($k: ID!, $f: Int) { ${Array.from({ length: int(6, 15) }, (_, i) => `g${i}: grants(keyId: $k, first: $f) { totalCount }`).join(' ')} }`,
                { k: KEY_A, f: 1000 },
              ),
            ),
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
          () => ({
            ...post('form-urlencoded', `query=${encodeURIComponent(VALID)}`),
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...asUser(ALICE) },
            status: 415,
          }),
          () => ({
            ...post('multipart', `--B\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${VALID}\r\n--B--\r\n`),
            headers: { 'content-type': 'multipart/form-data; boundary=B', ...asUser(ALICE) },
            status: 415,
          }),
          () => ({ ...post('text/plain', VALID), headers: { 'content-type': 'text/plain', ...asUser(ALICE) }, status: 415 }),
          () => ({
            ...post('application/graphql', `{ grants(keyId: "${KEY_A}") { totalCount } }`),
            headers: { 'content-type': 'application/graphql', ...asUser(ALICE) },
            status: 415,
          }),
          () => ({ ...post('no content type', VALID), headers: { ...asUser(ALICE) }, status: 415 }),
          () => ({
            category: 'GET mutation',
            method: 'GET',
            headers: asUser(ALICE),
            search: { query: `mutation { revokeGrant(input: { keyId: "${KEY_A}", grantId: "${validGrantOf()}" }) { grantId } }` },
            status: 405,
          }),
          () => ({
            category: 'GET without CSRF header',
            method: 'GET',
            headers: {},
            search: { query: `{ grants(keyId: "${KEY_A}") { totalCount } }` },
            status: 403,
          }),
          () => ({
            category: 'GET bad variables',
            method: 'GET',
            headers: asUser(ALICE),
            search: { query: GRANTS, variables: pick(['{', '[]', '42', 'null', '{"k":1}']) },
          }),
          () => ({ category: 'GET without query', method: 'GET', headers: asUser(ALICE), search: { variables: '{}' } }),
          () => ({
            category: 'PUT',
            method: pick(['PUT', 'PATCH', 'DELETE']),
            headers: { 'content-type': 'application/json', ...asUser(ALICE) },
            body: VALID,
          }),
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
              authorization: pick([
                `Bearer ${ALICE.token} extra`,
                `Basic ${ALICE.token}`,
                `Bearer`,
                `bearer  ${BOB.token}`,
                `Bearer ${ALICE.token}%0d%0aX-Injected:%201`,
              ]),
            },
          }),
          (): FuzzCase => ({
            ...post('huge token header', body),
            headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token.repeat(int(100, 1500)) },
          }),
        ])();
      },
    },
  ];
  function validGrantOf(): string {
    return pick(grantIdsA);
  }
  const weights = generators.reduce((sum, gen) => sum + gen.weight, 0);
  const cases: FuzzCase[] = [];
  while (cases.length < total) {
    let ticket = g.rnd() * weights;
    const chosen =
      generators.find((gen) => {
        ticket -= gen.weight;
        return ticket < 0;
      }) ?? generators[0];
    if (chosen !== undefined) cases.push(chosen.make());
  }
  return cases;
}
