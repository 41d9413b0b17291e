/**
 * The demo page's GraphQL calls: urql's core client (fetch only, no cache: every list is fresh) and
 * the typed documents generated from client/operations/*.graphql, so variables and results are
 * checked against the schema at compile time.
 */
import { Client, fetchExchange, type CombinedError } from '@urql/core';
import {
  CreateGrantDocument,
  KeyDetailDocument,
  KeysDocument,
  RetirableGrantsDocument,
  RetireGrantDocument,
  RevokeGrantDocument,
  type CreateGrantInput,
  type CreateGrantMutation,
  type GrantFieldsFragment,
  type KeyFieldsFragment,
  type KeyState,
  type KeysQuery,
  type RetireGrantMutation,
  type RevokeGrantMutation,
} from '../generated/graphql.ts';

/** One grant as the tables show it. */
export type GrantRow = GrantFieldsFragment;
/** A key's own fields (alias, state, spec...). */
export type KeyInfo = KeyFieldsFragment;
/** One key as the key list shows it: its fields and how many grants it holds. */
export type KeyRow = KeysQuery['keys']['edges'][number]['node'];

/** One page of a connection, as the tables take it. */
export interface Page<T> {
  items: T[];
  totalCount: number | null;
  hasNextPage: boolean;
  endCursor: string | null;
}

/** A key with one page of its grants. */
export interface KeyWithGrants {
  key: KeyInfo;
  grants: Page<GrantRow>;
}

/** How many grants one "Load more" fetches. */
export const PAGE_SIZE = 20;
/** How many keys one "Show more keys" fetches (small, so the demo's ten keys take two pages). */
export const KEY_PAGE_SIZE = 5;
/** The gateway's largest `first`. */
export const MAX_FIRST = 1000;

/** A connection's page (of grants, `GrantPage`, or of keys) as the tables take it. */
function pageOf<T>(connection: {
  edges: readonly { node: T }[];
  totalCount: number | null;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}): Page<T> {
  return {
    items: connection.edges.map((edge) => edge.node),
    totalCount: connection.totalCount,
    hasNextPage: connection.pageInfo.hasNextPage,
    endCursor: connection.pageInfo.endCursor,
  };
}

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
    /** A page of the caller's keys after `after` (null: from the start), only those in `state` when given. */
    async keys(after: string | null, state: KeyState | null, first = KEY_PAGE_SIZE): Promise<Page<KeyRow>> {
      const result = await client.query(KeysDocument, { first, after, state }).toPromise();
      if (result.error !== undefined || result.data === undefined) throw new ApiError(result.error);
      return pageOf(result.data.keys);
    },

    /** `keyId`'s fields and its first `first` grants; null when KMS has no such key (one describe-key, one list-grants). */
    async keyDetail(keyId: string, first = PAGE_SIZE): Promise<KeyWithGrants | null> {
      const result = await client.query(KeyDetailDocument, { keyId, first, after: null }).toPromise();
      // No such key: `key` is null, and `grants` (non-null) fails with KMS.0207, which nulls `data` as a whole.
      const errors = result.error?.graphQLErrors ?? [];
      if (errors.length > 0 && errors.every((e) => e.extensions['kmsErrorCode'] === 'KMS.0207')) return null;
      const key = result.data?.key;
      if (result.error !== undefined || result.data === undefined || key === undefined || key === null) throw new ApiError(result.error);
      return { key, grants: pageOf(result.data.grants) };
    },

    /** The next page of `keyId`'s grants after `after` (one list-grants: the key itself is not asked again). */
    async keyGrants(keyId: string, after: string | null): Promise<Page<GrantRow>> {
      const result = await client.query(KeyDetailDocument, { keyId, first: PAGE_SIZE, after, withKey: false }).toPromise();
      if (result.error !== undefined || result.data === undefined) throw new ApiError(result.error);
      return pageOf(result.data.grants);
    },

    /** A page of the grants the caller may retire. */
    async retirableGrants(after: string | null, first = PAGE_SIZE): Promise<Page<GrantRow>> {
      const result = await client.query(RetirableGrantsDocument, { first, after }).toPromise();
      if (result.error !== undefined || result.data === undefined) throw new ApiError(result.error);
      return pageOf(result.data.retirableGrants);
    },

    /** Creates a grant; resolves with the payload (its `grant` as KMS lists it). */
    async createGrant(input: Omit<CreateGrantInput, 'clientMutationId'>): Promise<CreateGrantMutation['createGrant']> {
      const clientMutationId = crypto.randomUUID();
      const result = await client.mutation(CreateGrantDocument, { input: { ...input, clientMutationId } }).toPromise();
      if (result.error !== undefined || result.data === undefined) throw new ApiError(result.error);
      return result.data.createGrant;
    },

    /** Retires one grant; resolves with the payload (its `retiredGrantId` is the row's `id`). */
    async retireGrant(keyId: string, grantId: string): Promise<RetireGrantMutation['retireGrant']> {
      const clientMutationId = crypto.randomUUID();
      const result = await client.mutation(RetireGrantDocument, { input: { keyId, grantId, clientMutationId } }).toPromise();
      if (result.error !== undefined || result.data === undefined) throw new ApiError(result.error);
      return result.data.retireGrant;
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

/**
 * A failed call, with the gateway's `extensions.code` when there is one (e.g. `UNAUTHENTICATED`)
 * and KMS's own `extensions.kmsErrorCode` when KMS sent one (e.g. `KMS.2404`).
 */
export class ApiError extends Error {
  readonly code: string | undefined;
  readonly kmsErrorCode: string | undefined;
  constructor(error: CombinedError | undefined) {
    const first = error?.graphQLErrors[0];
    const code = first?.extensions['code'];
    const kmsErrorCode = first?.extensions['kmsErrorCode'];
    super(first?.message ?? error?.networkError?.message ?? 'No data in the response');
    this.name = 'ApiError';
    this.code = typeof code === 'string' ? code : undefined;
    this.kmsErrorCode = typeof kmsErrorCode === 'string' ? kmsErrorCode : undefined;
  }

  /** The codes there are, e.g. `BAD_USER_INPUT, KMS.2404`; empty when none. */
  codes(): string {
    return [this.code, this.kmsErrorCode].filter((c) => c !== undefined).join(', ');
  }
}
