/**
 * What the gateway's HTTP answers carry and what it serves besides GraphQL: the demo page and
 * source maps only when configured (both off in production), `Cache-Control: no-store` on every
 * GraphQL answer, `Vary: Origin` wherever the CORS headers depend on the origin. Over loopback.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GatewayConfig } from '../../src/config.ts';
import { startGateway, type RunningGateway } from '../../src/server/gateway.ts';
import { ownUrl, vendorUrl } from '../../src/web/assets.ts';
import { buildWeb } from '../../scripts/build-web.ts';
import { DEMO, startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';

/** What `npm start` presets on the embedded emulator: the demo page then carries a live token. */
const KEY = DEMO.keys.app;
const PRESET = { token: 'MIIdemo-TOKEN-3b9f1e7d2c', keyId: KEY };
const PRODUCTION: Partial<GatewayConfig> = { production: true, graphiql: false, introspection: false, demoPage: false, sourceMaps: false };
const ALLOWED_ORIGIN = 'https://app.example';
const FOREIGN_ORIGIN = 'https://evil.example';
const BROWSER_GET = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

const MAPS = [vendorUrl('graphiql', 'graphiql.min.js.map'), vendorUrl('graphiql', 'graphiql.min.css.map'), ownUrl('demo.js.map')];
/** The scripts and stylesheets that end with a `sourceMappingURL` comment when served as built. */
const MAPPED = [vendorUrl('graphiql', 'graphiql.min.js'), vendorUrl('graphiql', 'graphiql.min.css')];

let emulator: RunningEmulator;
/** Development defaults, with the demo preset. */
let dev: RunningGateway;
/** Production settings, with the demo preset (what a production start on the emulator would be). */
let prod: RunningGateway;
/** GraphiQL on, source maps off (GRAPHIQL=true in production). */
let graphiqlNoMaps: RunningGateway;
const started: RunningGateway[] = [];

function start(overrides: Partial<GatewayConfig>): Promise<RunningGateway> {
  return startGateway(
    {
      ...DEFAULT_CONFIG,
      port: 0,
      logLevel: 'silent',
      kmsEndpoint: emulator.url,
      kmsProjectId: emulator.projectId,
      kmsTimeoutMs: 300,
      kmsReadRetries: 1,
      ...overrides,
    },
    { preset: PRESET },
  ).then((g) => {
    started.push(g);
    return g;
  });
}

beforeAll(async () => {
  await buildWeb(); // the demo bundle and its map, as `npm ci` leaves them
  emulator = await startEmulator();
  [dev, prod, graphiqlNoMaps] = await Promise.all([start({}), start(PRODUCTION), start({ ...PRODUCTION, graphiql: true })]);
});
afterAll(async () => {
  await Promise.all(started.map((g) => g.close()));
  await emulator.close();
});
beforeEach(async () => emulator.reset());

