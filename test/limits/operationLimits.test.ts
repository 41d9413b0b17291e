import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, callKms, kmsCalls, listFromKms, useEmulatorStack, withGateway } from '../support/emulatorStack.ts';
import { gql, type GqlBody } from '../support/gateway.ts';

// Fixtures: the demo key `app` (12 grants), its alias and alice's retirable grants, all read
// straight from KMS; the emulator's request log is cleared before each test.
const KEY = DEMO.keys.app;

/** `n` aliased `retirableGrants(first: 1)` fields. */
const aliases = (n: number): string =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: retirableGrants(first: 1) { totalCount }`).join(' ')} }`;
/** `n` fields, each with one directive. */
const directives = (n: number): string => `{ ${Array.from({ length: n }, (_, i) => `d${i}: __typename @include(if: true)`).join(' ')} }`;
/**
 * About `n` lexical tokens as inline fragments selecting `__typename` (6 tokens each): no alias, no
 * field repeated within one selection set, so only the token limit can refuse it.
 */
const tokens = (n: number): string =>
  `{ ${Array.from({ length: Math.floor((n - 2) / 6) }, () => '... on Query { __typename }').join(' ')} }`;
/** `n` aliased `grants` fields of one key, each asking `first` (a literal or the variable `$n`). */
const grantAliases = (n: number, first: number | '$n'): string =>
  `query(${first === '$n' ? '$k: ID!, $n: Int' : '$k: ID!'}) { ${Array.from({ length: n }, (_, i) => `g${i}: grants(keyId: $k, first: ${first}) { totalCount }`).join(' ')} }`;
/** A valid 5-deep query: grants > edges > node > key > alias. */
const FIVE_DEEP = `query($k: ID!) { grants(keyId: $k, first: 1) { edges { node { key { alias } } } } }`;
/** 9 deep: no valid query of this schema is deeper than 5, so the extra levels are unknown fields. */
const NINE_DEEP = `query($k: ID!) { grants(keyId: $k, first: 1) { edges { node { key { a { b { c { d { e } } } } } } } } }`;

const stack = useEmulatorStack();
let grantIds: string[];
let retirable: number;
let alias: string;
beforeAll(async () => {
  const { emulator, tokens } = stack;
  grantIds = (await listFromKms(emulator, KEY, tokens.alice)).map((g) => g.grant_id);
  retirable = (await listFromKms(emulator, undefined, tokens.alice)).length;
  alias = ((await callKms(emulator, 'describe-key', { key_id: KEY }, tokens.alice)) as { key_info: { key_alias: string } }).key_info
    .key_alias;
});
beforeEach(async () => stack.emulator.reset());

const codes = (body: GqlBody<unknown>): unknown[] => (body.errors ?? []).map((e) => e.extensions?.['code']);

/** A refused operation: no data, BAD_USER_INPUT among its codes, a message naming `rule`, and no KMS call. */
function refusal(body: GqlBody<unknown>, rule: RegExp): { data: unknown; badInput: boolean; names: boolean; kms: number } {
  return {
    data: body.data ?? null,
    badInput: codes(body).includes('BAD_USER_INPUT'),
    names: (body.errors ?? []).some((e) => rule.test(e.message)),
    kms: stack.emulator.requests.length,
  };
}
const REFUSED = { data: null, badInput: true, names: true, kms: 0 };
/** `{ g0: {totalCount}, ... }` for `n` aliases of the key's grants. */
const totals = (n: number): Record<string, { totalCount: number }> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`g${i}`, { totalCount: grantIds.length }]));

