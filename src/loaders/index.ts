import DataLoader from 'dataloader';
import { bulkhead, type BulkheadPolicy } from 'cockatiel';
import type { KmsCallContext, KmsClient } from '../kms/client.ts';
import type { KmsGrantPage, KmsKeyDetails } from '../kms/types.ts';
import { connectionName, type ConnectionId } from '../relay/connectionId.ts';

/** One KMS list page: which connection, where (`""` = the first page), how many. */
export interface PageKey {
  connection: ConnectionId;
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
  /** List pages, de-duplicated: the same page asked twice in one operation is one KMS call. */
  pages: DataLoader<PageKey, KmsGrantPage, string>;
  /** describe-key per key id: N grants of K keys cost K calls, made concurrently. */
  keys: DataLoader<string, KmsKeyDetails, string>;
  /** Revoke, bounded like the reads; then forgets every cached page (they may hold the grant). */
  revokeGrant(keyId: string, grantId: string): Promise<void>;
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

  const fetchPage = ({ connection, marker, limit }: PageKey): Promise<KmsGrantPage> => {
    const paging = marker === '' ? { limit: String(limit) } : { limit: String(limit), marker };
    switch (connection.kind) {
      case 'grants':
        return limited(() => kms.listGrants(call, { key_id: connection.keyId, ...paging }));
      case 'retirable':
        return limited(() => kms.listRetirableGrants(call, paging));
    }
  };

  const pages = new DataLoader<PageKey, KmsGrantPage, string>(
    (keys) => {
      options.onBatch?.('pages', keys.length);
      return Promise.all(keys.map((key) => fetchPage(key).catch((error: unknown) => toError(error))));
    },
    { cacheKeyFn: (key) => `${connectionName(key.connection)}\u0000${key.marker}\u0000${key.limit}` },
  );
  const keys = new DataLoader<string, KmsKeyDetails, string>((keyIds) => {
    options.onBatch?.('keys', keyIds.length);
    return Promise.all(
      keyIds.map((keyId) =>
        limited(() => kms.describeKey(call, { key_id: keyId })).then(
          (response) => response.key_info,
          (error: unknown) => toError(error),
        ),
      ),
    );
  });
  return {
    pages,
    keys,
    async revokeGrant(keyId, grantId) {
      try {
        await limited(() => kms.revokeGrant(call, { key_id: keyId, grant_id: grantId }));
      } finally {
        // Even a failed revoke may have happened (e.g. a timeout after KMS acted).
        pages.clearAll();
      }
    },
  };
}

/** DataLoader wants per-key failures as Error values in the result array. */
function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
