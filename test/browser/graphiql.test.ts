import { readFileSync } from 'node:fs';
import { buildSchema, isEnumType, type GraphQLObjectType } from 'graphql';
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

/** The schema the gateway serves: the docs explorer must show its descriptions. */
const SCHEMA = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

/** The first sentence of a schema description as the explorer shows it: markdown code marks gone, lines joined. */
function shown(description: string | null | undefined): string {
  const text = (description ?? '').replaceAll('`', '').replace(/\s+/g, ' ').trim();
  return /^.*?\.(?=\s|$)/.exec(text)?.[0] ?? text;
}

const QUERY = SCHEMA.getQueryType();
const GRANTS_FIELD = QUERY?.getFields()['grants'];
const CONNECTION = SCHEMA.getType('GrantConnection') as GraphQLObjectType;
const KEY_STATE = SCHEMA.getType('KeyState');

describeInChromium('GraphiQL (web/graphiql.ts, headless Chromium)', () => {
  const session = useBrowserPage((stack) => stack.gw.graphqlUrl, {
    ready: async (page) => {
      await page.locator('.graphiql-container').waitFor();
      // The schema has arrived when the docs button can open a populated explorer; wait for the editors instead.
      await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
    },
  });

  describe('opening', () => {
    it('presets the example query, the demo key as a variable and the demo token in the headers editor', async () => {
      const { query, variables, headers } = await editors(session.tab);
      expect({
        keyGrants: query.includes('query KeyGrants($keyId: ID!, $after: String)'),
        keyFields: query.includes('key { alias state }'),
        variables: JSON.parse(variables) as unknown,
        headers: JSON.parse(headers) as unknown,
      }).toEqual({ keyGrants: true, keyFields: true, variables: { keyId: FULL_KEY }, headers: { 'X-Auth-Token': session.stack.token } });
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
      const { totalCount, pageInfo, edges } = result.data.grants;
      expect({
        errors: result.errors,
        totalCount,
        hasNextPage: pageInfo.hasNextPage,
        edges: edges.length,
        keys: [...new Set(edges.map((e) => JSON.stringify(e.node.key)))],
      }).toEqual({
        errors: undefined,
        totalCount: 100,
        hasNextPage: true,
        edges: 10,
        keys: [JSON.stringify({ alias: 'demo-full', state: 'ENABLED' })],
      });
      await screenshot(session.tab.page, 'graphiql');
    });
  });

  describe('docs explorer', () => {
    it('shows the schema’s descriptions of types, fields and arguments', async () => {
      const { page } = session.tab;
      await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
      const explorer = page.locator('.graphiql-doc-explorer');
      await explorer.getByText('Query', { exact: true }).click();
      await expect.poll(() => explorer.innerText()).toContain(shown(QUERY?.description));
      await explorer.getByText('grants', { exact: true }).first().click();
      await expect.poll(() => explorer.innerText()).toContain(shown(GRANTS_FIELD?.description));
      const text = await explorer.innerText();
      const args = GRANTS_FIELD?.args.map((a) => shown(a.description)) ?? [];
      expect({ args: args.length, missing: args.filter((a) => !text.includes(a)) }).toEqual({ args: 3, missing: [] });
      await screenshot(page, 'graphiql-docs');
      await explorer.getByText('GrantConnection', { exact: true }).first().click();
      await expect.poll(() => explorer.innerText()).toContain(shown(CONNECTION.description));
    });

    it('shows enum value descriptions (KeyState)', async () => {
      const { page } = session.tab;
      const explorer = page.locator('.graphiql-doc-explorer');
      const search = explorer.getByRole('combobox');
      await search.fill('KeyState');
      await page
        .getByRole('option', { name: /KeyState/ })
        .first()
        .click();
      await expect.poll(() => explorer.innerText()).toContain(shown(KEY_STATE?.description));
      const text = await explorer.innerText();
      const values = isEnumType(KEY_STATE) ? KEY_STATE.getValues().map((v) => [v.name, shown(v.description)]) : [];
      expect({
        values: values.length,
        missing: values.filter(([name, description]) => !text.includes(name ?? '') || !text.includes(description ?? '')),
      }).toEqual({
        values: 5,
        missing: [],
      });
    });
  });

  describeOffline(session, ['/static/vendor/graphiql@3.8.3/graphiql.min.js', '/static/web/graphiql.js', '/graphql']);
});
