/**
 * Carrying out a {@link FaultRule} on one fastify request: wait, then (if the rule has an effect)
 * answer or break the connection in its place.
 */
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { errorBody, KmsError } from './errors.ts';
import type { FaultRule } from './faults.ts';

/** A JSON prefix that no JSON parser accepts. */
const MALFORMED_JSON = '{"grants": [{"key_id": ';
/** What a truncated answer would have been in full (only its first half is sent). */
const FULL_BODY = JSON.stringify({ grants: [], next_marker: '', truncated: 'false', total: 0 });

/**
 * Applies `rule` to the request behind `reply`. Resolves true when the rule answered (or dropped)
 * the request, so the caller must not; false when the request should be served normally.
 */
export async function injectFault(rule: FaultRule, reply: FastifyReply, requestId: string): Promise<boolean> {
  if (rule.latencyMs !== undefined && rule.latencyMs > 0) await sleep(rule.latencyMs);
  const effect = rule.effect;
  if (effect === undefined) return false;
  if (rule.retryAfter !== undefined) reply.header('Retry-After', rule.retryAfter);
  switch (effect.kind) {
    case 'error': {
      const err = new KmsError(effect.status, effect.code, effect.message ?? 'Injected fault.', effect.shape);
      await reply.code(effect.status).type('application/json').send(errorBody(err, requestId));
      return true;
    }
    case 'raw':
      await reply
        .code(effect.status)
        .type(effect.contentType ?? 'application/json')
        .send(effect.body);
      return true;
    case 'malformed-json':
      await reply
        .code(effect.status ?? 200)
        .type('application/json')
        .send(MALFORMED_JSON);
      return true;
    case 'drop':
      reply.hijack();
      reply.raw.socket?.destroy();
      return true;
    case 'truncated': {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(effect.status ?? 200, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(FULL_BODY)),
        'x-request-id': requestId,
        ...(rule.retryAfter === undefined ? {} : { 'retry-after': rule.retryAfter }),
      });
      raw.write(FULL_BODY.slice(0, Math.floor(FULL_BODY.length / 2)), () => raw.socket?.destroy());
      return true;
    }
    case 'hang':
      reply.hijack();
      return true;
    case 'endless': {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'application/json',
        'x-request-id': requestId,
        ...(effect.gzip === true && { 'content-encoding': 'gzip' }),
        ...(effect.declareLength === true && effect.bytes !== undefined && { 'content-length': String(effect.bytes) }),
      });
      const body = effect.gzip === true ? gzipBomb(effect.bytes) : spacesStream(effect.bytes);
      body.pipe(raw);
      stopWhenClientLeaves(raw, () => body.destroy());
      return true;
    }
    case 'trickle': {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'application/json', 'x-request-id': requestId });
      raw.write('{"grants": [');
      const timer = setInterval(() => raw.write(' '), effect.intervalMs);
      stopWhenClientLeaves(raw, () => clearInterval(timer));
      return true;
    }
  }
}

const CHUNK = Buffer.alloc(64 * 1024, 0x20);

/** `bytes` spaces (absent: without end), produced only as fast as they are read. */
function spacesStream(bytes: number | undefined): Readable {
  return repeated(CHUNK, bytes);
}

const MiB = 1024 * 1024;
/** One gzip member holding 1 MiB of spaces: about 1 KiB. */
const GZIP_MEMBER = gzipSync(Buffer.alloc(MiB, 0x20), { level: 9 });

/**
 * A gzip stream of `bytes` spaces (rounded up to whole MiB; absent: without end), built from
 * concatenated gzip members, which decompressors read as one stream: about a thousandth of the
 * decompressed size goes over the wire, as in a real decompression bomb.
 */
function gzipBomb(bytes: number | undefined): Readable {
  return repeated(GZIP_MEMBER, bytes === undefined ? undefined : Math.ceil(bytes / MiB) * GZIP_MEMBER.length);
}

/** `chunk` again and again, `total` bytes in all (absent: without end), only as fast as it is read. */
function repeated(chunk: Buffer, total: number | undefined): Readable {
  let left = total ?? Number.POSITIVE_INFINITY;
  return new Readable({
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

function stopWhenClientLeaves(raw: ServerResponse, stop: () => void): void {
  raw.once('close', stop);
  raw.socket?.once('close', stop);
}
