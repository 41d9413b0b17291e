import { describe, expect, it } from 'vitest';
import { describeInChromium, describeOffline, useBrowserPage } from './session.ts';
import { FULL_KEY, screenshot, type RecordedPage } from './support.ts';

/** The text of every CodeMirror editor on the page, by its role in GraphiQL. */
interface Editors {
  query: string;
  variables: string;
  headers: string;
  result: string;
}

/** Reads GraphiQL 3's four CodeMirror editors (query, variables, headers, result). */
async function editors({ page }: RecordedPage): Promise<Editors> {
  return page.evaluate<Editors>(`(() => {
    const text = (selector) => document.querySelector(selector)?.CodeMirror?.getValue() ?? null;
    const tools = [...document.querySelectorAll('.graphiql-editor-tool .graphiql-editor .CodeMirror')].map((e) => e.CodeMirror.getValue());
    return {
      query: text('.graphiql-query-editor .CodeMirror'),
      variables: tools[0] ?? null,
      headers: tools[1] ?? null,
      result: text('.result-window .CodeMirror'),
    };
  })()`);
}

describeInChromium('GraphiQL (web/graphiql.ts, headless Chromium)', () => {
  const session = useBrowserPage((stack) => stack.gw.graphqlUrl, async (page) => {
    await page.locator('.graphiql-container').waitFor();
    // The schema has arrived when the docs button can open a populated explorer; wait for the editors instead.
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
  });

  describe('opening', () => {
    it('presets the example query, the demo key as a variable and the demo token in the headers editor', async () => {
      const { query, variables, headers } = await editors(session.tab);
      expect(query).toContain('query KeyGrants($keyId: ID!, $after: String)');
      expect(query).toContain('key { alias state }');
      expect(JSON.parse(variables)).toEqual({ keyId: FULL_KEY });
      expect(JSON.parse(headers)).toEqual({ 'X-Auth-Token': session.stack.token });
    });
  });

  describe('running the example query', () => {
    it('shows the first 10 of the demo key’s 100 grants, each with its key’s alias and state', async () => {
      await session.tab.page.getByRole('button', { name: /Execute query/ }).click();
      await expect.poll(async () => (await editors(session.tab)).result, { timeout: 15_000 }).toContain('"edges"');
      const result = JSON.parse((await editors(session.tab)).result) as {
        data: { grants: { totalCount: number; pageInfo: { hasNextPage: boolean }; edges: { node: { grantId: string; key: unknown } }[] } };
        errors?: unknown;
      };
      expect(result.errors).toBeUndefined();
      expect(result.data.grants.totalCount).toBe(100);
      expect(result.data.grants.pageInfo.hasNextPage).toBe(true);
      expect(result.data.grants.edges).toHaveLength(10);
      expect(new Set(result.data.grants.edges.map((e) => JSON.stringify(e.node.key)))).toEqual(
        new Set([JSON.stringify({ alias: 'demo-full', state: 'ENABLED' })]),
      );
      await screenshot(session.tab.page, 'graphiql');
    });
  });

  describe('docs explorer', () => {
    it('shows the schema’s descriptions of types, fields and arguments', async () => {
      const { page } = session.tab;
      await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
      const explorer = page.locator('.graphiql-doc-explorer');
      await explorer.getByText('Query', { exact: true }).click();
      await expect.poll(() => explorer.innerText()).toContain('Read the grants on Huawei Cloud KMS keys.');
      await explorer.getByText('grants', { exact: true }).first().click();
      const text = await explorer.innerText();
      expect(text).toContain("The grants on one key (KMS list-grants), in KMS's order.");
      expect(text).toContain("The key's id: 36 lowercase characters");
      expect(text).toContain('How many grants to return: 0 to 1000, default 20.');
      await screenshot(page, 'graphiql-docs');
      await explorer.getByText('GrantConnection', { exact: true }).first().click();
      expect(await explorer.innerText()).toContain('A page of grants (Relay Cursor Connections).');
    });

    it('shows enum value descriptions (KeyState)', async () => {
      const { page } = session.tab;
      const explorer = page.locator('.graphiql-doc-explorer');
      const search = explorer.getByRole('combobox');
      await search.fill('KeyState');
      await page.getByRole('option', { name: /KeyState/ }).first().click();
      await expect.poll(() => explorer.innerText()).toContain('The state of a KMS key');
      const text = await explorer.innerText();
      expect(text).toContain('PENDING_DELETION');
      expect(text).toContain('4: scheduled for deletion.');
    });
  });

  describeOffline(session, ['/static/vendor/graphiql@3.8.3/graphiql.min.js', '/static/web/graphiql.js', '/graphql']);
});
