import type { QueryResolvers } from '../../generated/resolvers-types.ts';
import { selectedCursors } from '../../relay/connection.ts';
import { grantsConnection } from '../../relay/connectionId.ts';
import { checkKeyId } from '../args.ts';
import { grantConnection } from '../grantConnection.ts';

/** `grants(keyId, first, after)`: a key's grants as a Relay connection over KMS list-grants. */
export const grants: NonNullable<QueryResolvers['grants']> = (_parent, args, context, info) =>
  grantConnection(context, grantsConnection(checkKeyId(args.keyId)), args, selectedCursors(info));
