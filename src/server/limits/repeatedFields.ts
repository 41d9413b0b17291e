import { GraphQLError, Kind, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * How many field selections of a document repeat a response key already selected directly in
 * the same selection set (`{ a a a }` repeats `a` twice; `{ a b: a }` repeats nothing, that is an
 * alias). Selections through fragments are not counted: `... on Grant { id } ... on Key { id }`
 * is ordinary. Repeats add nothing to the answer, only work (graphql-js compares every pair of
 * same-named fields), so `{ __typename __typename ... }` five hundred times is a denial-of-service
 * probe (graphql-cop's "field duplication"). More than `n` repeats are handed to `onReject`.
 */
export const maxRepeatedFieldsRule =
  (n: number, onReject: (context: ValidationContext, error: GraphQLError) => void): ValidationRule =>
  (context) => {
    let repeats = 0;
    return {
      SelectionSet(node) {
        const seen = new Set<string>();
        for (const selection of node.selections) {
          if (selection.kind !== Kind.FIELD) continue;
          const key = selection.alias?.value ?? selection.name.value;
          if (seen.has(key)) repeats += 1;
          else seen.add(key);
        }
      },
      Document: {
        leave() {
          if (repeats > n) onReject(context, new GraphQLError(`Repeated fields limit of ${n} exceeded, found ${repeats}.`));
        },
      },
    };
  };
