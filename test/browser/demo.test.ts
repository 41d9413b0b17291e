import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { DEMO } from '../../src/emulator/index.ts';
import { listFromKms } from '../support/emulatorStack.ts';
import { describeInChromium, describeOffline, useBrowserPage } from './session.ts';
import { FULL_KEY, pageToEnd, rowIds, screenshot, type DemoStack } from './support.ts';

/** Every grant id KMS lists for alice, in its order: the grants of `keyId`, or her retirable grants. Read straight from the emulator. */
async function kmsIds(stack: DemoStack, keyId: string | undefined): Promise<string[]> {
  return (await listFromKms(stack.emu, keyId, stack.token)).map((g) => g.grant_id);
}

describeInChromium('demo page at / (client/demo/, headless Chromium)', () => {
  const session = useBrowserPage((stack) => `${stack.gw.url}/`);

  const status = (): Locator => session.tab.page.getByRole('status');
  const grantsBody = (): Locator => session.tab.page.locator('#grants-body');

  describe('opening on the emulator', () => {
    it('prefills the demo token and the 100-grant demo key, and says it is ready', async () => {
      const { page } = session.tab;
      await expect.poll(() => status().innerText()).toContain('Ready');
      expect({ token: await page.getByLabel('KMS token').inputValue(), keyId: await page.getByLabel('Key id').inputValue() }).toEqual({
        token: session.stack.token,
        keyId: FULL_KEY,
      });
    });
  });

  describe('paging with "Load more"', () => {
    it('shows the first 20 grants with the key’s alias and state', async () => {
      const { page } = session.tab;
      await page.getByRole('button', { name: 'Show grants', exact: true }).click();
      await expect.poll(() => grantsBody().locator('tr').count()).toBe(20);
      expect({ caption: await page.locator('#grants-caption').innerText(), key: await page.locator('#key-summary').innerText() }).toEqual({
        caption: 'Showing 20 of 100 grants.',
        key: 'demo-full (ENABLED)',
      });
      await screenshot(page, 'demo');
    });

    it('pages to the end of the 100-grant key, each grant once and in KMS’s order, then hides "Load more"', async () => {
      const { page } = session.tab;
      const loadMore = page.getByRole('button', { name: 'Load more' }).first();
      const clicks = await pageToEnd(grantsBody(), loadMore, 4);
      expect({ clicks, rows: await rowIds(grantsBody(), 'data-grant-id'), status: await status().innerText() }).toEqual({
        clicks: 4,
        rows: await kmsIds(session.stack, FULL_KEY),
        status: 'Showing 100 of 100 grants. That is all of them.',
      });
      await screenshot(page, 'demo-all-grants', true);
    });
  });

  /** Clicks "Revoke" on the row of `grantId` and waits for the confirmation dialog. */
  const askToRevoke = async (page: typeof session.tab.page, grantId: string) => {
    await grantsBody()
      .locator(`tr[data-grant-id="${grantId}"]`)
      .getByRole('button', { name: /^Revoke grant/ })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this grant?' });
    await dialog.waitFor();
    return dialog;
  };

  describe('revoking', () => {
    it('asks first, and revokes nothing on "Cancel"', async () => {
      const { page } = session.tab;
      const [, target = ''] = await rowIds(grantsBody(), 'data-grant-id');
      const dialog = await askToRevoke(page, target);
      expect(await dialog.innerText()).toContain(target);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => status().innerText()).toBe('Nothing revoked.');
      expect({
        row: await grantsBody().locator(`tr[data-grant-id="${target}"]`).count(),
        kms: (await kmsIds(session.stack, FULL_KEY)).length,
      }).toEqual({ row: 1, kms: 100 });
    });

    it('revokes after "Revoke": the row disappears, and KMS no longer lists the grant', async () => {
      const { page } = session.tab;
      const [, , target = ''] = await rowIds(grantsBody(), 'data-grant-id');
      const dialog = await askToRevoke(page, target);
      await screenshot(page, 'demo-revoke-dialog');
      await dialog.getByRole('button', { name: 'Revoke' }).click();
      await expect.poll(() => status().innerText()).toMatch(/^Revoked grant /);
      const kms = await kmsIds(session.stack, FULL_KEY);
      expect({
        rows: await rowIds(grantsBody(), 'data-grant-id'),
        caption: await page.locator('#grants-caption').innerText(),
        kmsStillLists: kms.includes(target),
      }).toEqual({
        rows: kms,
        caption: 'Showing 99 of 99 grants.',
        kmsStillLists: false,
      });
      expect(kms).toHaveLength(99);
    });
  });

  describe('retirable grants', () => {
    it('lists exactly the grants whose retiring principal is the caller', async () => {
      const { page } = session.tab;
      await page.getByRole('button', { name: 'Show grants I may retire' }).click();
      const body = page.locator('#retirable-body');
      const expected = await kmsIds(session.stack, undefined);
      expect(expected).toContain(DEMO.grants.appBobRetireGrant);
      await expect.poll(() => body.locator('tr').count()).toBe(Math.min(expected.length, 20));
      await pageToEnd(body, page.locator('#retirable-more'), Math.ceil(expected.length / 20));
      expect(await rowIds(body, 'data-grant-id')).toEqual(expected);
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
