import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvError, readEmulatorEnv } from '../../src/emulator/env.ts';
import { DEMO } from '../../src/emulator/seed.ts';

const MAIN = new URL('../../src/emulator/main.ts', import.meta.url).pathname;

/** Runs `npm run emulator`'s entry point with `env`; collects its output. */
function runMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('emulator main', () => {
  describe('readEmulatorEnv', () => {
    it('defaults to 127.0.0.1:4010 and the demo seed, in memory', () => {
      expect(readEmulatorEnv({})).toEqual({ port: 4010, host: '127.0.0.1' });
    });

    it('reads every variable', () => {
      expect(
        readEmulatorEnv({
          KMS_EMULATOR_PORT: '0',
          KMS_EMULATOR_HOST: '0.0.0.0',
          KMS_EMULATOR_SEED: 'empty',
          KMS_EMULATOR_STATE: '/tmp/s.json',
        }),
      ).toEqual({
        port: 0,
        host: '0.0.0.0',
        seed: 'empty',
        statePath: '/tmp/s.json',
      });
    });

    it('reads the stand-in switches: page cap, marker style, answer cache', () => {
      expect(readEmulatorEnv({ KMS_EMULATOR_PAGE_CAP: '7', KMS_EMULATOR_MARKERS: 'opaque', KMS_EMULATOR_ANSWER_CACHE: 'true' })).toEqual({
        port: 4010,
        host: '127.0.0.1',
        pageCap: 7,
        markers: 'opaque',
        answerCache: true,
      });
    });

    it.each([
      [{ KMS_EMULATOR_PORT: 'http' }, 'KMS_EMULATOR_PORT: must be an integer from 0 to 65535, got "http"'],
      [{ KMS_EMULATOR_PORT: '70000' }, 'KMS_EMULATOR_PORT: must be an integer from 0 to 65535, got "70000"'],
      [{ KMS_EMULATOR_STATE: '' }, 'KMS_EMULATOR_STATE: must not be empty when set'],
      [{ KMS_EMULATOR_PAGE_CAP: '0' }, 'KMS_EMULATOR_PAGE_CAP: must be an integer from 1 to 1000, got "0"'],
      [{ KMS_EMULATOR_MARKERS: 'base64' }, 'KMS_EMULATOR_MARKERS: must be one of offset, opaque, got "base64"'],
      [{ KMS_EMULATOR_ANSWER_CACHE: 'yes' }, 'KMS_EMULATOR_ANSWER_CACHE: must be true or false (or 1 or 0), got "yes"'],
    ])('rejects %j, naming the variable', (env, message) => {
      expect(() => readEmulatorEnv(env)).toThrow(new EnvError(message));
    });
  });

  describe('process', () => {
    const children: Array<ReturnType<typeof runMain>> = [];
    afterAll(() => {
      for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    });

    it('prints URL, project, users with passwords, AK/SK and tokens; serves; exits 0 on SIGTERM', async () => {
      const run = runMain({ KMS_EMULATOR_PORT: '0' });
      children.push(run);
      await waitFor(() => run.out().includes('X-Auth-Token') && run.out().includes('user carol'), 15_000);
      const out = run.out();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? '';
      expect(out).toContain(`project id: ${DEMO.projectId}`);
      expect(out).toContain('password: alice-demo-password');
      expect(out).toContain('AK/SK:    BOBDEMOACCESSKEY00001 / bob-demo-secret-key');
      const token = /user alice[\s\S]*?X-Auth-Token: (\S+)/.exec(out)?.[1] ?? '';
      const res = await fetch(`${url}/v1.0/${DEMO.projectId}/kms/list-grants`, {
        method: 'POST',
        headers: { 'x-auth-token': token },
        body: JSON.stringify({ key_id: DEMO.keys.full, limit: '1' }),
      });
      expect(res.status).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    });

    it('exits 1 naming a bad variable', async () => {
      const run = runMain({ KMS_EMULATOR_PORT: 'abc' });
      children.push(run);
      expect(await run.exited).toBe(1);
      expect(run.err()).toContain('KMS_EMULATOR_PORT: must be an integer');
    });
  });
});
