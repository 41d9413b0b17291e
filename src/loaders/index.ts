import DataLoader from 'dataloader';
import { bulkhead, type BulkheadPolicy } from 'cockatiel';
import type { KmsCallContext, KmsClient } from '../kms/client.ts';
import type { KmsCreateGrantBody, KmsGrantPage, KmsKeyDetails, KmsListKeysResponse } from '../kms/types.ts';
import { connectionName, type GrantConnectionId } from '../relay/connectionId.ts';

/** One KMS page of grants: which connection, where (`""` = the first page), how many. */
export interface PageKey {
  connection: GrantConnectionId;
  marker: string;
  limit: number;
}

/** One list-keys page: which `key_state` (undefined = every state), where, how many. */
export interface KeyPageKey {
  keyState: string | undefined;
  marker: string;
  limit: number;
}

/** What one request did with KMS, for its log line. */
export interface RequestStats {
  kmsCalls: number;
}

/** How the loaders of one request may use KMS, and what they report. */
export interface LoaderOptions {
  /** Upper bound on this request's KMS calls in flight. */
  maxConcurrency: number;
  stats: RequestStats;
  /** Called with each DataLoader batch's size (metrics). */
  onBatch?: (loader: 'pages' | 'keys', size: number) => void;
}

/** The per-request loaders. Created for one GraphQL request and dropped with it. */
export interface Loaders {
  /** Grant pages, de-duplicated: the same page asked twice in one operation is one KMS call. */
  pages: DataLoader<PageKey, KmsGrantPage, string>;
  /** list-keys pages (every key spec), de-duplicated; each listed key also primes {@link keys}. */
  keyPages: DataLoader<KeyPageKey, KmsListKeysResponse, string>;
  /** describe-key per key id: N grants of K keys cost K calls, made concurrently. */
  keys: DataLoader<string, KmsKeyDetails, string>;
  /** The writes: sent once, bounded like the reads; then every cached page is forgotten. */
  revokeGrant(keyId: string, grantId: string): Promise<void>;
  retireGrant(keyId: string, grantId: string): Promise<void>;
  createGrant(body: KmsCreateGrantBody): Promise<string>;
}

/**
 * Creates the loaders of one request, bound to its caller. Every KMS call of the request goes
 * through one bulkhead, so one operation never has more than `maxConcurrency` calls in flight.
 */
export function createLoaders(kms: KmsClient, call: KmsCallContext, options: LoaderOptions): Loaders {
  const limiter: BulkheadPolicy = bulkhead(options.maxConcurrency, Number.MAX_SAFE_INTEGER);
  const limited = <T>(fn: () => Promise<T>): Promise<T> => {
    options.stats.kmsCalls += 1;
    return limiter.execute(fn);
  };
  const paging = (marker: string, limit: number) => (marker === '' ? { limit: String(limit) } : { limit: String(limit), marker });

  const fetchPage = ({ connection, marker, limit }: PageKey): Promise<KmsGrantPage> =>
    connection.kind === 'grants'
      ? limited(() => kms.listGrants(call, { key_id: connection.keyId, ...paging(marker, limit) }))
      : limited(() => kms.listRetirableGrants(call, paging(marker, limit)));

  const pages = new DataLoader<PageKey, KmsGrantPage, string>(
    (keys) => {
      options.onBatch?.('pages', keys.length);
      return Promise.all(keys.map((key) => fetchPage(key).catch(toError)));
    },
    { cacheKeyFn: (key) => `${connectionName(key.connection)}\u0000${key.marker}\u0000${key.limit}` },
  );
  const keys = new DataLoader<string, KmsKeyDetails, string>((keyIds) => {
    options.onBatch?.('keys', keyIds.length);
    return Promise.all(
      keyIds.map((keyId) => limited(() => kms.describeKey(call, { key_id: keyId })).then((response) => response.key_info, toError)),
    );
  });
  const keyPages = new DataLoader<KeyPageKey, KmsListKeysResponse, string>(
    (pageKeys) =>
      Promise.all(
        pageKeys.map(({ keyState, marker, limit }) =>
          // Without key_spec "ALL", KMS lists AES_256 keys only (docs/kms.md §3).
          limited(() =>
            kms.listKeys(call, { ...paging(marker, limit), key_spec: 'ALL', ...(keyState !== undefined && { key_state: keyState }) }),
          ).then((page) => {
            // list-keys answers each key's describe-key details: later `Grant.key` costs nothing.
            for (const details of page.key_details) keys.prime(details.key_id, details);
            return page;
          }, toError),
        ),
      ),
    { cacheKeyFn: (key) => `${key.keyState ?? ''}\u0000${key.marker}\u0000${key.limit}` },
  );

  /** A write, never retried; even a failed one may have happened (a timeout after KMS acted). */
  const write = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await limited(fn);
    } finally {
      pages.clearAll();
      keyPages.clearAll();
    }
  };
  return {
    pages,
    keyPages,
    keys,
    revokeGrant: (keyId, grantId) => write(() => kms.revokeGrant(call, { key_id: keyId, grant_id: grantId })),
    retireGrant: (keyId, grantId) => write(() => kms.retireGrant(call, { key_id: keyId, grant_id: grantId })),
    createGrant: async (body) => (await write(() => kms.createGrant(call, body))).grant_id,
  };
}

/** DataLoader wants per-key failures as Error values in the result array. */
function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
