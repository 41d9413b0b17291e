/**
 * Sending one allow-listed file ({@link StaticAsset}) with validators and cache headers: a strong
 * ETag from the content, `304` on a matching `If-None-Match`, gzip when the browser accepts it.
 * Contents (and their gzip) are kept in memory per file version (path, size, mtime), so a rebuilt
 * demo bundle is picked up without a restart and GraphiQL's 3.5 MB script is read and compressed once.
 * When source maps are off, scripts and styles are served without their closing `sourceMappingURL`
 * comment (stripped once per file version, before the ETag and gzip are computed).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { StaticAsset } from './assets.ts';

/** One immutable year for versioned vendor URLs; own files are revalidated on every use. */
const CACHE_CONTROL = {
  immutable: 'public, max-age=31536000, immutable',
  revalidate: 'no-cache',
} as const;

interface Loaded {
  version: string;
  body: Buffer;
  gzip: Buffer | undefined;
  etag: string;
}

const loaded = new Map<string, Loaded>();

/** A source-map comment ending a script (`//# ...` line) or a stylesheet (`/*# ... *\/`); `@` is the old marker. */
const SOURCE_MAP_COMMENT = /(?:\/\/[#@] ?sourceMappingURL=[^\r\n]*|\/\*[#@] ?sourceMappingURL=[^*]*\*\/)\s*$/;

/**
 * `body` without the `sourceMappingURL` comment that ends it (the same bytes when there is none).
 * Only a comment at the very end counts, as in the Source Map spec. Only the bytes from just before
 * the last `sourceMappingURL=` are read, as latin1, so string offsets are byte offsets.
 */
export function withoutSourceMapComment(body: Buffer): Buffer {
  const at = body.lastIndexOf('sourceMappingURL=');
  if (at < 0) return body;
  const from = Math.max(0, at - 4); // the comment's opening, `//# ` at most, is just before the keyword
  const match = SOURCE_MAP_COMMENT.exec(body.toString('latin1', from));
  return match === null ? body : body.subarray(0, from + match.index);
}

/** Reads (or reuses) a file's bytes, ETag and gzip; null when the file does not exist. */
async function load(file: string, stripSourceMapComment: boolean): Promise<Loaded | null> {
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile()) return null;
  const version = `${info.size}:${info.mtimeMs}`;
  const key = stripSourceMapComment ? `${file}\0no-source-map` : file;
  const cached = loaded.get(key);
  if (cached?.version === version) return cached;
  const read = await readFile(file);
  const body = stripSourceMapComment ? withoutSourceMapComment(read) : read;
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  // Compressing text below 1 KB gains nothing worth the CPU.
  const gzip = body.length >= 1024 ? gzipSync(body) : undefined;
  const entry = { version, body, gzip, etag };
  loaded.set(key, entry);
  return entry;
}

/** True when an `If-None-Match` header value lists `etag` (or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === etag || t === '*';
  });
}

/**
 * Answers a GET or HEAD for `asset`: 200 (gzip when accepted), 304 when the browser's copy is
 * current, 404 when the file is missing (the demo bundle before `npm run build`).
 */
export async function sendAsset(asset: StaticAsset, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const entry = await load(asset.file, asset.stripSourceMapComment === true);
  if (entry === null) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('Not built: run `npm run build` (npm ci and npm install run it for you).\n');
    return;
  }
  const headers: Record<string, string> = {
    'cache-control': CACHE_CONTROL[asset.cache],
    etag: entry.etag,
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
  };
  if (etagMatches(req.headers['if-none-match'], entry.etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  const gzip = entry.gzip !== undefined && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip && entry.gzip !== undefined ? entry.gzip : entry.body;
  res.writeHead(200, {
    ...headers,
    'content-type': asset.contentType,
    'content-length': String(body.length),
    ...(gzip && { 'content-encoding': 'gzip' }),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
