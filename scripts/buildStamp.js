/**
 * Whether dist/ is the build of the current sources, in plain Node (no tsx, no esbuild), so that
 * `npm start` can tell without the build tools, which `npm prune --omit=dev` removes.
 * `npm run build` (scripts/build.ts) writes dist/build-stamp.json last: when it started, which
 * sources it read, and a hash of the package versions package-lock.json pins. The build is stale
 * when a source is newer than that start, a source was added or removed, an output is missing, or
 * an installed version changed. The lock is compared by its versions, not its time: npm rewrites
 * it on every install and prune, and a prune after moving a package to devDependencies changes
 * its `dev` flags, neither of which changes what the build bundles.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';

const STAMP = join('dist', 'build-stamp.json');
/** Folders whose every file the build reads. */
const SOURCE_DIRS = ['src', 'client'];
/** Files outside them that the build reads (the build scripts are matched as scripts/build*.ts). */
const SOURCE_FILES = ['schema.graphql'];
const LOCK = 'package-lock.json';
/** What `npm start` runs and serves; a build without one of them is no build. */
const OUTPUTS = [join('dist', 'server', 'main.js'), join('dist', 'dev', 'main.js'), join('dist', 'web', 'demo.js')];

/** The build's source files under `root`, as sorted relative paths. */
export function sourceFiles(root) {
  const found = SOURCE_FILES.filter((file) => existsSync(join(root, file)));
  for (const name of readdirSync(join(root, 'scripts'))) {
    if (/^build.*\.ts$/.test(name)) found.push(join('scripts', name));
  }
  // Plain concatenation, not join(): this runs on every `npm start`, for every source file.
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}${sep}${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) found.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return found.sort();
}

/** A hash of every locked package's path and version. */
function lockHash(root) {
  const { packages = {} } = JSON.parse(readFileSync(join(root, LOCK), 'utf8'));
  const versions = Object.entries(packages).map(([path, entry]) => `${path}@${entry.version ?? ''}`);
  return createHash('sha256').update(versions.sort().join('\n')).digest('hex');
}

/** The lock file's size and modification time: when both are unchanged, so is its content. */
function lockStat(root) {
  const { size, mtimeMs } = statSync(join(root, LOCK));
  return `${size}:${mtimeMs}`;
}

/** Records that a build of `root` that started at `startedAt` (epoch ms) has written all its outputs. */
export function writeStamp(root, startedAt) {
  const stamp = { startedAt, sources: sourceFiles(root), lock: lockHash(root), lockStat: lockStat(root) };
  writeFileSync(join(root, STAMP), `${JSON.stringify(stamp, null, 1)}\n`);
}

/** Why dist/ under `root` must be rebuilt, or undefined when it is current. */
export function staleReason(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
  } catch {
    return 'no build yet';
  }
  const missing = OUTPUTS.find((file) => !existsSync(join(root, file)));
  if (missing !== undefined) return `${missing} is missing`;
  const sources = sourceFiles(root);
  if (!Array.isArray(stamp.sources) || sources.join('\n') !== stamp.sources.join('\n')) return 'source files were added or removed';
  const base = root.endsWith(sep) ? root : `${root}${sep}`;
  const changed = sources.find((file) => statSync(`${base}${file}`).mtimeMs > stamp.startedAt);
  if (changed !== undefined) return `${changed} changed`;
  // Reading and hashing the lock costs more than all the rest; the same file needs no second look.
  if (stamp.lockStat !== lockStat(root) && lockHash(root) !== stamp.lock) return `${LOCK} pins other versions`;
  return undefined;
}
