import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/emulator/index.ts';
import { useEmulator } from './session.ts';
import { kms } from './support.ts';

interface GrantPage {
  grants: { grant_id: string }[];
  next_marker: string;
  truncated: string;
  total: number;
}

const session = useEmulator();
beforeEach(() => session.emu.reset());

const listGrants = async (body: Record<string, unknown>, token = session.tokens.alice) =>
  kms(session.emu, 'list-grants', { key_id: DEMO.keys.full, ...body }, { token });

/** Every grant id of the 100-grant key, following next_marker with `limit`. */
async function walk(limit: string): Promise<{ ids: string[]; markers: string[] }> {
  const ids: string[] = [];
  const markers: string[] = [];
  let marker = '';
  for (;;) {
    const { status, body } = await listGrants({ limit, ...(marker && { marker }) });
    expect(status).toBe(200);
    const page = body as GrantPage;
    ids.push(...page.grants.map((g) => g.grant_id));
    if (page.truncated !== 'true') return { ids, markers };
    marker = page.next_marker;
    markers.push(marker);
  }
}

describe('emulator as the one KMS stand-in', () => {
  describe('page cap', () => {
    it('serves at most pageCap grants whatever limit asks, from the next call on, and markers issued before stay valid', async () => {
      const first = (await listGrants({ limit: '10' })).body as GrantPage;
      session.emu.settings.pageCap = 3;
      const resumed = (await listGrants({ limit: '10', marker: first.next_marker })).body as GrantPage;
      const all = (await walk('1000')).ids;
      expect({
        first: first.grants.length,
        resumed: resumed.grants.map((g) => g.grant_id),
        truncated: resumed.truncated,
        all: all.length,
      }).toEqual({
        first: 10,
        resumed: all.slice(10, 13),
        truncated: 'true',
        all: 100,
      });
    });
  });

  describe('opaque markers', () => {
    it('hands out markers holding +, / and =, which page exactly like offsets and work only for their own listing', async () => {
      const offsets = await walk('30');
      session.emu.settings.markers = 'opaque';
      const opaque = await walk('30');
      expect(opaque.ids).toEqual(offsets.ids);
      for (const marker of opaque.markers) expect(marker).toMatch(/^m:.*[+/=]/);
      const elsewhere = await kms(
        session.emu,
        'list-grants',
        { key_id: DEMO.keys.app, marker: opaque.markers[0] },
        { token: session.tokens.alice },
      );
      const asBob = await listGrants({ marker: opaque.markers[0] }, session.tokens.bob);
      const forged = await listGrants({ marker: '30' });
      expect([elsewhere, asBob, forged].map((a) => [a.status, (a.body as { error?: { error_code?: string } }).error?.error_code])).toEqual([
        [400, 'KMS.1602'],
        [400, 'KMS.1602'],
        [400, 'KMS.1602'],
      ]);
    });
  });

  describe('faults for one key', () => {
    it('applies a rule with keyId only to requests naming that key, and before the action-wide rule', async () => {
      session.emu.faults.set({
        action: 'list-grants',
        keyId: DEMO.keys.app,
        effect: { kind: 'error', status: 503, shape: 'kms', code: 'KMS.0104' },
      });
      const other = await listGrants({ limit: '1' });
      const targeted = await kms(session.emu, 'list-grants', { key_id: DEMO.keys.app }, { token: session.tokens.alice });
      session.emu.faults.set({ action: 'list-grants', effect: { kind: 'error', status: 500, shape: 'kms', code: 'KMS.0101' } });
      const stillTargeted = await kms(session.emu, 'list-grants', { key_id: DEMO.keys.app }, { token: session.tokens.alice });
      expect([other.status, targeted.status, stillTargeted.status]).toEqual([200, 503, 503]);
    });
  });

  describe('request log and reset', () => {
    it('records every KMS request, and reset() restores the data, the settings and forgets rules and requests', async () => {
      const { body } = await listGrants({ limit: '1' });
      const grantId = (body as GrantPage).grants[0]?.grant_id;
      await kms(session.emu, 'revoke-grant', { key_id: DEMO.keys.full, grant_id: grantId }, { token: session.tokens.alice });
      session.emu.settings.pageCap = 2;
      session.emu.faults.set({ action: 'describe-key', effect: { kind: 'drop' } });
      const logged = session.emu.requests.map((r) => [r.action, r.body?.['key_id'], r.headers['x-auth-token'] === session.tokens.alice]);
      await session.emu.reset();
      const after = (await listGrants({})).body as GrantPage;
      expect({
        logged,
        requests: session.emu.requests.length,
        total: after.total,
        served: after.grants.length,
        faults: session.emu.faults.list(),
      }).toEqual({
        logged: [
          ['list-grants', DEMO.keys.full, true],
          ['revoke-grant', DEMO.keys.full, true],
        ],
        requests: 1,
        total: 100,
        served: 100,
        faults: [],
      });
    });
  });

  describe('answer cache', () => {
    it('answers repeated reads from its cache until the next change, per caller', async () => {
      session.emu.settings.answerCache = true;
      const before = await walk('40');
      const again = await walk('40');
      await kms(session.emu, 'revoke-grant', { key_id: DEMO.keys.full, grant_id: before.ids[0] }, { token: session.tokens.alice });
      const afterChange = await walk('40');
      const asBob = await listGrants({}, session.tokens.bob);
      expect({ again: again.ids, afterChange: afterChange.ids, bob: asBob.status }).toEqual({
        again: before.ids,
        afterChange: before.ids.slice(1),
        bob: 200,
      });
    });
  });
});
