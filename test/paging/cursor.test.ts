import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KMS_MAX_LIMIT } from '../../src/kms/types.ts';
import { RETIRABLE_CONNECTION, connectionName, grantsConnection } from '../../src/relay/connectionId.ts';
import type { ConnectionId } from '../../src/relay/connectionId.ts';
import { MAX_CURSOR_LENGTH, createCursorCodec } from '../../src/relay/cursor.ts';
import type { CursorPosition } from '../../src/relay/cursor.ts';
import { thrownBy } from '../support/graphqlError.ts';

/** The gateway's cursor secret in these tests (any secret; replicas share theirs). */
const SECRET = 'unit-test-cursor-secret';
/** Cursors signed as the gateway signs them. */
const CURSORS = createCursorCodec(SECRET);
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

/**
 * `payload` signed with {@link SECRET} exactly as createCursorCodec signs what it issues
 * (HMAC-SHA256, first 16 bytes, base64url, after a dot): a cursor that passes the MAC check
 * whatever its payload, so the payload rules are what a test of it exercises.
 */
const signed = (payload: string): string =>
  `${payload}.${createHmac('sha256', SECRET).update(payload).digest().subarray(0, 16).toString('base64url')}`;
/** A signed cursor whose payload is `text`, base64url-encoded as the gateway does. */
const signedText = (text: string): string => signed(b64url(text));
/** A signed cursor whose payload is the JSON of `value`. */
const signedJson = (value: unknown): string => signed(b64json(value));
/** The payload (before the dot) of a cursor. */
const payloadOf = (cursor: string): string => cursor.slice(0, cursor.indexOf('.'));

/** A cursor whose encoded length leaves unused trailing bits (length % 4 is 2 or 3). */
const UNEVEN: CursorPosition = { connection: RETIRABLE_CONNECTION, marker: 'opaque', skip: 0 };
/**
 * A cursor whose payload contains `-` (62), so that its base64 form contains `+`, and has unused
 * trailing bits (length % 4 is 2), so that it can be padded or have those bits flipped.
 */
const WITH_DASH_AND_UNEVEN: CursorPosition = { connection: RETIRABLE_CONNECTION, marker: '~~~~~', skip: 0 };

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Flips the lowest bit of the last character: an unused bit when length % 4 is 2 or 3. */
function flipTrailingBit(cursor: string): string {
  const last = BASE64URL.indexOf(cursor.at(-1) ?? '');
  return `${cursor.slice(0, -1)}${BASE64URL[last ^ 1] ?? ''}`;
}

/** A rejected cursor: BAD_USER_INPUT, naming the `after` argument and the rule it broke. */
const rejected = (rule: string) => ({
  isGraphQLError: true,
  message: expect.stringMatching(new RegExp(`^\`after\`.*${rule}`)),
  extensions: { code: 'BAD_USER_INPUT' },
});
/** The error for a string this gateway did not sign (or not with this secret): the MAC check. */
const NOT_SIGNED = rejected('an opaque string issued by this gateway');
/** The error for a signed payload that is not exactly a cursor the gateway writes: the payload checks. */
const MALFORMED = rejected('is not a cursor issued by this gateway');
/** The error for a valid cursor of another connection. */
const OTHER_CONNECTION = rejected('another connection');