/** alice's demo token as a request header. */
const alice = (): Record<string, string> => ({ 'x-auth-token': emulator.demo['alice']?.token ?? '' });

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function fetchText(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A GET with the path sent as given; the raw bytes (no decompression). */
function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The `src`/`href` URLs of a page under /static/. */
const staticUrls = (html: string): string[] => [...html.matchAll(/\s(?:src|href)="(\/static\/[^"]*)"/g)].map((m) => m[1] ?? '');

describe('web routes follow config.demoPage and config.sourceMaps', () => {
  it('does not serve the demo page (nor its live token) when the demo page is off: `/` falls through to a 404', async () => {
    const [get, head, devGet] = await Promise.all([
      fetchText(prod.url + '/', { headers: BROWSER_GET }),
      fetchText(prod.url + '/', { method: 'HEAD' }),
      fetchText(dev.url + '/', { headers: BROWSER_GET }),
    ]);
    expect({
      get: { status: get.status, token: get.text.includes(PRESET.token), demo: get.text.includes('demo-page') },
      head: head.status,
      dev: { status: devGet.status, token: devGet.text.includes(PRESET.token) },
    }).toEqual({ get: { status: 404, token: false, demo: false }, head: 404, dev: { status: 200, token: true } });
  });

  it('does not serve the demo page script when the demo page is off', async () => {
    const [off, on] = await Promise.all([rawGet(prod.url, ownUrl('demo.js')), rawGet(dev.url, ownUrl('demo.js'))]);
    expect({ off: off.status, on: on.status }).toEqual({ off: 404, on: 200 });
  });

  it('answers 404 to every source map when source maps are off, and serves them when on', async () => {
    const rows = await Promise.all(
      MAPS.map(async (path) => ({
        path,
        off: (await rawGet(prod.url, path)).status,
        graphiql: (await rawGet(graphiqlNoMaps.url, path)).status,
        on: (await rawGet(dev.url, path)).status,
      })),
    );
    expect(rows).toEqual(MAPS.map((path) => ({ path, off: 404, graphiql: 404, on: 200 })));
  });

  it('serves scripts and stylesheets without their sourceMappingURL comment when source maps are off, otherwise byte for byte', async () => {
    const rows = await Promise.all(
      MAPPED.map(async (path) => {
        const [off, on] = await Promise.all([rawGet(prod.url, path), rawGet(dev.url, path)]);
        const stripped = on.body.subarray(0, off.body.length);
        return {
          path,
          status: [off.status, on.status],
          offMentions: off.body.includes('sourceMappingURL'),
          onMentions: on.body.includes('sourceMappingURL'),
          // Only the trailing comment is gone: the rest is the same bytes.
          samePrefix: stripped.equals(off.body),
          removed: on.body
            .subarray(off.body.length)
            .toString('utf8')
            .trim()
            .replace(/^(\/\/|\/\*)# sourceMappingURL=.*$/s, 'comment'),
        };
      }),
    );
    expect(rows).toEqual(
      MAPPED.map((path) => ({ path, status: [200, 200], offMentions: false, onMentions: true, samePrefix: true, removed: 'comment' })),
    );
  });

  it('serves the same stripped bytes gzipped, with an ETag of its own', async () => {
    const path = vendorUrl('graphiql', 'graphiql.min.css');
    const [plain, gzip, mapped] = await Promise.all([
      fetchText(graphiqlNoMaps.url + path),
      fetchText(graphiqlNoMaps.url + path, { headers: { 'accept-encoding': 'gzip' } }),
      fetchText(dev.url + path),
    ]);
    expect({
      same: gzip.text === plain.text,
      mentions: plain.text.includes('sourceMappingURL'),
      etagDiffers: plain.headers.get('etag') !== mapped.headers.get('etag'),
    }).toEqual({ same: true, mentions: false, etagDiffers: true });
  });

  it('links GraphiQL (on, source maps off) only to files that reference no source map', async () => {
    const page = await fetchText(graphiqlNoMaps.graphqlUrl, { headers: BROWSER_GET });
    const urls = staticUrls(page.text);
    const files = await Promise.all(urls.map(async (path) => ({ path, ...(await rawGet(graphiqlNoMaps.url, path)) })));
    expect({
      links: urls.length > 0,
      files: files.map((f) => ({ path: f.path, status: f.status, mentions: f.body.includes('sourceMappingURL') })),
    }).toEqual({
      links: true,
      files: urls.map((path) => ({ path, status: 200, mentions: false })),
    });
  });
});

describe('Cache-Control: no-store on every GraphQL answer', () => {
  const GRANTS = 'query($k: ID!) { grants(keyId: $k, first: 1) { totalCount } }';
  const jsonPost = (g: RunningGateway, body: string, headers: Record<string, string> = {}) =>
    fetchText(g.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body,
    });
  const get = (g: RunningGateway, params: Record<string, string>, headers: Record<string, string> = {}) => {
    const url = new URL(g.graphqlUrl);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return fetchText(url.toString(), { headers: { accept: 'application/graphql-response+json', ...headers } });
  };

  it.each([
    ['POST, authenticated data', () => jsonPost(prod, JSON.stringify({ query: GRANTS, variables: { k: KEY } }), alice()), 200],
    ['POST, no token (UNAUTHENTICATED)', () => jsonPost(prod, JSON.stringify({ query: GRANTS, variables: { k: KEY } })), 200],
    [
      'POST, KMS error',
      () => jsonPost(prod, JSON.stringify({ query: GRANTS, variables: { k: KEY } }), { 'x-auth-token': 'not-a-known-token' }),
      200,
    ],
    ['POST, validation error', () => jsonPost(prod, JSON.stringify({ query: '{ nope }' }), alice()), 400],
    ['POST, unparsable JSON', () => jsonPost(prod, '{"query":', alice()), 400],
    [
      'POST, text/plain (415)',
      () => fetchText(prod.graphqlUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' }),
      415,
    ],
    [
      'POST, body over the limit (413)',
      () => jsonPost(prod, JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(DEFAULT_CONFIG.maxBodyBytes) } })),
      413,
    ],
    ['GET, authenticated data', () => get(prod, { query: GRANTS, variables: JSON.stringify({ k: KEY }) }, alice()), 200],
    ['GET, without a CSRF-safe header (403)', () => get(prod, { query: '{ __typename }' }), 403],
    ['GET, a mutation (405)', () => get(prod, { query: 'mutation { __typename }' }, alice()), 405],
    ['PUT (405)', () => fetchText(prod.graphqlUrl, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }), 405],
    ['development POST', () => jsonPost(dev, JSON.stringify({ query: GRANTS, variables: { k: KEY } }), alice()), 200],
    ['development GraphiQL page (carries the demo token)', () => fetchText(dev.graphqlUrl, { headers: BROWSER_GET }), 200],
  ] as const)('%s', async (_name, send, status) => {
    const answer = await send();
    expect({ status: answer.status, cacheControl: answer.headers.get('cache-control') }).toEqual({ status, cacheControl: 'no-store' });
  });
});

