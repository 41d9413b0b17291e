import { describe, expect, it } from 'vitest';
import { iamTime } from '../../src/emulator/iam.ts';
import { DEMO } from '../../src/emulator/seed.ts';
import { useEmulator } from './session.ts';
import { iamLogin, kms, passwordBody } from './support.ts';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const DAY = 24 * 60 * 60 * 1000;
const { alice, bob, carol } = DEMO.users;

/** The 201 body for alice scoped to the demo project at NOW. */
const ALICE_TOKEN_BODY = {
  token: {
    user: { id: alice.id, name: 'alice', domain: { id: DEMO.domain.id, name: 'demo' } },
    project: { id: DEMO.projectId, name: DEMO.projectName },
    expires_at: '2025-06-02T12:00:00.000000Z',
    issued_at: '2025-06-01T12:00:00.000000Z',
    methods: ['password'],
  },
};

describe('emulator IAM', () => {
  const live = useEmulator({ now: () => NOW });

  describe('POST /v3/auth/tokens', () => {
    it('answers 201 with the token in X-Subject-Token and IAM’s token body', async () => {
      const res = await iamLogin(live.emu, passwordBody('alice', 'alice-demo-password', 'demo', { id: DEMO.projectId }));
      expect(res.status).toBe(201);
      expect(res.body).toEqual(ALICE_TOKEN_BODY);
      expect(res.headers['x-subject-token']).toMatch(/^\S{20,}$/);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    });

    it('issues a token KMS accepts as that user', async () => {
      const res = await iamLogin(live.emu, passwordBody('bob', 'bob-demo-password', 'demo', { id: DEMO.projectId }));
      const token = res.headers['x-subject-token'] ?? '';
      const list = await kms(live.emu, 'list-retirable-grants', { limit: '1' }, { token });
      expect(list).toMatchObject({ status: 200, body: { total: DEMO.bobRetirable.grants } });
    });

    it('scopes by project name within the user’s account', async () => {
      const res = await iamLogin(live.emu, passwordBody('carol', 'carol-demo-password', 'acme', { name: DEMO.projectName }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ token: { project: { id: DEMO.acmeProjectId }, user: { id: carol.id } } });
    });

    it('takes the user by id, and the domain by id', async () => {
      const byId = await iamLogin(live.emu, {
        auth: {
          identity: { methods: ['password'], password: { user: { id: bob.id, password: bob.password } } },
          scope: { project: { id: DEMO.projectId } },
        },
      });
      expect(byId.status).toBe(201);
      const byDomainId = await iamLogin(live.emu, {
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'bob', password: bob.password, domain: { id: DEMO.domain.id } } } },
          scope: { project: { id: DEMO.projectId } },
        },
      });
      expect(byDomainId.status).toBe(201);
    });

    it.each([
      ['a wrong password', passwordBody('alice', 'wrong', 'demo', { id: DEMO.projectId })],
      ['an unknown user', passwordBody('mallory', 'alice-demo-password', 'demo', { id: DEMO.projectId })],
      ['a user of another domain', passwordBody('alice', 'alice-demo-password', 'acme', { id: DEMO.projectId })],
    ])('answers %s with 401 and one message', async (_label, body) => {
      const res = await iamLogin(live.emu, body);
      expect(res).toMatchObject({
        status: 401,
        body: { error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' } },
      });
      expect(res.headers['x-subject-token']).toBeUndefined();
    });

    it('answers a project of another account with 401', async () => {
      const res = await iamLogin(live.emu, passwordBody('alice', 'alice-demo-password', 'demo', { id: DEMO.acmeProjectId }));
      expect(res).toMatchObject({ status: 401, body: { error: { code: 401, title: 'Unauthorized' } } });
    });

    it.each([
      ['not JSON', '{"auth":'],
      ['no password method', { auth: { identity: { methods: ['token'] }, scope: { project: { id: DEMO.projectId } } } }],
      [
        'no scope',
        { auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: 'x', domain: { name: 'demo' } } } } } },
      ],
      [
        'a user name without a domain',
        { auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: 'x' } } } } },
      ],
    ])('answers a body with %s with 400', async (_label, body) => {
      const res = await iamLogin(live.emu, body);
      expect(res).toMatchObject({ status: 400, body: { error: { code: 400, title: 'Bad Request' } } });
    });
  });

  describe('iamTime', () => {
    it('formats epoch ms as IAM does, with microseconds', () => {
      expect(iamTime(NOW + DAY + 7)).toBe('2025-06-02T12:00:00.007000Z');
    });
  });
});
