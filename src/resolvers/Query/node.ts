import { GraphQLError } from 'graphql';
import type { QueryResolvers } from '../../generated/resolvers-types.ts';
import type { KmsGrant } from '../../kms/types.ts';
import { KMS_MAX_LIMIT } from '../../kms/types.ts';
import type { Loaders } from '../../loaders/index.ts';
import { grantsConnection } from '../../relay/connectionId.ts';
import { decodeGlobalId } from '../../relay/globalId.ts';

/**
 * `node(id)`: refetches a Key (describe-key) or a Grant (KMS has no get-grant, so the key's
 * grants are listed and searched). A well-formed id whose object is gone resolves to null.
 */
export const node: NonNullable<QueryResolvers['node']> = async (_parent, args, context) => {
  const ref = decodeGlobalId(args.id);
  const loaders = context.loaders();
  try {
    if (ref.type === 'Key') return await loaders.keys.load(ref.keyId);
    return await findGrant(loaders, ref.keyId, ref.grantId);
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === 'NOT_FOUND') return null;
    throw error;
  }
};

async function findGrant(loaders: Loaders, keyId: string, grantId: string): Promise<KmsGrant | null> {
  const connection = grantsConnection(keyId);
  let marker = '';
  // A key holds at most 100 grants, so this is one call unless KMS pages shorter.
  for (;;) {
    const page = await loaders.pages.load({ connection, marker, limit: KMS_MAX_LIMIT });
    const grant = page.grants.find((g) => g.grant_id === grantId);
    if (grant !== undefined) return grant;
    if (page.truncated !== 'true' || page.next_marker === '' || page.next_marker === marker) return null;
    marker = page.next_marker;
  }
}
