/**
 * The emulator's HTTP server: fastify wired so that every answer, fastify's own included, looks
 * like Huawei Cloud's (KMS nested or APIGW flat error bodies, `X-Request-Id` on everything) and
 * every body reaches the handlers as the exact bytes received (signatures cover them).
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { EmulatorDeps } from './context.ts';
import { asKmsError, errorBody, errors } from './errors.ts';
import { newRequestId } from './ids.ts';
import { registerFaultRoutes } from './routes/faults.ts';
import { registerIamRoutes } from './routes/iam.ts';
import { registerKmsRoutes } from './routes/kms.ts';

/** The largest request body accepted; larger -> 400 KMS.0203. KMS bodies are well under 1 KiB. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds (does not start) the emulator's fastify instance. */
export function buildServer(deps: EmulatorDeps, opts: { logger?: boolean } = {}): FastifyInstance {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => newRequestId(),
    // Keep-alive clients must not hold close() open.
    forceCloseConnections: true,
  });

  // Any content type: the raw bytes, unparsed. Handlers parse JSON after checking the signature.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });

  app.setErrorHandler(async (err, request, reply) => {
    const kmsError = asKmsError(err);
    if (kmsError.status >= 500) request.log.error({ err }, 'emulator error');
    return reply.code(kmsError.status).type('application/json').send(errorBody(kmsError, request.id));
  });

  app.setNotFoundHandler(async (request, reply) => {
    const err = errors.noSuchApi();
    return reply.code(err.status).type('application/json').send(errorBody(err, request.id));
  });

  registerKmsRoutes(app, deps);
  registerIamRoutes(app, deps);
  registerFaultRoutes(app, deps);
  return app;
}
