import { GraphQLError, Kind, visit, type DocumentNode, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Production's introspection switch (contract: "`__schema` is refused and `__type` reveals
 * nothing"):
 * - `__schema`, the whole-schema dump that explorers and scrapers use, is a validation error.
 * - `__type(name:)` stays valid but answers null for every name. Refusing it would break GraphQL
 *   over HTTP's audits, which use it to check variables handling (graphql-http 28B9, a MUST);
 *   answering it would not do either, because root type names are known to everyone and
 *   `__type(name: "Query")` (then every type it names) walks the whole schema.
 */
const noSchemaIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema') {
      context.reportError(new GraphQLError('Introspection is disabled', { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } }));
    }
  },
});

/**
 * `document` with the `name` argument of every `__type` field replaced by `""`, which names no
 * type, so graphql-js's own resolver answers null and reads nothing of the schema; aliases,
 * selections and variable definitions stay as they are (a `$name` left unused by the rewrite is
 * still declared, so it is still coerced and checked). The same document when it has no `__type`.
 * Meta fields cannot be renamed, so a field called `__type` is always the introspection one.
 */
export function withoutTypeLookups(document: DocumentNode): DocumentNode {
  return visit(document, {
    Field(node) {
      if (node.name.value !== '__type') return undefined;
      return {
        ...node,
        arguments: (node.arguments ?? []).map((argument) =>
          argument.name.value === 'name' ? { ...argument, value: { kind: Kind.STRING, value: '' } } : argument,
        ),
      };
    },
  });
}

/**
 * Turns introspection off: `__schema` refused at validation, `__type` answering null at
 * execution. The rewrite is done once per parsed document (yoga reuses the document of a query
 * string it has seen), and only documents that contain `__type` are executed rewritten.
 */
export function useNoIntrospection(): Plugin {
  const rewritten = new WeakMap<DocumentNode, DocumentNode>();
  const blank = (document: DocumentNode): DocumentNode => {
    let result = rewritten.get(document);
    if (result === undefined) {
      result = withoutTypeLookups(document);
      rewritten.set(document, result);
    }
    return result;
  };
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(noSchemaIntrospection);
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      if (blank(args.document) === args.document) return;
      setExecuteFn((execution) => executeFn({ ...execution, document: blank(execution.document) }));
    },
  };
}
