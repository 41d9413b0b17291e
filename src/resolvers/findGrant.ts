import type { KmsGrant } from '../kms/types.ts';
import { KMS_MAX_LIMIT } from '../kms/types.ts';
import type { Loaders } from '../loaders/index.ts';
import { grantsConnection } from '../relay/connectionId.ts';

/**
 * One grant as KMS lists it, or null when the key no longer holds it. KMS has no get-grant, so
 * the key's grants are listed (through the request's page cache) and searched: one call, since a
 * key holds at most 100 grants, unless KMS pages shorter.
 */
export async function findGrant(loaders: Loaders, keyId: string, grantId: string): Promise<KmsGrant | null> {
  const connection = grantsConnection(keyId);
  let marker = '';
  for (;;) {
    const page = await loaders.pages.load({ connection, marker, limit: KMS_MAX_LIMIT });
    const grant = page.grants.find((g) => g.grant_id === grantId);
    if (grant !== undefined) return grant;
    if (page.truncated !== 'true' || page.next_marker === '' || page.next_marker === marker) return null;
    marker = page.next_marker;
  }
}
