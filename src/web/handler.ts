/**
 * The gateway's browser-facing routes other than GraphiQL (which yoga serves at `/graphql`):
 * `/` (the demo page) and `/static/...` (the allow-listed files of `assets.ts`). The gateway
 * (`server/gateway.ts`) calls the handler first and hands the request to yoga when it answers false.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildAssetTable } from './assets.ts';
import { renderDemoPage, type DemoPageOptions } from './demoPage.ts';
import type { DemoPreset } from './preset.ts';
import { sendAsset } from './static.ts';

/** Answers the request and returns true when it is one of the web routes; false leaves it to the caller. */
export type WebHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Options of {@link createWebHandler}. */
export interface WebHandlerOptions {
  /** Prefilled on the demo page (the development shell's, on the embedded emulator); absent on a real KMS. */
  preset?: DemoPreset | undefined;
  /** Whether the demo page links to GraphiQL (default true). */
  graphiql?: boolean;
  /** Serve the demo page at `/` and its script (default true; `config.demoPage`, off in production). */
  demoPage?: boolean;
  /** Serve source maps (default true; `config.sourceMaps`, off in production). Off, scripts and styles lose their `sourceMappingURL` comment. */
  sourceMaps?: boolean;
}

/**
 * Builds the handler. Routes: GET/HEAD `/` -> the demo page (`no-store`: it may carry the demo
 * token), unless `demoPage` is off; GET/HEAD `/static/<allow-listed file>` -> the file; any other
 * `/static/` request -> 404 (405 for other methods), `*.map` included when `sourceMaps` is off.
 * Everything else -> false, `/` too when the demo page is off.
 */
export function createWebHandler(options: WebHandlerOptions = {}): WebHandler {
  const demoPage = options.demoPage ?? true;
  const assets = buildAssetTable({ demoPage, sourceMaps: options.sourceMaps ?? true });
  const page: DemoPageOptions = { ...options.preset, graphiql: options.graphiql ?? true };
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const readOnly = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/' && readOnly && demoPage) {
      const html = renderDemoPage(page);
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
      });
      res.end(req.method === 'HEAD' ? undefined : html);
      return true;
    }
    if (!path.startsWith('/static/')) return false;
    const asset = assets.get(path);
    if (asset === undefined || !readOnly) {
      const status = asset === undefined ? 404 : 405;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...(status === 405 && { allow: 'GET, HEAD' }) });
      res.end(status === 404 ? 'Not found\n' : 'Method not allowed\n');
      return true;
    }
    sendAsset(asset, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end();
    });
    return true;
  };
}
