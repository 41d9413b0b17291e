import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { DEMO } from '../../src/emulator/seed.ts';
import { kms, kmsError } from './support.ts';

const { carol } = DEMO.users;
const NEW_GRANT = { key_id: DEMO.keys.backup, grantee_principal: carol.id, operations: ['encrypt-data'], name: 'persisted' };
const REVOKED = { key_id: DEMO.keys.app, grant_id: DEMO.grants.appCarolRetires };

let dir: string;
const running: RunningEmulator[] = [];
async function start(statePath?: string): Promise<RunningEmulator> {
  const emu = await startEmulator(statePath === undefined ? {} : { statePath });
  running.push(emu);
  return emu;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kms-emulator-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
  await rm(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function grantIdsOf(emu: RunningEmulator, keyId: string): Promise<string[]> {
  const res = await kms(emu, 'list-grants', { key_id: keyId }, { token: emu.issueToken('alice') });
  return (res.body as { grants: Array<{ grant_id: string }> }).grants.map((g) => g.grant_id);
}

describe('emulator persistence', () => {
  describe('statePath', () => {
    it('writes the seed at start when the file is absent, readable only by its owner', async () => {
      const path = join(dir, 'state.json');
      await start(path);
      const saved = JSON.parse(await readFile(path, 'utf8')) as { grants: unknown[]; keys: unknown[] };
      expect({ grants: saved.grants.length, keys: saved.keys.length }).toEqual({ grants: 131, keys: 10 });
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    });

    it('has every change on disk when its 200 arrives, and leaves no temp files', async () => {
      const path = join(dir, 'state.json');
      const emu = await start(path);
      const made = await kms(emu, 'create-grant', NEW_GRANT, { token: emu.issueToken('alice') });
      expect(made.status).toBe(200);
      const grantId = (made.body as { grant_id: string }).grant_id;
      const saved = JSON.parse(await readFile(path, 'utf8')) as { grants: Array<{ grant_id: string; name?: string }> };
      expect(saved.grants.at(-1)).toMatchObject({ grant_id: grantId, name: 'persisted' });
      expect(await readdir(dir)).toEqual(['state.json']);
    });

    it('keeps creates and revokes across a restart, and tokens too', async () => {
      const path = join(dir, 'state.json');
      const first = await start(path);
      const token = first.issueToken('alice');
      const made = await kms(first, 'create-grant', NEW_GRANT, { token });
      const grantId = (made.body as { grant_id: string }).grant_id;
      expect((await kms(first, 'revoke-grant', REVOKED, { token })).status).toBe(200);
      await first.close();

      const second = await start(path);
      expect((await grantIdsOf(second, DEMO.keys.backup)).at(-1)).toBe(grantId);
      expect(await grantIdsOf(second, DEMO.keys.app)).not.toContain(REVOKED.grant_id);
      // The token secret is part of the state, so a token from before the restart still works.
      expect((await kms(second, 'list-grants', { key_id: DEMO.keys.app, limit: '1' }, { token })).status).toBe(200);
    });

    it('answers 500 KMS.0102 and changes nothing when the state cannot be saved', async () => {
      const sub = join(dir, 'sub');
      const path = join(sub, 'state.json');
      await mkdir(sub);
      const emu = await start(path);
      await rm(sub, { recursive: true });
      const res = await kms(emu, 'revoke-grant', REVOKED, { token: emu.issueToken('alice') });
      expect(res).toMatchObject({ status: 500, body: kmsError('KMS.0102') });
      expect(await grantIdsOf(emu, DEMO.keys.app)).toContain(REVOKED.grant_id);
    });

    it('refuses to start on a state file that is not a valid state, naming the file', async () => {
      const path = join(dir, 'state.json');
      await writeFile(path, '{"version":1,"domains":[]}');
      await expect(startEmulator({ statePath: path })).rejects.toThrow(/state file .*state\.json: projects must be an array/);
    });
  });

  describe('concurrent revokes', () => {
    it.each([
      ['in memory', false],
      ['with a state file', true],
    ])('lets exactly one of 20 revokes of one grant succeed (%s)', async (_label, persist) => {
      const emu = await start(persist ? join(dir, 'state.json') : undefined);
      const token = emu.issueToken('alice');
      const answers = await Promise.all(Array.from({ length: 20 }, () => kms(emu, 'revoke-grant', REVOKED, { token })));
      const ok = answers.filter((a) => a.status === 200);
      const gone = answers.filter((a) => a.status === 400 && (a.body as { error: { error_code: string } }).error.error_code === 'KMS.2501');
      expect({ ok: ok.length, gone: gone.length }).toEqual({ ok: 1, gone: 19 });
      expect(ok[0]?.body).toEqual({});
    });
  });
});
