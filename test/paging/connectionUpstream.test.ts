import { describe, expect, it } from 'vitest';
import { assembleConnection } from '../../src/relay/connection.ts';
import type { CursorPosition } from '../../src/relay/cursor.ts';
import { CURSORS, START, fixtureGrant, scriptedSource } from './pageSource.ts';
import { rejectionOf } from '../support/graphqlError.ts';

const UPSTREAM_ERROR = { isGraphQLError: true, message: expect.any(String), extensions: { code: 'UPSTREAM_ERROR' } };

/** Where paging starts, and the `first` values to try against endless empty pages from there. */
const STARTS: [name: string, from: CursorPosition, firsts: number[]][] = [
  ['a misbehaving upstream', START, [1, 20, 1000]],
  // Resuming after a page size change: the skip carries over to the following pages.
  ['a misbehaving upstream while carrying the skip over', { ...START, skip: 6 }, [0, 1, 1000]],
];

describe('relay/connection', () => {
  describe.for(STARTS)('%s', ([, from, firsts]) => {
    it('fails with UPSTREAM_ERROR when next_marker stops changing, instead of looping', async () => {
      const source = scriptedSource(() => ({ grants: [fixtureGrant(0)], next_marker: 'stuck', truncated: 'true', total: 100 }));
      expect([await rejectionOf(assembleConnection(from, 10, source.fetchPage, CURSORS)), source.calls.map((call) => call.marker)]).toEqual(
        [UPSTREAM_ERROR, ['', 'stuck']],
      );
    });

    it('fails with UPSTREAM_ERROR on empty truncated pages whose next_marker does not change', async () => {
      const source = scriptedSource(() => ({ grants: [], next_marker: 'stuck', truncated: 'true', total: 100 }));
      expect([await rejectionOf(assembleConnection(from, 10, source.fetchPage, CURSORS)), source.calls.map((call) => call.marker)]).toEqual(
        [UPSTREAM_ERROR, ['', 'stuck']],
      );
    });

    it.for(firsts)(
      'fails with UPSTREAM_ERROR on endless empty truncated pages with fresh markers (first %i), after a bounded number of calls',
      async (first) => {
        const source = scriptedSource((call) => ({ grants: [], next_marker: `m${call + 1}`, truncated: 'true', total: 100 }));
        const error = await rejectionOf(assembleConnection(from, first, source.fetchPage, CURSORS));
        expect([error, source.calls.length <= from.skip + first + 3]).toEqual([UPSTREAM_ERROR, true]);
      },
    );
  });
});
