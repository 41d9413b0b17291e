import type { QueryResolvers } from '../../generated/resolvers-types.ts';
import { fromKeyState } from '../../kms/translate.ts';
import { assembleConnectionOf, selectedCursors } from '../../relay/connection.ts';
import { keysConnection } from '../../relay/connectionId.ts';
import { checkFirst, startPosition } from '../args.ts';

/**
 * `keys(first, after, state)`: the caller's keys as a Relay connection over KMS list-keys, with
 * the same paging guarantees as `grants`; a cursor is bound to its `state` filter.
 */
export const keys: NonNullable<QueryResolvers['keys']> = (_parent, args, context, info) => {
  const first = checkFirst(args.first);
  const keyState = args.state == null ? undefined : fromKeyState(args.state);
  const start = startPosition(context.cursors, keysConnection(keyState), args.after);
  const { keyPages } = context.loaders();
  return assembleConnectionOf(
    start,
    first,
    (marker, limit) => keyPages.load({ keyState, marker, limit }),
    (page) => page.key_details,
    context.cursors,
    selectedCursors(info),
  );
};
