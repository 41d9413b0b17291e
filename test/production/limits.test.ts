import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeKms } from '../support/fakeKms.ts';
import { ALICE, asUser, gql, startGatewayOn } from '../support/gateway.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import type { GatewayConfig } from '../../src/config.ts';
import { errorCodes, errorMessages } from './support/http.ts';
import { GRANTS, KEY, startPolicyKms, withGatewayOn } from './support/policyGateways.ts';

/** `n` aliased `retirableGrants(first: 1)` fields. */
const aliases = (n: number): string => `{ ${Array.from({ length: n }, (_, i) => `a${i}: retirableGrants(first: 1) { totalCount }`).join(' ')} }`;
/** `n` fields, each with one directive. */
const directives = (n: number): string =>
  `{ ${Array.from({ length: n }, (_, i) => `d${i}: __typename @include(if: true)`).join(' ')} }`;
/**
 * About `n` lexical tokens as inline fragments selecting `__typename` (6 tokens each): no alias, no
 * field repeated within one selection set, so only the token limit can refuse it.
 */
const tokens = (n: number): string => `{ ${Array.from({ length: Math.floor((n - 2) / 6) }, () => '... on Query { __typename }').join(' ')} }`;
/** `n` aliased `grants` fields of one key, each asking `first` (a literal or a variable name). */
const grantAliases = (n: number, first: number | '$n'): string =>
  `query(${first === '$n' ? '$k: ID!, $n: Int' : '$k: ID!'}) { ${Array.from({ length: n }, (_, i) => `g${i}: grants(keyId: $k, first: ${first}) { totalCount }`).join(' ')} }`;
/** A valid 5-deep query: grants > edges > node > key > alias. */
const FIVE_DEEP = `query($k: ID!) { grants(keyId: $k, first: 1) { edges { node { key { alias } } } } }`;
/** 9 deep: no valid query of this schema is deeper than 5, so the extra levels are unknown fields. */
const NINE_DEEP = `query($k: ID!) { grants(keyId: $k, first: 1) { edges { node { key { a { b { c { d { e } } } } } } } } }`;

let fake: FakeKms;
let gw: RunningGateway;
beforeAll(async () => {
  fake = await startPolicyKms();
  gw = await startGatewayOn(fake);
});
afterAll(async () => {
  await gw.close();
  await fake.close();
});
beforeEach(() => fake.reset());

/** Starts a gateway with `overrides` for one test, closing it afterwards. */
const withGateway = <T>(overrides: Partial<GatewayConfig>, fn: (g: RunningGateway) => Promise<T>): Promise<T> => withGatewayOn(fake, overrides, fn);

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

describe('server/yoga (operation limits)', () => {
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

    it('refuses 30 tokens on a gateway started with maxTokens 20, and runs 20', async () => {
      await withGateway({ maxTokens: 20 }, async (small) => {
        const over = await gql(small, tokens(30), {}, asUser(ALICE));
        const under = await gql(small, tokens(20), {}, asUser(ALICE));
        expect({ over: refusal(over.body, /token/i), under: under.body }).toEqual({
          over: REFUSED,
          under: { data: { __typename: 'Query' } },
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
});
