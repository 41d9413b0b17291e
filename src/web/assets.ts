/**
 * The fixed set of files the gateway serves to browsers under `/static/`: GraphiQL and React from
 * node_modules (versioned URLs, cached as immutable), and the gateway's own page scripts and styles
 * (revalidated by ETag). Nothing outside this list is ever read, so a request path cannot reach
 * another file (`..`, encoded slashes and the like simply match no entry).
 */
import { createRequire } from 'node:module';
import { PROJECT_ROOT } from '../paths.ts';
import { dirname, join } from 'node:path';

/** How a browser may cache an asset. */
export type CachePolicy = 'immutable' | 'revalidate';

/** One servable file. */
export interface StaticAsset {
  /** Absolute file path on disk. */
  file: string;
  /** `Content-Type` header value. */
  contentType: string;
  /** `immutable`: the URL carries the package version; `revalidate`: ETag check on every use. */
  cache: CachePolicy;
  /** Served without its closing `sourceMappingURL` comment (source maps are not served). */
  stripSourceMapComment?: boolean;
}

const require = createRequire(join(PROJECT_ROOT, 'package.json'));
const root = PROJECT_ROOT;
const here = join(root, 'src', 'web');

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const MAP = 'application/json; charset=utf-8';

/** The directory and version of an installed package, found the way Node resolves it from here. */
function packageDir(name: string): { dir: string; version: string } {
  const manifest = require.resolve(`${name}/package.json`);
  const { version } = require(manifest) as { version: string };
  return { dir: dirname(manifest), version };
}

/** Vendor files: `[package, file inside the package, content type]`; `.map` files are source maps. */
const VENDOR_FILES: readonly (readonly [string, string, string])[] = [
  ['react', 'umd/react.production.min.js', JS],
  ['react-dom', 'umd/react-dom.production.min.js', JS],
  ['graphiql', 'graphiql.min.js', JS],
  ['graphiql', 'graphiql.min.js.map', MAP],
  ['graphiql', 'graphiql.min.css', CSS],
  ['graphiql', 'graphiql.min.css.map', MAP],
];

/** Where the demo page's bundle is written by `npm run build` (run by `npm ci` / `npm install`, see package.json). */
export const DEMO_BUNDLE_DIR = join(root, 'dist', 'web');

/** The gateway's own files: `[URL name, absolute file, content type]`; `demo.*` belong to the demo page. */
const OWN_FILES: readonly (readonly [string, string, string])[] = [
  ['graphiql.js', join(here, 'public', 'graphiql.js'), JS],
  ['web.css', join(here, 'public', 'web.css'), CSS],
  ['demo.js', join(DEMO_BUNDLE_DIR, 'demo.js'), JS],
  ['demo.js.map', join(DEMO_BUNDLE_DIR, 'demo.js.map'), MAP],
];

/** URL of a vendor file, e.g. `vendorUrl('graphiql', 'graphiql.min.js')` -> `/static/vendor/graphiql@3.8.3/graphiql.min.js`. */
export function vendorUrl(pkg: string, file: string): string {
  return `/static/vendor/${pkg}@${packageDir(pkg).version}/${file}`;
}

/** URL of one of the gateway's own files, e.g. `ownUrl('demo.js')` -> `/static/web/demo.js`. */
export function ownUrl(name: string): string {
  return `/static/web/${name}`;
}

/** What the allow-list holds besides GraphiQL's files; both default to true. */
export interface AssetTableOptions {
  /** Source maps (`*.map`). Without them, scripts and styles are served without their `sourceMappingURL` comment. */
  sourceMaps?: boolean;
  /** The demo page's script (and its map). */
  demoPage?: boolean;
}

/**
 * The allow-list: URL path -> asset. Built once; throws at start-up if a vendor package is not
 * installed, which is a broken install rather than a request-time condition.
 */
export function buildAssetTable({ sourceMaps = true, demoPage = true }: AssetTableOptions = {}): ReadonlyMap<string, StaticAsset> {
  const table = new Map<string, StaticAsset>();
  const add = (url: string, asset: StaticAsset): void => {
    if (asset.file.endsWith('.map') && !sourceMaps) return;
    table.set(url, { ...asset, ...(!sourceMaps && asset.contentType !== MAP && { stripSourceMapComment: true }) });
  };
  for (const [pkg, file, contentType] of VENDOR_FILES) {
    add(vendorUrl(pkg, file), { file: join(packageDir(pkg).dir, file), contentType, cache: 'immutable' });
  }
  for (const [name, file, contentType] of OWN_FILES) {
    if (name.startsWith('demo.') && !demoPage) continue;
    add(ownUrl(name), { file, contentType, cache: 'revalidate' });
  }
  return table;
}
