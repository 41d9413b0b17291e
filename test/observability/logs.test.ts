import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/index.ts';
import { closeAfterEach, kmsCalls, useEmulatorStack } from '../support/emulatorStack.ts';
import { gql } from '../support/gateway.ts';
import { raw } from '../http/raw.ts';
import { loggingGateway, operationLines } from './support.ts';

// Fixtures: the emulator's demo data (reset before each test), a fresh gateway logging into
// memory per test (the stack's own is not used), and distinctive secrets that must never be logged.
/** Tokens the emulator does not know (it answers 401): distinctive, so a leak is easy to spot. */
const SECRET_HEADER_TOKEN = 'MIIsecret-XAUTH-4e1b7c9d2f';
const SECRET_BEARER_TOKEN = 'MIIsecret-BEARER-8a3f6e0c1d';
const SECRET_VARIABLE = 'variable-secret-6d2e9b';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY = DEMO.keys.app;
const ONE_GRANT = `query($k: ID!) { grants(keyId: $k, first: 1) { totalCount } }`;

const stack = useEmulatorStack();
beforeEach(async () => stack.emulator.reset());

const keep = closeAfterEach();
async function gatewayLogging(level: string): ReturnType<typeof loggingGateway> {
  const running = await loggingGateway(stack.emulator, level);
  keep(running.gw);
  return running;
}

