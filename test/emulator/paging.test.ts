import { describe, expect, it } from 'vitest';
import { parseLimit, parseMarker, slicePage } from '../../src/emulator/paging.ts';
import { DEMO, demoGrantId } from '../../src/emulator/seed.ts';
import { useEmulator } from './session.ts';
import { kms, kmsError } from './support.ts';

const LETTERS = ['a', 'b', 'c', 'd', 'e'];

describe('emulator paging', () => {
  describe('parseLimit', () => {
    it.each([
      [undefined, 1000],
      [null, 1000],
      ['', 1000],
      ['1', 1],
      ['007', 7],
      ['1000', 1000],
      [25, 25],
    ])('reads %j as %i', (input, expected) => {
      expect(parseLimit(input)).toBe(expected);
    });

    it.each([['0'], ['1001'], ['-1'], ['1.5'], ['1e2'], [' 5'], ['abc'], [0], [1001], [2.5], [true], [['5']], [{}]])(
      'rejects %j with KMS.1601',
      (input) => {
        expect(() => parseLimit(input)).toThrow(expect.objectContaining({ status: 400, code: 'KMS.1601' }));
      },
    );
  });

  describe('parseMarker', () => {
    it.each([
      [undefined, 0],
      ['', 0],
      ['0', 0],
      ['42', 42],
      [7, 7],
    ])('reads %j as offset %i', (input, expected) => {
      expect(parseMarker(input)).toBe(expected);
    });

    it.each([['-1'], ['x'], ['1.0'], [-1], [1.5], [false], ['99999999999999999999']])('rejects %j with KMS.1602', (input) => {
      expect(() => parseMarker(input)).toThrow(expect.objectContaining({ status: 400, code: 'KMS.1602' }));
    });
  });

  describe('slicePage', () => {
    it('holds min(limit, remaining) items and points at the next one while more remain', () => {
      expect(slicePage(LETTERS, 2, 0)).toEqual({ items: ['a', 'b'], next_marker: '2', truncated: 'true', total: 5 });
      expect(slicePage(LETTERS, 2, 4)).toEqual({ items: ['e'], next_marker: '', truncated: 'false', total: 5 });
    });

    it('ends with next_marker "" exactly when the page reaches the end', () => {
      expect(slicePage(LETTERS, 5, 0)).toEqual({ items: LETTERS, next_marker: '', truncated: 'false', total: 5 });
      expect(slicePage(LETTERS, 3, 9)).toEqual({ items: [], next_marker: '', truncated: 'false', total: 5 });
    });
  });

  describe('over HTTP', () => {
    const live = useEmulator();

    /** Follows next_marker to the end; returns every grant id and each page's size. */
    async function pageThrough(action: string, body: Record<string, unknown>, limit: number, token: string) {
      const ids: string[] = [];
      const sizes: number[] = [];
      let marker: string | undefined;
      for (let i = 0; i < 200; i++) {
        const res = await kms(live.emu, action, { ...body, limit: String(limit), ...(marker === undefined ? {} : { marker }) }, { token });
        expect(res.status).toBe(200);
        const page = res.body as { grants: Array<{ grant_id: string }>; next_marker: string; truncated: string; total: number };
        ids.push(...page.grants.map((g) => g.grant_id));
        sizes.push(page.grants.length);
        expect(page.truncated).toBe(page.next_marker === '' ? 'false' : 'true');
        if (page.next_marker === '') return { ids, sizes, total: page.total };
        marker = page.next_marker;
      }
      throw new Error('paging did not end');
    }

    const FULL_IDS = Array.from({ length: 100 }, (_, i) => demoGrantId('full', i));

    it.each([1, 7, 10, 100, 1000])('pages the 100-grant key with limit %i: each grant exactly once, in order', async (limit) => {
      const { ids, sizes, total } = await pageThrough('list-grants', { key_id: DEMO.keys.full }, limit, live.tokens.alice);
      expect(ids).toEqual(FULL_IDS);
      expect(total).toBe(100);
      const expectedSizes = Array.from({ length: Math.ceil(100 / limit) }, (_, i) => Math.min(limit, 100 - i * limit));
      expect(sizes).toEqual(expectedSizes);
    });

    it.each([1, 7, 10, 100, 1000])('pages bob’s retirable list with limit %i: each grant exactly once', async (limit) => {
      const token = live.tokens.bob;
      const all = await kms(live.emu, 'list-retirable-grants', {}, { token });
      const allIds = (all.body as { grants: Array<{ grant_id: string }> }).grants.map((g) => g.grant_id);
      expect(allIds).toHaveLength(DEMO.bobRetirable.grants);
      const { ids, total } = await pageThrough('list-retirable-grants', {}, limit, token);
      expect(ids).toEqual(allIds);
      expect(new Set(ids).size).toBe(ids.length);
      expect(total).toBe(DEMO.bobRetirable.grants);
    });

    it('takes a JSON integer limit, and an absent or empty limit as 1000', async () => {
      const token = live.tokens.alice;
      const numeric = await kms(live.emu, 'list-grants', { key_id: DEMO.keys.full, limit: 30 }, { token });
      expect(numeric.body).toMatchObject({ next_marker: '30', truncated: 'true', total: 100 });
      const empty = await kms(live.emu, 'list-grants', { key_id: DEMO.keys.full, limit: '', marker: '' }, { token });
      expect(empty.body).toMatchObject({ next_marker: '', truncated: 'false', total: 100 });
      expect((empty.body as { grants: unknown[] }).grants).toHaveLength(100);
    });

    it('answers 400 KMS.1601 for a bad limit and 400 KMS.1602 for a bad marker', async () => {
      const token = live.tokens.alice;
      for (const limit of ['0', '1001', 'ten', -3]) {
        expect(await kms(live.emu, 'list-grants', { key_id: DEMO.keys.full, limit }, { token })).toMatchObject({
          status: 400,
          body: kmsError('KMS.1601'),
        });
        expect(await kms(live.emu, 'list-retirable-grants', { limit }, { token })).toMatchObject({
          status: 400,
          body: kmsError('KMS.1601'),
        });
      }
      for (const marker of ['-1', 'abc', 'eyJvZmZzZXQiOjV9']) {
        expect(await kms(live.emu, 'list-grants', { key_id: DEMO.keys.full, marker }, { token })).toMatchObject({
          status: 400,
          body: kmsError('KMS.1602'),
        });
        expect(await kms(live.emu, 'list-retirable-grants', { marker }, { token })).toMatchObject({
          status: 400,
          body: kmsError('KMS.1602'),
        });
      }
    });
  });
});
