/**
 * Builds what `npm start` runs: the demo page's bundle (build-web.ts) and the two entries,
 * bundled by esbuild with their dependencies, so they start on plain node in about 0.2 s instead
 * of 1.4 s (tsx compiles on the fly, and resolving hundreds of package files costs more than
 * reading one): dist/server/main.js, the gateway, and dist/dev/main.js, the development shell
 * (src/dev/), with the code they share in dist/chunks/. Last, dist/build-stamp.json, from which
 * `npm start` (scripts/start.js) tells that nothing changed since. `npm ci` (prepare) runs it,
 * and `npm start` when a source is newer than the stamp.
 */
import { build, type Plugin } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from './build-web.ts';
import { ownSourcesOnly } from './buildSourceMaps.ts';
import { writeStamp } from './buildStamp.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Deep imports of graphql (`graphql/language/parser`, as graphql-armor's token limit does) to
 * graphql's ES module files too: esbuild completes an extensionless path with `.js` before
 * `.mjs`, and the CommonJS parser would bring a second copy of graphql (and of `GraphQLError`).
 */
const graphqlAsEsm: Plugin = {
  name: 'graphql-as-esm',
  setup(build) {
    build.onResolve({ filter: /^graphql\/./ }, async (args) => {
      if (args.pluginData === 'graphql-as-esm') return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'graphql-as-esm' });
      if (resolved.errors.length > 0 || !resolved.path.endsWith('.js')) return resolved;
      const esm = `${resolved.path.slice(0, -3)}.mjs`;
      return existsSync(esm) ? { path: esm } : resolved;
    });
  },
};

/** Writes dist/server/main.js, dist/dev/main.js (plus their shared chunks) and dist/web/, then the stamp. */
export async function buildAll(): Promise<void> {
  const startedAt = Date.now();
  // esbuild names chunks by content hash and never deletes old ones.
  for (const dir of ['server', 'dev', 'chunks', 'build-stamp.json']) rmSync(join(root, 'dist', dir), { recursive: true, force: true });
  await Promise.all([
    buildWeb(),
    build({
      entryPoints: { 'server/main': join(root, 'src', 'server', 'main.ts'), 'dev/main': join(root, 'src', 'dev', 'main.ts') },
      outdir: join(root, 'dist'),
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: ['node20'],
      // ES module builds first for packages without an `exports` map (graphql 16, cockatiel,
      // graphql-armor): esbuild's node default takes `main`, their CommonJS build, and then every
      // graphql export yoga's executor reads goes through a getter (re-export getters and
      // esbuild's CommonJS interop): about 6% of the CPU of an operation. One copy of graphql
      // either way: every importer, `require` included, resolves to the same files.
      mainFields: ['module', 'main'],
      plugins: [graphqlAsEsm],
      // Not bundled: the emulator's HTTP server is a development dependency, so once
      // `npm prune --omit=dev` has removed it the development shell cannot start (and says so).
      external: ['fastify'],
      // Mappings only: stack traces need no source text, and a smaller map loads faster at start
      // (and only of our own sources: see buildSourceMaps.ts).
      sourcemap: true,
      sourcesContent: false,
      // Less to read and parse at every start (2.0 MB -> 1.25 MB, about 10% of start-up CPU);
      // names are kept, so stack traces and CPU profiles still name every function.
      minifyWhitespace: true,
      minifySyntax: true,
      // CommonJS dependencies inside an ES module bundle still call require().
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      logLevel: 'warning',
    }),
  ]);
  for (const dir of ['server', 'dev', 'chunks']) {
    for (const file of readdirSync(join(root, 'dist', dir))) if (file.endsWith('.js.map')) ownSourcesOnly(join(root, 'dist', dir, file));
  }
  writeStamp(root, startedAt);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildAll();
}