describe('observability/plugin (the per-operation log line, request ids)', () => {
  describe('operation log', () => {
    it('writes one line per operation with its name, type, ms, kmsCalls, outcome, error codes and requestId', async () => {
      const { gw, log } = await gatewayLogging('info');
      const named = `query KeyGrants($k: ID!) { grants(keyId: $k, first: 3) { edges { node { grantId key { alias } } } } }`;
      await gql(gw, named, { k: KEY }, { ...stack.alice, 'x-request-id': 'obs-op-1' });
      await gql(gw, `{ __typename }`, {}, { 'x-request-id': 'obs-op-2' });
      await gql(gw, `query Bad { grants(keyId: "nope") { totalCount } }`, {}, { ...stack.alice, 'x-request-id': 'obs-op-3' });
      await gql(
        gw,
        `mutation Revoke($k: ID!, $g: ID!) { revokeGrant(input: { keyId: $k, grantId: $g }) { grantId } }`,
        { k: KEY, g: DEMO.grants.appBobCreateGrant },
        { ...stack.alice, 'x-request-id': 'obs-op-4' },
      );
      const line = (requestId: string, operation: string | null, type: string, kmsCalls: number, outcome: string, errors: string[]) => ({
        requestId,
        operation,
        type,
        ms: true,
        kmsCalls,
        outcome,
        errors,
        level: 30,
      });
      const lines = operationLines(log).map(({ requestId, operation, type, ms, kmsCalls, outcome, errors, level }) => ({
        requestId,
        operation,
        type,
        ms: typeof ms === 'number' && ms >= 0,
        kmsCalls,
        outcome,
        errors,
        level,
      }));
      expect(lines).toEqual([
        line('obs-op-1', 'KeyGrants', 'query', 2, 'ok', []),
        line('obs-op-2', null, 'query', 0, 'ok', []),
        line('obs-op-3', 'Bad', 'query', 0, 'error', ['BAD_USER_INPUT']),
        line('obs-op-4', 'Revoke', 'mutation', 1, 'ok', []),
      ]);
    });

    it.each([
      { name: 'no token', query: `query NoToken($k: ID!) { grants(keyId: $k) { totalCount } }`, variables: { k: KEY }, token: false },
      {
        name: 'over the requested-grants limit',
        query: `query TooMany($k: ID!, $n: Int) { ${['a', 'b', 'c', 'd', 'e', 'f'].map((a) => `${a}: grants(keyId: $k, first: $n) { totalCount }`).join(' ')} }`,
        variables: { k: KEY, n: 1000 },
        token: true,
      },
      {
        name: 'over the alias limit (graphql-armor)',
        query: `query Aliases { ${Array.from({ length: 16 }, (_, i) => `a${i}: retirableGrants(first: 1) { totalCount }`).join(' ')} }`,
        variables: {},
        token: true,
      },
    ])('logs and counts an operation refused before any resolver runs ($name)', async ({ query, variables, token }) => {
      const { gw, log } = await gatewayLogging('info');
      const result = await gql(gw, query, variables, { ...(token ? stack.alice : {}), 'x-request-id': 'obs-refused' });
      const code = String(result.body.errors?.[0]?.extensions?.['code']);
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      expect({
        lines: operationLines(log).map(({ requestId, outcome, kmsCalls }) => ({ requestId, outcome, kmsCalls })),
        counted: metrics.includes(`gateway_graphql_errors_total{code="${code}"} 1`),
        kms: stack.emulator.requests,
      }).toEqual({ lines: [{ requestId: 'obs-refused', outcome: 'error', kmsCalls: 0 }], counted: true, kms: [] });
    });

    it("never logs a token (X-Auth-Token, Bearer, both) nor the operation's variables, even at trace level", async () => {
      const { gw, log } = await gatewayLogging('trace');
      const query = `query Q($k: ID!, $note: ID!) { grants(keyId: $k, first: 1) { totalCount } n: node(id: $note) { id } }`;
      await gql(gw, query, { k: KEY, note: SECRET_VARIABLE }, { 'x-auth-token': SECRET_HEADER_TOKEN });
      await gql(gw, query, { k: KEY, note: SECRET_VARIABLE }, { authorization: `Bearer ${SECRET_BEARER_TOKEN}` });
      await gql(
        gw,
        query,
        { k: `${SECRET_VARIABLE}-key`, note: SECRET_VARIABLE },
        { 'x-auth-token': SECRET_HEADER_TOKEN, authorization: `Bearer ${SECRET_BEARER_TOKEN}` },
      );
      await gql(gw, query, { k: KEY, note: SECRET_VARIABLE }, stack.alice);
      // A request yoga refuses before execution, with the token in the header.
      await raw(gw.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': SECRET_HEADER_TOKEN },
        body: '{"query": ',
      });
      const text = log.text();
      expect({
        operationLines: operationLines(log).length,
        headerToken: text.includes(SECRET_HEADER_TOKEN),
        bearerToken: text.includes(SECRET_BEARER_TOKEN),
        aliceToken: text.includes(stack.alice['x-auth-token'] ?? ''),
        variable: text.includes(SECRET_VARIABLE),
        // The tokens did reach KMS, so the log had the chance to see them.
        sentToKms: kmsCalls(stack.emulator).map((r) => r.headers['x-auth-token']),
      }).toEqual({
        operationLines: 4,
        headerToken: false,
        bearerToken: false,
        aliceToken: false,
        variable: false,
        sentToKms: [SECRET_HEADER_TOKEN, SECRET_BEARER_TOKEN, stack.alice['x-auth-token']],
      });
    });
  });

  describe('X-Request-Id', () => {
    it("accepts the caller's id: echoed in the response header, sent to KMS, and in the log line", async () => {
      const { gw, log } = await gatewayLogging('info');
      const result = await gql(gw, ONE_GRANT, { k: KEY }, { ...stack.alice, 'x-request-id': 'caller-req-42' });
      expect({
        response: result.headers.get('x-request-id'),
        kms: stack.emulator.requests.map((r) => r.headers['x-request-id']),
        log: operationLines(log).map((l) => l['requestId']),
      }).toEqual({ response: 'caller-req-42', kms: ['caller-req-42'], log: ['caller-req-42'] });
    });

    it.each([
      { name: 'absent', header: undefined },
      { name: 'with spaces', header: 'not a sane id' },
      { name: 'too long', header: 'x'.repeat(300) },
      { name: 'empty', header: '' },
    ])("generates a UUID when the caller's id is $name, and uses it for KMS and the log", async ({ header }) => {
      const { gw, log } = await gatewayLogging('info');
      const result = await gql(gw, ONE_GRANT, { k: KEY }, header === undefined ? stack.alice : { ...stack.alice, 'x-request-id': header });
      const id = result.headers.get('x-request-id') ?? '';
      expect({
        uuid: UUID.test(id),
        kms: stack.emulator.requests.map((r) => r.headers['x-request-id']),
        log: operationLines(log).map((l) => l['requestId']),
      }).toEqual({
        uuid: true,
        kms: [id],
        log: [id],
      });
    });

    it('gives every request its own id', async () => {
      const { gw } = await gatewayLogging('silent');
      const ids = await Promise.all(Array.from({ length: 5 }, async () => (await raw(`${gw.url}/health`)).headers.get('x-request-id')));
      expect(new Set(ids).size).toBe(5);
    });
  });
});
