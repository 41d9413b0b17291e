import { createHmac, timingSafeEqual } from 'node:crypto';
import { badInput } from '../errors/codes.ts';
import { KMS_MAX_LIMIT } from '../kms/types.ts';
import { connectionName, type ConnectionId } from './connectionId.ts';

/**
 * Relay cursors for KMS-backed connections. A cursor says where to resume: the KMS `marker` of
 * a page (opaque, exactly as KMS gave it) and how many grants of that page to skip. It is
 * self-contained (any replica with the same secret can resume it, nothing is stored
 * server-side), names the connection it belongs to (a cursor of key A is refused on key B), and
 * carries an HMAC: a cursor this gateway did not issue is refused before any KMS call, so no
 * forged marker or skip ever reaches KMS.
 */
export interface CursorPosition {
  /** The connection the position belongs to. */
  connection: ConnectionId;
  /** KMS marker of the page to fetch; `""` is the first page. */
  marker: string;
  /** Grants of that page already seen. */
  skip: number;
}

/** Longest cursor accepted; real ones are well under 200 characters. */
export const MAX_CURSOR_LENGTH = 1024;
const VERSION = 1;

/** Encodes and decodes the cursors of one gateway (or of replicas sharing the secret). */
export interface CursorCodec {
  /** Encodes a position as an opaque, signed base64url string. */
  encode(position: CursorPosition): string;
  /**
   * Decodes a cursor this gateway issued for `connection`. Throws BAD_USER_INPUT, naming the
   * rule, for anything else: empty, too long, malformed, not signed by us, another connection.
   */
  decode(cursor: string, connection: ConnectionId): CursorPosition;
}

/** Bytes of HMAC-SHA256 kept in a cursor: 128 bits, far beyond guessing. */
const MAC_BYTES = 16;

/** The cursor codec for `secret` (CURSOR_SECRET; replicas must share it). */
export function createCursorCodec(secret: string | Buffer): CursorCodec {
  const mac = (payload: string): Buffer => createHmac('sha256', secret).update(payload).digest().subarray(0, MAC_BYTES);
  return {
    encode(position) {
      const payload = Buffer.from(JSON.stringify([VERSION, connectionName(position.connection), position.marker, position.skip])).toString(
        'base64url',
      );
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    decode(cursor, connection) {
      const [payload = '', signature = '', ...rest] = cursor.length <= MAX_CURSOR_LENGTH ? cursor.split('.') : [];
      const given = Buffer.from(signature, 'base64url');
      if (
        rest.length > 0 ||
        given.length !== MAC_BYTES ||
        given.toString('base64url') !== signature ||
        !timingSafeEqual(given, mac(payload))
      ) {
        throw badInput('`after` must be a cursor returned by this connection (an opaque string issued by this gateway)');
      }
      return decodePayload(payload, connection);
    },
  };
}

/** Decodes a payload whose MAC has been checked: only the exact bytes `encode` writes are a position. */
function decodePayload(payload: string, connection: ConnectionId): CursorPosition {
  let parsed: unknown;
  try {
    const text = Buffer.from(payload, 'base64url').toString('utf8');
    // Strict: only the exact encoding we issue (base64url decoding alone is lenient: it skips
    // `=`, `+`, `/` and unknown characters, and ignores unused trailing bits).
    parsed = Buffer.from(text).toString('base64url') === payload ? JSON.parse(text) : undefined;
    // ...and only the exact JSON we write (no spaces, `1.0`, `-0` or escapes).
    if (JSON.stringify(parsed) !== text) parsed = undefined;
  } catch {
    parsed = undefined;
  }
  if (!isCursorTuple(parsed)) {
    throw badInput('`after` is not a cursor issued by this gateway');
  }
  const [, cursorConnection, marker, skip] = parsed;
  if (cursorConnection !== connectionName(connection)) {
    throw badInput('`after` belongs to another connection (another key, or retirableGrants)');
  }
  return { connection, marker, skip };
}

function isCursorTuple(value: unknown): value is [number, string, string, number] {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value[0] === VERSION &&
    typeof value[1] === 'string' &&
    typeof value[2] === 'string' &&
    // KMS markers are short printable tokens; nothing else goes into a KMS body.
    /^[\x21-\x7e]{0,256}$/.test(value[2]) &&
    Number.isInteger(value[3]) &&
    value[3] >= 0 &&
    // A page never holds more than KMS's maximum limit, so no skip can exceed it.
    value[3] <= KMS_MAX_LIMIT
  );
}
