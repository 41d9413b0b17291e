import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import type { AuditResult } from 'graphql-http';
import { makeGrants, makeKey, makeKeyId } from '../support/fixtures.ts';
import { ALICE, asUser, startStack } from '../support/gateway.ts';
import type { Stack } from '../support/gateway.ts';

// Fixtures: one key with 4 grants.
const KEY = makeKeyId(80);
const GRANTS = makeGrants(KEY, 4);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ keys: [makeKey(KEY, 'http')], grants: GRANTS });
});
afterAll(async () => stack.close());
beforeEach(() => stack.fake.reset());

describe('http (GraphQL over HTTP, health, GraphiQL)', () => {
  describe('health', () => {
    it('answers GET /health with 200', async () => {
      const response = await fetch(`${stack.gw.url}/health`);
      await response.text();
      expect(response.status).toBe(200);
      expect(stack.fake.requests).toEqual([]);
    });
  });

  describe('GraphQL over HTTP audits (graphql-http)', () => {
    it('passes every server audit: none at error level, none skipped', async () => {
      const audits = serverAudits({ url: stack.gw.graphqlUrl });
      const results: AuditResult[] = [];
      for (const audit of audits) results.push(await audit.fn());
      const failures = results
        .filter((r) => r.status === 'error')
        .map((r) => ({ id: r.id, name: r.name, reason: 'reason' in r ? r.reason : '' }));
      expect(failures).toEqual([]);
      expect(results.map((r) => r.id)).toEqual(audits.map((a) => a.id));
      expect(audits.length).toBeGreaterThan(0);
    });
  });

  describe('GET', () => {
    it('executes a query sent over GET', async () => {
      const url = new URL(stack.gw.graphqlUrl);
      url.searchParams.set('query', 'query($k: ID!) { grants(keyId: $k, first: 2) { totalCount edges { node { grantId } } } }');
      url.searchParams.set('variables', JSON.stringify({ k: KEY }));
      const response = await fetch(url, { headers: { ...asUser(ALICE), accept: 'application/graphql-response+json, application/json' } });
      expect({ status: response.status, body: (await response.json()) as unknown }).toEqual({
        status: 200,
        body: { data: { grants: { totalCount: 4, edges: GRANTS.slice(0, 2).map((g) => ({ node: { grantId: g.grant_id } })) } } },
      });
      expect(stack.fake.calls('list-grants').map((r) => r.headers['x-auth-token'])).toEqual([ALICE.token]);
    });

    it('serves GraphiQL to a browser GET (Accept: text/html)', async () => {
      const response = await fetch(stack.gw.graphqlUrl, {
        headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
      });
      const html = await response.text();
      expect({
        status: response.status,
        html: response.headers.get('content-type')?.startsWith('text/html') ?? false,
        graphiql: /graphiql/i.test(html),
      }).toEqual({ status: 200, html: true, graphiql: true });
      expect(stack.fake.requests).toEqual([]);
    });
  });
});
