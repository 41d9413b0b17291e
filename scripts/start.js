/**
 * `npm start`, in plain Node (no tsx, no esbuild, so it also runs after `npm prune --omit=dev`):
 * 1. Rebuild dist/ only when the stamp says a source changed since the last build
 *    (buildStamp.js); when nothing did, this costs a few milliseconds, not a build.
 * 2. Run the gateway (dist/server/main.js) when KMS_ENDPOINT is set or NODE_ENV is production,
 *    else the development shell (dist/dev/main.js): the gateway on the embedded emulator.
 * Both run in this process: a second Node process would cost about 0.1 s of start-up.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { staleReason } from './buildStamp.js';

const root = fileURLToPath(new URL('..', import.meta.url));

const reason = staleReason(root);
if (reason !== undefined) {
  if (!existsSync(`${root}node_modules/tsx`) || !existsSync(`${root}node_modules/esbuild`)) {
    console.error(
      `dist/ is out of date (${reason}) and cannot be rebuilt here: the build tools (tsx, esbuild) are development dependencies. ` +
        'Build where they are installed: npm ci && npm run build (then npm prune --omit=dev).',
    );
    process.exit(1);
  }
  console.error(`Building dist/ (${reason})...`);
  // Loaded only to rebuild: node:child_process costs about 15 ms of every start.
  const { spawnSync } = await import('node:child_process');
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const gateway = process.env['KMS_ENDPOINT'] || process.env['NODE_ENV'] === 'production';
await import(gateway ? '../dist/server/main.js' : '../dist/dev/main.js');
