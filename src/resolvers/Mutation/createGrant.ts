import type { CreateGrantPayloadResolvers, MutationResolvers } from '../../generated/resolvers-types.ts';
import { fromGrantOperation, fromPrincipalType } from '../../kms/translate.ts';
import type { KmsCreateGrantBody } from '../../kms/types.ts';
import { checkGrantName, checkKeyId, checkOperations, checkPrincipal } from '../args.ts';
import { findGrant } from '../findGrant.ts';

/** What `createGrant` resolves to; the payload's `grant` is fetched only when selected. */
export interface CreatedGrant {
  keyId: string;
  grantId: string;
  clientMutationId: string | null;
}

/**
 * `createGrant(input)`: KMS create-grant, every field checked against KMS's rules first, sent
 * once (never retried: a retry after a lost answer could create the grant twice).
 */
export const createGrant: NonNullable<MutationResolvers['createGrant']> = async (_parent, { input }, context) => {
  const body: KmsCreateGrantBody = {
    key_id: checkKeyId(input.keyId, 'input.keyId'),
    grantee_principal: checkPrincipal(input.granteePrincipal, 'input.granteePrincipal'),
    grantee_principal_type: fromPrincipalType(input.granteePrincipalType ?? 'USER'),
    operations: checkOperations(input.operations, 'input.operations').map(fromGrantOperation),
  };
  if (input.name != null) body.name = checkGrantName(input.name, 'input.name');
  if (input.retiringPrincipal != null) body.retiring_principal = checkPrincipal(input.retiringPrincipal, 'input.retiringPrincipal');
  const grantId = await context.loaders().createGrant(body);
  return { keyId: body.key_id, grantId, clientMutationId: input.clientMutationId ?? null };
};

/** The created grant as KMS lists it, so its `id` is the one later listings show. */
export const CreateGrantPayload: CreateGrantPayloadResolvers = {
  grant: (created, _args, context) => findGrant(context.loaders(), created.keyId, created.grantId),
};
