/**
 * The emulator's IAM tokens: self-contained and tamper-proof, so a restarted emulator given the
 * same secret still accepts the tokens it issued. Wire form:
 * `emu1.` + base64url(JSON claims) + `.` + base64url(HMAC-SHA256(secret, `emu1.` + payload)).
 * Tokens are signed, not encrypted: anyone holding one can read its claims.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a token asserts; the fields mirror IAM's token body (docs/kms.md §6). */
export interface TokenClaims {
  userId: string;
  userName: string;
  domainId: string;
  domainName: string;
  projectId: string;
  projectName: string;
  /** Epoch milliseconds. */
  issuedAt: number;
  /** Epoch milliseconds; checked by the caller, not by {@link TokenCodec.decode}. */
  expiresAt: number;
}

/** Every token starts with this; the version lets a future format coexist. */
export const TOKEN_PREFIX = 'emu1.';

/** Longer inputs are rejected before any work; an issued token is a few hundred characters. */
export const MAX_TOKEN_LENGTH = 8192;

const STRING_CLAIMS = ['userId', 'userName', 'domainId', 'domainName', 'projectId', 'projectName'] as const;
const TIME_CLAIMS = ['issuedAt', 'expiresAt'] as const;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Issues and decodes tokens under one secret. `decode` never throws: it returns undefined for
 * anything not issued by a codec with the same secret (malformed, truncated, forged, altered,
 * oversized, wrong claim types).
 */
export class TokenCodec {
  readonly #secret: Buffer;

  /** Throws when the secret is empty: every token would then be forgeable. */
  constructor(secret: Buffer | string) {
    this.#secret = Buffer.from(secret);
    if (this.#secret.length === 0) throw new Error('TokenCodec: secret must not be empty');
  }

  /** Returns a token carrying exactly `claims`. Throws a TypeError naming the first claim of the wrong type. */
  issue(claims: TokenClaims): string {
    const problem = claimsProblem(claims);
    if (problem) throw new TypeError(`TokenCodec.issue: ${problem}`);
    const payload = Buffer.from(JSON.stringify(pickClaims(claims)), 'utf8').toString('base64url');
    return `${TOKEN_PREFIX}${payload}.${this.#mac(payload)}`;
  }

  /** The claims of a token this secret issued, or undefined (never throws). Does not check expiry. */
  decode(token: string): TokenClaims | undefined {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !token.startsWith(TOKEN_PREFIX)) return undefined;
    const parts = token.slice(TOKEN_PREFIX.length).split('.');
    if (parts.length !== 2) return undefined;
    const [payload = '', mac = ''] = parts;
    if (!BASE64URL.test(payload) || !BASE64URL.test(mac)) return undefined;
    const expected = Buffer.from(this.#mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    // A valid MAC means this secret issued it, but check anyway: a shared secret may sign other shapes.
    return claimsProblem(claims) === undefined ? pickClaims(claims as TokenClaims) : undefined;
  }

  #mac(payload: string): string {
    return createHmac('sha256', this.#secret).update(`${TOKEN_PREFIX}${payload}`).digest('base64url');
  }
}

// ---- private helpers ----

/** Names the first claim that is missing or of the wrong type, or undefined when all are fine. */
function claimsProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'claims must be an object';
  const record = value as Record<string, unknown>;
  for (const name of STRING_CLAIMS) {
    if (typeof record[name] !== 'string') return `claim "${name}" must be a string`;
  }
  for (const name of TIME_CLAIMS) {
    if (!Number.isSafeInteger(record[name])) return `claim "${name}" must be an integer (epoch ms)`;
  }
  return undefined;
}

/** Copies the known claims in a fixed order, dropping anything else. */
function pickClaims(c: TokenClaims): TokenClaims {
  return {
    userId: c.userId,
    userName: c.userName,
    domainId: c.domainId,
    domainName: c.domainName,
    projectId: c.projectId,
    projectName: c.projectName,
    issuedAt: c.issuedAt,
    expiresAt: c.expiresAt,
  };
}
