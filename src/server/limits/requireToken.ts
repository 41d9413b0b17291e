import { Kind, isNonNullType, type DocumentNode, type FragmentDefinitionNode, type OperationTypeNode, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { gatewayError } from '../../errors/codes.ts';
import type { GatewayContext } from '../context.ts';

const META_FIELDS = new Set(['__typename', '__schema', '__type']);

/** What a caller without a token is told, here and by the context's loaders. */
export const NO_TOKEN_MESSAGE = 'Send your KMS token as `X-Auth-Token: <token>` or `Authorization: Bearer <token>`';

/** A root field of an operation: its response key (alias or name) and its schema name. */
export interface RootField {
  key: string;
  name: string;
}

/**
 * The operation's type and its root fields that need KMS (all but `__typename` and
 * introspection), fragments included, in document order, one per response key. Pure.
 */
export function kmsRootFields(document: DocumentNode, operationName: string | null | undefined): { type: OperationTypeNode | undefined; fields: RootField[] } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let root: SelectionSetNode | undefined;
  let type: OperationTypeNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION && (operationName == null || definition.name?.value === operationName) && root === undefined) {
      root = definition.selectionSet;
      type = definition.operation;
    }
  }
  const fields = new Map<string, RootField>();
  const visit = (set: SelectionSetNode, seen: ReadonlySet<string>): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (!META_FIELDS.has(selection.name.value) && !fields.has(key)) fields.set(key, { key, name: selection.name.value });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment !== undefined && !seen.has(fragment.name.value)) visit(fragment.selectionSet, new Set([...seen, fragment.name.value]));
      }
    }
  };
  if (root !== undefined) visit(root, new Set());
  return { type, fields: [...fields.values()] };
}

/**
 * Without a token, an operation with a non-null KMS root field (`grants`, `retirableGrants`,
 * `revokeGrant`) is answered before execution: `data: null` (as null propagation would make it)
 * and one UNAUTHENTICATED error per KMS field, where execution would report only the first
 * (contract: "on each field that needs KMS"); no KMS call. Anything else executes: `node` alone
 * resolves to null with its error, `{ __typename }` and introspection answer.
 */
export function useTokenRequired(): Plugin<GatewayContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (args.contextValue.token !== null) return;
      const { type, fields } = kmsRootFields(args.document, args.operationName);
      const rootType = type === 'mutation' ? args.schema.getMutationType() : args.schema.getQueryType();
      const nonNull = fields.some((field) => {
        const definition = rootType?.getFields()[field.name];
        return definition !== undefined && isNonNullType(definition.type);
      });
      if (!nonNull) return;
      setResultAndStopExecution({
        data: null,
        errors: fields.map((field) =>
          gatewayError('UNAUTHENTICATED', NO_TOKEN_MESSAGE, { path: [field.key] }),
        ),
      });
    },
  };
}
