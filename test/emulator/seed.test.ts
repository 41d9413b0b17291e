import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KMS_PATTERNS } from '../../src/kms/types.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { accountsState, DEMO, demoState } from '../../src/emulator/seed.ts';
import { parseState } from '../../src/emulator/state-file.ts';
import { kms } from './support.ts';

/** The README's demo accounts. */
const CONTRACT_USERS = [
  {
    name: 'alice',
    password: 'alice-demo-password',
    accessKey: 'ALICEDEMOACCESSKEY0001',
    secretKey: 'alice-demo-secret-key',
    domain: 'demo',
  },
  { name: 'bob', password: 'bob-demo-password', accessKey: 'BOBDEMOACCESSKEY00001', secretKey: 'bob-demo-secret-key', domain: 'demo' },
];
const SECRET = 'test-token-secret-0123456789';

describe('emulator seed', () => {
  describe('demo', () => {
    const state = demoState(SECRET);

    it('is the same on every build, but for the token secret', () => {
      expect({ ...demoState('another-secret-value-xyz'), tokenSecret: SECRET }).toEqual(state);
    });

    it('has the README’s project, domain, users, passwords and AK/SK pairs', () => {
      expect(state.projects[0]).toEqual({ id: '0123456789abcdef0123456789abcdef', name: 'cn-north-4', domainId: DEMO.domain.id });
      const users = state.users
        .filter((u) => u.domainId === DEMO.domain.id)
        .map((u) => ({ name: u.name, password: u.password, accessKey: u.accessKey, secretKey: u.secretKey, domain: 'demo' }));
      expect(users).toEqual(CONTRACT_USERS);
      expect(state.domains.find((d) => d.id === DEMO.domain.id)?.name).toBe('demo');
    });

    it('uses 32-lower-hex principal ids and well-formed key and grant ids', () => {
      expect(state.users.every((u) => /^[0-9a-f]{32}$/.test(u.id))).toBe(true);
      expect(state.domains.every((d) => /^[0-9a-f]{32}$/.test(d.id))).toBe(true);
      expect(state.keys.every((k) => KMS_PATTERNS.keyId.test(k.details.key_id))).toBe(true);
      expect(state.grants.every((g) => /^[0-9a-f]{64}$/.test(g.grant_id))).toBe(true);
    });

    it('holds one key at the 100-grant quota, and keys of alice in every demo state', () => {
      expect(state.grants.filter((g) => g.key_id === DEMO.keys.full)).toHaveLength(100);
      const aliceStates = state.keys.filter((k) => k.creatorId === DEMO.users.alice.id).map((k) => k.details.key_state);
      expect(new Set(aliceStates)).toEqual(new Set(['2', '3', '4', '5']));
    });

    it('has at least 30 grants retirable by bob, over at least 5 keys', () => {
      const bobs = state.grants.filter((g) => g.retiring_principal === DEMO.users.bob.id);
      expect({ grants: bobs.length, keys: new Set(bobs.map((g) => g.key_id)).size }).toEqual(DEMO.bobRetirable);
      expect(DEMO.bobRetirable.grants).toBeGreaterThanOrEqual(30);
      expect(DEMO.bobRetirable.keys).toBeGreaterThanOrEqual(5);
    });

    it('has domain grantees, and grants with and without names', () => {
      expect(state.grants.some((g) => g.grantee_principal_type === 'domain')).toBe(true);
      expect(state.grants.some((g) => g.name !== undefined)).toBe(true);
      expect(state.grants.some((g) => !('name' in g))).toBe(true);
      expect(state.grants.some((g) => !('retiring_principal' in g))).toBe(true);
    });

    it('matches DEMO.grantCounts', () => {
      for (const [label, count] of Object.entries(DEMO.grantCounts)) {
        expect(state.grants.filter((g) => g.key_id === DEMO.keys[label as keyof typeof DEMO.keys])).toHaveLength(count);
      }
    });

    it('survives its own file format', () => {
      expect(parseState(JSON.parse(JSON.stringify(state)), 'unused-fallback-secret')).toEqual(state);
    });
  });

  describe('parseState', () => {
    const good = demoState(SECRET);
    it.each([
      ['a missing array', { ...good, users: undefined }, 'users must be an array'],
      ['a bad grant id', { ...good, grants: [{ ...good.grants[0], grant_id: 'x' }] }, 'grants[0].grant_id must match'],
      ['a grant on an unknown key', { ...good, keys: [], grants: [good.grants[0]] }, 'grants[0].key_id names an unknown key'],
      [
        'a duplicate access key',
        { ...good, keys: [], grants: [], users: [good.users[0], { ...good.users[1], accessKey: good.users[0]?.accessKey }] },
        'duplicate access key',
      ],
      [
        'an unknown operation',
        { ...good, grants: [{ ...good.grants[0], operations: ['fly'] }] },
        'grants[0].operations[0] is not a grant operation',
      ],
    ])('rejects %s, naming it', (_label, json, message) => {
      expect(() => parseState(json, SECRET)).toThrow(message);
    });

    it('takes the fallback token secret when the document has none', () => {
      const { tokenSecret: _omit, ...rest } = good;
      expect(parseState(rest, 'fallback-secret-0123456789').tokenSecret).toBe('fallback-secret-0123456789');
    });
  });

  describe('startEmulator seeds', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kms-seed-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('"empty" has the demo accounts and no keys', async () => {
      const emu = await startEmulator({ seed: 'empty' });
      try {
        expect(Object.keys(emu.demo)).toEqual(['alice', 'bob', 'carol']);
        const res = await kms(emu, 'list-keys', { key_spec: 'ALL' }, { token: emu.demo.alice?.token ?? '' });
        expect(res.body).toEqual({ keys: [], key_details: [], next_marker: '', truncated: 'false', total: 0 });
      } finally {
        await emu.close();
      }
    });

    it('a seed file is loaded as given, with its users in demo', async () => {
      const state = accountsState(SECRET);
      const path = join(dir, 'seed.json');
      await writeFile(path, JSON.stringify({ ...state, users: state.users.slice(0, 1) }));
      const emu = await startEmulator({ seed: path });
      try {
        expect(Object.keys(emu.demo)).toEqual(['alice']);
        expect(emu.demo.alice).toEqual({
          name: 'alice',
          password: 'alice-demo-password',
          userId: DEMO.users.alice.id,
          domainId: DEMO.domain.id,
          domainName: 'demo',
          projectId: DEMO.projectId,
          accessKey: 'ALICEDEMOACCESSKEY0001',
          secretKey: 'alice-demo-secret-key',
          token: expect.any(String),
        });
      } finally {
        await emu.close();
      }
    });

    it('a bad seed file stops start-up with a message naming the file', async () => {
      const path = join(dir, 'bad.json');
      await writeFile(path, '{"domains": 3}');
      await expect(startEmulator({ seed: path })).rejects.toThrow(`seed file ${path}: domains must be an array`);
      await expect(startEmulator({ seed: join(dir, 'missing.json') })).rejects.toThrow(/seed file .*missing\.json: ENOENT/);
    });
  });
});
