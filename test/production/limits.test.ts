import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import type { AuditResult } from 'graphql-http';
import { makeGrants, makeKey, makeKeyId } from '../support/fixtures.ts';
import { startFakeKms } from '../support/fakeKms.ts';
import type { FakeKms } from '../support/fakeKms.ts';
import { ALICE, TOKENS, asUser, gql, leaksIn, startGatewayOn } from '../support/gateway.ts';
import type { RunningGateway } from '../../src/server/http.ts';
import type { GatewayConfig } from '../../src/config.ts';
import { errorCodes, errorMessages, getGraphql, postRaw, raw } from './support/http.ts';

// Fixtures: one described key with 10 grants; another key whose first grant has an object as
// its retiring principal, which no String can represent (an unexpected error, to check masking).
const KEY = makeKeyId(900);
const GRANTS = makeGrants(KEY, 10);
const BROKEN_KEY = makeKeyId(901);
const UPSTREAM_SECRET = 'upstream-secret-5a1d';
const BROKEN_GRANTS = makeGrants(BROKEN_KEY, 2, (i) => (i === 0 ? { retiring_principal: { note: UPSTREAM_SECRET } as unknown as string } : {}));
const GRANTS_QUERY = `query Grants($k: ID!) { grants(keyId: $k, first: 3) { totalCount edges { node { grantId } } } }`;
const ALLOWED_ORIGIN = 'https://app.example';
const FOREIGN_ORIGIN = 'https://evil.example';
const PRODUCTION: Partial<GatewayConfig> = { production: true, graphiql: false, introspection: false };

/** `n` aliased `retirableGrants(first: 1)` fields (graphql-armor does not count `__typename` aliases). */
const aliases = (n: number): string => `{ ${Array.from({ length: n }, (_, i) => `a${i}: retirableGrants(first: 1) { totalCount }`).join(' ')} }`;
/** `n` fields, each with one directive. */
const directives = (n: number): string =>
  `{ ${Array.from({ length: n }, (_, i) => `d${i}: __typename @include(if: true)`).join(' ')} }`;
/**
 * About `n` lexical tokens as distinct `__typename` aliases (3 tokens each; distinct response
 * names, so graphql-js's own overlapping-fields budget is not what refuses it).
 */
const tokens = (n: number): string => `{ ${Array.from({ length: Math.floor((n - 2) / 3) }, (_, i) => `t${i}: __typename`).join(' ')} }`;
/** `n` aliased `grants` fields of one key, each asking `first` (a literal or a variable name). */
const grantAliases = (n: number, first: number | '$n'): string =>
  `query(${first === '$n' ? '$k: ID!, $n: Int' : '$k: ID!'}) { ${Array.from({ length: n }, (_, i) => `g${i}: grants(keyId: $k, first: ${first}) { totalCount }`).join(' ')} }`;
/** A valid 5-deep query: grants > edges > node > key > alias. */
const FIVE_DEEP = `query($k: ID!) { grants(keyId: $k, first: 1) { edges { node { key { alias } } } } }`;
/** 9 deep: no valid query of this schema is deeper than 5, so the extra levels are unknown fields. */
const NINE_DEEP = `query($k: ID!) { grants(keyId: $k, first: 1) { edges { node { key { a { b { c { d { e } } } } } } } } }`;

let fake: FakeKms;
let gw: RunningGateway;
let prod: RunningGateway;
beforeAll(async () => {
  fake = await startFakeKms({
    tokens: TOKENS,
    keys: [makeKey(KEY, 'limits'), makeKey(BROKEN_KEY, 'broken')],
    grants: [...GRANTS, ...BROKEN_GRANTS],
  });
  gw = await startGatewayOn(fake);
  prod = await startGatewayOn(fake, PRODUCTION);
});
afterAll(async () => {
  await gw.close();
  await prod.close();
  await fake.close();
});
beforeEach(() => fake.reset());

/** Starts a gateway with `overrides` for one test, closing it afterwards. */
async function withGateway<T>(overrides: Partial<GatewayConfig>, fn: (g: RunningGateway) => Promise<T>): Promise<T> {
  const g = await startGatewayOn(fake, overrides);
  try {
    return await fn(g);
  } finally {
    await g.close();
  }
}

