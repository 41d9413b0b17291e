import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Operation-shape limits; each has an environment variable (see config.ts and the README). */
export interface ShapeLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** Hide "Did you mean ...?" hints (production). */
  blockFieldSuggestions: boolean;
}

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

/** graphql-armor's shape rules with our limits; rejections are tagged BAD_USER_INPUT. */
export function useShapeLimits(limits: ShapeLimits): Plugin {
  const reported = { onReject: [reportAsValidationError], propagateOnRejection: false };
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ...reported },
    maxAliases: { n: limits.maxAliases, ...reported },
    // Counted while parsing, where there is no validation context: it has to throw.
    maxTokens: { n: limits.maxTokens, onReject: [tagAsBadInput], propagateOnRejection: true },
    maxDirectives: { n: limits.maxDirectives, ...reported },
    // armor's static cost multiplies by literal `first` values and cannot see variables; the
    // requested-grants limit (requestedGrants.ts) is the cost model that fits KMS paging.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: limits.blockFieldSuggestions },
  }) as Plugin;
}
