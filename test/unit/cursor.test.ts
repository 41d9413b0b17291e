import { describe, expect, it } from 'vitest';
import { MAX_CURSOR_LENGTH, RETIRABLE_CONNECTION, createCursorCodec, grantsConnection } from '../../src/relay/cursor.ts';
import type { CursorPosition } from '../../src/relay/cursor.ts';
import { thrownBy } from './support/graphqlError.ts';

/** Cursors signed as the gateway signs them (any secret; replicas share theirs). */
const CURSORS = createCursorCodec('unit-test-cursor-secret');
const encodeCursor = CURSORS.encode;
const decodeCursor = CURSORS.decode;


const KEY_A = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const KEY_B = 'b168fe00-ff56-4a3d-9e71-5d8d39d6c8a1';
const CONNECTION_A = grantsConnection(KEY_A);
const CONNECTION_B = grantsConnection(KEY_B);

/** Every printable ASCII character, `"` and `\` included: the widest marker alphabet KMS could use. */
const PRINTABLE_ASCII = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('');

const MARKERS: ReadonlyArray<[string, string]> = [
  ['the first page', ''],
  ['a numeric string', '1000'],
  ['a zero', '0'],
  ['an opaque token', 'eyJvZmZzZXQiOjIwfQ~.AbC_-9'],
  ['JSON metacharacters', '"},[\\'],
  ['all printable ASCII', PRINTABLE_ASCII],
  ['256 characters, the longest marker', 'm'.repeat(256)],
];

/** Base64url of a text, exactly as the gateway would encode it. */
const b64url = (text: string): string => Buffer.from(text).toString('base64url');
/** Base64url of a JSON value. */
const b64json = (value: unknown): string => b64url(JSON.stringify(value));

/** A cursor whose encoded length leaves unused trailing bits (length % 4 is 2 or 3). */
const UNEVEN: CursorPosition = { connection: RETIRABLE_CONNECTION, marker: 'opaque', skip: 0 };
/** A cursor whose base64url text contains `-` (62) so that its base64 form contains `+`. */
const WITH_DASH: CursorPosition = { connection: RETIRABLE_CONNECTION, marker: '~~~~', skip: 0 };

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Flips the lowest bit of the last character: an unused bit when length % 4 is 2 or 3. */
function flipTrailingBit(cursor: string): string {
  const last = BASE64URL.indexOf(cursor.at(-1) ?? '');
  return `${cursor.slice(0, -1)}${BASE64URL[last ^ 1] ?? ''}`;
}

/** The error every rejected cursor gives: BAD_USER_INPUT, naming the `after` argument. */
const REJECTED = { isGraphQLError: true, message: expect.stringContaining('`after`'), extensions: { code: 'BAD_USER_INPUT' } };

