import { Kind, type DocumentNode, type ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { gatewayError } from '../../errors/codes.ts';
import { DEFAULT_FIRST, MAX_FIRST } from '../../resolvers/args.ts';
import { rootFields } from './rootFields.ts';

/** What `node(id)` may cost: listing one key's grants (a key holds at most 100). */
const NODE_COST = 100;

/**
 * How many grants an operation asks KMS for: the sum of `first` over every `grants` and
 * `retirableGrants` field (default 20 each, aliases and fragments included), plus a key's quota
 * per `node`. Pure; unknown or invalid values count as the default (the resolver rejects them).
 */
export function requestedGrants(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): number {
  let total = 0;
  for (const field of rootFields(document, operationName)) {
    const name = field.name.value;
    if (name === 'grants' || name === 'retirableGrants') {
      const first = field.arguments?.find((arg) => arg.name.value === 'first')?.value;
      total += valueOf(first, variables) ?? DEFAULT_FIRST;
    } else if (name === 'node') {
      total += NODE_COST;
    }
  }
  return total;
}

function valueOf(node: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (node === undefined) return undefined;
  const value = node.kind === Kind.VARIABLE ? variables[node.name.value] : node.kind === Kind.INT ? Number(node.value) : undefined;
  // Out-of-range values are left to the resolver, which rejects them at their field.
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_FIRST ? value : undefined;
}

/**
 * Refuses, before any resolver runs, an operation that asks for more than `max` grants in
 * total, so one request cannot fan out into hundreds of KMS calls.
 */
export function useRequestedGrantsLimit(max: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const total = requestedGrants(args.document, args.operationName, (args.variableValues ?? {}) as Record<string, unknown>);
      if (total > max) {
        setResultAndStopExecution({
          errors: [gatewayError('BAD_USER_INPUT', `This operation asks for ${total} grants; the limit is ${max} per operation (sum of \`first\`)`)],
        });
      }
    },
  };
}
