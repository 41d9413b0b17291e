import type { MutationResolvers } from '../../generated/resolvers-types.ts';
import { grantGlobalId } from '../../relay/globalId.ts';
import { checkGrantId, checkKeyId } from '../args.ts';

/**
 * `retireGrant(input)`: KMS retire-grant, sent once. Who may retire (issuer, retiring principal,
 * a grantee holding retire-grant) is KMS's decision: FORBIDDEN otherwise.
 */
export const retireGrant: NonNullable<MutationResolvers['retireGrant']> = async (_parent, { input }, context) => {
  const keyId = checkKeyId(input.keyId, 'input.keyId');
  const grantId = checkGrantId(input.grantId, 'input.grantId');
  await context.loaders().retireGrant(keyId, grantId);
  return { keyId, grantId, retiredGrantId: grantGlobalId(keyId, grantId), clientMutationId: input.clientMutationId ?? null };
};
