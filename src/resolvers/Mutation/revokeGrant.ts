import type { MutationResolvers } from '../../generated/resolvers-types.ts';
import { grantGlobalId } from '../../relay/globalId.ts';
import { checkGrantId, checkKeyId } from '../args.ts';

/**
 * `revokeGrant(input)`: KMS revoke-grant, never retried automatically (a retry after a lost
 * answer could act twice; KMS would then say KMS.2501). Only the key's creator may revoke.
 */
export const revokeGrant: NonNullable<MutationResolvers['revokeGrant']> = async (_parent, { input }, context) => {
  const keyId = checkKeyId(input.keyId, 'input.keyId');
  const grantId = checkGrantId(input.grantId, 'input.grantId');
  await context.loaders().revokeGrant(keyId, grantId);
  return {
    keyId,
    grantId,
    revokedGrantId: grantGlobalId(keyId, grantId),
    clientMutationId: input.clientMutationId ?? null,
  };
};
