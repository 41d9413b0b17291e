/**
 * The KMS endpoint: every action is `POST /v1.0/{project_id}/kms/{action}` (kms-api.md §1).
 * Per request, in order: known action (else 404 APIGW.0101), POST (else 405 KMS.0215), faults,
 * authentication (before the body is read as JSON, as the API gateway does), JSON body, sequence,
 * then the action.
 */
import type { FastifyInstance } from 'fastify';
import { authenticate } from '../auth/authenticate.ts';
import type { ActionHandler, EmulatorDeps } from '../context.ts';
import { errors } from '../errors.ts';
import { injectFault } from '../fault-inject.ts';
import { checkSequence, parseJsonObject } from '../validation.ts';
import { grantActions } from './grants.ts';
import { keyActions } from './keys.ts';

/** Every KMS action the emulator serves. */
export const KMS_ACTIONS: Readonly<Record<string, ActionHandler>> = { ...grantActions, ...keyActions };

/** Registers the KMS route on `app`. */
export function registerKmsRoutes(app: FastifyInstance, deps: EmulatorDeps): void {
  app.all<{ Params: { projectId: string; action: string } }>('/v1.0/:projectId/kms/:action', async (request, reply) => {
    const { projectId, action } = request.params;
    const handler = Object.hasOwn(KMS_ACTIONS, action) ? KMS_ACTIONS[action] : undefined;
    if (handler === undefined) throw errors.noSuchApi();
    if (request.method !== 'POST') throw errors.methodNotAllowed(request.method);
    deps.requests.push({ action, headers: request.headers, body: jsonObjectOrUndefined(request.body) });
    const rule = deps.faults.take(action);
    if (rule !== undefined && (await injectFault(rule, reply, request.id))) return reply;
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const caller = authenticate(
      { method: request.method, rawUrl: request.raw.url ?? request.url, headers: request.headers, body: raw },
      projectId,
      { state: deps.store.state, codec: deps.codec, now: deps.now() },
    );
    const body = parseJsonObject(raw);
    checkSequence(body);
    return (await handler({ caller, body, deps })) ?? {};
  });
}

function jsonObjectOrUndefined(raw: unknown): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : '');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
