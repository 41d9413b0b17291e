/**
 * Sending one allow-listed file ({@link StaticAsset}) with validators and cache headers: a strong
 * ETag from the content, `304` on a matching `If-None-Match`, gzip when the browser accepts it.
 * Contents (and their gzip) are kept in memory per file version (path, size, mtime), so a rebuilt
 * demo bundle is picked up without a restart and GraphiQL's 3.5 MB script is read and compressed once.
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

/** Reads (or reuses) a file's bytes, ETag and gzip; null when the file does not exist. */
async function load(file: string): Promise<Loaded | null> {
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile()) return null;
  const version = `${info.size}:${info.mtimeMs}`;
  const cached = loaded.get(file);
  if (cached?.version === version) return cached;
  const body = await readFile(file);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  // Compressing text below 1 KB gains nothing worth the CPU.
  const gzip = body.length >= 1024 ? gzipSync(body) : undefined;
  const entry = { version, body, gzip, etag };
  loaded.set(file, entry);
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
  const entry = await load(asset.file);
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
