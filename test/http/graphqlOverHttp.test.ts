import { serverAudits, type AuditResult } from 'graphql-http';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KmsGrant } from '../../src/kms/types.ts';
import { DEMO, kmsCalls, listFromKms, useEmulatorStack } from '../support/emulatorStack.ts';
import { gqlGet } from '../support/gateway.ts';

// Fixtures: demo-backup, alice's key with 6 grants.
const KEY = DEMO.keys.backup;

const stack = useEmulatorStack();
let grants: KmsGrant[];
beforeAll(async () => {
  grants = await listFromKms(stack.emulator, KEY, stack.tokens.alice);
});
beforeEach(() => stack.emulator.reset());

describe('server/http: GraphQL over HTTP, health, GraphiQL', () => {
  describe('health', () => {
    it('answers GET /health with 200', async () => {
      const response = await fetch(`${stack.gw.url}/health`);
      await response.text();
      expect(response.status).toBe(200);
      expect(stack.emulator.requests).toEqual([]);
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
      const query = 'query($k: ID!) { grants(keyId: $k, first: 2) { totalCount edges { node { grantId } } } }';
      const { status, body } = await gqlGet(stack.gw, query, { k: KEY }, stack.alice);
      expect({ status, body }).toEqual({
        status: 200,
        body: {
          data: {
            grants: { totalCount: DEMO.grantCounts.backup, edges: grants.slice(0, 2).map((g) => ({ node: { grantId: g.grant_id } })) },
          },
        },
      });
      expect(kmsCalls(stack.emulator, 'list-grants').map((r) => r.headers['x-auth-token'])).toEqual([stack.tokens.alice]);
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
      expect(stack.emulator.requests).toEqual([]);
    });
  });
});
