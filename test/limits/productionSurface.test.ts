/**
 * What a production gateway shows an outsider through GraphQL itself: `__type` reveals nothing,
 * and none of graphql-cop's probes (dolevf/graphql-cop 1.15, run with a valid token) finds more
 * than the GET support the contract allows. Over loopback HTTP, against the KMS emulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, gatewayOn, listFromKms, useEmulatorStack } from '../support/emulatorStack.ts';
import { gql } from '../support/gateway.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import type { GatewayConfig } from '../../src/config.ts';

/** What NODE_ENV=production turns off. */
const PRODUCTION: Partial<GatewayConfig> = { production: true, graphiql: false, introspection: false, demoPage: false, sourceMaps: false };

const KEY = DEMO.keys.app;

const stack = useEmulatorStack();
/** How many grants KEY holds, read straight from KMS. */
let keyGrants: number;
let prod: RunningGateway;
let dev: RunningGateway;
beforeAll(async () => {
  dev = stack.gw;
  prod = await gatewayOn(stack.emulator, PRODUCTION);
  keyGrants = (await listFromKms(stack.emulator, KEY, stack.tokens.alice)).length;
});
afterAll(async () => prod?.close());
beforeEach(async () => stack.emulator.reset());

/** A GET of the GraphQL endpoint with `params` in the query string. */
async function getJson(
  g: RunningGateway,
  params: Record<string, string>,
  headers: Record<string, string>,
): Promise<{ status: number; json: unknown }> {
  const url = new URL(g.graphqlUrl);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const response = await fetch(url, { headers: { accept: 'application/json', ...headers } });
  const text = await response.text();
  return { status: response.status, json: parseJson(text) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

describe('production: __type reveals nothing', () => {
  const EVERY_KIND = `{
    query: __type(name: "Query") { name fields { name } }
    mutation: __type(name: "Mutation") { name fields { name } }
    grant: __type(name: "Grant") { name fields { name } }
    input: __type(name: "RevokeGrantInput") { name inputFields { name } }
    enum: __type(name: "GrantOperation") { name enumValues { name } }
    builtIn: __type(name: "String") { name kind }
    meta: __type(name: "__Schema") { name }
    unknown: __type(name: "Nope") { name }
  }`;

  it('answers null for every name (root, object, input, enum, built-in, meta, unknown), without errors', async () => {
    const { status, body } = await gql(prod, EVERY_KIND);
    expect({ status, body }).toEqual({
      status: 200,
      body: { data: { query: null, mutation: null, grant: null, input: null, enum: null, builtIn: null, meta: null, unknown: null } },
    });
  });

  it('still describes types in development (introspection on)', async () => {
    const { body } = await gql(dev, EVERY_KIND);
    const data = body.data as Record<string, { name: string } | null>;
    expect(Object.fromEntries(Object.entries(data).map(([key, value]) => [key, value?.name ?? null]))).toEqual({
      query: 'Query',
      mutation: 'Mutation',
      grant: 'Grant',
      input: 'RevokeGrantInput',
      enum: 'GrantOperation',
      builtIn: 'String',
      meta: '__Schema',
      unknown: null,
    });
  });

  it('answers null when the name is a variable, over POST and GET (graphql-http 28B9 and 6A70 stay green)', async () => {
    const query = 'query Type($name: String!) { __type(name: $name) { name fields { name } } }';
    const post = await gql(prod, query, { name: 'Query' });
    const get = await getJson(prod, { query, variables: JSON.stringify({ name: 'Mutation' }) }, stack.alice);
    expect({ post: { status: post.status, body: post.body }, get }).toEqual({
      post: { status: 200, body: { data: { __type: null } } },
      get: { status: 200, json: { data: { __type: null } } },
    });
  });

  it('answers null inside fragments, beside fields that still answer', async () => {
    const query = `query { __typename ...Root ... on Query { inline: __type(name: "Grant") { name } } }
      fragment Root on Query { spread: __type(name: "Query") { name } }`;
    const { body } = await gql(prod, query);
    expect(body).toEqual({ data: { __typename: 'Query', spread: null, inline: null } });
  });

  it('still refuses __schema', async () => {
    const { body } = await gql(prod, '{ __schema { queryType { name } } }');
    expect({ data: body.data ?? null, refused: (body.errors ?? []).length > 0 }).toEqual({ data: null, refused: true });
  });

  it('leaves a real query beside __type untouched (KMS answers it)', async () => {
    const query = 'query($k: ID!) { t: __type(name: "Query") { name } grants(keyId: $k, first: 2) { totalCount } }';
    const { body } = await gql(prod, query, { k: KEY }, stack.alice);
    expect(body).toEqual({ data: { t: null, grants: { totalCount: keyGrants } } });
  });
});

describe('shape limits that count every field copy and cap the errors reported', () => {
  const typenameAliases = (n: number): string => `query { ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
  const repeatedTypename = (n: number): string => `query { ${'__typename '.repeat(n)}}`;
  const codes = (body: { errors?: { extensions?: Record<string, unknown> }[] }): unknown[] =>
    (body.errors ?? []).map((e) => e.extensions?.['code']);

  it('counts `__typename` aliases against the alias limit (15): 16 are refused with BAD_USER_INPUT, 15 run', async () => {
    const [over, under] = await Promise.all([gql(prod, typenameAliases(16)), gql(prod, typenameAliases(15))]);
    expect({
      over: { data: over.body.data ?? null, codes: codes(over.body), names: over.body.errors?.some((e) => /alias/i.test(e.message)) },
      under: { errors: under.body.errors, a14: (under.body.data as Record<string, unknown> | undefined)?.['a14'] },
    }).toEqual({ over: { data: null, codes: ['BAD_USER_INPUT'], names: true }, under: { errors: undefined, a14: 'Query' } });
  });

  it('counts a field repeated in one selection set against the same limit: 16 repeats are refused, 15 run', async () => {
    const [over, under] = await Promise.all([gql(prod, repeatedTypename(17)), gql(prod, repeatedTypename(16))]);
    expect({
      over: {
        data: over.body.data ?? null,
        codes: codes(over.body),
        names: over.body.errors?.some((e) => /repeated fields/i.test(e.message)),
      },
      under: under.body,
    }).toEqual({ over: { data: null, codes: ['BAD_USER_INPUT'], names: true }, under: { data: { __typename: 'Query' } } });
  });

  it('does not count the same field in sibling fragments as a repeat', async () => {
    const query = `query { ${Array.from({ length: 20 }, () => '... on Query { __typename }').join(' ')} }`;
    const { body } = await gql(prod, query);
    expect(body).toEqual({ data: { __typename: 'Query' } });
  });

  it('reports at most 5 validation errors, then says validation stopped', async () => {
    const unknownFields = `query { ${Array.from({ length: 12 }, (_, i) => `f${i}`).join(' ')} }`;
    const { status, body } = await gql(prod, unknownFields);
    const messages = (body.errors ?? []).map((e) => e.message);
    expect({ status, count: messages.length, last: messages.at(-1), data: body.data ?? null }).toEqual({
      status: 400,
      count: 6,
      last: 'Too many validation errors, error limit reached. Validation aborted.',
      data: null,
    });
  });
});

/**
 * graphql-cop 1.15's probes (lib/tests/*.py), each with the request it sends and the condition
 * under which it reports a finding, run against the production gateway with `-H
 * '{"X-Auth-Token": ...}'`. graphql-cop POSTs `{"query": q, "operationName": "cop"}` as JSON with
 * its User-Agent and `Accept: *\/*`; GET probes put `query` in the URL.
 */
describe('graphql-cop against production, with a token', () => {
  /** What graphql-cop sends with every probe (read inside tests: the token exists once the stack runs). */
  const copHeaders = (): Record<string, string> => ({ 'user-agent': 'graphql-cop/1.15', accept: '*/*', ...stack.alice });

  /** Python's `len()` of a decoded JSON value, as graphql-cop applies it to bodies. */
  const pyLen = (value: unknown): number =>
    Array.isArray(value) ? value.length : typeof value === 'object' && value !== null ? Object.keys(value).length : 0;
  const at = (value: unknown, ...path: (string | number)[]): unknown =>
    path.reduce<unknown>(
      (v, key) => (typeof v === 'object' && v !== null ? (v as Record<string | number, unknown>)[key] : undefined),
      value,
    );

  const post = async (g: RunningGateway, body: unknown): Promise<{ json: unknown; text: string }> => {
    const response = await fetch(g.graphqlUrl, {
      method: 'POST',
      headers: { ...copHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { json: parseJson(text), text };
  };
  const graphQuery = (g: RunningGateway, query: string) => post(g, { query, operationName: 'cop' });
  const copGet = async (url: string, params?: Record<string, string>, method = 'GET'): Promise<{ json: unknown; text: string }> => {
    const target = new URL(url);
    for (const [name, value] of Object.entries(params ?? {})) target.searchParams.set(name, value);
    const response = await fetch(target, { method, headers: copHeaders() });
    const text = await response.text();
    return { json: parseJson(text), text };
  };

  /** Each probe: true when graphql-cop would report it. */
  const PROBES: Record<string, (g: RunningGateway) => Promise<boolean>> = {
    'Field Suggestions': async (g) =>
      String(at((await graphQuery(g, 'query cop { __schema { directive } }')).json, 'errors', 0, 'message') ?? '').includes('Did you mean'),
    Introspection: async (g) =>
      Boolean(at((await graphQuery(g, 'query cop { __schema { types { name fields { name } } } }')).json, 'data', '__schema', 'types')),
    'GraphQL IDE': async (g) => {
      const heuristics = ['graphiql.min.css', 'GraphQL Playground', 'GraphiQL', 'graphql-playground'];
      for (const path of ['/graphiql', '/playground', '/console', '/graphql']) {
        const { text } = await copGet(g.url + path);
        if (heuristics.some((word) => text.includes(word))) return true;
      }
      return false;
    },
    'GET based Queries (possible CSRF)': async (g) =>
      Boolean(at((await copGet(g.graphqlUrl, { query: 'query cop {__typename}' })).json, 'data', '__typename')),
    'Alias Overloading': async (g) => {
      const aliases = Array.from({ length: 101 }, (_, i) => `alias${i}:__typename \n`).join('');
      return Boolean(at((await graphQuery(g, `query cop { ${aliases} }`)).json, 'data', 'alias100'));
    },
    'Array-based Query Batching': async (g) =>
      pyLen(
        (
          await post(
            g,
            Array.from({ length: 10 }, () => ({ query: 'query cop { __typename }' })),
          )
        ).json,
      ) >= 10,
    'Field Duplication': async (g) =>
      Boolean(at((await graphQuery(g, `query cop { ${'__typename \n'.repeat(500)}} `)).json, 'data', '__typename')),
    'Tracing Mode': async (g) => {
      const { json, text } = await graphQuery(g, 'query cop { __typename }');
      return (
        Boolean(at(json, 'errors', 0, 'extensions', 'tracing') ?? at(json, 'extensions', 'tracing')) ||
        text.toLowerCase().includes('stacktrace')
      );
    },
    'Directive Overloading': async (g) =>
      pyLen(at((await graphQuery(g, 'query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }')).json, 'errors')) === 10,
    'Introspection-based Circular Query': async (g) => {
      const q = 'query cop { __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }';
      return pyLen(at((await graphQuery(g, q)).json, 'data', '__schema', 'types')) > 25;
    },
    'Mutation is allowed over GET (possible CSRF)': async (g) =>
      Boolean(at((await copGet(g.graphqlUrl, { query: 'mutation cop {__typename}' })).json, 'data', '__typename')),
    'POST based url-encoded query (possible CSRF)': async (g) =>
      Boolean(at((await copGet(g.graphqlUrl, { query: 'query cop {__typename}' }, 'POST')).json, 'data', '__typename')),
    'Unhandled Errors Detection': async (g) => {
      const { json, text } = await graphQuery(g, 'qwerty cop { abc }');
      return Boolean(at(json, 'errors', 0, 'extensions', 'exception')) || text.toLowerCase().includes('"extensions":{"exception":');
    },
  };

  const findings = async (g: RunningGateway): Promise<string[]> => {
    const found: string[] = [];
    for (const [title, probe] of Object.entries(PROBES)) if (await probe(g)) found.push(title);
    return found;
  };

  it('finds only GET support (which the contract allows) on production', async () => {
    expect(await findings(prod)).toEqual(['GET based Queries (possible CSRF)']);
    expect(stack.emulator.requests).toEqual([]);
  });

  // GraphiQL is not among them: yoga renders it for `Accept: text/html` only, and graphql-cop sends `*/*`.
  it('detects what it looks for: on development it also reports field suggestions and introspection', async () => {
    expect(await findings(dev)).toEqual(['Field Suggestions', 'Introspection', 'GET based Queries (possible CSRF)']);
  });
});
