import type { GatewayContext } from '../server/context.ts';
import { assembleConnection, EVERY_CURSOR, type CursorSelection, type GrantConnectionResult } from '../relay/connection.ts';
import type { GrantConnectionId } from '../relay/connectionId.ts';
import { checkFirst, startPosition } from './args.ts';

/**
 * A connection of grants (a key's, or the caller's retirable ones) from `first`/`after`: the one
 * path behind `Query.grants`, `Key.grants` and `Query.retirableGrants`, so their cursors and
 * cached pages are the same.
 */
export function grantConnection(
  context: GatewayContext,
  connection: GrantConnectionId,
  args: { first?: number | null; after?: string | null },
  /** The cursors the operation selects (`selectedCursors(info)`); the others are not signed. */
  selected: CursorSelection = EVERY_CURSOR,
): Promise<GrantConnectionResult> {
  const first = checkFirst(args.first);
  const start = startPosition(context.cursors, connection, args.after);
  const { pages } = context.loaders();
  return assembleConnection(start, first, (marker, limit) => pages.load({ connection, marker, limit }), context.cursors, selected);
}