describe('relay/cursor', () => {
  describe('connection ids', () => {
    it('names a key’s grants by key id and the retirable grants apart from every key', () => {
      expect([CONNECTION_A, CONNECTION_B, RETIRABLE_CONNECTION]).toEqual([`grants:${KEY_A}`, `grants:${KEY_B}`, 'retirable']);
    });
  });

  describe('round trip', () => {
    it.for(MARKERS)('decodes the position it encoded, with a marker that is %s', ([, marker]) => {
      const positions: CursorPosition[] = [0, 1, 999, 1000].flatMap((skip) => [
        { connection: CONNECTION_A, marker, skip },
        { connection: RETIRABLE_CONNECTION, marker, skip },
      ]);
      expect(positions.map((position) => decodeCursor(encodeCursor(position), position.connection))).toEqual(positions);
    });

    it('issues opaque base64url text without padding: payload, a dot, a 128-bit MAC', () => {
      const cursors = MARKERS.map(([, marker]) => encodeCursor({ connection: CONNECTION_A, marker, skip: 7 }));
      expect(cursors.filter((cursor) => !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/.test(cursor))).toEqual([]);
    });

    it('issues different cursors for different markers, skips and connections', () => {
      const cursors = [
        encodeCursor({ connection: CONNECTION_A, marker: '', skip: 0 }),
        encodeCursor({ connection: CONNECTION_A, marker: '', skip: 1 }),
        encodeCursor({ connection: CONNECTION_A, marker: '0', skip: 0 }),
        encodeCursor({ connection: CONNECTION_B, marker: '', skip: 0 }),
        encodeCursor({ connection: RETIRABLE_CONNECTION, marker: '', skip: 0 }),
      ];
      expect(new Set(cursors).size).toBe(cursors.length);
    });

    it('accepts the longest cursor within MAX_CURSOR_LENGTH characters', () => {
      // 750 bytes of JSON encode to 1000 base64url characters, plus '.' and a 22-character MAC;
      // the JSON around the connection is 11 bytes.
      const position: CursorPosition = { connection: 'c'.repeat(739), marker: '', skip: 0 };
      const cursor = encodeCursor(position);
      expect([cursor.length, decodeCursor(cursor, position.connection)]).toEqual([MAX_CURSOR_LENGTH - 1, position]);
    });
  });

  describe('rejection of strings that are not cursors', () => {
    it.for<[string, string]>([
      ['the empty string', ''],
      ['plain words', 'not a cursor'],
      ['a number in text', '20'],
      ['a marker sent as the cursor', 'nxt:1'],
      ['a dollar sign', 'WzEs$'],
      ['a newline', `${encodeCursor(UNEVEN)}\n`],
      ['a leading space', ` ${encodeCursor(UNEVEN)}`],
      ['non-ASCII letters', 'WzEsInJldGlyYWJsZSIsIiIsMF0é'],
      ['an emoji', '🔑'],
      ['a fullwidth lookalike of base64url', 'Ｗｚ'],
      ['a NUL byte', 'WzEs\u0000'],
      ['a million characters', 'A'.repeat(1_000_000)],
    ])('rejects %s with BAD_USER_INPUT', ([, cursor]) => {
      expect(thrownBy(() => decodeCursor(cursor, RETIRABLE_CONNECTION))).toEqual(REJECTED);
    });

    it('rejects the standard base64 form (with `+` or `/`) of a real cursor', () => {
      const cursor = encodeCursor(WITH_DASH);
      const standard = Buffer.from(cursor, 'base64url').toString('base64');
      expect([cursor.includes('-'), standard.includes('+'), thrownBy(() => decodeCursor(standard, RETIRABLE_CONNECTION))]).toEqual([
        true,
        true,
        REJECTED,
      ]);
    });

    it('rejects a real cursor with base64 padding added', () => {
      const cursor = encodeCursor(UNEVEN);
      const padded = cursor.padEnd(Math.ceil(cursor.length / 4) * 4, '=');
      expect([padded !== cursor, thrownBy(() => decodeCursor(padded, RETIRABLE_CONNECTION))]).toEqual([true, REJECTED]);
    });

    it('rejects base64url that decodes to something other than JSON', () => {
      const garbage = [
        b64url('hello'),
        b64url('[1,"retirable","",0'),
        b64url(''),
        Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url'),
        b64url('\u0000\u0001'),
      ];
      expect(garbage.map((cursor) => thrownBy(() => decodeCursor(cursor, RETIRABLE_CONNECTION)))).toEqual(garbage.map(() => REJECTED));
    });
  });

  describe('rejection of JSON that is not a cursor tuple', () => {
    it.for<[string, unknown]>([
      ['null', null],
      ['a string', 'retirable'],
      ['a number', 1],
      ['an object with the right fields', { v: 1, connection: 'retirable', marker: '', skip: 0 }],
      ['an empty array', []],
      ['three elements', [1, 'retirable', '']],
      ['five elements', [1, 'retirable', '', 0, 0]],
      ['version 2', [2, 'retirable', '', 0]],
      ['version 0', [0, 'retirable', '', 0]],
      ['a string version', ['1', 'retirable', '', 0]],
      ['a numeric connection', [1, 7, '', 0]],
      ['a null marker', [1, 'retirable', null, 0]],
      ['a numeric marker', [1, 'retirable', 1000, 0]],
      ['a string skip', [1, 'retirable', '', '0']],
      ['a null skip', [1, 'retirable', '', null]],
      ['a negative skip', [1, 'retirable', '', -1]],
      ['a skip over the largest page', [1, 'retirable', '', 1001]],
      ['a huge skip', [1, 'retirable', '', 1e21]],
      ['a fractional skip', [1, 'retirable', '', 1.5]],
      ['a marker with a space', [1, 'retirable', 'a b', 0]],
      ['a marker with a tab', [1, 'retirable', 'a\tb', 0]],
      ['a marker with a newline', [1, 'retirable', 'a\nb', 0]],
      ['a marker with a NUL', [1, 'retirable', 'a\u0000b', 0]],
      ['a marker with DEL', [1, 'retirable', 'a\u007fb', 0]],
      ['a marker with non-ASCII letters', [1, 'retirable', 'märker', 0]],
      ['a marker with an emoji', [1, 'retirable', '🔑', 0]],
      ['a marker of 257 characters', [1, 'retirable', 'm'.repeat(257), 0]],
    ])('rejects %s with BAD_USER_INPUT', ([, value]) => {
      expect(thrownBy(() => decodeCursor(b64json(value), RETIRABLE_CONNECTION))).toEqual(REJECTED);
    });

    it('rejects a well-formed cursor longer than MAX_CURSOR_LENGTH', () => {
      const position: CursorPosition = { connection: 'c'.repeat(758), marker: '', skip: 0 };
      const cursor = encodeCursor(position);
      expect([cursor.length > MAX_CURSOR_LENGTH, thrownBy(() => decodeCursor(cursor, position.connection))]).toEqual([true, REJECTED]);
    });
  });

  describe('rejection of encodings the gateway never issues', () => {
    it('rejects a real cursor with its unused trailing bits flipped, though it decodes to the same bytes', () => {
      const cursor = encodeCursor(UNEVEN);
      const flipped = flipTrailingBit(cursor);
      expect([
        cursor.length % 4 !== 0,
        flipped !== cursor,
        Buffer.from(flipped, 'base64url').equals(Buffer.from(cursor, 'base64url')),
        thrownBy(() => decodeCursor(flipped, RETIRABLE_CONNECTION)),
      ]).toEqual([true, true, true, REJECTED]);
    });

    it('rejects a real cursor with a dangling character after its payload or its MAC', () => {
      const cursor = encodeCursor({ connection: RETIRABLE_CONNECTION, marker: 'a', skip: 0 });
      const [payload, mac] = cursor.split('.');
      const variants = [`${cursor}A`, `${payload}A.${mac}`, `${cursor}.`, `.${cursor}`];
      expect(variants.map((variant) => thrownBy(() => decodeCursor(variant, RETIRABLE_CONNECTION)))).toEqual(variants.map(() => REJECTED));
    });

    it('rejects a cursor signed with another secret', () => {
      const foreign = createCursorCodec('another-gateway-secret').encode({ connection: RETIRABLE_CONNECTION, marker: '', skip: 0 });
      expect(thrownBy(() => decodeCursor(foreign, RETIRABLE_CONNECTION))).toEqual(REJECTED);
    });

    // contract.md, Relay semantics: "any other string that this gateway did not issue for this connection -> BAD_USER_INPUT".
    it.for<[string, string]>([
      ['spaces between elements', '[1, "retirable", "", 0]'],
      ['a version written 1.0', '[1.0,"retirable","",0]'],
      ['a skip written -0', '[1,"retirable","",-0]'],
      ['a skip written with an exponent', '[1,"retirable","",0e0]'],
      ['a connection with a needless \\u escape', '[1,"\\u0072etirable","",0]'],
    ])('rejects JSON lookalikes of a real cursor (%s)', ([, text]) => {
      expect(thrownBy(() => decodeCursor(b64url(text), RETIRABLE_CONNECTION))).toEqual(REJECTED);
    });
  });

  describe('rejection of a cursor of another connection', () => {
    const fromA = encodeCursor({ connection: CONNECTION_A, marker: 'nxt', skip: 3 });
    const fromRetirable = encodeCursor({ connection: RETIRABLE_CONNECTION, marker: 'nxt', skip: 3 });
    const OTHER_CONNECTION = { ...REJECTED, message: expect.stringContaining('another connection') };

    it.for<[string, string, string]>([
      ['key A', 'key B', fromA, CONNECTION_B],
      ['key A', 'retirableGrants', fromA, RETIRABLE_CONNECTION],
      ['retirableGrants', 'key A', fromRetirable, CONNECTION_A],
      ['key A', 'key A in upper case', fromA, grantsConnection(KEY_A.toUpperCase())],
      ['key A', 'a connection it prefixes', fromA, `${CONNECTION_A}0`],
    ].map(([from, to, cursor, connection]) => [`${from} on ${to}`, cursor ?? '', connection ?? '']))(
      'rejects a cursor of %s',
      ([, cursor, connection]) => {
        expect(thrownBy(() => decodeCursor(cursor, connection))).toEqual(OTHER_CONNECTION);
      },
    );

    it('accepts the same cursor on its own connection', () => {
      expect([decodeCursor(fromA, CONNECTION_A), decodeCursor(fromRetirable, RETIRABLE_CONNECTION)]).toEqual([
        { connection: CONNECTION_A, marker: 'nxt', skip: 3 },
        { connection: RETIRABLE_CONNECTION, marker: 'nxt', skip: 3 },
      ]);
    });
  });
});
