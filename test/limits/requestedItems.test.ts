import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { requestedGrants } from '../../src/server/limits/requestedGrants.ts';

const cost = (query: string, variables: Record<string, unknown> = {}, operationName?: string): number =>
  requestedGrants(parse(query), operationName, variables);

describe('server/limits/requestedGrants', () => {
  describe('what an operation asks KMS for', () => {
    it('sums `first` over root connections, 20 when absent, aliases and fragments included', () => {
      expect([
        cost('{ grants(keyId: "k", first: 7) { totalCount } }'),
        cost('{ a: grants(keyId: "k") { totalCount } b: retirableGrants(first: 3) { totalCount } }'),
        cost('query($n: Int) { keys(first: $n) { totalCount } ...F } fragment F on Query { retirableGrants(first: 5) { totalCount } }', {
          n: 40,
        }),
      ]).toEqual([7, 23, 45]);
    });

    it('multiplies a nested connection by the `first` of the connections around it', () => {
      expect([
        cost('{ keys(first: 20) { edges { node { grants(first: 50) { totalCount } } } } }'),
        cost(
          '{ keys(first: 10) { edges { node { ... on Key { grants { edges { node { key { grants(first: 2) { totalCount } } } } } } } } } }',
        ),
        cost('{ key(keyId: "k") { grants(first: 30) { totalCount } } }'),
      ]).toEqual([20 + 20 * 50, 10 + 10 * 20 + 10 * 20 * 2, 30]);
    });

    it('counts a key quota (100) for each lookup of one grant: root node(id) and createGrant { grant }, not edges { node }', () => {
      expect([
        cost('{ node(id: "x") { id } }'),
        cost('mutation { createGrant(input: { keyId: "k", granteePrincipal: "p", operations: [DESCRIBE_KEY] }) { grant { id } } }'),
        cost('mutation { createGrant(input: { keyId: "k", granteePrincipal: "p", operations: [DESCRIBE_KEY] }) { grantId } }'),
        cost('{ grants(keyId: "k", first: 1) { edges { node { id } } } }'),
      ]).toEqual([100, 100, 0, 1]);
    });

    it('takes values from variables, the named operation only, and treats invalid values as the default', () => {
      const doc = 'query A($n: Int) { grants(keyId: "k", first: $n) { totalCount } } query B { keys(first: 2) { totalCount } }';
      expect([cost(doc, { n: 9 }, 'A'), cost(doc, {}, 'B'), cost(doc, { n: -1 }, 'A'), cost(doc, { n: 'many' }, 'A')]).toEqual([
        9, 2, 20, 20,
      ]);
    });
  });
});
