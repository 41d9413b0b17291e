import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Operation-shape limits; each has an environment variable (see config.ts and the README). */
export interface ShapeLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** graphql-armor's static cost (objects and scalars weighted by depth). */
  maxCost: number;
  /** Hide "Did you mean ...?" hints (production). */
  blockFieldSuggestions: boolean;
}

/** graphql-armor's errors carry no code; the contract calls an operation over a limit BAD_USER_INPUT. */
const tagAsBadInput = (_context: unknown, error: GraphQLError): void => {
  (error.extensions as Record<string, unknown>).code = 'BAD_USER_INPUT';
};

/** graphql-armor's validation rules with our limits; rejections are tagged BAD_USER_INPUT. */
export function useShapeLimits(limits: ShapeLimits): Plugin {
  const reject = { onReject: [tagAsBadInput], propagateOnRejection: true };
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ...reject },
    maxAliases: { n: limits.maxAliases, ...reject },
    maxTokens: { n: limits.maxTokens, ...reject },
    maxDirectives: { n: limits.maxDirectives, ...reject },
    costLimit: { maxCost: limits.maxCost, ...reject },
    blockFieldSuggestion: { enabled: limits.blockFieldSuggestions },
  }) as Plugin;
}
