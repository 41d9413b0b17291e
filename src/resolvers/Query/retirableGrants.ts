import type { QueryResolvers } from '../../generated/resolvers-types.ts';
import { assembleConnection } from '../../relay/connection.ts';
import { RETIRABLE_CONNECTION } from '../../relay/connectionId.ts';
import { checkFirst, startPosition } from '../args.ts';

/** `retirableGrants(first, after)`: the caller's retirable grants over KMS list-retirable-grants. */
export const retirableGrants: NonNullable<QueryResolvers['retirableGrants']> = async (_parent, args, context) => {
  const first = checkFirst(args.first);
  const start = startPosition(context.cursors, RETIRABLE_CONNECTION, args.after);
  const { pages } = context.loaders();
  return assembleConnection(start, first, (marker, limit) => pages.load({ connection: RETIRABLE_CONNECTION, marker, limit }), context.cursors);
};
