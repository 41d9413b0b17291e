import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { maxRepeatedFieldsRule } from './repeatedFields.ts';

/** Operation-shape limits; each has an environment variable (see config.ts and the README). */
export interface ShapeLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** Hide "Did you mean ...?" hints (production). */
  blockFieldSuggestions: boolean;
}

/**
 * Most validation errors reported for one document; validation stops there and adds graphql-js's
 * "Too many validation errors" error, so an answer holds at most this many plus one. An invalid
 * document otherwise gets one error per offending node: ten unknown directives, ten errors
 * (graphql-cop's "directive overloading"), and the answer grows with the attacker's input.
 */
export const MAX_VALIDATION_ERRORS = 5;

/** graphql-armor's errors carry no code; the contract calls an operation over a limit BAD_USER_INPUT. */
const tagAsBadInput = (_context: unknown, error: GraphQLError): void => {
  (error.extensions as Record<string, unknown>).code = 'BAD_USER_INPUT';
};

/**
 * Validation-time limits are reported as ordinary validation errors instead of thrown, so the
 * operation ends like any invalid one (400, logged and counted by the telemetry plugin).
 */
const reportAsValidationError = (context: ValidationContext | null, error: GraphQLError): void => {
  tagAsBadInput(context, error);
  context?.reportError(error);
};

/**
 * graphql-armor's shape rules with our limits, plus what armor does not cover: fields repeated
 * under one response key (counted against the alias limit, as copies of a field like aliases are)
 * and the cap on reported validation errors. Rejections are tagged BAD_USER_INPUT.
 */
export function useShapeLimits(limits: ShapeLimits): Plugin[] {
  const reported = { onReject: [reportAsValidationError], propagateOnRejection: false };
  const armor = EnvelopArmorPlugin({
    // Depth of the fields themselves: a fragment spread adds no level (armor would count two).
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...reported },
    // Every alias counts, `__typename` ones too: armor exempts `__typename` by default, which lets
    // `{ a0: __typename ... a100: __typename }` through (graphql-cop's "alias overloading").
    maxAliases: { n: limits.maxAliases, allowList: [], ...reported },
    // Counted while parsing, where there is no validation context: it has to throw.
    maxTokens: { n: limits.maxTokens, onReject: [tagAsBadInput], propagateOnRejection: true },
    maxDirectives: { n: limits.maxDirectives, ...reported },
    // armor's static cost multiplies by literal `first` values and cannot see variables; the
    // requested-grants limit (requestedGrants.ts) is the cost model that fits KMS paging.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: limits.blockFieldSuggestions },
  }) as Plugin;
  const repeatedFields = maxRepeatedFieldsRule(limits.maxAliases, reportAsValidationError);
  const ours: Plugin = {
    onValidate({ addValidationRule, validateFn, setValidationFn }) {
      addValidationRule(repeatedFields);
      // envelop passes graphql's own positional arguments through: (schema, document, rules, options, typeInfo).
      setValidationFn((schema, document, rules, options, typeInfo) =>
        validateFn(schema, document, rules, { ...options, maxErrors: MAX_VALIDATION_ERRORS }, typeInfo),
      );
    },
  };
  return [armor, ours];
}
