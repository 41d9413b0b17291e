import type { QueryResolvers } from '../../generated/resolvers-types.ts';
import type { KmsGrant, KmsKeyDetails } from '../../kms/types.ts';
import { decodeGlobalId } from '../../relay/globalId.ts';
import { findGrant } from '../findGrant.ts';
import { nullWhenNotFound } from '../notFound.ts';

/**
 * `node(id)`: refetches a Key (describe-key) or a Grant (its key's grants listed and searched).
 * A well-formed id whose object is gone resolves to null.
 */
export const node: NonNullable<QueryResolvers['node']> = (_parent, args, context) => {
  const ref = decodeGlobalId(args.id);
  const loaders = context.loaders();
  const lookup: Promise<KmsGrant | KmsKeyDetails | null> =
    ref.type === 'Key' ? loaders.keys.load(ref.keyId) : findGrant(loaders, ref.keyId, ref.grantId);
  return nullWhenNotFound(lookup);
};
