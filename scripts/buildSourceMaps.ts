/**
 * Source maps of the server bundle reduced to the project's own sources. `--enable-source-maps`
 * makes Node read, parse and keep the map of every module it loads: for the gateway's bundle,
 * 95% of whose code is dependencies, that was a 1.2 MB map, about 30 ms of start-up and 7 MB of
 * memory for the life of the process. Stack frames in our code (src/, scripts/) still point at
 * their TypeScript lines; frames in a dependency point at the bundle (file, line, column), which
 * is where such a frame is read anyway, next to the dependency's own source.
 *
 * A source map's `mappings` are, per generated line, segments of 1, 4 or 5 base64 VLQ numbers
 * (generated column; then source, original line, original column, name), each relative to the
 * previous one. A segment of a dependency becomes a 1-number segment (an unmapped range), so the
 * code after it is not taken for the preceding mapped code; sources and names are renumbered.
 */
import { readFileSync, writeFileSync } from 'node:fs';

interface RawSourceMap {
  version: number;
  sources: string[];
  names: string[];
  mappings: string;
  [key: string]: unknown;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** The numbers of one VLQ segment. */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`source map: bad VLQ character ${JSON.stringify(char)}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeValue(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = '';
  do {
    let digit = rest & 31;
    rest >>>= 5;
    if (rest > 0) digit |= 32;
    out += BASE64[digit];
  } while (rest > 0);
  return out;
}

/** `map` with only the segments whose source `keep` accepts; the others become unmapped ranges. */
export function keepSources(map: RawSourceMap, keep: (source: string) => boolean): RawSourceMap {
  const sourceIndex: number[] = map.sources.map((source) => (keep(source) ? 0 : -1));
  const sources: string[] = [];
  map.sources.forEach((source, i) => {
    if (sourceIndex[i] === 0) sourceIndex[i] = sources.push(source) - 1;
  });
  const names: string[] = [];
  const nameIndex = new Map<number, number>();
  // Absolute values while decoding; the previous written ones while encoding.
  let source = 0;
  let line = 0;
  let column = 0;
  let name = 0;
  let outSource = 0;
  let outLine = 0;
  let outColumn = 0;
  let outName = 0;
  const lines = map.mappings.split(';').map((text) => {
    let generated = 0;
    let outGenerated = 0;
    let unmapped = false;
    const out: string[] = [];
    for (const segment of text === '' ? [] : text.split(',')) {
      const values = decodeSegment(segment);
      generated += values[0] ?? 0;
      if (values.length === 1) {
        if (!unmapped) out.push(encodeValue(generated - outGenerated));
        else continue;
        outGenerated = generated;
        unmapped = true;
        continue;
      }
      source += values[1] ?? 0;
      line += values[2] ?? 0;
      column += values[3] ?? 0;
      if (values.length > 4) name += values[4] ?? 0;
      const kept = sourceIndex[source] ?? -1;
      if (kept < 0) {
        if (unmapped) continue;
        out.push(encodeValue(generated - outGenerated));
        outGenerated = generated;
        unmapped = true;
        continue;
      }
      let encoded =
        encodeValue(generated - outGenerated) +
        encodeValue(kept - outSource) +
        encodeValue(line - outLine) +
        encodeValue(column - outColumn);
      if (values.length > 4) {
        let index = nameIndex.get(name);
        if (index === undefined) {
          index = names.push(map.names[name] ?? '') - 1;
          nameIndex.set(name, index);
        }
        encoded += encodeValue(index - outName);
        outName = index;
      }
      out.push(encoded);
      outGenerated = generated;
      outSource = kept;
      outLine = line;
      outColumn = column;
      unmapped = false;
    }
    return out.join(',');
  });
  return { ...map, sources, names, mappings: lines.join(';') };
}

/**
 * Rewrites the source map at `path` (`x.js.map`) to the project's own sources (no
 * `node_modules`), keeping the whole map beside it as `x.js.full.map`, which nothing loads at run
 * time: for reading CPU profiles (bench/profile-summary.ts prefers it) and stack traces by hand.
 */
export function ownSourcesOnly(path: string): void {
  const text = readFileSync(path, 'utf8');
  writeFileSync(path.replace(/\.map$/, '.full.map'), text);
  writeFileSync(path, JSON.stringify(keepSources(JSON.parse(text) as RawSourceMap, (source) => !source.includes('node_modules/'))));
}
