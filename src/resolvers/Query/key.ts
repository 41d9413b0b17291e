import type { QueryResolvers } from '../../generated/resolvers-types.ts';
import { checkKeyId } from '../args.ts';
import { nullWhenNotFound } from '../notFound.ts';

/** `key(keyId)`: describe-key through the request's batch (shared with `Grant.key`); null when the key does not exist. */
export const key: NonNullable<QueryResolvers['key']> = (_parent, args, context) =>
  nullWhenNotFound(context.loaders().keys.load(checkKeyId(args.keyId)));
