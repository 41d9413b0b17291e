/**
 * `node --import tsx bench/profile-summary.ts <file.cpuprofile> [top] [skipMs] [focus]`: self time
 * of a V8 CPU profile (e.g. from `npm run bench -- --cpu-prof`), grouped by package and by
 * function, then each function's total time (itself and what it called), leaving out the first
 * `skipMs` (start-up, warm-up). Frames of a bundle are read through its source map. With `focus` (a function name),
 * also the call stacks that lead to it, by weight.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { packageOf } from './packageOf.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, skipArg, focus] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

// A bundle (dist/) is one file: its source map (written beside it by the build) says which
// package or source file each frame came from, so frames are read through it when it is there.
const maps = new Map<string, SourceMap | undefined>();
function mapOf(url: string): SourceMap | undefined {
  if (!maps.has(url)) {
    let map: SourceMap | undefined;
    try {
      // The build keeps the whole map as `.full.map`; the `.map` beside the bundle has our sources only.
      const path = [`${fileURLToPath(url)}.full.map`, `${fileURLToPath(url)}.map`].find((file) => existsSync(file));
      if (path !== undefined) map = new SourceMap(JSON.parse(readFileSync(path, 'utf8')));
    } catch {
      map = undefined;
    }
    maps.set(url, map);
  }
  return maps.get(url);
}
for (const node of profile.nodes) {
  const frame = node.callFrame;
  if (!frame.url.startsWith('file://') || frame.columnNumber === undefined) continue;
  const entry = mapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber) as
    | { originalSource?: string; originalLine?: number }
    | undefined;
  if (entry?.originalSource === undefined) continue;
  const source = new URL(entry.originalSource, frame.url).href;
  frame.url = source;
  frame.lineNumber = entry.originalLine ?? 0;
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
const skipUs = Number(skipArg ?? '0') * 1000;
let clock = 0;
profile.samples.forEach((id, i) => {
  clock += profile.timeDeltas[i] ?? 0;
  if (clock >= skipUs) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
const busy = total - idle;

const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, t] of self) {
  const node = byId.get(id);
  if (node === undefined || node.callFrame.functionName === '(idle)') continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const pkg = packageOf(url, functionName);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + t);
  const short = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/');
  const key = `${functionName || '(anonymous)'}  ${short}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + t);
}
const pct = (t: number): string => `${((100 * t) / busy).toFixed(1).padStart(5)}%`;
const top = Number(topArg ?? '30');
console.log(`${file}\nbusy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled\n\nself time by package:`);
for (const [pkg, t] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(t)}  ${pkg}`);
console.log('\nself time by function:');
for (const [fn, t] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(t)}  ${fn}`);

// Inclusive time (the function and everything it called), each function counted once per sample's stack.
const keyOf = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'}  ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/')}:${lineNumber + 1}`;
};
const inclusive = new Map<string, number>();
for (const [id, t] of self) {
  if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const node = byId.get(at);
    if (node === undefined || node.callFrame.functionName === '(root)') continue;
    const key = keyOf(node);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + t);
  }
}
console.log('\ntotal time (self + callees) by function:');
for (const [fn, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(t)}  ${fn}`);

if (focus !== undefined) {
  const stacks = new Map<string, number>();
  for (const [id, t] of self) {
    if (byId.get(id)?.callFrame.functionName !== focus) continue;
    const frames: string[] = [];
    for (let at = parent.get(id); at !== undefined && frames.length < 14; at = parent.get(at)) {
      const f = byId.get(at)?.callFrame;
      if (f)
        frames.push(
          `${f.functionName || '(anon)'}@${f.url.replace(/^.*node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/')}:${f.lineNumber + 1}`,
        );
    }
    const key = frames.join(' <- ');
    stacks.set(key, (stacks.get(key) ?? 0) + t);
  }
  console.log(`\ncallers of ${focus}:`);
  for (const [stack, t] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${pct(t)}  ${stack}`);
}
