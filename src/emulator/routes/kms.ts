/**
 * The KMS endpoint: every action is `POST /v1.0/{project_id}/kms/{action}` (docs/kms.md §1).
 * Per request, in order: known action (else 404 APIGW.0101), POST (else 405 KMS.0215), faults,
 * authentication (before the body is read as JSON, as the API gateway does), JSON body, sequence,
 * then the action.
 */
import type { FastifyInstance } from 'fastify';
import { authenticate } from '../auth/authenticate.ts';
import type { ActionHandler, EmulatorDeps } from '../context.ts';
import { errors } from '../errors.ts';
import { injectFault } from '../fault-inject.ts';
import { type Body, checkSequence, parseJsonObject } from '../validation.ts';
import { grantActions } from './grants.ts';
import { keyActions } from './keys.ts';

/** Every KMS action the emulator serves. */
export const KMS_ACTIONS: Readonly<Record<string, ActionHandler>> = { ...grantActions, ...keyActions };

/** Registers the KMS route on `app`. */
export function registerKmsRoutes(app: FastifyInstance, deps: EmulatorDeps): void {
  const answers = new Map<string, { version: number; text: string }>();
  app.all<{ Params: { projectId: string; action: string } }>('/v1.0/:projectId/kms/:action', async (request, reply) => {
    const { projectId, action } = request.params;
    const handler = Object.hasOwn(KMS_ACTIONS, action) ? KMS_ACTIONS[action] : undefined;
    if (handler === undefined) throw errors.noSuchApi();
    if (request.method !== 'POST') throw errors.methodNotAllowed(request.method);
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    // Parsed once: for the request log and per-key faults now, for the action after authentication.
    const json = parsedOrUndefined(raw);
    deps.requests.push({ action, headers: request.headers, body: json });
    const keyId = json?.['key_id'];
    const rule = deps.faults.take(action, typeof keyId === 'string' ? keyId : undefined);
    if (rule !== undefined && (await injectFault(rule, reply, request.id))) return reply;
    const caller = authenticate(
      { method: request.method, rawUrl: request.raw.url ?? request.url, headers: request.headers, body: raw },
      projectId,
      { state: deps.store.state, codec: deps.codec, now: deps.now() },
    );
    // A body that did not parse is parsed again only to raise KMS's error for it.
    const received = json ?? parseJsonObject(raw);
    checkSequence(received);
    if (!LISTS.has(action)) return (await handler({ caller, body: received, deps })) ?? {};
    // Lists: markers translated both ways (markers.ts), and answers cached when asked to.
    const scope = `${action}:${caller.user.id}:${String(received['key_id'] ?? '')}:${String(received['key_state'] ?? '')}`;
    const body = { ...received, marker: deps.markers.resolve(scope, received['marker']) };
    const cacheKey = deps.settings.answerCache
      ? `${caller.projectId}|${scope}|${JSON.stringify({ ...body, sequence: undefined })}`
      : undefined;
    const cached = cacheKey === undefined ? undefined : answers.get(cacheKey);
    if (cached !== undefined && cached.version === deps.store.version) return reply.type('application/json').send(cached.text);
    const page = (await handler({ caller, body, deps })) as { next_marker: string };
    const text = JSON.stringify({ ...page, next_marker: deps.markers.issue(scope, page.next_marker) });
    if (cacheKey !== undefined) answers.set(cacheKey, { version: deps.store.version, text });
    return reply.type('application/json').send(text);
  });
}

/** The paged list actions. */
const LISTS = new Set(['list-grants', 'list-retirable-grants', 'list-keys']);

function parsedOrUndefined(raw: Buffer): Body | undefined {
  try {
    return parseJsonObject(raw);
  } catch {
    return undefined;
  }
}