describe('relay/cursor', () => {
  describe('connection ids', () => {
    it('names a key’s grants by key id and the retirable grants apart from every key', () => {
      expect([CONNECTION_A, CONNECTION_B, RETIRABLE_CONNECTION].map(connectionName)).toEqual([
        `grants:${KEY_A}`,
        `grants:${KEY_B}`,
        'retirable',
      ]);
    });

    it('signs the connection’s name into the payload, as cursors issued before typed ids did', () => {
      const cursor = encodeCursor({ connection: CONNECTION_A, marker: 'nxt', skip: 3 });
      expect(JSON.parse(Buffer.from(payloadOf(cursor), 'base64url').toString('utf8'))).toEqual([1, `grants:${KEY_A}`, 'nxt', 3]);
    });
  });

  describe('round trip', () => {
    it.for(MARKERS)('decodes the position it encoded, with a marker that is %s', ([, marker]) => {
      const positions: CursorPosition[] = [0, 1, KMS_MAX_LIMIT - 1, KMS_MAX_LIMIT].flatMap((skip) => [
        { connection: CONNECTION_A, marker, skip },
        { connection: RETIRABLE_CONNECTION, marker, skip },
      ]);
      expect(positions.map((position) => decodeCursor(encodeCursor(position), position.connection))).toEqual(positions);
    });

    it('issues opaque base64url text without padding: payload, a dot, a 128-bit MAC', () => {
      const cursors = MARKERS.map(([, marker]) => encodeCursor({ connection: CONNECTION_A, marker, skip: 7 }));
      expect(cursors.filter((cursor) => !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/.test(cursor))).toEqual([]);
    });

    it('signs as the tests’ `signed` helper does, so a signed payload reaches the payload checks', () => {
      const cursors = MARKERS.map(([, marker]) => encodeCursor({ connection: CONNECTION_A, marker, skip: 7 }));
      expect(cursors.map((cursor) => signed(payloadOf(cursor)))).toEqual(cursors);
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
      // the JSON around the connection's name (`grants:` and the key id) is 11 bytes.
      const position: CursorPosition = { connection: grantsConnection('c'.repeat(732)), marker: '', skip: 0 };
      const cursor = encodeCursor(position);
      expect([cursor.length, decodeCursor(cursor, position.connection)]).toEqual([MAX_CURSOR_LENGTH - 1, position]);
    });
  });

  // Strings this gateway did not sign: refused by the MAC check, before any payload rule.
  describe('rejection of strings this gateway did not sign', () => {
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
      ['an unsigned payload of a real cursor', payloadOf(encodeCursor(UNEVEN))],
      ['a real cursor’s payload with an empty MAC', `${payloadOf(encodeCursor(UNEVEN))}.`],
    ])('rejects %s as not signed', ([, cursor]) => {
      expect(thrownBy(() => decodeCursor(cursor, RETIRABLE_CONNECTION))).toEqual(NOT_SIGNED);
    });

    it('rejects a cursor signed with another secret', () => {
      const foreign = createCursorCodec('another-gateway-secret').encode({ connection: RETIRABLE_CONNECTION, marker: '', skip: 0 });
      expect(thrownBy(() => decodeCursor(foreign, RETIRABLE_CONNECTION))).toEqual(NOT_SIGNED);
    });

    it('rejects a real cursor with a dangling character after its payload or its MAC, or an extra dot', () => {
      const cursor = encodeCursor({ connection: RETIRABLE_CONNECTION, marker: 'a', skip: 0 });
      const [payload, mac] = cursor.split('.');
      const variants = [`${cursor}A`, `${payload}A.${mac}`, `${cursor}.`, `.${cursor}`, `${payload}.${mac}.${mac}`];
      expect(variants.map((variant) => thrownBy(() => decodeCursor(variant, RETIRABLE_CONNECTION)))).toEqual(
        variants.map(() => NOT_SIGNED),
      );
    });

    // Base64url decoding is lenient: these MACs decode to the right 16 bytes, so only the rule
    // that a MAC is written exactly as the gateway writes it refuses them.
    it('rejects a real cursor whose MAC has its unused trailing bits flipped, though it decodes to the same bytes', () => {
      const cursor = encodeCursor(UNEVEN);
      const [payload = '', mac = ''] = cursor.split('.');
      const flipped = flipTrailingBit(mac);
      expect([
        flipped !== mac,
        Buffer.from(flipped, 'base64url').equals(Buffer.from(mac, 'base64url')),
        thrownBy(() => decodeCursor(`${payload}.${flipped}`, RETIRABLE_CONNECTION)),
      ]).toEqual([true, true, NOT_SIGNED]);
    });

    it('rejects a real cursor whose MAC is padded or written in standard base64 (`+`, `/`, `=`)', () => {
      // The first cursor, by marker, whose MAC holds a `-` or `_` (base64's `+` or `/`).
      const cursor =
        Array.from({ length: 100 }, (_, i) => encodeCursor({ connection: RETIRABLE_CONNECTION, marker: `m${i}`, skip: 0 })).find((c) =>
          /[-_]/.test(c.split('.')[1] ?? ''),
        ) ?? '';
      const [payload = '', mac = ''] = cursor.split('.');
      const variants = [`${payload}.${mac}==`, `${payload}.${Buffer.from(mac, 'base64url').toString('base64')}`];
      expect([
        variants.map((variant) => Buffer.from(variant.split('.')[1] ?? '', 'base64url').equals(Buffer.from(mac, 'base64url'))),
        variants.map((variant) => thrownBy(() => decodeCursor(variant, RETIRABLE_CONNECTION))),
      ]).toEqual([variants.map(() => true), variants.map(() => NOT_SIGNED)]);
    });

    it('rejects a well-formed, signed cursor longer than MAX_CURSOR_LENGTH', () => {
      const position: CursorPosition = { connection: grantsConnection('c'.repeat(751)), marker: '', skip: 0 };
      const cursor = encodeCursor(position);
      expect([cursor.length > MAX_CURSOR_LENGTH, thrownBy(() => decodeCursor(cursor, position.connection))]).toEqual([true, NOT_SIGNED]);
    });
  });

  // Correctly signed payloads that are not exactly what the gateway writes: each case gets past
  // the MAC check, so it is refused by the payload rule it names and by nothing before it.
  describe('rejection of signed payloads that are not base64url of JSON, exactly as written', () => {
    it.for<[string, string]>([
      ['an empty payload', signed('')],
      ['text that is not JSON', signedText('hello')],
      ['truncated JSON', signedText('[1,"retirable","",0')],
      ['invalid UTF-8', signed(Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url'))],
      ['control characters', signedText('\u0000\u0001')],
    ])('rejects %s as malformed', ([, cursor]) => {
      expect(thrownBy(() => decodeCursor(cursor, RETIRABLE_CONNECTION))).toEqual(MALFORMED);
    });

    // Each decodes to the bytes of a real cursor: only the canonical-encoding rule refuses it.
    it.for<[string, (payload: string) => string]>([
      ['its unused trailing bits flipped', (payload) => flipTrailingBit(payload)],
      ['base64 padding added', (payload) => payload.padEnd(Math.ceil(payload.length / 4) * 4, '=')],
      ['standard base64 (`+` or `/`)', (payload) => Buffer.from(payload, 'base64url').toString('base64').replace(/=+$/, '')],
      ['a stray character base64 skips', (payload) => `${payload.slice(0, 4)}$${payload.slice(4)}`],
    ])('rejects the payload of a real cursor re-encoded with %s, though it decodes to the same bytes', ([, reencode]) => {
      const payload = payloadOf(encodeCursor(WITH_DASH_AND_UNEVEN));
      const variant = reencode(payload);
      expect([
        variant !== payload,
        Buffer.from(variant, 'base64url').equals(Buffer.from(payload, 'base64url')),
        thrownBy(() => decodeCursor(signed(variant), RETIRABLE_CONNECTION)),
      ]).toEqual([true, true, MALFORMED]);
    });

    // contract.md, Relay semantics: "any other string that this gateway did not issue for this connection -> BAD_USER_INPUT".
    it.for<[string, string]>([
      ['spaces between elements', '[1, "retirable", "", 0]'],
      ['a version written 1.0', '[1.0,"retirable","",0]'],
      ['a skip written -0', '[1,"retirable","",-0]'],
      ['a skip written with an exponent', '[1,"retirable","",0e0]'],
      ['a connection with a needless \\u escape', '[1,"\\u0072etirable","",0]'],
      ['a trailing newline', '[1,"retirable","",0]\n'],
    ])('rejects signed JSON lookalikes of a real cursor (%s)', ([, text]) => {
      // Each means the tuple of a real cursor; only the rule that JSON is written exactly as the gateway writes it refuses it.
      const meaning = JSON.stringify(JSON.parse(text));
      expect([meaning, thrownBy(() => decodeCursor(signedText(text), RETIRABLE_CONNECTION))]).toEqual(['[1,"retirable","",0]', MALFORMED]);
    });
  });

  describe('rejection of signed JSON that is not a cursor tuple', () => {
    it.for<[string, unknown]>([
      ['null', null],
      ['a string', 'retirable'],
      ['a number', 1],
      ['an object with the right fields', { v: 1, connection: 'retirable', marker: '', skip: 0 }],
      ['an array-like object', { 0: 1, 1: 'retirable', 2: '', 3: 0, length: 4 }],
      ['an empty array', []],
      ['three elements', [1, 'retirable', '']],
      ['five elements', [1, 'retirable', '', 0, 0]],
      ['version 2', [2, 'retirable', '', 0]],
      ['version 0', [0, 'retirable', '', 0]],
      ['a string version', ['1', 'retirable', '', 0]],
      ['a numeric connection', [1, 7, '', 0]],
      ['a null connection', [1, null, '', 0]],
      ['a null marker', [1, 'retirable', null, 0]],
      ['a numeric marker', [1, 'retirable', 1000, 0]],
      ['an array marker', [1, 'retirable', ['m'], 0]],
      ['a string skip', [1, 'retirable', '', '0']],
      ['a null skip', [1, 'retirable', '', null]],
      ['a negative skip', [1, 'retirable', '', -1]],
      ['a skip over the largest page (KMS_MAX_LIMIT + 1)', [1, 'retirable', '', KMS_MAX_LIMIT + 1]],
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
    ])('rejects %s as malformed', ([, value]) => {
      expect(thrownBy(() => decodeCursor(signedJson(value), RETIRABLE_CONNECTION))).toEqual(MALFORMED);
    });

    it('accepts the same signed tuple at the limits: a 256-character marker, a skip of KMS_MAX_LIMIT', () => {
      const values = [
        [1, 'retirable', 'm'.repeat(256), 0],
        [1, 'retirable', '', KMS_MAX_LIMIT],
      ];
      expect(values.map((value) => decodeCursor(signedJson(value), RETIRABLE_CONNECTION))).toEqual([
        { connection: RETIRABLE_CONNECTION, marker: 'm'.repeat(256), skip: 0 },
        { connection: RETIRABLE_CONNECTION, marker: '', skip: KMS_MAX_LIMIT },
      ]);
    });
  });

  describe('error messages', () => {
    it('tell a string the gateway did not sign from a signed but malformed one, and from a cursor of another connection', () => {
      const errors = {
        unsigned: thrownBy(() => decodeCursor('not a cursor', RETIRABLE_CONNECTION)),
        forged: thrownBy(() => decodeCursor(createCursorCodec('another secret').encode(UNEVEN), RETIRABLE_CONNECTION)),
        malformed: thrownBy(() => decodeCursor(signedJson([2, 'retirable', '', 0]), RETIRABLE_CONNECTION)),
        otherConnection: thrownBy(() =>
          decodeCursor(encodeCursor({ connection: CONNECTION_A, marker: '', skip: 0 }), RETIRABLE_CONNECTION),
        ),
      };
      expect({
        errors,
        distinct: new Set([errors.unsigned.message, errors.malformed.message, errors.otherConnection.message]).size,
        sameForUnsignedAndForged: errors.unsigned.message === errors.forged.message,
      }).toEqual({
        errors: { unsigned: NOT_SIGNED, forged: NOT_SIGNED, malformed: MALFORMED, otherConnection: OTHER_CONNECTION },
        distinct: 3,
        sameForUnsignedAndForged: true,
      });
    });
  });

  describe('rejection of a cursor of another connection', () => {
    const fromA = encodeCursor({ connection: CONNECTION_A, marker: 'nxt', skip: 3 });
    const fromRetirable = encodeCursor({ connection: RETIRABLE_CONNECTION, marker: 'nxt', skip: 3 });

    const rows: ReadonlyArray<[from: string, to: string, cursor: string, connection: ConnectionId]> = [
      ['key A', 'key B', fromA, CONNECTION_B],
      ['key A', 'retirableGrants', fromA, RETIRABLE_CONNECTION],
      ['retirableGrants', 'key A', fromRetirable, CONNECTION_A],
      ['key A', 'key A in upper case', fromA, grantsConnection(KEY_A.toUpperCase())],
      ['key A', 'a key id it prefixes', fromA, grantsConnection(`${KEY_A}0`)],
    ];
    it.for(rows.map(([from, to, cursor, connection]): [string, string, ConnectionId] => [`${from} on ${to}`, cursor, connection]))(
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
