import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staleReason, writeStamp } from '../../scripts/buildStamp.js';

/**
 * How `npm start` decides whether to rebuild, on a small project tree of its own: the build is
 * current until a source is newer than the stamp, a source appears or goes, an output is missing,
 * or package-lock.json pins another version (and not when npm merely rewrites it).
 */

const LOCK = {
  name: 'p',
  lockfileVersion: 3,
  packages: { '': { name: 'p' }, 'node_modules/graphql': { version: '16.15.0' }, 'node_modules/tsx': { version: '4.23.15' } },
};
const FILES: Record<string, string> = {
  'schema.graphql': 'type Query { a: Int }',
  'src/server/main.ts': 'export {};',
  'client/demo/app.ts': 'export {};',
  'scripts/build.ts': 'export {};',
  'scripts/soak.ts': 'export {};',
  'dist/server/main.js': '',
  'dist/dev/main.js': '',
  'dist/web/demo.js': '',
};

let root: string;
const write = (file: string, text: string): void => {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
};
/** Sets a file's modification time `seconds` from now. */
const touch = (file: string, seconds: number): void => {
  const at = Date.now() / 1000 + seconds;
  utimesSync(join(root, file), at, at);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'build-stamp-'));
  for (const [file, text] of Object.entries(FILES)) write(file, text);
  write('package-lock.json', JSON.stringify(LOCK));
  // Everything was written before the build started.
  for (const file of [...Object.keys(FILES), 'package-lock.json']) touch(file, -60);
  writeStamp(root, Date.now() - 30_000);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('scripts/buildStamp', () => {
  it('finds a fresh build current, and no build stale', () => {
    const fresh = staleReason(root);
    rmSync(join(root, 'dist', 'build-stamp.json'));
    expect([fresh, staleReason(root)]).toEqual([undefined, 'no build yet']);
  });

  it.each([
    ['a source under src/', 'src/server/main.ts'],
    ['a source under client/', 'client/demo/app.ts'],
    ['schema.graphql', 'schema.graphql'],
    ['a build script', 'scripts/build.ts'],
  ])('finds the build stale once %s is newer than the stamp', (_name, file) => {
    touch(file, 0);
    expect(staleReason(root)).toBe(`${file} changed`);
  });

  it('ignores a script the build does not read', () => {
    touch('scripts/soak.ts', 0);
    expect(staleReason(root)).toBeUndefined();
  });

  it('finds the build stale when a source is added or removed, whatever the times', () => {
    write('src/extra.ts', 'export {};');
    touch('src/extra.ts', -60);
    const added = staleReason(root);
    rmSync(join(root, 'src', 'extra.ts'));
    rmSync(join(root, 'client', 'demo', 'app.ts'));
    expect([added, staleReason(root)]).toEqual(['source files were added or removed', 'source files were added or removed']);
  });

  it('finds the build stale when an output is missing', () => {
    rmSync(join(root, 'dist', 'dev', 'main.js'));
    expect(staleReason(root)).toBe(`${join('dist', 'dev', 'main.js')} is missing`);
  });

  it('ignores package-lock.json rewritten with the same versions (npm install, or a prune that changes dev flags)', () => {
    const pruned = { ...LOCK, packages: { ...LOCK.packages, 'node_modules/tsx': { version: '4.23.15', dev: true } } };
    write('package-lock.json', `${JSON.stringify(pruned, null, 2)}\n`);
    expect(staleReason(root)).toBeUndefined();
  });

  it('finds the build stale when package-lock.json pins another version', () => {
    write('package-lock.json', JSON.stringify({ ...LOCK, packages: { ...LOCK.packages, 'node_modules/graphql': { version: '16.16.0' } } }));
    expect(staleReason(root)).toBe('package-lock.json pins other versions');
  });
});
