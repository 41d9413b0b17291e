import { describe, expect, it } from 'vitest';
import { decodeGlobalId, grantGlobalId, keyGlobalId } from '../../src/relay/globalId.ts';
import type { GlobalRef } from '../../src/relay/globalId.ts';
import { thrownBy } from '../support/graphqlError.ts';

const KEY_ID = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const OTHER_KEY_ID = 'b168fe00-ff56-4a3d-9e71-5d8d39d6c8a1';
const GRANT_ID = '7c9a3286af4fcca5f0a385ad97e1c4e3d2b1a0f9e8d7c6b5a4938271605f4e3d';
const GRANT_ID_MIXED_CASE = '7C9A3286af4fcca5f0a385ad97e1c4e3d2b1a0f9e8d7c6b5a4938271605F4E3D';

/** Base64url of a text: how the gateway encodes global ids. */
const b64url = (text: string): string => Buffer.from(text).toString('base64url');

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Flips the lowest bit of the last character: an unused bit when length % 4 is 2 or 3. */
function flipTrailingBit(id: string): string {
  const last = BASE64URL.indexOf(id.at(-1) ?? '');
  return `${id.slice(0, -1)}${BASE64URL[last ^ 1] ?? ''}`;
}

/** The error every rejected id gives: BAD_USER_INPUT, naming the `id` argument. */
const REJECTED = { isGraphQLError: true, message: expect.stringContaining('`id`'), extensions: { code: 'BAD_USER_INPUT' } };

