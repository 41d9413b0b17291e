import type { GrantOperation, GrantResolvers } from '../generated/resolvers-types.ts';
import { fromEpochMs, toGrantOperation, toPrincipalType } from '../kms/translate.ts';
import { grantGlobalId } from '../relay/globalId.ts';

/** A KMS grant object as the GraphQL `Grant`; only `key` calls KMS (batched per request). */
export const Grant: GrantResolvers = {
  id: (grant) => grantGlobalId(grant.key_id, grant.grant_id),
  grantId: (grant) => grant.grant_id,
  keyId: (grant) => grant.key_id,
  name: (grant) => grant.name ?? null,
  granteePrincipal: (grant) => grant.grantee_principal ?? null,
  granteePrincipalType: (grant) => toPrincipalType(grant.grantee_principal_type),
  operations: (grant) => grant.operations.map(toGrantOperation).filter((op): op is GrantOperation => op !== null),
  issuingPrincipal: (grant) => grant.issuing_principal ?? null,
  retiringPrincipal: (grant) => grant.retiring_principal ?? null,
  createdAt: (grant) => fromEpochMs(grant.creation_date),
  key: (grant, _args, context) => context.loaders().keys.load(grant.key_id),
};
