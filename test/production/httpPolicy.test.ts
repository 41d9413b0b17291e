import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import type { AuditResult } from 'graphql-http';
import type { FakeKms } from '../support/fakeKms.ts';
import { ALICE, asUser, gql, leaksIn, startGatewayOn } from '../support/gateway.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import type { GatewayConfig } from '../../src/config.ts';
import { errorMessages, getGraphql, postRaw, raw } from './support/http.ts';
import { BROKEN_GRANTS, BROKEN_KEY, GRANTS, KEY, UPSTREAM_SECRET, startPolicyKms, withGatewayOn } from './support/policyGateways.ts';

const GRANTS_QUERY = `query Grants($k: ID!) { grants(keyId: $k, first: 3) { totalCount edges { node { grantId } } } }`;
const ALLOWED_ORIGIN = 'https://app.example';
const FOREIGN_ORIGIN = 'https://evil.example';
const PRODUCTION: Partial<GatewayConfig> = { production: true, graphiql: false, introspection: false, demoPage: false, sourceMaps: false };

let fake: FakeKms;
let gw: RunningGateway;
let prod: RunningGateway;
beforeAll(async () => {
  fake = await startPolicyKms();
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
const withGateway = <T>(overrides: Partial<GatewayConfig>, fn: (g: RunningGateway) => Promise<T>): Promise<T> => withGatewayOn(fake, overrides, fn);

describe('server/yoga (HTTP policy, production mode)', () => {
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
    // Development mode: all audits ok. Production refuses `__schema` and answers `__type(name:)`
    // with null; the audits that query it (28B9, 2EA1, D6D5, 6A70: variables handling) read its
    // value, not a type, and so stay green.
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
