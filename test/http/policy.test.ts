import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serverAudits, type AuditResult } from 'graphql-http';
import type { GatewayConfig } from '../../src/config.ts';
import type { KmsGrant } from '../../src/kms/types.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import { DEMO, gatewayOn, listFromKms, useEmulatorStack, withGateway } from '../support/emulatorStack.ts';
import { gql, gqlGet, leaksIn } from '../support/gateway.ts';
import { postRaw, raw } from './raw.ts';

// Fixtures: the demo key `app` (12 grants, read straight from KMS); a development gateway and a
// production one on the same emulator, whose request log is cleared before each test. Masking
// is checked on a list-grants answer KMS should never send: a grant whose retiring principal is
// an object (no String can represent it), carrying a secret no answer may show.
const KEY = DEMO.keys.app;
const GRANTS_QUERY = `query Grants($k: ID!) { grants(keyId: $k, first: 3) { totalCount edges { node { grantId } } } }`;
const ALLOWED_ORIGIN = 'https://app.example';
const FOREIGN_ORIGIN = 'https://evil.example';
const PRODUCTION: Partial<GatewayConfig> = { production: true, graphiql: false, introspection: false, demoPage: false, sourceMaps: false };
const UPSTREAM_SECRET = 'upstream-secret-5a1d';

const stack = useEmulatorStack();
let prod: RunningGateway;
let grants: KmsGrant[];
beforeAll(async () => {
  prod = await gatewayOn(stack.emulator, PRODUCTION);
  grants = await listFromKms(stack.emulator, KEY, stack.tokens.alice);
});
afterAll(async () => prod?.close());
beforeEach(async () => stack.emulator.reset());

