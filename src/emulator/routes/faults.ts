/**
 * Fault control over HTTP, for tests and demos out of process. No authentication: the emulator
 * is a loopback development tool. `POST /__emulator/faults` sets one rule (JSON, faults.ts's
 * FaultRule) and answers the active rules; `GET` lists them; `DELETE` clears them all.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorDeps } from '../context.ts';
import { errors } from '../errors.ts';
import { parseFaultRule } from '../faults.ts';
import { parseJsonObject } from '../validation.ts';

/** The path of the fault-control endpoint. */
const FAULTS_PATH = '/__emulator/faults';

/** Registers the fault-control routes on `app`. */
export function registerFaultRoutes(app: FastifyInstance, deps: EmulatorDeps): void {
  app.get(FAULTS_PATH, async () => ({ rules: deps.faults.list() }));
  app.post(FAULTS_PATH, async (request) => {
    const body = parseJsonObject(Buffer.isBuffer(request.body) ? request.body : undefined);
    try {
      deps.faults.set(parseFaultRule(body));
    } catch (err) {
      throw errors.invalidParam(`${(err as Error).message}.`);
    }
    return { rules: deps.faults.list() };
  });
  app.delete(FAULTS_PATH, async () => {
    deps.faults.clear();
    return {};
  });
}
