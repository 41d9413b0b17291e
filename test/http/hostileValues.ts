/**
 * Hostile values for the fuzz test, all drawn from one seeded PRNG so every run sends the same
 * requests.
 */
import { grantGlobalId, keyGlobalId } from '../../src/relay/globalId.ts';

/** What the hostile values are made from: two real keys, their grants' ids, and cursors the gateway really issued. */
export interface FuzzFixture {
  seed: number;
  keyA: string;
  keyB: string;
  grantIdsA: readonly string[];
  grantIdsB: readonly string[];
  realCursors: readonly string[];
  /** The demo users' tokens, sent on the requests that carry one. */
  tokens: { alice: string; bob: string };
}

/** mulberry32: a small deterministic PRNG, so every fuzz run sends the same requests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A deterministic source of hostile values (everything comes from one PRNG seeded with
 * `fixture.seed`): malformed key ids, grant ids, cursors and node ids, strange characters and
 * injection strings, plus the PRNG helpers the case builder draws with.
 */
export function hostileValues(fixture: FuzzFixture) {
  const { keyA: KEY_A, keyB: KEY_B, grantIdsA, grantIdsB, realCursors } = fixture;
  const rnd = seededRandom(fixture.seed);
  const int = (min: number, max: number): number => min + Math.floor(rnd() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const chars = (alphabet: string, n: number): string => Array.from({ length: n }, () => alphabet[int(0, alphabet.length - 1)]).join('');
  const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const HEX = '0123456789abcdef';
  const STRANGE = [
    '\u0000',
    '\u0007',
    '\u001b[31m',
    '\n',
    '\r\n',
    '\t',
    '\u200b',
    '\u200e',
    '\u202e',
    '\u2066',
    '\ufeff',
    '\ufffd',
    '\ud83d\udd11',
    '\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67',
    '\u0661\u0662',
    '\u05d0\u05d1',
    'ﬀ',
    'İ',
    'ß',
    '\u0301',
    '\ud800',
    '\udfff',
    '％',
    '／',
    '＜',
  ];
  const INJECTIONS = [
    '../',
    '../../etc/passwd',
    '..%2f..%2f',
    '%2e%2e%2f',
    '"}',
    '"}]}',
    '\\"}',
    "' OR '1'='1",
    "'; DROP TABLE grants; --",
    '1 OR 1=1',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell probe, meant literally
    '${jndi:ldap://x/a}',
    '{{7*7}}',
    '<script>alert(1)</script>',
    '$(id)',
    '`id`',
    '|| id',
    '\r\nX-Injected: 1',
    '%0d%0aX-Injected:%201',
    '?marker=x',
    '#frag',
    '&limit=1000',
    '/v1.0/x/kms/revoke-grant',
    'key_id":"x',
    '\\u0000',
    '%00',
    'null',
    'undefined',
    '[object Object]',
    '__proto__',
    'constructor',
    '-1',
    '1e400',
    'NaN',
  ];
  /** A valid-looking id with something strange spliced in. */
  const spliced = (base: string): string => {
    const at = int(0, base.length);
    const what = rnd() < 0.5 ? pick(STRANGE) : pick(INJECTIONS);
    return base.slice(0, at) + what + base.slice(at + (rnd() < 0.5 ? 1 : 0));
  };
  const validKey = (): string => pick([KEY_A, KEY_B]);
  const validGrant = (): string => pick([...grantIdsA, ...grantIdsB]);
  /** A malformed key id (never matching the KMS key id pattern). */
  const badKeyId = (): string =>
    pick([
      () => spliced(validKey()),
      () => pick(INJECTIONS),
      () => pick(STRANGE),
      () => validKey().toUpperCase(),
      () => `${validKey()} `,
      () => ` ${validKey()}`,
      () => validKey().slice(0, int(0, 35)),
      () => `${validKey()}${pick(['/', '../', '"', '\u0000', 'a'])}`,
      () => chars(B64URL, int(1, 80)),
      () => 'k'.repeat(int(37, 5000)),
      () => '',
    ])();
  /** A malformed grant id (never 64 hex characters). */
  const badGrantId = (): string =>
    pick([
      () => spliced(validGrant()),
      () => pick(INJECTIONS),
      () => validGrant().slice(0, int(0, 63)),
      () => `${validGrant()}${pick(['0', 'g', ' ', '\n'])}`,
      () => chars('ghijklmnopqrstuvwxyz', 64),
      () => chars(HEX, 63) + pick(STRANGE),
      () => '',
    ])();
  const b64 = (text: string): string => Buffer.from(text).toString('base64url');
  /** A cursor this gateway did not issue for the connection it is sent to, or a mangled real one. */
  const badCursor = (connectionKey: string): string => {
    const real = realCursors.length > 0 ? pick(realCursors) : b64('[1,"grants:x","",1]');
    return pick([
      () => '',
      () => chars(B64URL, int(1, 200)),
      () => b64(String.fromCharCode(...Array.from({ length: int(1, 120) }, () => int(0, 255)))),
      () => real.slice(0, int(0, real.length - 1)),
      () => real + pick(['=', '==', '.', '+', '/', '%3D', ' ', '\u0000', '\ud83d\ude00']),
      () => {
        const at = int(0, real.length - 1);
        return real.slice(0, at) + pick(['+', '/', '=', '.', ' ', '\n', 'é', '\u202e']) + real.slice(at + 1);
      },
      () => b64(`[2,"grants:${connectionKey}","",0]`),
      () => b64(`[1,"grants:${connectionKey}","",-1]`),
      () => b64(`[1,"grants:${connectionKey}","",1001]`),
      () => b64(`[1,"grants:${connectionKey}","",1.5]`),
      () => b64(`[1,"grants:${connectionKey}","m x",0]`),
      () => b64(`[1,"grants:${connectionKey}","${'m'.repeat(257)}",0]`),
      () => b64(`[1,"grants:${connectionKey}","\\u0000",0]`),
      () => b64(`[1,"grants:${connectionKey}","",0,0]`),
      () => b64(`{"v":1,"c":"grants:${connectionKey}","m":"","s":0}`),
      () => b64(`[1,"grants:${connectionKey === KEY_A ? KEY_B : KEY_A}","",1]`),
      () => b64('[1,"retirable","",1]'),
      () => b64(`[1,"grants:${connectionKey}","",0]`).toUpperCase() + '$',
      () => 'A'.repeat(int(1025, 4000)),
    ])();
  };
  /** A malformed global id. */
  const badNodeId = (): string =>
    pick([
      () => '',
      () => chars(B64URL, int(1, 120)),
      () => b64(`Key:${badKeyId()}`),
      () => b64(`Grant:${validKey()}:${badGrantId()}`),
      () => b64(`Grant:${validKey()}`),
      () => b64(`Key:${validKey()}:`),
      () => b64(`Key:${validKey()}:${validGrant()}`),
      () => b64(`Secret:${validKey()}`),
      () => keyGlobalId(validKey()) + pick(['=', '.', ' ', '\u0000']),
      () => grantGlobalId(validKey(), validGrant()).slice(0, -int(1, 10)),
      () => pick(INJECTIONS),
      () => spliced(keyGlobalId(validKey())),
      () => 'A'.repeat(int(201, 3000)),
    ])();
  return { rnd, int, pick, chars, badKeyId, badGrantId, badCursor, badNodeId, STRANGE, INJECTIONS };
}
