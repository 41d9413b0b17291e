import { isNonNullType, type DocumentNode, type OperationTypeNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { gatewayError } from '../../errors/codes.ts';
import type { GatewayContext } from '../context.ts';
import { rootFields, selectedOperation } from './rootFields.ts';

const META_FIELDS = new Set(['__typename', '__schema', '__type']);

/** What a caller without a token is told, here and by the context's loaders. */
export const NO_TOKEN_MESSAGE = 'Send your KMS token as `X-Auth-Token: <token>` or `Authorization: Bearer <token>`';

/** What a caller is told when its token headers are refused (see `requestToken` in ../auth.ts). */
export const ONE_TOKEN_MESSAGE =
  'Send one KMS token in one header: more than one `X-Auth-Token` (or `Authorization`) header, or a token with a comma, is refused';

/** A root field of an operation: its response key (alias or name) and its schema name. */
export interface RootField {
  key: string;
  name: string;
}

/**
 * The operation's type and its root fields that need KMS (all but `__typename` and
 * introspection), fragments included, in document order, one per response key. Pure.
 */
export function kmsRootFields(
  document: DocumentNode,
  operationName: string | null | undefined,
): { type: OperationTypeNode | undefined; fields: RootField[] } {
  const fields = new Map<string, RootField>();
  for (const field of rootFields(document, operationName)) {
    const key = field.alias?.value ?? field.name.value;
    if (!META_FIELDS.has(field.name.value) && !fields.has(key)) fields.set(key, { key, name: field.name.value });
  }
  return { type: selectedOperation(document, operationName)?.operation, fields: [...fields.values()] };
}

/**
 * Without a token (none sent, or its token headers refused), an operation with a non-null KMS
 * root field (`grants`, `retirableGrants`, `revokeGrant`) is answered before execution: `data:
 * null` (as null propagation would make it) and one UNAUTHENTICATED error per KMS field, with the
 * context's `noTokenMessage`, where execution would report only the first (contract: "on each
 * field that needs KMS"); no KMS call. Anything else executes: `node` alone
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
        errors: fields.map((field) => gatewayError('UNAUTHENTICATED', args.contextValue.noTokenMessage, { path: [field.key] })),
      });
    },
  };
}
