/**
 * `POST /v3/auth/tokens`: password login; 201, the token in `X-Subject-Token`, the body of
 * iam.ts's tokenBody. Fault rules for action `iam` apply here.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorDeps } from '../context.ts';
import { injectFault } from '../fault-inject.ts';
import { IamError, issueToken, login, tokenBody } from '../iam.ts';

function parse(raw: unknown): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : '');
  } catch {
    throw new IamError(400, 'The request body must be JSON.');
  }
}

/** Registers the IAM route on `app`. */
export function registerIamRoutes(app: FastifyInstance, deps: EmulatorDeps): void {
  app.post('/v3/auth/tokens', async (request, reply) => {
    const rule = deps.faults.take('iam');
    if (rule !== undefined && (await injectFault(rule, reply, request.id))) return reply;
    try {
      const state = deps.store.state;
      const { user, project } = login(state, parse(request.body));
      const { token, claims } = issueToken(deps.codec, state, user, project, deps.now());
      return reply.code(201).header('X-Subject-Token', token).send(tokenBody(claims));
    } catch (err) {
      if (err instanceof IamError) return reply.code(err.status).send(err.body());
      throw err;
    }
  });
}
