import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_LENGTH, TOKEN_PREFIX, TokenCodec } from '../../src/emulator/auth/tokens.ts';
import type { TokenClaims } from '../../src/emulator/auth/tokens.ts';

const SECRET = 'emulator-token-secret-for-tests';

const ALICE: TokenClaims = {
  userId: 'a11ce000000000000000000000000001',
  userName: 'alice',
  domainId: 'd0000000000000000000000000000001',
  domainName: 'demo',
  projectId: '0123456789abcdef0123456789abcdef',
  projectName: 'cn-north-4',
  issuedAt: Date.UTC(2024, 0, 1),
  expiresAt: Date.UTC(2024, 0, 2),
};

const UNICODE_CLAIMS: TokenClaims = { ...ALICE, userName: 'grünt-名 🔑', projectName: '' };

/** Splits a token into its base64url payload and MAC. */
function parts(token: string): { payload: string; mac: string } {
  const [payload = '', mac = ''] = token.slice(TOKEN_PREFIX.length).split('.');
  return { payload, mac };
}

/** Flips one base64url character to another at index `i`. */
function flipAt(s: string, i: number): string {
  return `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('tokens', () => {
  describe('round trip', () => {
    it('decodes exactly the claims it issued, including non-ASCII strings', () => {
      const codec = new TokenCodec(SECRET);
      expect([codec.decode(codec.issue(ALICE)), codec.decode(codec.issue(UNICODE_CLAIMS))]).toEqual([ALICE, UNICODE_CLAIMS]);
    });

    it('survives a restart: a new codec with the same secret (string or Buffer) decodes the token', () => {
      const token = new TokenCodec(SECRET).issue(ALICE);
      expect([new TokenCodec(SECRET).decode(token), new TokenCodec(Buffer.from(SECRET)).decode(token)]).toEqual([ALICE, ALICE]);
    });

    it('issues a prefixed, header-safe token and drops properties that are not claims', () => {
      const codec = new TokenCodec(SECRET);
      const token = codec.issue({ ...ALICE, extra: 'ignored' } as TokenClaims);
      expect(token).toMatch(/^emu1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
      expect(codec.decode(token)).toEqual(ALICE);
    });

    it('does not check expiry: that is the caller’s job', () => {
      const codec = new TokenCodec(SECRET);
      const expired: TokenClaims = { ...ALICE, expiresAt: 0 };
      expect(codec.decode(codec.issue(expired))).toEqual(expired);
    });
  });

  describe('rejection', () => {
    const codec = new TokenCodec(SECRET);
    const token = codec.issue(ALICE);
    const { payload, mac } = parts(token);

    it('a payload with one character changed, or claims swapped in under the old MAC', () => {
      const bob = encode({ ...ALICE, userId: 'b0b00000000000000000000000000002', userName: 'bob' });
      expect([codec.decode(`${TOKEN_PREFIX}${flipAt(payload, 10)}.${mac}`), codec.decode(`${TOKEN_PREFIX}${bob}.${mac}`)]).toEqual([
        undefined,
        undefined,
      ]);
    });

    it('a MAC with one character changed, missing, or truncated', () => {
      expect([
        codec.decode(`${TOKEN_PREFIX}${payload}.${flipAt(mac, 5)}`),
        codec.decode(`${TOKEN_PREFIX}${payload}.`),
        codec.decode(`${TOKEN_PREFIX}${payload}`),
        codec.decode(token.slice(0, -1)),
        codec.decode(`${token}A`),
      ]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    });

    it('a token from another secret, and a token with another prefix', () => {
      const other = new TokenCodec('another-secret').issue(ALICE);
      expect([codec.decode(other), codec.decode(`emu2.${payload}.${mac}`), codec.decode(`${payload}.${mac}`)]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    });

    it('correctly MACed payloads that are not valid claims', () => {
      // Forged with the secret itself, so only the claims check stands between them and acceptance;
      // the first row shows the forgery is otherwise accepted.
      const payloads = [
        'bm90IGpzb24', // "not json"
        encode(null),
        encode([ALICE]),
        encode('alice'),
        encode({ ...ALICE, userId: 42 }),
        encode({ ...ALICE, issuedAt: '1704067200000' }),
        encode({ ...ALICE, expiresAt: 1.5 }),
        encode({ ...ALICE, expiresAt: Number.MAX_SAFE_INTEGER + 2 }),
        encode((({ projectId: _p, ...rest }) => rest)(ALICE)),
      ];
      const decoded = [encode(ALICE), ...payloads].map((p) => codec.decode(`${TOKEN_PREFIX}${p}.${macFor(SECRET, p)}`));
      expect(decoded).toEqual([ALICE, ...payloads.map(() => undefined)]);
    });

    it.each([
      ['empty', ''],
      ['only the prefix', TOKEN_PREFIX],
      ['dots only', `${TOKEN_PREFIX}..`],
      ['three parts', `${token}.${mac}`],
      ['whitespace around', ` ${token} `],
      ['base64 padding', `${token}=`],
      ['standard base64 characters', `${TOKEN_PREFIX}${payload}+/.${mac}`],
      ['unicode', `${TOKEN_PREFIX}名🔑.ü`],
      ['lone surrogate', `${TOKEN_PREFIX}\ud800.${mac}`],
      ['NUL bytes', `${TOKEN_PREFIX}\0.\0`],
      ['huge', `${TOKEN_PREFIX}${'A'.repeat(MAX_TOKEN_LENGTH)}.${mac}`],
      ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl'],
    ])('garbage (%s) without throwing', (_name, input) => {
      expect(codec.decode(input)).toBeUndefined();
    });

    it('non-string input from untyped callers without throwing', () => {
      const decode = codec.decode.bind(codec) as (t: unknown) => TokenClaims | undefined;
      expect([undefined, null, 42, {}, [token]].map(decode)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    });
  });

  describe('misuse', () => {
    it('refuses an empty secret', () => {
      expect(() => new TokenCodec('')).toThrow('TokenCodec: secret must not be empty');
      expect(() => new TokenCodec(Buffer.alloc(0))).toThrow('TokenCodec: secret must not be empty');
    });

    it('refuses to issue claims of the wrong type, naming the claim', () => {
      const codec = new TokenCodec(SECRET);
      expect(() => codec.issue({ ...ALICE, expiresAt: Number.NaN })).toThrow('claim "expiresAt" must be an integer (epoch ms)');
      expect(() => codec.issue({ ...ALICE, userId: undefined } as unknown as TokenClaims)).toThrow('claim "userId" must be a string');
    });
  });
});

/** The MAC the documented wire format prescribes, computed independently of the codec. */
function macFor(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`${TOKEN_PREFIX}${payload}`).digest('base64url');
}
