/**
 * `node --import tsx bench/profile-summary.ts <file.cpuprofile> [top] [skipMs] [focus]`: self time
 * of a V8 CPU profile (e.g. from `npm run bench -- --cpu-prof`), grouped by package and by
 * function, leaving out the first `skipMs` (start-up, warm-up). With `focus` (a function name),
 * also the call stacks that lead to it, by weight.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Which package (or our own source folder, or V8/node) a script URL belongs to. */
export function packageOf(url: string, name: string): string {
  if (url === '') return name === '(garbage collector)' ? 'GC' : name.startsWith('(') ? name : 'native/V8 builtins';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '?');
  }
  const src = /\/(src|bench)\/(.*)$/.exec(url);
  return src ? `ours: ${src[1]}/${src[2]?.split('/')[0]}` : url;
}

const [file, topArg, skipArg, focus] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
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

if (focus !== undefined) {
  const stacks = new Map<string, number>();
  for (const [id, t] of self) {
    if (byId.get(id)?.callFrame.functionName !== focus) continue;
    const frames: string[] = [];
    for (let at = parent.get(id); at !== undefined && frames.length < 14; at = parent.get(at)) {
      const f = byId.get(at)?.callFrame;
      if (f) frames.push(`${f.functionName || '(anon)'}@${f.url.replace(/^.*node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/')}:${f.lineNumber + 1}`);
    }
    const key = frames.join(' <- ');
    stacks.set(key, (stacks.get(key) ?? 0) + t);
  }
  console.log(`\ncallers of ${focus}:`);
  for (const [stack, t] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${pct(t)}  ${stack}`);
}
