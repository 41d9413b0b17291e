import type { QueryResolvers } from '../../generated/resolvers-types.ts';
import { selectedCursors } from '../../relay/connection.ts';
import { RETIRABLE_CONNECTION } from '../../relay/connectionId.ts';
import { grantConnection } from '../grantConnection.ts';

/** `retirableGrants(first, after)`: the caller's retirable grants over KMS list-retirable-grants. */
export const retirableGrants: NonNullable<QueryResolvers['retirableGrants']> = (_parent, args, context, info) =>
  grantConnection(context, RETIRABLE_CONNECTION, args, selectedCursors(info));