describe('relay/globalId', () => {
  describe('round trip', () => {
    it('decodes a key id and a grant id to the references they were made from', () => {
      const refs: GlobalRef[] = [
        { type: 'Key', keyId: KEY_ID },
        { type: 'Key', keyId: OTHER_KEY_ID },
        { type: 'Grant', keyId: KEY_ID, grantId: GRANT_ID },
        { type: 'Grant', keyId: OTHER_KEY_ID, grantId: GRANT_ID_MIXED_CASE },
      ];
      const ids = refs.map((ref) => (ref.type === 'Key' ? keyGlobalId(ref.keyId) : grantGlobalId(ref.keyId, ref.grantId)));
      expect(ids.map(decodeGlobalId)).toEqual(refs);
    });

    it('issues distinct opaque base64url ids for a key, its grant, and the same grant id on another key', () => {
      const ids = [keyGlobalId(KEY_ID), grantGlobalId(KEY_ID, GRANT_ID), grantGlobalId(OTHER_KEY_ID, GRANT_ID), keyGlobalId(OTHER_KEY_ID)];
      expect([new Set(ids).size, ids.filter((id) => !/^[A-Za-z0-9_-]+$/.test(id))]).toEqual([4, []]);
    });

    it('encodes exactly `Key:<keyId>` and `Grant:<keyId>:<grantId>`', () => {
      expect([keyGlobalId(KEY_ID), grantGlobalId(KEY_ID, GRANT_ID)]).toEqual([
        b64url(`Key:${KEY_ID}`),
        b64url(`Grant:${KEY_ID}:${GRANT_ID}`),
      ]);
    });
  });

  describe('rejection of bad contents', () => {
    it.for<[string, string]>([
      ['a key id in upper case', `Key:${KEY_ID.toUpperCase()}`],
      ['a key id one character short', `Key:${KEY_ID.slice(1)}`],
      ['a key id one character long', `Key:${KEY_ID}0`],
      ['a key id without dashes', `Key:${KEY_ID.replaceAll('-', '')}`],
      ['a key id with a Cyrillic а', `Key:${KEY_ID.replace('a', 'а')}`],
      ['an empty key id', 'Key:'],
      ['a grant id one character short', `Grant:${KEY_ID}:${GRANT_ID.slice(1)}`],
      ['a grant id one character long', `Grant:${KEY_ID}:${GRANT_ID}0`],
      ['a grant id that is not hexadecimal', `Grant:${KEY_ID}:${'g'.repeat(64)}`],
      ['an empty grant id', `Grant:${KEY_ID}:`],
      ['a grant without a grant id', `Grant:${KEY_ID}`],
      ['a grant with a bad key id', `Grant:${KEY_ID.toUpperCase()}:${GRANT_ID}`],
      ['an unknown type', `Alias:${KEY_ID}`],
      ['a type in lower case', `key:${KEY_ID}`],
      ['a type with a Cyrillic е', `Kеy:${KEY_ID}`],
      ['the Node type', `Node:${KEY_ID}`],
      ['no type', `:${KEY_ID}`],
      ['a type alone', 'Key'],
      ['a fullwidth colon', `Key：${KEY_ID}`],
      ['a key with a grant id', `Key:${KEY_ID}:${GRANT_ID}`],
      ['a key with an extra segment', `Key:${KEY_ID}:x`],
      ['a grant with an extra segment', `Grant:${KEY_ID}:${GRANT_ID}:x`],
      ['a key with a trailing colon', `Key:${KEY_ID}:`],
      ['a grant with a trailing colon', `Grant:${KEY_ID}:${GRANT_ID}:`],
      ['a leading space', ` Key:${KEY_ID}`],
      ['a trailing newline', `Key:${KEY_ID}\n`],
      ['a NUL after the key id', `Key:${KEY_ID}\u0000`],
      ['a huge grant id', `Grant:${KEY_ID}:${'a'.repeat(10_000)}`],
    ])('rejects the id of %s with BAD_USER_INPUT', ([, text]) => {
      expect(thrownBy(() => decodeGlobalId(b64url(text)))).toEqual(REJECTED);
    });
  });

  describe('rejection of strings the gateway never issues', () => {
    it.for<[string, string]>([
      ['the empty string', ''],
      ['the raw text of a key id', `Key:${KEY_ID}`],
      ['a bare key id', KEY_ID],
      ['a bare grant id', GRANT_ID],
      ['plain words', 'not an id'],
      ['an emoji', '🔑'],
      ['a million characters', 'A'.repeat(1_000_000)],
      ['a real id with a leading space', ` ${keyGlobalId(KEY_ID)}`],
      ['a real id with a trailing newline', `${keyGlobalId(KEY_ID)}\n`],
      ['a real id with a standard-base64 `+` appended', `${keyGlobalId(KEY_ID)}+`],
      ['a real id with a standard-base64 `/` prepended', `/${grantGlobalId(KEY_ID, GRANT_ID)}`],
    ])('rejects %s with BAD_USER_INPUT', ([, id]) => {
      expect(thrownBy(() => decodeGlobalId(id))).toEqual(REJECTED);
    });

    it('rejects a real id with base64 padding added', () => {
      const id = grantGlobalId(KEY_ID, GRANT_ID);
      const padded = id.padEnd(Math.ceil(id.length / 4) * 4, '=');
      expect([padded !== id, thrownBy(() => decodeGlobalId(padded))]).toEqual([true, REJECTED]);
    });

    it('rejects a real id with its unused trailing bits flipped, though it decodes to the same bytes', () => {
      const id = [keyGlobalId(KEY_ID), grantGlobalId(KEY_ID, GRANT_ID)].find((candidate) => candidate.length % 4 !== 0) ?? '';
      const flipped = flipTrailingBit(id);
      expect([
        id.length % 4 !== 0,
        flipped !== id,
        Buffer.from(flipped, 'base64url').equals(Buffer.from(id, 'base64url')),
        thrownBy(() => decodeGlobalId(flipped)),
      ]).toEqual([true, true, true, REJECTED]);
    });

    it('rejects an id whose bytes are not UTF-8', () => {
      expect(thrownBy(() => decodeGlobalId(Buffer.from([0x4b, 0x65, 0x79, 0x3a, 0xff, 0xfe]).toString('base64url')))).toEqual(REJECTED);
    });
  });
});
