/**
 * Carrying out a {@link FaultRule} on one fastify request: wait, then (if the rule has an effect)
 * answer or break the connection in its place.
 */
import type { FastifyReply } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
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
      await reply.code(effect.status).type(effect.contentType ?? 'application/json').send(effect.body);
      return true;
    case 'malformed-json':
      await reply.code(effect.status ?? 200).type('application/json').send(MALFORMED_JSON);
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
  }
}
