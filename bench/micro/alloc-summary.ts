/**
 * `node --import tsx bench/micro/alloc-summary.ts <file.heapprofile> [top]`: a V8 sampling heap
 * profile (taken with includeObjectsCollectedByMinorGC/MajorGC, i.e. every allocation, not only
 * what survived) summed by package and by function, frames of a bundle read through its source map.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { packageOf } from '../packageOf.ts';

interface Node {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: Node[];
}
const [file, topArg] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: alloc-summary.ts <file.heapprofile> [top]');
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: Node };
const maps = new Map<string, SourceMap | undefined>();
const mapOf = (url: string): SourceMap | undefined => {
  if (!maps.has(url)) {
    const path = [`${fileURLToPath(url)}.full.map`, `${fileURLToPath(url)}.map`].find((f) => existsSync(f));
    maps.set(url, path === undefined ? undefined : new SourceMap(JSON.parse(readFileSync(path, 'utf8'))));
  }
  return maps.get(url);
};
const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
const walk = (node: Node): void => {
  let { url, lineNumber, functionName } = node.callFrame;
  if (url.startsWith('file://')) {
    const entry = mapOf(url)?.findEntry(lineNumber, node.callFrame.columnNumber) as
      | { originalSource?: string; originalLine?: number }
      | undefined;
    if (entry?.originalSource !== undefined) {
      url = new URL(entry.originalSource, url).href;
      lineNumber = entry.originalLine ?? 0;
    }
  }
  if (node.selfSize > 0) {
    total += node.selfSize;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.selfSize);
    const key = `${functionName || '(anonymous)'}  ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/')}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child);
};
walk(head);
const top = Number(topArg ?? '30');
const pct = (n: number): string => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${(total / 1048576).toFixed(1)} MiB sampled\n\nallocated by package:`);
for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v)}  ${k}`);
console.log('\nallocated by function:');
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v)}  ${k}`);
