import { describe, expect, it } from 'vitest';
import { DEFAULT_FIRST, MAX_FIRST, checkFirst, checkGrantId, checkKeyId, startPosition } from '../../src/resolvers/args.ts';
import { RETIRABLE_CONNECTION, grantsConnection } from '../../src/relay/connectionId.ts';
import { createCursorCodec } from '../../src/relay/cursor.ts';
import { thrownBy } from '../support/graphqlError.ts';

/** Cursors signed as the gateway signs them (any secret; replicas share theirs). */
const CURSORS = createCursorCodec('unit-test-cursor-secret');
const encodeCursor = CURSORS.encode;

const KEY_ID = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const OTHER_KEY_ID = 'b168fe00-ff56-4a3d-9e71-5d8d39d6c8a1';
const GRANT_ID = '7c9a3286af4fcca5f0a385ad97e1c4e3d2b1a0f9e8d7c6b5a4938271605f4e3d';

/** BAD_USER_INPUT whose message names `argument`. */
const rejected = (argument: string) => ({
  isGraphQLError: true,
  message: expect.stringContaining(`\`${argument}\``),
  extensions: { code: 'BAD_USER_INPUT' },
});

describe('resolvers/args', () => {
  describe('checkKeyId', () => {
    it('returns a valid key id unchanged', () => {
      expect([checkKeyId(KEY_ID), checkKeyId(OTHER_KEY_ID, 'input.keyId')]).toEqual([KEY_ID, OTHER_KEY_ID]);
    });

    it.for<[string, string]>([
      ['empty', ''],
      ['upper case', KEY_ID.toUpperCase()],
      ['one character short', KEY_ID.slice(1)],
      ['one character long', `${KEY_ID}0`],
      ['without dashes', KEY_ID.replaceAll('-', '')],
      ['with a Cyrillic а', KEY_ID.replace('a', 'а')],
      ['with a trailing newline', `${KEY_ID}\n`],
      ['a grant id', GRANT_ID],
      ['huge', 'a'.repeat(100_000)],
    ])('rejects a key id that is %s, naming `keyId`', ([, keyId]) => {
      expect(thrownBy(() => checkKeyId(keyId))).toEqual(rejected('keyId'));
    });

    it('names the argument it is given', () => {
      expect(thrownBy(() => checkKeyId('nope', 'input.keyId'))).toEqual(rejected('input.keyId'));
    });

    it('quotes the bad value, bounded and JSON-escaped', () => {
      const huge = thrownBy(() => checkKeyId('x'.repeat(100_000))).message;
      const newline = thrownBy(() => checkKeyId('a\nb')).message;
      expect({
        hugeLength: huge.length < 300,
        hugeEnd: huge.endsWith(`"${'x'.repeat(80)}..."`),
        newline: newline.endsWith('got "a\\nb"'),
      }).toEqual({
        hugeLength: true,
        hugeEnd: true,
        newline: true,
      });
    });
  });

  describe('checkGrantId', () => {
    it('returns a valid grant id unchanged, in either case', () => {
      expect([checkGrantId(GRANT_ID), checkGrantId(GRANT_ID.toUpperCase())]).toEqual([GRANT_ID, GRANT_ID.toUpperCase()]);
    });

    it.for<[string, string]>([
      ['empty', ''],
      ['63 characters', GRANT_ID.slice(1)],
      ['65 characters', `${GRANT_ID}0`],
      ['not hexadecimal', 'g'.repeat(64)],
      ['a key id', KEY_ID],
      ['fullwidth digits', '０'.repeat(64)],
      ['huge', 'a'.repeat(100_000)],
    ])('rejects a grant id that is %s, naming `grantId`', ([, grantId]) => {
      expect(thrownBy(() => checkGrantId(grantId))).toEqual(rejected('grantId'));
    });

    it('names the argument it is given', () => {
      expect(thrownBy(() => checkGrantId('nope', 'input.grantId'))).toEqual(rejected('input.grantId'));
    });
  });

  describe('checkFirst', () => {
    it('defaults to 20 and accepts 0..1000', () => {
      expect([checkFirst(null), checkFirst(undefined), checkFirst(0), checkFirst(1), checkFirst(1000), DEFAULT_FIRST, MAX_FIRST]).toEqual([
        20, 20, 0, 1, 1000, 20, 1000,
      ]);
    });

    it.for([-1, 1001, -2147483648, 2147483647, Infinity, -Infinity])('rejects %d, naming `first`', (first) => {
      expect(thrownBy(() => checkFirst(first))).toEqual(rejected('first'));
    });

    it.for([Number.NaN, 1.5, 0.1])('rejects the non-integer %d, naming `first`', (first) => {
      expect(thrownBy(() => checkFirst(first))).toEqual(rejected('first'));
    });
  });

  describe('startPosition', () => {
    const CONNECTION = grantsConnection(KEY_ID);

    it('starts at the beginning when after is null or absent', () => {
      expect([startPosition(CURSORS, CONNECTION, null), startPosition(CURSORS, RETIRABLE_CONNECTION, undefined)]).toEqual([
        { connection: CONNECTION, marker: '', skip: 0 },
        { connection: RETIRABLE_CONNECTION, marker: '', skip: 0 },
      ]);
    });

    it('resumes at a cursor of the same connection', () => {
      expect(startPosition(CURSORS, CONNECTION, encodeCursor({ connection: CONNECTION, marker: 'next', skip: 4 }))).toEqual({
        connection: CONNECTION,
        marker: 'next',
        skip: 4,
      });
    });

    it.for<[string, string]>([
      ['the empty string', ''],
      ['garbage', 'garbage!'],
      ['a cursor of another key', encodeCursor({ connection: grantsConnection(OTHER_KEY_ID), marker: '', skip: 1 })],
      ['a cursor of retirableGrants', encodeCursor({ connection: RETIRABLE_CONNECTION, marker: '', skip: 1 })],
    ])('rejects %s, naming `after`', ([, after]) => {
      expect(thrownBy(() => startPosition(CURSORS, CONNECTION, after))).toEqual(rejected('after'));
    });
  });
});