/** A refused operation: one of its errors is BAD_USER_INPUT with a message matching `rule`, and no data. */
function refusal(json: unknown, rule: RegExp): { data: unknown; badInput: boolean; names: boolean } {
  const codes = errorCodes(json);
  const messages = errorMessages(json);
  return {
    data: (json as { data?: unknown }).data ?? null,
    badInput: codes.includes('BAD_USER_INPUT'),
    names: messages.some((m) => rule.test(m)),
  };
}
const REFUSED = { data: null, badInput: true, names: true };

describe('server/yoga (operation limits, HTTP policy, production mode)', () => {
  describe('shape limits (graphql-armor) with the default configuration', () => {
    it.each([
      { limit: 'depth (8)', over: NINE_DEEP, under: FIVE_DEEP, rule: /depth/i },
      { limit: 'aliases (15)', over: aliases(16), under: aliases(15), rule: /alias/i },
      { limit: 'directives (10)', over: directives(11), under: directives(10), rule: /directive/i },
      { limit: 'tokens (1000)', over: tokens(1010), under: tokens(990), rule: /token/i },
    ])('refuses an operation over the $limit limit with BAD_USER_INPUT and no KMS call, and runs one under it', async ({ over, under, rule }) => {
      const refused = await gql(gw, over, { k: KEY }, asUser(ALICE));
      expect(refusal(refused.body, rule)).toEqual(REFUSED);
      expect(fake.requests).toEqual([]);
      const accepted = await gql(gw, under, { k: KEY }, asUser(ALICE));
      expect({ status: accepted.status, errors: accepted.body.errors, data: accepted.body.data !== null }).toEqual({ status: 200, errors: undefined, data: true });
    });
  });

  describe('requested grants limit (sum of first over the operation)', () => {
    it('refuses 6 aliases of first: $n = 1000 (6,000 > 5,000) with BAD_USER_INPUT naming the total, before any KMS call', async () => {
      const { status, body } = await gql(gw, grantAliases(6, '$n'), { k: KEY, n: 1000 }, asUser(ALICE));
      // 200 (data: null) or 400 (a request error) are both fine; a 5xx is not (it is the caller's fault).
      expect({ status: status === 200 || status === 400, data: body.data ?? null, codes: errorCodes(body), names: errorMessages(body).some((m) => /6000 grants/.test(m)) }).toEqual({
        status: true,
        data: null,
        codes: ['BAD_USER_INPUT'],
        names: true,
      });
      expect(fake.requests).toEqual([]);
    });

    it('refuses 6 aliases of a literal first: 1000 with BAD_USER_INPUT before any KMS call', async () => {
      const { body } = await gql(gw, grantAliases(6, 1000), { k: KEY }, asUser(ALICE));
      expect({ data: body.data ?? null, codes: errorCodes(body) }).toEqual({ data: null, codes: ['BAD_USER_INPUT'] });
      expect(fake.requests).toEqual([]);
    });

    it('runs 5 aliases of first: $n = 1000 (exactly 5,000) from one deduplicated KMS call', async () => {
      const { body } = await gql(gw, grantAliases(5, '$n'), { k: KEY, n: 1000 }, asUser(ALICE));
      expect(body).toEqual({ data: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`g${i}`, { totalCount: 10 }])) });
      expect(fake.calls('list-grants')).toHaveLength(1);
    });

    it('runs 5 aliases of a literal first: 1000 (exactly 5,000), like the same operation with variables', async () => {
      const { body } = await gql(gw, grantAliases(5, 1000), { k: KEY }, asUser(ALICE));
      expect(body).toEqual({ data: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`g${i}`, { totalCount: 10 }])) });
    });

    it('runs one grants(first: 1000) selecting edges (the contract allows first up to 1000)', async () => {
      const query = `query($k: ID!) { grants(keyId: $k, first: 1000) { edges { node { grantId } } } }`;
      const { body } = await gql(gw, query, { k: KEY }, asUser(ALICE));
      expect(body).toEqual({ data: { grants: { edges: GRANTS.map((g) => ({ node: { grantId: g.grant_id } })) } } });
    });

    it('applies a configured maxRequestedGrants (1,500: two aliases of 1,000 refused, of 750 run)', async () => {
      const query = `query($k: ID!, $n: Int) { a: grants(keyId: $k, first: $n) { totalCount } b: grants(keyId: $k, first: $n) { totalCount } }`;
      await withGateway({ maxRequestedGrants: 1500 }, async (g) => {
        const over = await gql(g, query, { k: KEY, n: 1000 }, asUser(ALICE));
        expect({ data: over.body.data ?? null, codes: errorCodes(over.body) }).toEqual({ data: null, codes: ['BAD_USER_INPUT'] });
        expect(fake.requests).toEqual([]);
        const under = await gql(g, query, { k: KEY, n: 750 }, asUser(ALICE));
        expect(under.body).toEqual({ data: { a: { totalCount: 10 }, b: { totalCount: 10 } } });
      });
    });
  });

  describe('limits are configurable', () => {
    it('refuses 3 aliases on a gateway started with maxAliases 2, and runs 2', async () => {
      await withGateway({ maxAliases: 2 }, async (small) => {
        const over = await gql(small, aliases(3), {}, asUser(ALICE));
        expect(refusal(over.body, /alias/i)).toEqual(REFUSED);
        expect(fake.requests).toEqual([]);
        const under = await gql(small, aliases(2), {}, asUser(ALICE));
        expect(under.body).toEqual({ data: { a0: { totalCount: 0 }, a1: { totalCount: 0 } } });
      });
    });

    it('refuses a 5-deep grants query on a gateway started with maxDepth 3, and runs it on the default', async () => {
      const query = `query($k: ID!) { grants(keyId: $k, first: 1) { edges { node { key { alias } } } } }`;
      const small = await withGateway({ maxDepth: 3 }, (g) => gql(g, query, { k: KEY }, asUser(ALICE)));
      expect(refusal(small.body, /depth/i)).toEqual(REFUSED);
      expect(fake.requests).toEqual([]);
      const normal = await gql(gw, query, { k: KEY }, asUser(ALICE));
      expect(normal.body).toEqual({ data: { grants: { edges: [{ node: { key: { alias: 'limits' } } }] } } });
    });

    it('refuses 30 tokens on a gateway started with maxTokens 20, and runs 17', async () => {
      await withGateway({ maxTokens: 20 }, async (small) => {
        const over = await gql(small, tokens(30), {}, asUser(ALICE));
        const under = await gql(small, tokens(17), {}, asUser(ALICE));
        expect({ over: refusal(over.body, /token/i), under: under.body }).toEqual({
          over: REFUSED,
          under: { data: { t0: 'Query', t1: 'Query', t2: 'Query', t3: 'Query', t4: 'Query' } },
        });
      });
    });

    it('refuses 3 directives on a gateway started with maxDirectives 2, and runs 2', async () => {
      await withGateway({ maxDirectives: 2 }, async (small) => {
        const over = await gql(small, directives(3), {}, asUser(ALICE));
        const under = await gql(small, directives(2), {}, asUser(ALICE));
        expect({ over: refusal(over.body, /directive/i), under: under.body }).toEqual({
          over: REFUSED,
          under: { data: { d0: 'Query', d1: 'Query' } },
        });
      });
    });
  });

  describe('request body', () => {
    it('answers 413 to a body over maxBodyBytes (100,000 by default) and no KMS call', async () => {
      const padding = 'x'.repeat(100_001);
      const response = await postRaw(gw, JSON.stringify({ query: GRANTS_QUERY, variables: { k: KEY, pad: padding } }), asUser(ALICE));
      expect(response.status).toBe(413);
      expect(fake.requests).toEqual([]);
    });

    it('accepts a body just under the limit', async () => {
      const body = JSON.stringify({ query: GRANTS_QUERY, variables: { k: KEY, pad: '' } });
      const padded = JSON.stringify({ query: GRANTS_QUERY, variables: { k: KEY, pad: 'x'.repeat(99_000 - body.length) } });
      const response = await postRaw(gw, padded, asUser(ALICE));
      expect({ status: response.status, errors: (response.json as { errors?: unknown }).errors }).toEqual({ status: 200, errors: undefined });
    });

    it('applies a configured maxBodyBytes', async () => {
      const body = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2000) } });
      const response = await withGateway({ maxBodyBytes: 1000 }, (g) => postRaw(g, body, asUser(ALICE)));
      expect(response.status).toBe(413);
    });

    it('refuses a batched (array) request with a 4xx and no KMS call', async () => {
      const one = { query: GRANTS_QUERY, variables: { k: KEY } };
      const response = await postRaw(gw, JSON.stringify([one, one]), asUser(ALICE));
      expect({ clientError: response.status >= 400 && response.status < 500, data: (response.json as { data?: unknown } | undefined)?.data }).toEqual({
        clientError: true,
        data: undefined,
      });
      expect(fake.requests).toEqual([]);
    });

    it.each([
      { type: 'application/x-www-form-urlencoded', body: `query=${encodeURIComponent('{ __typename }')}` },
      { type: 'multipart/form-data; boundary=XYZ', body: '--XYZ\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{ __typename }"}\r\n--XYZ--\r\n' },
      { type: 'text/plain', body: JSON.stringify({ query: '{ __typename }' }) },
    ])('answers 415 to a $type POST', async ({ type, body }) => {
      const response = await raw(gw.graphqlUrl, { method: 'POST', headers: { 'content-type': type, ...asUser(ALICE) }, body });
      expect(response.status).toBe(415);
      expect(fake.requests).toEqual([]);
    });
  });

  describe('CSRF prevention', () => {
    it('runs a GET query carrying X-Auth-Token', async () => {
      const response = await getGraphql(gw, { query: GRANTS_QUERY, variables: JSON.stringify({ k: KEY }) }, asUser(ALICE));
      expect({ status: response.status, json: response.json }).toEqual({
        status: 200,
        json: { data: { grants: { totalCount: 10, edges: GRANTS.slice(0, 3).map((g) => ({ node: { grantId: g.grant_id } })) } } },
      });
    });

    it('runs a GET query carrying Authorization: Bearer', async () => {
      const response = await getGraphql(gw, { query: '{ __typename }' }, { authorization: `Bearer ${ALICE.token}` });
      expect({ status: response.status, json: response.json }).toEqual({ status: 200, json: { data: { __typename: 'Query' } } });
    });

    it('refuses with 403 a GET query with none of the accepted headers, and makes no KMS call', async () => {
      const response = await getGraphql(gw, { query: GRANTS_QUERY, variables: JSON.stringify({ k: KEY }) });
      expect(response.status).toBe(403);
      expect(fake.requests).toEqual([]);
    });

    it('runs a POST with application/json and no extra header', async () => {
      const response = await postRaw(gw, JSON.stringify({ query: '{ __typename }' }));
      expect({ status: response.status, json: response.json }).toEqual({ status: 200, json: { data: { __typename: 'Query' } } });
    });
  });

  describe('CORS', () => {
    const preflight = (g: RunningGateway, origin: string) =>
      raw(g.graphqlUrl, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-auth-token' },
      });
    const simple = (g: RunningGateway, origin: string) => postRaw(g, JSON.stringify({ query: '{ __typename }' }), { origin });

    it('sends no Access-Control-Allow-Origin to a foreign origin by default', async () => {
      const [pre, post] = await Promise.all([preflight(gw, FOREIGN_ORIGIN), simple(gw, FOREIGN_ORIGIN)]);
      expect({ pre: pre.headers.get('access-control-allow-origin'), post: post.headers.get('access-control-allow-origin') }).toEqual({
        pre: null,
        post: null,
      });
    });

    /**
     * What a browser at `origin` may conclude from an answer: allowed only when
     * Access-Control-Allow-Origin is that origin or `*`. `null` is also flagged: documents with
     * an opaque origin (sandboxed iframes, data: URLs) send `Origin: null` and would match it.
     */
    const verdict = (r: { headers: Headers }, origin: string): string => {
      const allow = r.headers.get('access-control-allow-origin');
      if (allow === origin || allow === '*') return 'allowed';
      return allow === 'null' ? 'allow-origin null' : 'blocked';
    };

    it('allows exactly the configured origin when corsOrigins has one entry, and no other', async () => {
      await withGateway({ corsOrigins: [ALLOWED_ORIGIN] }, async (g) => {
        const [preOk, postOk, preNo, postNo] = await Promise.all([
          preflight(g, ALLOWED_ORIGIN),
          simple(g, ALLOWED_ORIGIN),
          preflight(g, FOREIGN_ORIGIN),
          simple(g, FOREIGN_ORIGIN),
        ]);
        expect({
          preOk: verdict(preOk, ALLOWED_ORIGIN),
          postOk: verdict(postOk, ALLOWED_ORIGIN),
          preOkHeaders: /x-auth-token/i.test(preOk.headers.get('access-control-allow-headers') ?? ''),
          preNo: verdict(preNo, FOREIGN_ORIGIN),
          postNo: verdict(postNo, FOREIGN_ORIGIN),
        }).toEqual({ preOk: 'allowed', postOk: 'allowed', preOkHeaders: true, preNo: 'blocked', postNo: 'blocked' });
      });
    });

    it('allows each configured origin of a two-entry allow-list, and neither a foreign origin nor `null`', async () => {
      const second = 'https://admin.example';
      await withGateway({ corsOrigins: [ALLOWED_ORIGIN, second] }, async (g) => {
        const [first, other, foreign] = await Promise.all([preflight(g, ALLOWED_ORIGIN), preflight(g, second), preflight(g, FOREIGN_ORIGIN)]);
        const postNull = await simple(g, 'null');
        expect({
          first: verdict(first, ALLOWED_ORIGIN),
          other: verdict(other, second),
          foreign: verdict(foreign, FOREIGN_ORIGIN),
          opaqueOrigin: verdict(postNull, 'null'),
        }).toEqual({ first: 'allowed', other: 'allowed', foreign: 'blocked', opaqueOrigin: 'blocked' });
      });
    });
  });

  describe('production mode (production, graphiql and introspection off)', () => {
    it('refuses introspection in production and answers it in development', async () => {
      const query = '{ __schema { queryType { name } } }';
      const [p, d] = await Promise.all([gql(prod, query), gql(gw, query)]);
      expect({ prodData: p.body.data ?? null, prodErrors: (p.body.errors ?? []).length > 0, dev: d.body }).toEqual({
        prodData: null,
        prodErrors: true,
        dev: { data: { __schema: { queryType: { name: 'Query' } } } },
      });
    });

    it('gives no "Did you mean" field suggestion in production (development does)', async () => {
      const query = '{ grantz(keyId: "x") { totalCount } }';
      const [p, d] = await Promise.all([gql(prod, query), gql(gw, query)]);
      expect({ prod: /did you mean/i.test(p.text), dev: /did you mean/i.test(d.text), prodErrors: errorMessages(p.body).length }).toEqual({
        prod: false,
        dev: true,
        prodErrors: 1,
      });
    });

    it('does not serve GraphiQL to a browser GET', async () => {
      const response = await raw(prod.graphqlUrl, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
      expect({ html: (response.headers.get('content-type') ?? '').startsWith('text/html'), graphiql: /graphiql/i.test(response.text) }).toEqual({
        html: false,
        graphiql: false,
      });
    });

    it('masks an unexpected error as "Unexpected error." at its path, without its cause, keeping the rest of the data', async () => {
      const query = `query($k: ID!) { grants(keyId: $k, first: 2) { totalCount edges { node { grantId retiringPrincipal } } } }`;
      for (const g of [prod, gw]) {
        const { status, body, text } = await gql(g, query, { k: BROKEN_KEY }, asUser(ALICE));
        expect({
          status,
          data: body.data,
          errors: (body.errors ?? []).map((e) => ({ message: e.message, path: e.path })),
          cause: text.includes(UPSTREAM_SECRET) || /cannot represent|TypeError/.test(text),
          leaks: leaksIn(text, fake),
        }).toEqual({
          status: 200,
          data: { grants: { totalCount: 2, edges: BROKEN_GRANTS.map((grant) => ({ node: { grantId: grant.grant_id, retiringPrincipal: null } })) } },
          errors: [{ message: 'Unexpected error.', path: ['grants', 'edges', 0, 'node', 'retiringPrincipal'] }],
          cause: false,
          leaks: [],
        });
      }
    });
  });

  describe('GraphQL over HTTP audits (graphql-http), with an X-Auth-Token so CSRF lets GETs through', () => {
    // Development mode: all audits ok. Production mode refuses `__schema` only; the audits that
    // query `__type(name:)` (28B9, 2EA1, D6D5, 6A70: variables handling) therefore stay green.
    const withToken = (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
      const headers = new Headers(init.headers);
      headers.set('x-auth-token', ALICE.token);
      return fetch(input, { ...init, headers });
    };
    const audit = async (g: RunningGateway): Promise<{ errors: { id: string; name: string }[]; warned: string[]; count: number }> => {
      const audits = serverAudits({ url: g.graphqlUrl, fetchFn: withToken });
      const results: AuditResult[] = [];
      for (const a of audits) results.push(await a.fn());
      return {
        errors: results.filter((r) => r.status === 'error').map((r) => ({ id: r.id, name: r.name })),
        warned: results.filter((r) => r.status === 'warn').map((r) => `${r.id} ${r.name}`),
        count: results.length,
      };
    };

    it('has no audit at error level in development or in production mode', async () => {
      const dev = await audit(gw);
      const production = await audit(prod);
      expect({ dev: dev.errors, production: production.errors }).toEqual({ dev: [], production: [] });
      expect(dev.count).toBeGreaterThan(0);
      expect({ dev: dev.warned }).toEqual({ dev: [] });
    });
  });
});
