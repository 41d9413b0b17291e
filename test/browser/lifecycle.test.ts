/**
 * The demo page's grant lifecycle in headless Chromium, on a gateway with the development shell's
 * full preset (alice's token, the 100-grant key, and both demo users to switch between): pick a
 * key from the paged key list, page its grants to the end, have KMS refuse a 101st grant, create a
 * grant on another key, revoke it, then act as bob and retire a grant from his list. Each step is
 * checked on the page and against the gateway itself (and the emulator's request log).
 */
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { DEMO } from '../../src/emulator/index.ts';
import { graphiqlOptions } from '../../src/web/graphiql.ts';
import { validateGrant } from '../../client/demo/validate.ts';
import { describeInChromium, describeOffline, useBrowserPage } from './session.ts';
import { pageToEnd, requestedHosts, rowIds, screenshot, type DemoStack } from './support.ts';

/** A demo user the stack carries. */
type DemoUserName = 'alice' | 'bob';

/** One GraphQL call to the gateway, as `user`; throws on any error. */
async function ask<T>(stack: DemoStack, user: DemoUserName, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(stack.gw.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': stack[user].token },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (body.errors !== undefined || body.data === undefined) throw new Error(`gateway: ${JSON.stringify(body.errors)}`);
  return body.data;
}

interface ListedKey {
  keyId: string;
  alias: string | null;
  state: string | null;
  spec: string | null;
  grants: { totalCount: number };
}

/** The caller's keys in KMS's order, with their grant counts, from the gateway. */
async function listedKeys(stack: DemoStack, user: DemoUserName): Promise<ListedKey[]> {
  const data = await ask<{ keys: { edges: { node: ListedKey }[] } }>(
    stack,
    user,
    '{ keys(first: 100) { edges { node { keyId alias state spec grants(first: 0) { totalCount } } } } }',
  );
  return data.keys.edges.map((e) => e.node);
}

interface ListedGrant {
  grantId: string;
  keyId: string;
  name: string | null;
}

/** Every grant of `keyId` (or, without one, every grant `user` may retire), in KMS's order. */
async function listedGrants(stack: DemoStack, user: DemoUserName, keyId?: string): Promise<{ total: number; grants: ListedGrant[] }> {
  const field = keyId === undefined ? 'retirableGrants(first: 100, after: $after)' : 'grants(keyId: $k, first: 100, after: $after)';
  const query = `query($k: ID!, $after: String) { c: ${field} { totalCount pageInfo { hasNextPage endCursor } edges { node { grantId keyId name } } } }`;
  type Connection = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: ListedGrant }[] };
  const grants: ListedGrant[] = [];
  let after: string | null = null;
  for (;;) {
    const text = keyId === undefined ? query.replace('$k: ID!, ', '') : query;
    const { c }: { c: Connection } = await ask<{ c: Connection }>(stack, user, text, keyId === undefined ? { after } : { k: keyId, after });
    grants.push(...c.edges.map((e) => e.node));
    if (!c.pageInfo.hasNextPage) return { total: c.totalCount, grants };
    after = c.pageInfo.endCursor;
  }
}

/** The id of the element that has the focus. */
const focusedId = (page: Page): Promise<string> => page.evaluate(() => document.activeElement?.id ?? '');

