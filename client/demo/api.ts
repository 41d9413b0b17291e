/**
 * The demo page's GraphQL calls: urql's core client (fetch only, no cache: every list is fresh) and
 * the typed documents generated from client/operations/*.graphql, so variables and results are
 * checked against the schema at compile time.
 */
import { Client, fetchExchange, type CombinedError } from '@urql/core';
import {
  KeyGrantsDocument,
  RetirableGrantsDocument,
  RevokeGrantDocument,
  type GrantFieldsFragment,
  type KeyGrantsQuery,
  type RevokeGrantMutation,
} from '../generated/graphql.ts';

/** One grant as the tables show it. */
export type GrantRow = GrantFieldsFragment;
/** The key, as reported on a key's grants. */
export type KeySummary = NonNullable<KeyGrantsQuery['grants']['edges'][number]['node']['key']>;

/** One page of a grant connection. */
export interface GrantPage {
  grants: GrantRow[];
  key: KeySummary | null;
  totalCount: number | null;
  hasNextPage: boolean;
  endCursor: string | null;
}

/** How many grants one "Load more" fetches. */
export const PAGE_SIZE = 20;

/** A client for `/graphql` that sends `token()` as `X-Auth-Token` on every request. */
export function createApi(token: () => string) {
  const client = new Client({
    url: new URL('/graphql', location.href).toString(),
    exchanges: [fetchExchange],
    // POST with a JSON body: the gateway refuses "simple" (CSRF-prone) GETs.
    preferGetMethod: false,
    requestPolicy: 'network-only',
    fetchOptions: (): RequestInit => {
      const value = token().trim();
      const headers: Record<string, string> = value === '' ? {} : { 'X-Auth-Token': value };
      return { headers };
    },
  });

  return {
    /** A page of `keyId`'s grants after `after` (null: from the start). */
    async keyGrants(keyId: string, after: string | null): Promise<GrantPage> {
      const result = await client.query(KeyGrantsDocument, { keyId, first: PAGE_SIZE, after }).toPromise();
      if (result.error !== undefined || result.data === undefined) throw new ApiError(result.error);
      const { edges, pageInfo, totalCount } = result.data.grants;
      return {
        grants: edges.map(({ node: { key: _key, ...grant } }) => grant),
        key: edges[0]?.node.key ?? null,
        totalCount,
        hasNextPage: pageInfo.hasNextPage,
        endCursor: pageInfo.endCursor,
      };
    },

    /** A page of the grants the caller may retire. */
    async retirableGrants(after: string | null): Promise<GrantPage> {
      const result = await client.query(RetirableGrantsDocument, { first: PAGE_SIZE, after }).toPromise();
      if (result.error !== undefined || result.data === undefined) throw new ApiError(result.error);
      const { edges, pageInfo, totalCount } = result.data.retirableGrants;
      return {
        grants: edges.map((edge) => edge.node),
        key: null,
        totalCount,
        hasNextPage: pageInfo.hasNextPage,
        endCursor: pageInfo.endCursor,
      };
    },

    /** Revokes one grant; resolves with the payload (its `revokedGrantId` is the row's `id`). */
    async revokeGrant(keyId: string, grantId: string): Promise<RevokeGrantMutation['revokeGrant']> {
      const clientMutationId = crypto.randomUUID();
      const result = await client.mutation(RevokeGrantDocument, { input: { keyId, grantId, clientMutationId } }).toPromise();
      if (result.error !== undefined || result.data === undefined) throw new ApiError(result.error);
      return result.data.revokeGrant;
    },
  };
}

export type Api = ReturnType<typeof createApi>;

/** A failed call, with the gateway's `extensions.code` when there is one (e.g. `UNAUTHENTICATED`). */
export class ApiError extends Error {
  readonly code: string | undefined;
  constructor(error: CombinedError | undefined) {
    const first = error?.graphQLErrors[0];
    const code = first?.extensions['code'];
    super(first?.message ?? error?.networkError?.message ?? 'No data in the response');
    this.name = 'ApiError';
    this.code = typeof code === 'string' ? code : undefined;
  }
}
