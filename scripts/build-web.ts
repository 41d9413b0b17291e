/**
 * Bundles the demo page's script (client/demo/app.ts, with @urql/core and the typed documents of
 * client/generated/) into dist/web/demo.js, which the gateway serves at /static/web/demo.js.
 * `npm ci` and `npm install` run it (package.json `prepare`), and so does `npm start` when a
 * source changed since the last build (scripts/start.js), so nobody runs it by hand; dist/ is
 * git-ignored.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Writes `<outdir>/demo.js` and its source map; resolves when both are on disk. */
export async function buildWeb(outdir = join(root, 'dist', 'web')): Promise<void> {
  await build({
    entryPoints: { demo: join(root, 'client', 'demo', 'app.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWeb();
}
