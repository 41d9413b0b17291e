import { describe, expect, it } from 'vitest';
import { assembleConnection } from '../../src/relay/connection.ts';
import { CURSORS, START, fixtureGrant, scriptedSource } from './pageSource.ts';
import { rejectionOf } from '../support/graphqlError.ts';

describe('relay/connection', () => {
  describe('a misbehaving upstream', () => {
    const UPSTREAM_ERROR = { isGraphQLError: true, message: expect.any(String), extensions: { code: 'UPSTREAM_ERROR' } };

    it('fails with UPSTREAM_ERROR when next_marker stops changing, instead of looping', async () => {
      const source = scriptedSource(() => ({ grants: [fixtureGrant(0)], next_marker: 'stuck', truncated: 'true', total: 100 }));
      expect([
        await rejectionOf(assembleConnection(START, 10, source.fetchPage, CURSORS)),
        source.calls.map((call) => call.marker),
      ]).toEqual([UPSTREAM_ERROR, ['', 'stuck']]);
    });

    it('fails with UPSTREAM_ERROR on empty truncated pages whose next_marker does not change', async () => {
      const source = scriptedSource(() => ({ grants: [], next_marker: 'stuck', truncated: 'true', total: 100 }));
      expect([
        await rejectionOf(assembleConnection(START, 10, source.fetchPage, CURSORS)),
        source.calls.map((call) => call.marker),
      ]).toEqual([UPSTREAM_ERROR, ['', 'stuck']]);
    });

    it.for([1, 20, 1000])(
      'fails with UPSTREAM_ERROR on endless empty pages with fresh markers (first %i), after a bounded number of calls',
      async (first) => {
        const source = scriptedSource((call) => ({ grants: [], next_marker: `m${call + 1}`, truncated: 'true', total: 100 }));
        const error = await rejectionOf(assembleConnection(START, first, source.fetchPage, CURSORS));
        expect([error, source.calls.length <= first + 3]).toEqual([UPSTREAM_ERROR, true]);
      },
    );
  });
});
