import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { DEMO } from '../../src/emulator/index.ts';
import { gql, type GqlResult } from '../support/gateway.ts';
import { describeInChromium, describeOffline, useBrowserPage } from './session.ts';
import { FULL_KEY, screenshot, type DemoStack } from './support.ts';

interface IdsConnection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: { grantId: string } }[];
}

/**
 * Every grant id of a connection in KMS's order, asked of the gateway directly 100 at a time
 * (the gateway's cost limit refuses larger pages of this shape).
 */
async function allIds(stack: DemoStack, field: 'grants' | 'retirableGrants', keyId?: string): Promise<{ total: number; ids: string[] }> {
  const args = field === 'grants' ? 'keyId: $k, first: 100, after: $after' : 'first: 100, after: $after';
  const query = `query($k: ID!, $after: String) { ${field}(${args}) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { grantId } } } }`;
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const text = field === 'grants' ? query : query.replace('$k: ID!, ', '');
    const { body }: GqlResult<Record<string, IdsConnection>> = await gql(stack.gw, text, { k: keyId, after }, { 'x-auth-token': stack.token });
    const connection: IdsConnection | undefined = body.data?.[field];
    if (connection === undefined) throw new Error(`${field} failed: ${JSON.stringify(body.errors)}`);
    ids.push(...connection.edges.map((e) => e.node.grantId));
    if (!connection.pageInfo.hasNextPage) return { total: connection.totalCount, ids };
    after = connection.pageInfo.endCursor;
  }
}

const grantIds = (stack: DemoStack, keyId: string) => allIds(stack, 'grants', keyId);
const retirableIds = async (stack: DemoStack) => (await allIds(stack, 'retirableGrants')).ids;

/** The `data-grant-id` of each row of a table body, in order. */
function rowIds(body: Locator): Promise<string[]> {
  return body.locator('tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-grant-id') ?? ''));
}

describeInChromium('demo page at / (client/demo/, headless Chromium)', () => {
  const session = useBrowserPage((stack) => `${stack.gw.url}/`);

  const status = (): Locator => session.tab.page.getByRole('status');
  const grantsBody = (): Locator => session.tab.page.locator('#grants-body');

  describe('opening on the emulator', () => {
    it('prefills the demo token and the 100-grant demo key, and says it is ready', async () => {
      const { page } = session.tab;
      await expect.poll(() => status().innerText()).toContain('Ready');
      expect(await page.getByLabel('KMS token').inputValue()).toBe(session.stack.token);
      expect(await page.getByLabel('Key id').inputValue()).toBe(FULL_KEY);
    });
  });

  describe('paging with "Load more"', () => {
    it('shows the first 20 grants with the key’s alias and state', async () => {
      const { page } = session.tab;
      await page.getByRole('button', { name: 'Show grants', exact: true }).click();
      await expect.poll(() => grantsBody().locator('tr').count()).toBe(20);
      expect(await page.locator('#grants-caption').innerText()).toBe('Showing 20 of 100 grants.');
      expect(await page.locator('#key-summary').innerText()).toBe('demo-full (ENABLED)');
      await screenshot(page, 'demo');
    });

    it('pages to the end of the 100-grant key, each grant once and in KMS’s order, then hides "Load more"', async () => {
      const { page } = session.tab;
      const loadMore = page.getByRole('button', { name: 'Load more' }).first();
      let clicks = 0;
      while (await loadMore.isVisible()) {
        const before = await grantsBody().locator('tr').count();
        await loadMore.click();
        await expect.poll(() => grantsBody().locator('tr').count()).toBeGreaterThan(before);
        clicks += 1;
        expect(clicks).toBeLessThanOrEqual(4);
      }
      expect(clicks).toBe(4);
      const shown = await rowIds(grantsBody());
      expect(new Set(shown).size).toBe(100);
      expect(shown).toEqual((await grantIds(session.stack, FULL_KEY)).ids);
      expect(await status().innerText()).toBe('Showing 100 of 100 grants. That is all of them.');
      await screenshot(page, 'demo-all-grants', true);
    });
  });

  describe('revoking', () => {
    it('asks first, and revokes nothing on "Cancel"', async () => {
      const { page } = session.tab;
      const [, target] = await rowIds(grantsBody());
      await grantsBody().locator(`tr[data-grant-id="${target}"]`).getByRole('button', { name: /^Revoke grant/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke this grant?' });
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain(target);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => status().innerText()).toBe('Nothing revoked.');
      expect(await grantsBody().locator(`tr[data-grant-id="${target}"]`).count()).toBe(1);
      expect((await grantIds(session.stack, FULL_KEY)).total).toBe(100);
    });

    it('revokes after "Revoke": the row disappears, and KMS no longer lists the grant', async () => {
      const { page } = session.tab;
      const [, , target] = await rowIds(grantsBody());
      if (target === undefined) throw new Error('no third row');
      await grantsBody().locator(`tr[data-grant-id="${target}"]`).getByRole('button', { name: /^Revoke grant/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke this grant?' });
      await dialog.waitFor();
      await screenshot(page, 'demo-revoke-dialog');
      await dialog.getByRole('button', { name: 'Revoke' }).click();
      await expect.poll(() => status().innerText()).toMatch(/^Revoked grant /);
      expect(await grantsBody().locator(`tr[data-grant-id="${target}"]`).count()).toBe(0);
      expect(await grantsBody().locator('tr').count()).toBe(99);
      expect(await page.locator('#grants-caption').innerText()).toBe('Showing 99 of 99 grants.');
      const after = await grantIds(session.stack, FULL_KEY);
      expect(after.total).toBe(99);
      expect(after.ids).not.toContain(target);
      expect(await rowIds(grantsBody())).toEqual(after.ids);
    });
  });

  describe('retirable grants', () => {
    it('lists exactly the grants whose retiring principal is the caller', async () => {
      const { page } = session.tab;
      await page.getByRole('button', { name: 'Show grants I may retire' }).click();
      const body = page.locator('#retirable-body');
      const expected = await retirableIds(session.stack);
      expect(expected).toContain(DEMO.grants.appBobRetireGrant);
      await expect.poll(() => body.locator('tr').count()).toBe(Math.min(expected.length, 20));
      const more = page.locator('#retirable-more');
      while (await more.isVisible()) {
        const before = await body.locator('tr').count();
        await more.click();
        await expect.poll(() => body.locator('tr').count()).toBeGreaterThan(before);
      }
      expect(await rowIds(body)).toEqual(expected);
      await page.locator('#retirable-section').scrollIntoViewIfNeeded();
      await screenshot(page, 'demo-retirable');
    });
  });

  describe('errors', () => {
    it('announces UNAUTHENTICATED in the status line when the token is empty', async () => {
      const { page } = session.tab;
      await page.getByLabel('KMS token').fill('');
      await page.getByRole('button', { name: 'Show grants', exact: true }).click();
      await expect.poll(() => status().innerText()).toMatch(/^Loading grants failed \(UNAUTHENTICATED\): /);
      expect(await status().getAttribute('aria-live')).toBe('polite');
    });
  });

  describeOffline(session, ['/', '/static/web/demo.js', '/graphql']);
});