describe('Vary: Origin wherever the CORS headers depend on the origin', () => {
  let one: RunningGateway;
  let two: RunningGateway;
  beforeAll(async () => {
    [one, two] = await Promise.all([
      start({ ...PRODUCTION, corsOrigins: [ALLOWED_ORIGIN] }),
      start({ ...PRODUCTION, corsOrigins: [ALLOWED_ORIGIN, 'https://admin.example'] }),
    ]);
  });

  const preflight = (g: RunningGateway, origin: string) =>
    fetchText(g.graphqlUrl, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-auth-token' },
    });
  const post = (g: RunningGateway, origin?: string) =>
    fetchText(g.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(origin !== undefined && { origin }), ...alice() },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
  const varyTokens = (a: Answer): string[] =>
    (a.headers.get('vary') ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== '');

  it.each([
    ['a one-entry allow-list', () => one],
    ['a two-entry allow-list', () => two],
  ] as const)(
    'varies every /graphql answer by Origin with %s: allowed, refused and absent origins, preflights included',
    async (_name, gateway) => {
      const g = gateway();
      const answers = {
        preflightAllowed: await preflight(g, ALLOWED_ORIGIN),
        preflightRefused: await preflight(g, FOREIGN_ORIGIN),
        postAllowed: await post(g, ALLOWED_ORIGIN),
        postRefused: await post(g, FOREIGN_ORIGIN),
        postNoOrigin: await post(g),
      };
      const rows = Object.fromEntries(
        Object.entries(answers).map(([name, a]) => {
          const vary = varyTokens(a);
          return [name, { origin: vary.filter((t) => t === 'origin').length, cacheControl: a.headers.get('cache-control') }];
        }),
      );
      const once = { origin: 1, cacheControl: 'no-store' };
      expect(rows).toEqual({ preflightAllowed: once, preflightRefused: once, postAllowed: once, postRefused: once, postNoOrigin: once });
      // CORS itself is unchanged: only the allowed origin is allowed.
      expect([
        answers.postAllowed.headers.get('access-control-allow-origin'),
        answers.postRefused.headers.get('access-control-allow-origin'),
      ]).toEqual([ALLOWED_ORIGIN, null]);
    },
  );

  it('adds no Vary: Origin without an allow-list (no CORS headers at all then)', async () => {
    const answer = await post(prod, FOREIGN_ORIGIN);
    expect({ vary: varyTokens(answer).includes('origin'), allow: answer.headers.get('access-control-allow-origin') }).toEqual({
      vary: false,
      allow: null,
    });
  });
});
