import { describe, expect, it } from 'vitest';
import { DEMO, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, gql } from '../support/gateway.ts';

const PAGE = `fragment Page on GrantConnection { totalCount pageInfo { ...Info } edges { node { ...Fields } } }
fragment Info on PageInfo { hasNextPage endCursor }
fragment Fields on Grant { id grantId key { alias } }`;

const stack = useEmulatorStack({ maxDepth: 6 });

describe('server/limits/armor: MAX_DEPTH', () => {
  it('counts the depth of fields, not of fragment spreads: a frontend built from fragments passes at its real depth', async () => {
    // key > grants > edges > node > key > alias: 6 levels of fields, through three spreads.
    const { body } = await gql(
      stack.gw,
      `query($k: ID!) { key(keyId: $k) { grants(first: 1) { ...Page } } } ${PAGE}`,
      { k: DEMO.keys.app },
      stack.alice,
    );
    expect(body.errors).toBeUndefined();
  });

  it('still refuses fields nested deeper than the limit, spread or not', async () => {
    const deep = `query($k: ID!) { key(keyId: $k) { grants(first: 1) { edges { node { key { grants(first: 1) { totalCount } } } } } } }`;
    const { body } = await gql(stack.gw, deep, { k: DEMO.keys.app }, stack.alice);
    expect(errorSummary(body).map((e) => e.code)).toEqual(['BAD_USER_INPUT']);
  });
});
