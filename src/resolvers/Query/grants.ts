import type { QueryResolvers } from '../../generated/resolvers-types.ts';
import { assembleConnection } from '../../relay/connection.ts';
import { grantsConnection } from '../../relay/connectionId.ts';
import { checkFirst, checkKeyId, startPosition } from '../args.ts';

/** `grants(keyId, first, after)`: a key's grants as a Relay connection over KMS list-grants. */
export const grants: NonNullable<QueryResolvers['grants']> = async (_parent, args, context) => {
  const keyId = checkKeyId(args.keyId);
  const first = checkFirst(args.first);
  const start = startPosition(context.cursors, grantsConnection(keyId), args.after);
  const { pages } = context.loaders();
  return assembleConnection(start, first, (marker, limit) => pages.load({ connection: start.connection, marker, limit }), context.cursors);
};
