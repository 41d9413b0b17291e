import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { gatewayError } from '../../errors/codes.ts';
import { DEFAULT_FIRST, MAX_FIRST } from '../../resolvers/args.ts';
import { selectedOperation } from './rootFields.ts';

/** What a field that lists one key's grants to find one grant may cost (a key holds at most 100). */
const LOOKUP_COST = 100;
/** Connections: each asks for `first` items (grants, or keys for `keys`). */
const CONNECTIONS = new Set(['grants', 'retirableGrants', 'keys']);
/**
 * Fields that list a key's grants to find one: the root `node(id)`, and `grant` of a root
 * mutation's payload (`createGrant { grant }`). Elsewhere these names are plain fields (`edges { node }`).
 */
const isLookup = (name: string, depth: number): boolean => (depth === 0 && name === 'node') || (depth === 1 && name === 'grant');

/**
 * A connection or lookup of an operation, with what it nests: the part of the cost that depends
 * only on the document, computed once per parsed document.
 */
interface CostNode {
  /** The `first` argument (a literal or a variable); undefined for lookups and absent `first`. */
  first: ValueNode | undefined;
  lookup: boolean;
  children: CostNode[];
}

/**
 * How many items (grants and keys) an operation may ask KMS for: every connection's `first`
 * (default 20), multiplied by the `first` of the connections it is nested in (`keys(first: 20) {
 * edges { node { grants(first: 50) } } }` asks for 20 + 20 x 50), plus a key's grant quota for
 * each lookup of one grant. Aliases and fragments included. Unknown or invalid values count as
 * the default (the resolver rejects them).
 */
export function requestedGrants(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
): number {
  return cost(shapeOf(document, operationName), 1, variables);
}

function cost(nodes: readonly CostNode[], multiplier: number, variables: Record<string, unknown>): number {
  let total = 0;
  for (const node of nodes) {
    const items = node.lookup ? LOOKUP_COST : (intValue(node.first, variables) ?? DEFAULT_FIRST);
    total += multiplier * items + cost(node.children, node.lookup ? multiplier : multiplier * Math.max(items, 1), variables);
  }
  return total;
}

const shapes = new WeakMap<DocumentNode, Map<string, CostNode[]>>();

/** The operation's connections and lookups, cached per document (yoga reuses parsed documents). */
function shapeOf(document: DocumentNode, operationName: string | null | undefined): CostNode[] {
  let byOperation = shapes.get(document);
  if (byOperation === undefined) {
    byOperation = new Map();
    shapes.set(document, byOperation);
  }
  const key = operationName ?? '';
  let shape = byOperation.get(key);
  if (shape === undefined) {
    const operation = selectedOperation(document, operationName);
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    shape = operation === undefined ? [] : collect(operation.selectionSet, fragments, new Set(), 0);
    byOperation.set(key, shape);
  }
  return shape;
}

/**
 * The cost nodes under `set` (at `depth` below the root), fragments flattened (a spread cycle, a
 * validation error, is not followed).
 */
function collect(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: ReadonlySet<string>,
  depth: number,
): CostNode[] {
  const nodes: CostNode[] = [];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      const children = selection.selectionSet === undefined ? [] : collect(selection.selectionSet, fragments, seen, depth + 1);
      if (CONNECTIONS.has(name)) nodes.push({ first: argument(selection, 'first'), lookup: false, children });
      else if (isLookup(name, depth)) nodes.push({ first: undefined, lookup: true, children });
      else nodes.push(...children);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      nodes.push(...collect(selection.selectionSet, fragments, seen, depth));
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment !== undefined && !seen.has(fragment.name.value))
        nodes.push(...collect(fragment.selectionSet, fragments, new Set([...seen, fragment.name.value]), depth));
    }
  }
  return nodes;
}

function argument(field: FieldNode, name: string): ValueNode | undefined {
  return field.arguments?.find((arg) => arg.name.value === name)?.value;
}

function intValue(node: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (node === undefined) return undefined;
  const value = node.kind === Kind.VARIABLE ? variables[node.name.value] : node.kind === Kind.INT ? Number(node.value) : undefined;
  // Out-of-range values are left to the resolver, which rejects them at their field.
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_FIRST ? value : undefined;
}

/**
 * Refuses, before any resolver runs, an operation that asks for more than `max` items in total,
 * so one request cannot fan out into hundreds of KMS calls.
 */
export function useRequestedGrantsLimit(max: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const total = requestedGrants(args.document, args.operationName, (args.variableValues ?? {}) as Record<string, unknown>);
      if (total > max) {
        setResultAndStopExecution({
          errors: [
            gatewayError(
              'BAD_USER_INPUT',
              `This operation asks for ${total} grants and keys; the limit is ${max} per operation (sum of \`first\`, nested ones multiplied)`,
            ),
          ],
        });
      }
    },
  };
}
