import type { Loaders, RequestStats } from '../loaders/index.ts';
import type { CursorCodec } from '../relay/cursor.ts';

/**
 * What every resolver gets, built fresh for each GraphQL request (see `server/yoga.ts`):
 * nothing in it outlives the request, so no data or token crosses between callers.
 */
export interface GatewayContext {
  /** This request's id, sent to KMS as `X-Request-Id` and returned in the response header. */
  requestId: string;
  /** The caller's KMS token, or null when none was sent or its token headers were refused. */
  token: string | null;
  /** What the caller is told (UNAUTHENTICATED) when a field needs KMS and `token` is null. */
  noTokenMessage: string;
  /** This request's KMS loaders; throws UNAUTHENTICATED (`noTokenMessage`) when `token` is null. */
  loaders(): Loaders;
  /** The gateway's cursor codec (signed with CURSOR_SECRET). */
  cursors: CursorCodec;
  /** Counters for the operation's log line. */
  stats: RequestStats;
}