describe('server/yoga (HTTP policy)', () => {
  describe('request body', () => {
    it('answers 413 to a body over maxBodyBytes (100,000 by default), with no KMS call', async () => {
      const response = await postRaw(
        stack.gw,
        JSON.stringify({ query: GRANTS_QUERY, variables: { k: KEY, pad: 'x'.repeat(100_001) } }),
        stack.alice,
      );
      expect({ status: response.status, kms: stack.emulator.requests }).toEqual({ status: 413, kms: [] });
    });

    it('accepts a body just under the limit', async () => {
      const body = JSON.stringify({ query: GRANTS_QUERY, variables: { k: KEY, pad: '' } });
      const padded = JSON.stringify({ query: GRANTS_QUERY, variables: { k: KEY, pad: 'x'.repeat(99_000 - body.length) } });
      const response = await postRaw(stack.gw, padded, stack.alice);
      expect({ status: response.status, errors: (response.json as { errors?: unknown }).errors }).toEqual({
        status: 200,
        errors: undefined,
      });
    });

    it('applies a configured maxBodyBytes', async () => {
      const body = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2000) } });
      const response = await withGateway(stack.emulator, { maxBodyBytes: 1000 }, (g) => postRaw(g, body, stack.alice));
      expect(response.status).toBe(413);
    });

    it('refuses a batched (array) request with a 4xx, no data and no KMS call', async () => {
      const one = { query: GRANTS_QUERY, variables: { k: KEY } };
      const response = await postRaw(stack.gw, JSON.stringify([one, one]), stack.alice);
      expect({
        clientError: response.status >= 400 && response.status < 500,
        data: (response.json as { data?: unknown } | undefined)?.data,
        kms: stack.emulator.requests,
      }).toEqual({ clientError: true, data: undefined, kms: [] });
    });

    it.each([
      { type: 'application/x-www-form-urlencoded', body: `query=${encodeURIComponent('{ __typename }')}` },
      {
        type: 'multipart/form-data; boundary=XYZ',
        body: '--XYZ\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{ __typename }"}\r\n--XYZ--\r\n',
      },
      { type: 'text/plain', body: JSON.stringify({ query: '{ __typename }' }) },
    ])('answers 415 to a $type POST, with no KMS call', async ({ type, body }) => {
      const response = await raw(stack.gw.graphqlUrl, { method: 'POST', headers: { 'content-type': type, ...stack.alice }, body });
      expect({ status: response.status, kms: stack.emulator.requests }).toEqual({ status: 415, kms: [] });
    });
  });

  describe('CSRF prevention', () => {
    it('runs a GET query carrying X-Auth-Token', async () => {
      const response = await gqlGet(stack.gw, GRANTS_QUERY, { k: KEY }, stack.alice);
      expect({ status: response.status, body: response.body }).toEqual({
        status: 200,
        body: {
          data: { grants: { totalCount: grants.length, edges: grants.slice(0, 3).map((g) => ({ node: { grantId: g.grant_id } })) } },
        },
      });
    });

    it('runs a GET query carrying Authorization: Bearer', async () => {
      const response = await gqlGet(stack.gw, '{ __typename }', {}, { authorization: `Bearer ${stack.tokens.alice}` });
      expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    });

    it('refuses with 403 a GET query with none of the accepted headers, and makes no KMS call', async () => {
      const response = await gqlGet(stack.gw, GRANTS_QUERY, { k: KEY });
      expect({ status: response.status, kms: stack.emulator.requests }).toEqual({ status: 403, kms: [] });
    });

    it('answers 405 to a mutation over GET and does not run it (no KMS call)', async () => {
      const grantId = grants[0]?.grant_id ?? '';
      const response = await gqlGet(
        stack.gw,
        `mutation { revokeGrant(input: { keyId: "${KEY}", grantId: "${grantId}" }) { grantId } }`,
        {},
        stack.alice,
      );
      expect({ status: response.status, kms: stack.emulator.requests }).toEqual({ status: 405, kms: [] });
    });

    it('runs a POST with application/json and no extra header', async () => {
      const response = await postRaw(stack.gw, JSON.stringify({ query: '{ __typename }' }));
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

    it('sends no Access-Control-Allow-Origin to a foreign origin by default', async () => {
      const [pre, post] = await Promise.all([preflight(stack.gw, FOREIGN_ORIGIN), simple(stack.gw, FOREIGN_ORIGIN)]);
      expect({ pre: pre.headers.get('access-control-allow-origin'), post: post.headers.get('access-control-allow-origin') }).toEqual({
        pre: null,
        post: null,
      });
    });

    it('allows exactly the configured origin when corsOrigins has one entry, and no other', async () => {
      await withGateway(stack.emulator, { corsOrigins: [ALLOWED_ORIGIN] }, async (g) => {
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
      await withGateway(stack.emulator, { corsOrigins: [ALLOWED_ORIGIN, second] }, async (g) => {
        const [first, other, foreign, postNull] = await Promise.all([
          preflight(g, ALLOWED_ORIGIN),
          preflight(g, second),
          preflight(g, FOREIGN_ORIGIN),
          simple(g, 'null'),
        ]);
        expect({
          first: verdict(first, ALLOWED_ORIGIN),
          other: verdict(other, second),
          foreign: verdict(foreign, FOREIGN_ORIGIN),
          opaqueOrigin: verdict(postNull, 'null'),
        }).toEqual({ first: 'allowed', other: 'allowed', foreign: 'blocked', opaqueOrigin: 'blocked' });
      });
    });
  });

  describe('production mode (production, GraphiQL and introspection off)', () => {
    it('refuses introspection in production and answers it in development', async () => {
      const query = '{ __schema { queryType { name } } }';
      const [p, d] = await Promise.all([gql(prod, query), gql(stack.gw, query)]);
      expect({ prodData: p.body.data ?? null, prodErrors: (p.body.errors ?? []).length > 0, dev: d.body }).toEqual({
        prodData: null,
        prodErrors: true,
        dev: { data: { __schema: { queryType: { name: 'Query' } } } },
      });
    });

    it('gives no "Did you mean" field suggestion in production (development does)', async () => {
      const query = '{ grantz(keyId: "x") { totalCount } }';
      const [p, d] = await Promise.all([gql(prod, query), gql(stack.gw, query)]);
      expect({ prod: /did you mean/i.test(p.text), dev: /did you mean/i.test(d.text), prodErrors: (p.body.errors ?? []).length }).toEqual({
        prod: false,
        dev: true,
        prodErrors: 1,
      });
    });

    it('does not serve GraphiQL to a browser GET', async () => {
      const response = await raw(prod.graphqlUrl, {
        headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
      });
      expect({
        html: (response.headers.get('content-type') ?? '').startsWith('text/html'),
        graphiql: /graphiql/i.test(response.text),
      }).toEqual({
        html: false,
        graphiql: false,
      });
    });
  });

  describe('masking', () => {
    it('answers an unexpected error as "Unexpected error." at its path, without its cause, keeping the rest of the data (both modes)', async () => {
      const [first, second] = grants.map(({ retiring_principal: _retiring, ...grant }) => grant);
      const broken = { ...first, retiring_principal: { note: UPSTREAM_SECRET } };
      const body = JSON.stringify({ grants: [broken, second], next_marker: '', truncated: 'false', total: 2 });
      stack.emulator.faults.set({ action: 'list-grants', keyId: KEY, effect: { kind: 'raw', status: 200, body } });
      const query = `query($k: ID!) { grants(keyId: $k, first: 2) { totalCount edges { node { grantId retiringPrincipal } } } }`;
      const answers = await Promise.all(
        [prod, stack.gw].map(async (g) => {
          const { status, body: answer, text } = await gql(g, query, { k: KEY }, stack.alice);
          return {
            status,
            data: answer.data,
            errors: (answer.errors ?? []).map((e) => ({ message: e.message, path: e.path })),
            cause: text.includes(UPSTREAM_SECRET) || /cannot represent|TypeError/.test(text),
            leaks: leaksIn(text, stack),
          };
        }),
      );
      const masked = {
        status: 200,
        data: {
          grants: { totalCount: 2, edges: [first, second].map((g) => ({ node: { grantId: g?.grant_id, retiringPrincipal: null } })) },
        },
        errors: [{ message: 'Unexpected error.', path: ['grants', 'edges', 0, 'node', 'retiringPrincipal'] }],
        cause: false,
        leaks: [],
      };
      expect(answers).toEqual([masked, masked]);
    });
  });

  describe('GraphQL over HTTP audits (graphql-http), with an X-Auth-Token so CSRF lets GETs through', () => {
    // Development: every audit passes. Production refuses `__schema` and answers `__type(name:)`
    // with null; the audits that query it (28B9, 2EA1, D6D5, 6A70: variables handling) read its
    // value, not a type, and so stay green.
    const audit = async (g: RunningGateway): Promise<{ errors: { id: string; name: string }[]; warned: string[]; count: number }> => {
      const withToken = (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
        const headers = new Headers(init.headers);
        headers.set('x-auth-token', stack.tokens.alice);
        return fetch(input, { ...init, headers });
      };
      const results: AuditResult[] = await Promise.all(serverAudits({ url: g.graphqlUrl, fetchFn: withToken }).map((a) => a.fn()));
      return {
        errors: results.filter((r) => r.status === 'error').map((r) => ({ id: r.id, name: r.name })),
        warned: results.filter((r) => r.status === 'warn').map((r) => `${r.id} ${r.name}`),
        count: results.length,
      };
    };

    it('has no audit at error level in development or in production, and no warning in development', async () => {
      const [dev, production] = await Promise.all([audit(stack.gw), audit(prod)]);
      expect({
        dev: dev.errors,
        production: production.errors,
        devWarnings: dev.warned,
        ran: dev.count > 0 && dev.count === production.count,
      }).toEqual({
        dev: [],
        production: [],
        devWarnings: [],
        ran: true,
      });
    });
  });
});
