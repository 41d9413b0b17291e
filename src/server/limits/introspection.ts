import { GraphQLError, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Production's introspection switch: refuses `__schema`, the whole-schema dump that explorers
 * and scrapers use. `__type(name:)` stays, because it answers only for a type whose name the
 * caller already knows (field suggestions are off in production too), and GraphQL over HTTP's
 * audits use it to check variables handling (graphql-http 28B9, a MUST).
 */
const noSchemaIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema') {
      context.reportError(new GraphQLError('Introspection is disabled', { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } }));
    }
  },
});

export function useNoSchemaIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(noSchemaIntrospection);
    },
  };
}
