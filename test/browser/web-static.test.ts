import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDemoPage } from '../../src/web/demoPage.ts';
import { graphiqlBoot, renderGraphiQL } from '../../src/web/graphiql.ts';
import { FULL_KEY, startDemoStack, type DemoStack } from './support.ts';

/** A raw HTTP exchange: the path is sent exactly as given (fetch would normalise `..`). */
interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function raw(base: string, path: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Raw> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The `src`/`href` URLs of a page. */
function linkedUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1] ?? '');
}

const BROWSER_GET = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('web (src/web/, over loopback HTTP)', () => {
  let stack: DemoStack;
  beforeAll(async () => {
    stack = await startDemoStack();
  }, 30_000);
  afterAll(async () => stack?.close());

  describe('GraphiQL page (browser GET /graphql)', () => {
    let html: string;
    beforeAll(async () => {
      const res = await raw(stack.gw.url, '/graphql', { headers: BROWSER_GET });
      expect(res.status).toBe(200);
      html = res.body.toString('utf8');
    });

    it('is a small shell (under 8 KB): GraphiQL is not inlined', () => {
      expect(Buffer.byteLength(html)).toBeLessThan(8 * 1024);
      expect(html).not.toContain('createRoot(');
    });

    it('loads every script and stylesheet from /static/ on the gateway, none from a CDN', () => {
      const urls = linkedUrls(html);
      expect(urls.filter((u) => u !== 'data:,')).toEqual([
        '/static/vendor/graphiql@3.8.3/graphiql.min.css',
        '/static/web/web.css',
        '/static/vendor/react@18.3.1/umd/react.production.min.js',
        '/static/vendor/react-dom@18.3.1/umd/react-dom.production.min.js',
        '/static/vendor/graphiql@3.8.3/graphiql.min.js',
        '/static/web/graphiql.js',
      ]);
      expect(html).not.toMatch(/unpkg|jsdelivr|cdnjs|https?:\/\/(?!www\.w3\.org)/);
    });

    it('carries yoga’s options: the example query, the demo token header and the demo key variable', () => {
      const json = /<script type="application\/json" id="graphiql-options">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
      const boot = JSON.parse(json) as ReturnType<typeof graphiqlBoot>;
      expect(boot.title).toBe('KMS grants gateway');
      expect(String(boot.props['defaultQuery'])).toContain('query KeyGrants($keyId: ID!, $after: String)');
      expect(JSON.parse(String(boot.props['headers']))).toEqual({ 'X-Auth-Token': stack.token });
      expect(JSON.parse(String(boot.props['defaultHeaders']))).toEqual({ 'X-Auth-Token': stack.token });
      expect(JSON.parse(String(boot.props['variables']))).toEqual({ keyId: FULL_KEY });
    });

    it('serves each linked asset with its content type and cache headers', async () => {
      const rows = await Promise.all(
        linkedUrls(html)
          .filter((u) => u.startsWith('/static/'))
          .map(async (path) => {
            const res = await raw(stack.gw.url, path);
            return {
              path,
              status: res.status,
              type: res.headers['content-type'],
              cache: res.headers['cache-control'],
              etag: typeof res.headers['etag'],
            };
          }),
      );
      const immutable = 'public, max-age=31536000, immutable';
      const js = 'text/javascript; charset=utf-8';
      const css = 'text/css; charset=utf-8';
      expect(rows).toEqual([
        { path: '/static/vendor/graphiql@3.8.3/graphiql.min.css', status: 200, type: css, cache: immutable, etag: 'string' },
        { path: '/static/web/web.css', status: 200, type: css, cache: 'no-cache', etag: 'string' },
        { path: '/static/vendor/react@18.3.1/umd/react.production.min.js', status: 200, type: js, cache: immutable, etag: 'string' },
        {
          path: '/static/vendor/react-dom@18.3.1/umd/react-dom.production.min.js',
          status: 200,
          type: js,
          cache: immutable,
          etag: 'string',
        },
        { path: '/static/vendor/graphiql@3.8.3/graphiql.min.js', status: 200, type: js, cache: immutable, etag: 'string' },
        { path: '/static/web/graphiql.js', status: 200, type: js, cache: 'no-cache', etag: 'string' },
      ]);
    });
  });

  describe('caching and compression', () => {
    const path = '/static/vendor/graphiql@3.8.3/graphiql.min.js';

    it('answers 304 with no body to a matching If-None-Match', async () => {
      const first = await raw(stack.gw.url, path);
      const etag = String(first.headers['etag']);
      const again = await raw(stack.gw.url, path, { headers: { 'if-none-match': etag } });
      expect({ status: again.status, length: again.body.length, etag: again.headers['etag'] }).toEqual({ status: 304, length: 0, etag });
    });

    it('sends gzip when accepted, decompressing to the same bytes', async () => {
      const plain = await raw(stack.gw.url, path);
      const gzip = await raw(stack.gw.url, path, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gzip.headers['vary']).toBe('Accept-Encoding');
      expect(gzip.body.length).toBeLessThan(plain.body.length / 2);
      expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    });

    it('answers HEAD with headers only', async () => {
      const head = await raw(stack.gw.url, '/static/web/graphiql.js', { method: 'HEAD' });
      expect({ status: head.status, length: head.body.length, type: head.headers['content-type'] }).toEqual({
        status: 200,
        length: 0,
        type: 'text/javascript; charset=utf-8',
      });
    });
  });

  describe('allow-list', () => {
    const refused = [
      '/static/',
      '/static/web/',
      '/static/../package.json',
      '/static/web/../../package.json',
      '/static/web/..%2f..%2fpackage.json',
      '/static/%2e%2e/%2e%2e/package.json',
      '/static/vendor/graphiql@3.8.3/package.json',
      '/static/vendor/graphiql@3.8.3/../../../../package.json',
      '/static/vendor/graphiql@0.0.1/graphiql.min.js',
      '/static/web/assets.ts',
      '/static/web/handler.ts',
      '/static//etc/passwd',
      '/static/web/graphiql.js/',
      '/static/WEB/graphiql.js',
    ];
    it.each(refused)('answers 404 for %s, sending no file', async (path) => {
      const res = await raw(stack.gw.url, path);
      expect({ status: res.status, body: res.body.toString('utf8') }).toEqual({ status: 404, body: 'Not found\n' });
    });

    it('answers 405 to a POST of an allow-listed file', async () => {
      const res = await raw(stack.gw.url, '/static/web/graphiql.js', { method: 'POST' });
      expect({ status: res.status, allow: res.headers['allow'] }).toEqual({ status: 405, allow: 'GET, HEAD' });
    });

    it('leaves other paths to yoga and the server (/health still answers)', async () => {
      expect((await raw(stack.gw.url, '/health')).status).toBe(200);
    });
  });

  describe('demo page (GET /)', () => {
    it('is HTML, not cached (it may carry the demo token), prefilled with the demo token and key', async () => {
      const res = await raw(stack.gw.url, '/');
      const html = res.body.toString('utf8');
      expect({ status: res.status, type: res.headers['content-type'], cache: res.headers['cache-control'] }).toEqual({
        status: 200,
        type: 'text/html; charset=utf-8',
        cache: 'no-store',
      });
      expect(html).toContain(`id="token" name="token" autocomplete="off" spellcheck="false" value="${stack.token}"`);
      expect(html).toContain(`value="${FULL_KEY}"`);
      expect(linkedUrls(html).filter((u) => u.startsWith('/static/'))).toEqual(['/static/web/web.css', '/static/web/demo.js']);
    });

    it('serves the bundled demo script', async () => {
      const res = await raw(stack.gw.url, '/static/web/demo.js');
      expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status: 200, type: 'text/javascript; charset=utf-8' });
      expect(res.body.length).toBeGreaterThan(1000);
    });
  });

  describe('renderDemoPage', () => {
    it('leaves both fields empty off the emulator', () => {
      const html = renderDemoPage({});
      expect(html).toContain('id="token" name="token" autocomplete="off" spellcheck="false" value=""');
      expect(html).toMatch(/pattern="[^"]*" value=""/);
    });

    it('escapes what it prefills', () => {
      const html = renderDemoPage({ token: '"><script>alert(1)</script>', keyId: "x' onfocus='alert(1)" });
      expect(html).not.toContain('<script>alert(1)');
      expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
      expect(html).toContain('value="x&#39; onfocus=&#39;alert(1)"');
    });
  });

  describe('renderGraphiQL', () => {
    it('keeps option strings from closing the JSON script block', () => {
      const html = renderGraphiQL({ title: 'a</script><script>alert(1)//', defaultQuery: '# </script>' });
      expect(html.match(/<\/script>/g)?.length).toBe(5);
      expect(html).toContain('<title>a&lt;/script&gt;&lt;script&gt;alert(1)//</title>');
      expect(html).toContain('\\u003c/script\\u003e');
    });

    it('falls back to GraphiQL defaults when yoga passes no options', () => {
      expect(graphiqlBoot({})).toEqual({
        title: 'GraphiQL',
        fetcher: { endpoint: undefined, headers: {}, credentials: 'same-origin' },
        props: {
          defaultEditorToolsVisibility: true,
          isHeadersEditorEnabled: true,
          shouldPersistHeaders: false,
          inputValueDeprecation: true,
          schemaDescription: true,
        },
      });
    });
  });
});

describe('web on a gateway without the demo preset and with GraphiQL off (production)', () => {
  let stack: DemoStack;
  beforeAll(async () => {
    stack = await startDemoStack({ production: true, graphiql: false }, 'none');
  }, 30_000);
  afterAll(async () => stack?.close());

  it('does not render GraphiQL on a browser GET of /graphql', async () => {
    const res = await raw(stack.gw.url, '/graphql', { headers: BROWSER_GET });
    expect(res.body.toString('utf8')).not.toContain('graphiql-options');
  });

  it('serves the demo page with empty fields and no GraphiQL link', async () => {
    const html = (await raw(stack.gw.url, '/')).body.toString('utf8');
    expect(html).toContain('value=""');
    expect(html).not.toContain(stack.token);
    expect(html).not.toContain('href="/graphql"');
  });
});