describe('server/limits (operation limits)', () => {
  describe('shape limits (graphql-armor) with the default configuration', () => {
    it.each([
      { limit: 'depth (8)', over: NINE_DEEP, under: FIVE_DEEP, rule: /depth/i },
      { limit: 'aliases (15)', over: aliases(16), under: aliases(15), rule: /alias/i },
      { limit: 'directives (10)', over: directives(11), under: directives(10), rule: /directive/i },
      { limit: 'tokens (1000)', over: tokens(1010), under: tokens(990), rule: /token/i },
    ])(
      'refuses an operation over the $limit limit with BAD_USER_INPUT and no KMS call, and runs one under it',
      async ({ over, under, rule }) => {
        const refused = await gql(stack.gw, over, { k: KEY }, stack.alice);
        const verdict = refusal(refused.body, rule);
        const accepted = await gql(stack.gw, under, { k: KEY }, stack.alice);
        expect({ verdict, accepted: { status: accepted.status, errors: accepted.body.errors, data: accepted.body.data !== null } }).toEqual(
          {
            verdict: REFUSED,
            accepted: { status: 200, errors: undefined, data: true },
          },
        );
      },
    );
  });

  describe('requested grants limit (sum of first over the operation)', () => {
    it('refuses 6 aliases of first: $n = 1000 (6,000 > 5,000) with BAD_USER_INPUT naming the total, before any KMS call', async () => {
      const { status, body } = await gql(stack.gw, grantAliases(6, '$n'), { k: KEY, n: 1000 }, stack.alice);
      // 200 (data: null) or 400 (a request error) are both fine; a 5xx is not (it is the caller's fault).
      expect({
        status: status === 200 || status === 400,
        data: body.data ?? null,
        codes: codes(body),
        names: (body.errors ?? []).some((e) => /6000 grants/.test(e.message)),
        kms: stack.emulator.requests,
      }).toEqual({
        status: true,
        data: null,
        codes: ['BAD_USER_INPUT'],
        names: true,
        kms: [],
      });
    });

    it('refuses 6 aliases of a literal first: 1000 with BAD_USER_INPUT before any KMS call', async () => {
      const { body } = await gql(stack.gw, grantAliases(6, 1000), { k: KEY }, stack.alice);
      expect({ data: body.data ?? null, codes: codes(body), kms: stack.emulator.requests }).toEqual({
        data: null,
        codes: ['BAD_USER_INPUT'],
        kms: [],
      });
    });

    it('runs 5 aliases of first: $n = 1000 (exactly 5,000) from one deduplicated KMS call', async () => {
      const { body } = await gql(stack.gw, grantAliases(5, '$n'), { k: KEY, n: 1000 }, stack.alice);
      expect({ body, listGrants: kmsCalls(stack.emulator, 'list-grants').length }).toEqual({ body: { data: totals(5) }, listGrants: 1 });
    });

    it('runs 5 aliases of a literal first: 1000 (exactly 5,000), like the same operation with variables', async () => {
      const { body } = await gql(stack.gw, grantAliases(5, 1000), { k: KEY }, stack.alice);
      expect(body).toEqual({ data: totals(5) });
    });

    it('runs one grants(first: 1000) selecting edges (the contract allows first up to 1000)', async () => {
      const query = `query($k: ID!) { grants(keyId: $k, first: 1000) { edges { node { grantId } } } }`;
      const { body } = await gql(stack.gw, query, { k: KEY }, stack.alice);
      expect(body).toEqual({ data: { grants: { edges: grantIds.map((grantId) => ({ node: { grantId } })) } } });
    });

    it('applies a configured maxRequestedGrants (1,500: two aliases of 1,000 refused, of 750 run)', async () => {
      const query = `query($k: ID!, $n: Int) { a: grants(keyId: $k, first: $n) { totalCount } b: grants(keyId: $k, first: $n) { totalCount } }`;
      const [over, kmsAfterOver, under] = await withGateway(stack.emulator, { maxRequestedGrants: 1500 }, async (g) => {
        const refused = await gql(g, query, { k: KEY, n: 1000 }, stack.alice);
        const calls = stack.emulator.requests.length;
        return [refused, calls, await gql(g, query, { k: KEY, n: 750 }, stack.alice)] as const;
      });
      expect({ over: { data: over.body.data ?? null, codes: codes(over.body) }, kmsAfterOver, under: under.body }).toEqual({
        over: { data: null, codes: ['BAD_USER_INPUT'] },
        kmsAfterOver: 0,
        under: { data: { a: { totalCount: grantIds.length }, b: { totalCount: grantIds.length } } },
      });
    });
  });

  describe('limits are configurable', () => {
    it('refuses 3 aliases on a gateway started with maxAliases 2, and runs 2', async () => {
      const [over, under] = await withGateway(stack.emulator, { maxAliases: 2 }, async (small) => {
        const refused = refusal((await gql(small, aliases(3), {}, stack.alice)).body, /alias/i);
        return [refused, (await gql(small, aliases(2), {}, stack.alice)).body] as const;
      });
      expect({ over, under }).toEqual({ over: REFUSED, under: { data: { a0: { totalCount: retirable }, a1: { totalCount: retirable } } } });
    });

    it('refuses a 5-deep grants query on a gateway started with maxDepth 3, and runs it on the default', async () => {
      const small = await withGateway(stack.emulator, { maxDepth: 3 }, async (g) =>
        refusal((await gql(g, FIVE_DEEP, { k: KEY }, stack.alice)).body, /depth/i),
      );
      const normal = await gql(stack.gw, FIVE_DEEP, { k: KEY }, stack.alice);
      expect({ small, normal: normal.body }).toEqual({
        small: REFUSED,
        normal: { data: { grants: { edges: [{ node: { key: { alias } } }] } } },
      });
    });

    it('refuses 30 tokens on a gateway started with maxTokens 20, and runs 20', async () => {
      const [over, under] = await withGateway(
        stack.emulator,
        { maxTokens: 20 },
        async (small) =>
          [(await gql(small, tokens(30), {}, stack.alice)).body, (await gql(small, tokens(20), {}, stack.alice)).body] as const,
      );
      expect({ over: refusal(over, /token/i), under }).toEqual({ over: REFUSED, under: { data: { __typename: 'Query' } } });
    });

    it('refuses 3 directives on a gateway started with maxDirectives 2, and runs 2', async () => {
      const [over, under] = await withGateway(
        stack.emulator,
        { maxDirectives: 2 },
        async (small) =>
          [(await gql(small, directives(3), {}, stack.alice)).body, (await gql(small, directives(2), {}, stack.alice)).body] as const,
      );
      expect({ over: refusal(over, /directive/i), under }).toEqual({ over: REFUSED, under: { data: { d0: 'Query', d1: 'Query' } } });
    });
  });
});