describe('the create-grant form checks a grant as the gateway does (client/demo/validate.ts)', () => {
  const good = {
    keyId: DEMO.keys.app,
    granteePrincipal: 'bob1',
    granteePrincipalType: '',
    operations: ['DESCRIBE_KEY'],
    name: '',
    retiringPrincipal: '',
  };
  it.each([
    ['a principal with a dash', { granteePrincipal: 'bob-1' }, 'granteePrincipal'],
    ['a principal of 65 characters', { granteePrincipal: 'a'.repeat(65) }, 'granteePrincipal'],
    ['no principal', { granteePrincipal: '' }, 'granteePrincipal'],
    ['a name with a space', { name: 'a b' }, 'name'],
    ['a name of 256 characters', { name: 'a'.repeat(256) }, 'name'],
    ['a retiring principal with a dot', { retiringPrincipal: 'b.b' }, 'retiringPrincipal'],
    ['no operation', { operations: [] }, 'operations'],
    ['an operation twice', { operations: ['DESCRIBE_KEY', 'DESCRIBE_KEY'] }, 'operations'],
    ['CREATE_GRANT alone', { operations: ['CREATE_GRANT'] }, 'operations'],
    ['an unknown operation', { operations: ['ENCRYPT'] }, 'operations'],
    ['an unknown grantee type', { granteePrincipalType: 'GROUP' }, 'granteePrincipalType'],
    ['a key id that is not one', { keyId: 'demo-app' }, 'keyId'],
  ])('refuses %s', (_name, change, field) => {
    const result = validateGrant({ ...good, ...change });
    expect(result.ok ? [] : Object.keys(result.errors)).toEqual([field]);
  });

  it('sends USER by default, KMS’s longest names, CREATE_GRANT with another operation, and leaves out blank optional fields', () => {
    const draft = {
      ...good,
      granteePrincipal: ` ${'a'.repeat(64)} `,
      name: `app:/_-${'x'.repeat(248)}`,
      operations: ['CREATE_GRANT', 'DESCRIBE_KEY'],
    };
    expect(validateGrant(draft)).toEqual({
      ok: true,
      input: {
        keyId: DEMO.keys.app,
        granteePrincipal: 'a'.repeat(64),
        granteePrincipalType: 'USER',
        operations: ['CREATE_GRANT', 'DESCRIBE_KEY'],
        name: draft.name,
      },
    });
    expect(validateGrant({ ...good, granteePrincipalType: 'DOMAIN', retiringPrincipal: 'bob1' })).toMatchObject({
      ok: true,
      input: { granteePrincipalType: 'DOMAIN', retiringPrincipal: 'bob1' },
    });
  });
});

describeInChromium('demo page: the grant lifecycle (client/demo/, headless Chromium)', () => {
  const session = useBrowserPage((stack) => `${stack.gw.url}/`, { preset: 'users' });

  const page = (): Page => session.tab.page;
  const status = (): Locator => page().getByRole('status');
  const keysBody = (): Locator => page().locator('#keys-body');
  const grantsBody = (): Locator => page().locator('#grants-body');
  const retirableBody = (): Locator => page().locator('#retirable-body');
  const keyRow = (keyId: string): Locator => keysBody().locator(`tr[data-key-id="${keyId}"]`);
  const grantCount = (keyId: string): Promise<string> => keyRow(keyId).locator('td.count').innerText();
  const createForm = (): Locator => page().locator('#create-form');

  describe('as alice', () => {
    it('opens on her keys: a paged list with alias, state, spec and grant count', async () => {
      const expected = await listedKeys(session.stack, 'alice');
      expect(expected.length).toBeGreaterThan(5);
      const total = expected.length;
      await expect.poll(() => status().innerText()).toBe(`Ready. Your keys: Showing 5 of ${total} keys. Pick one to see its grants.`);
      expect(await page().getByLabel('Demo user').inputValue()).toBe('alice');
      expect(await page().getByLabel('KMS token').inputValue()).toBe(session.stack.alice.token);
      expect(await page().locator('#keys-caption').innerText()).toBe(`Showing 5 of ${total} keys.`);

      const clicks = await pageToEnd(keysBody(), page().getByRole('button', { name: 'Show more keys' }), 2);
      expect(clicks).toBe(Math.ceil(total / 5) - 1);
      expect(await rowIds(keysBody(), 'data-key-id')).toEqual(expected.map((k) => k.keyId));
      const full = await keyRow(DEMO.keys.full).locator('td').allInnerTexts();
      expect(full.slice(0, 4)).toEqual(['demo-full', 'ENABLED', 'AES_256 · ENCRYPT_DECRYPT', '100']);
      for (const key of expected) expect(await grantCount(key.keyId)).toBe(String(key.grants.totalCount));
      await expect
        .poll(() => status().innerText())
        .toBe(`Your keys: Showing ${total} of ${total} keys. That is all of them. Pick one to see its grants.`);
    });

    it('narrows the list to one state, and back', async () => {
      const filter = page().getByLabel('Show', { exact: true });
      await filter.selectOption('DISABLED');
      await expect.poll(() => rowIds(keysBody(), 'data-key-id')).toEqual([DEMO.keys.disabled]);
      await filter.selectOption('');
      await expect.poll(() => keysBody().locator('tr').count()).toBe(5);
      await pageToEnd(keysBody(), page().getByRole('button', { name: 'Show more keys' }), 2);
    });

    it('picks the 100-grant key from the list and pages it to the end', async () => {
      await keyRow(DEMO.keys.full).getByRole('button', { name: 'Pick key demo-full' }).click();
      await expect.poll(() => grantsBody().locator('tr').count()).toBe(20);
      expect(await page().locator('#key-summary').innerText()).toBe('demo-full (ENABLED)');
      expect(await page().getByLabel('Key id').inputValue()).toBe(DEMO.keys.full);
      expect(await keyRow(DEMO.keys.full).getAttribute('aria-current')).toBe('true');
      expect(await focusedId(page())).toBe('grants-heading');
      expect(await page().locator('#create-heading').innerText()).toBe('New grant on demo-full');

      const logged = session.stack.emu.requests.length;
      const clicks = await pageToEnd(grantsBody(), page().getByRole('button', { name: 'Load more' }).first(), 4);
      expect(clicks).toBe(4);
      // "Load more" asks for the next page only: no describe-key of the key already shown.
      expect(session.stack.emu.requests.slice(logged).map((r) => r.action)).toEqual(Array(4).fill('list-grants'));
      const shown = await rowIds(grantsBody(), 'data-grant-id');
      expect(new Set(shown).size).toBe(100);
      expect(shown).toEqual((await listedGrants(session.stack, 'alice', DEMO.keys.full)).grants.map((g) => g.grantId));
      expect(await status().innerText()).toBe('Showing 100 of 100 grants. That is all of them.');
    });

    it('shows KMS’s refusal of a 101st grant: its message, the gateway’s code and KMS’s code', async () => {
      const form = createForm();
      await form.getByLabel('Grantee', { exact: true }).fill(session.stack.bob.userId);
      await form.getByLabel('describe-key', { exact: true }).check();
      await form.getByRole('button', { name: 'Create grant' }).click();
      const problem = page().locator('#create-problem');
      await problem.waitFor();
      expect(await problem.locator('.problem-title').innerText()).toBe('KMS refused the grant');
      expect(await problem.locator('#create-problem-text').innerText()).toBe(
        'KMS rejected the parameters of create-grant: the key already holds 100 grants, the most KMS allows (KMS.2404)',
      );
      expect(await problem.locator('#create-problem-codes').innerText()).toBe('BAD_USER_INPUT · KMS.2404');
      expect(await focusedId(page())).toBe('create-problem');
      expect(await status().innerText()).toMatch(/^Creating the grant failed \(BAD_USER_INPUT, KMS\.2404\): .*already holds 100 grants/);
      expect(await status().getAttribute('aria-live')).toBe('polite');
      expect(await grantsBody().locator('tr').count()).toBe(100);
      expect((await listedGrants(session.stack, 'alice', DEMO.keys.full)).total).toBe(100);
      await screenshot(page(), 'demo-create-refused');
    });

    it('checks the form like the gateway before sending anything, and says what is wrong next to each field', async () => {
      await keyRow(DEMO.keys.app).getByRole('button', { name: 'Pick key demo-app' }).click();
      await expect.poll(() => page().locator('#key-summary').innerText()).toBe('demo-app (ENABLED)');
      expect(await page().locator('#create-problem').isHidden()).toBe(true);
      const form = createForm();
      const sent = () => session.stack.emu.requests.filter((r) => r.action === 'create-grant').length;
      const before = sent();
      await form.getByLabel('Grantee', { exact: true }).fill('bob-1');
      await form.getByLabel('create-grant', { exact: true }).check();
      await form.getByLabel('Name (optional)').fill('has a space');
      await form.getByRole('button', { name: 'Create grant' }).click();
      await expect.poll(() => status().innerText()).toMatch(/^The grant was not sent: 3 fields need fixing\. /);
      expect(await form.locator('#grantee-error').innerText()).toBe('A user or account id is 1 to 64 letters and digits, nothing else.');
      expect(await form.locator('#operations-error').innerText()).toBe('KMS refuses create-grant alone: add another operation.');
      expect(await form.locator('#grant-name-error').innerText()).toMatch(/^A name is 1 to 255 letters/);
      expect(await form.getByLabel('Grantee', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await form.getByLabel('Grantee', { exact: true }).getAttribute('aria-describedby')).toContain('grantee-error');
      expect(await focusedId(page())).toBe('grantee');
      expect(sent()).toBe(before);
      await screenshot(page(), 'demo-create-invalid');
    });

    it('creates a grant on another key (by keyboard): it appears in the list, and the key’s count goes up', async () => {
      const form = createForm();
      const { keyboard } = page();
      await form.getByLabel('Grantee', { exact: true }).fill(session.stack.bob.userId);
      await form.getByLabel('create-grant', { exact: true }).focus();
      await keyboard.press('Space'); // untick create-grant
      for (const op of ['describe-key', 'encrypt-data']) {
        await form.getByLabel(op, { exact: true }).focus();
        await keyboard.press('Space');
      }
      await form.getByLabel('Retiring principal (optional)').fill(session.stack.bob.userId);
      await form.getByLabel('Name (optional)').fill('lifecycle/reader');
      await keyboard.press('Enter');
      await expect.poll(() => status().innerText()).toBe('Created grant lifecycle/reader on demo-app. Showing 13 of 13 grants.');

      const listed = await listedGrants(session.stack, 'alice', DEMO.keys.app);
      const created = listed.grants.find((g) => g.name === 'lifecycle/reader');
      if (created === undefined) throw new Error('the gateway does not list the new grant');
      expect(listed.total).toBe(13);
      expect(await rowIds(grantsBody(), 'data-grant-id')).toEqual(listed.grants.map((g) => g.grantId));
      const row = grantsBody().locator(`tr[data-grant-id="${created.grantId}"]`);
      expect(await row.getAttribute('class')).toBe('fresh');
      expect(await row.locator('td').nth(3).innerText()).toBe('describe-key, encrypt-data');
      expect(await page().locator('#grants-caption').innerText()).toBe('Showing 13 of 13 grants.');
      expect(await grantCount(DEMO.keys.app)).toBe('13');
      expect(await form.getByLabel('Name (optional)').inputValue()).toBe('');
      expect(await form.locator('#grantee-error').innerText()).toBe('');
      await page().locator('#keys-section').scrollIntoViewIfNeeded();
      await screenshot(page(), 'demo-lifecycle', true);
    });

    it('revokes that grant after asking (Escape says no): the row and one count go', async () => {
      const created = (await listedGrants(session.stack, 'alice', DEMO.keys.app)).grants.find((g) => g.name === 'lifecycle/reader');
      const row = grantsBody().locator(`tr[data-grant-id="${created?.grantId}"]`);
      await row.getByRole('button', { name: 'Revoke grant lifecycle/reader' }).click();
      const dialog = page().getByRole('dialog', { name: 'Revoke this grant?' });
      await dialog.waitFor();
      expect(await focusedId(page())).toBe('confirm-cancel');
      await page().keyboard.press('Escape');
      await expect.poll(() => status().innerText()).toBe('Nothing revoked.');
      expect(await row.count()).toBe(1);

      await row.getByRole('button', { name: 'Revoke grant lifecycle/reader' }).click();
      await dialog.getByRole('button', { name: 'Revoke' }).click();
      await expect.poll(() => status().innerText()).toMatch(/^Revoked grant [0-9a-f]{12}…\. Showing 12 of 12 grants\.$/);
      expect(await row.count()).toBe(0);
      expect(await grantCount(DEMO.keys.app)).toBe('12');
      expect((await listedGrants(session.stack, 'alice', DEMO.keys.app)).total).toBe(12);
    });
  });

  describe('a pasted key id', () => {
    it('still works with "Show grants", and a key KMS does not have is said to be missing', async () => {
      const missing = '00000000-0000-0000-0000-000000000000';
      await page().getByLabel('Key id').fill(missing);
      await page().getByRole('button', { name: 'Show grants', exact: true }).click();
      await expect.poll(() => status().innerText()).toBe(`Loading grants failed (NOT_FOUND): KMS has no key ${missing}.`);
      await page().getByLabel('Key id').fill(DEMO.keys.backup);
      await page().getByLabel('Key id').press('Enter');
      await expect.poll(() => status().innerText()).toBe('Showing 6 of 6 grants. That is all of them.');
      expect(await page().locator('#key-summary').innerText()).toBe('demo-backup (ENABLED)');
      expect(await keyRow(DEMO.keys.backup).getAttribute('aria-current')).toBe('true');
    });
  });

  describe('as bob', () => {
    it('switches to bob’s demo token and lists the keys he sees', async () => {
      await page().getByLabel('Demo user').selectOption('bob');
      const total = (await listedKeys(session.stack, 'bob')).length;
      await expect
        .poll(() => status().innerText())
        .toBe(`Acting as bob. Your keys: Showing 5 of ${total} keys. Pick one to see its grants.`);
      expect(await page().getByLabel('KMS token').inputValue()).toBe(session.stack.bob.token);
      expect(await page().locator('#grants-section').isHidden()).toBe(true);
      expect(await rowIds(keysBody(), 'data-key-id')).toEqual((await listedKeys(session.stack, 'bob')).slice(0, 5).map((k) => k.keyId));
      await pageToEnd(keysBody(), page().getByRole('button', { name: 'Show more keys' }), 2);
      expect(await rowIds(keysBody(), 'data-key-id')).toEqual((await listedKeys(session.stack, 'bob')).map((k) => k.keyId));
    });

    it('retires a grant he may retire, after asking: it disappears from his list and its key’s count goes down', async () => {
      await page().getByRole('button', { name: 'Show grants I may retire' }).click();
      const before = await listedGrants(session.stack, 'bob');
      expect(before.total).toBe(DEMO.bobRetirable.grants);
      await expect.poll(() => retirableBody().locator('tr').count()).toBe(20);
      expect(await rowIds(retirableBody(), 'data-grant-id')).toEqual(before.grants.slice(0, 20).map((g) => g.grantId));

      const target = before.grants[1];
      if (target === undefined) throw new Error('bob may retire fewer than two grants');
      const countBefore = await grantCount(target.keyId);
      const row = retirableBody().locator(`tr[data-grant-id="${target.grantId}"]`);
      await row.getByRole('button', { name: /^Retire grant / }).click();
      const dialog = page().getByRole('dialog', { name: 'Retire this grant?' });
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain(target.grantId);
      await screenshot(page(), 'demo-retire-dialog');
      await dialog.getByRole('button', { name: 'Retire' }).click();
      await expect
        .poll(() => status().innerText())
        .toMatch(/^Retired grant [0-9a-f]{12}…\. Grants you may retire: Showing 19 of 35 grants\.$/);
      expect(await row.count()).toBe(0);
      expect(await page().locator('#retirable-caption').innerText()).toBe('Showing 19 of 35 grants.');
      expect(await grantCount(target.keyId)).toBe(String(Number(countBefore) - 1));
      // The focus moves on to the next row's "Retire", not to the page's start.
      expect(await page().evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-grant-id'))).toBe(
        before.grants[2]?.grantId,
      );

      const after = await listedGrants(session.stack, 'bob');
      expect(after.total).toBe(DEMO.bobRetirable.grants - 1);
      expect(after.grants.map((g) => g.grantId)).not.toContain(target.grantId);
      expect(await rowIds(retirableBody(), 'data-grant-id')).toEqual(after.grants.slice(0, 19).map((g) => g.grantId));
      await page().locator('#retirable-section').scrollIntoViewIfNeeded();
      await screenshot(page(), 'demo-retired');
    });
  });

  describeOffline(session, ['/', '/static/web/demo.js', '/graphql']);
});

describe('GraphiQL’s example operations (src/web/graphiql.ts)', () => {
  const query = String(graphiqlOptions().defaultQuery);
  const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

  it('is one operation that validates: your keys with their grant counts, and a key’s grants', () => {
    const document = parse(query);
    expect(validate(schema, document)).toEqual([]);
    expect(document.definitions.map((d) => (d.kind === 'OperationDefinition' ? d.name?.value : d.kind))).toEqual(['KeyGrants']);
    expect(query).toContain('grants(first: 0) { totalCount }');
  });

  it('carry createGrant and retireGrant, commented out, valid once uncommented', () => {
    const blocks = [...query.matchAll(/^# (mutation [\s\S]*?^# \}$)/gm)].map((m) => (m[1] ?? '').replace(/^# /gm, ''));
    expect(blocks.map((b) => /^mutation (\w+)/.exec(b)?.[1])).toEqual(['CreateGrant', 'RetireGrant']);
    for (const block of blocks) expect(validate(schema, parse(block))).toEqual([]);
  });
});

describeInChromium('GraphiQL: the example lists the keys with their grant counts (headless Chromium)', () => {
  const session = useBrowserPage((stack) => stack.gw.graphqlUrl, {
    preset: 'users',
    ready: (page) => page.locator('.graphiql-query-editor .CodeMirror').waitFor(),
  });

  it('runs with ▶: every key with its grant count, beside the demo key’s first 10 grants', async () => {
    const { stack, tab } = session;
    const { page } = tab;
    await page.getByRole('button', { name: /Execute query/ }).click();
    const result = (): Promise<string> =>
      page.evaluate(`document.querySelector('.result-window .CodeMirror')?.CodeMirror?.getValue() ?? ''`) as Promise<string>;
    await expect.poll(result, { timeout: 15_000 }).toContain('"keys"');
    type Answer = {
      data: {
        keys: { edges: { node: { keyId: string; alias: string; grants: { totalCount: number } } }[] };
        grants: { totalCount: number; edges: unknown[] };
      };
      errors?: unknown;
    };
    const body = JSON.parse(await result()) as Answer;
    expect(body.errors).toBeUndefined();
    const expected = await listedKeys(stack, 'alice');
    expect(body.data.keys.edges.map((e) => [e.node.keyId, e.node.grants.totalCount])).toEqual(
      expected.map((k) => [k.keyId, k.grants.totalCount]),
    );
    expect(body.data.keys.edges[0]?.node).toMatchObject({ alias: 'demo-full', grants: { totalCount: 100 } });
    expect({ total: body.data.grants.totalCount, shown: body.data.grants.edges.length }).toEqual({ total: 100, shown: 10 });
    await screenshot(page, 'graphiql-keys');
    expect(requestedHosts(tab.requests)).toEqual(['127.0.0.1']);
    expect(tab.errors).toEqual([]);
  });
});
