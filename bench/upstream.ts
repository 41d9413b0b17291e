/**
 * Child process: the lean fixed-answer KMS upstream on plain node:http. Answers list-grants,
 * list-retirable-grants, describe-key and revoke-grant with realistic bodies, from a cache of
 * pre-serialised answers, after BENCH_LATENCY_MS (default 0). Accepts any non-empty token and
 * any well-formed grant id for revoke. Prints nothing; reports to the parent over IPC.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { instrumentHttpServers, serveParent } from './instrument.ts';
import { LEAN_GRANTS, LEAN_KEYS, LEAN_PROJECT_ID, LEAN_RETIRABLE, leanKeyDetails } from './lean-data.ts';
import type { KmsGrant } from '../src/kms/types.ts';

const instrument = instrumentHttpServers(Number(process.env.BENCH_LATENCY_MS ?? '0'));
const PREFIX = `/v1.0/${LEAN_PROJECT_ID}/kms/`;
const GRANT_ID = /^[A-Fa-f0-9]{64}$/;
const cache = new Map<string, string>();

function kmsError(res: ServerResponse, status: number, code: string, msg: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { error_code: code, error_msg: msg } }));
}

function page(list: readonly KmsGrant[], limitIn: unknown, markerIn: unknown): string | undefined {
  const limit = limitIn === undefined || limitIn === '' ? 1000 : Number(limitIn);
  const offset = markerIn === undefined || markerIn === '' ? 0 : Number(markerIn);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || !Number.isInteger(offset) || offset < 0) return undefined;
  const grants = list.slice(offset, offset + limit);
  const end = offset + grants.length;
  const truncated = end < list.length;
  return JSON.stringify({ grants, next_marker: truncated ? String(end) : '', truncated: String(truncated), total: list.length });
}

function answer(action: string, body: Record<string, unknown>): [number, string] {
  const key = typeof body.key_id === 'string' ? body.key_id : '';
  switch (action) {
    case 'list-grants':
    case 'list-retirable-grants': {
      const list = action === 'list-grants' ? LEAN_GRANTS.get(key) : LEAN_RETIRABLE;
      if (list === undefined) return [404, JSON.stringify({ error: { error_code: 'KMS.0207', error_msg: 'key not found' } })];
      const cacheKey = `${action}|${key}|${String(body.limit)}|${String(body.marker)}`;
      let text = cache.get(cacheKey);
      if (text === undefined) {
        text = page(list, body.limit, body.marker);
        if (text === undefined) return [400, JSON.stringify({ error: { error_code: 'KMS.1601', error_msg: 'bad limit or marker' } })];
        cache.set(cacheKey, text);
      }
      return [200, text];
    }
    case 'describe-key': {
      const index = LEAN_KEYS.indexOf(key);
      if (index < 0) return [404, JSON.stringify({ error: { error_code: 'KMS.0207', error_msg: 'key not found' } })];
      let text = cache.get(`describe|${key}`);
      if (text === undefined) cache.set(`describe|${key}`, (text = JSON.stringify({ key_info: leanKeyDetails(key, index) })));
      return [200, text];
    }
    case 'revoke-grant':
      if (typeof body.grant_id !== 'string' || !GRANT_ID.test(body.grant_id)) {
        return [400, JSON.stringify({ error: { error_code: 'KMS.2501', error_msg: 'grant not found' } })];
      }
      return [200, '{}'];
    default:
      return [404, JSON.stringify({ error: { error_code: 'KMS.0201', error_msg: `unknown action ${action}` } })];
  }
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const url = req.url ?? '';
    if (req.method !== 'POST' || !url.startsWith(PREFIX)) return kmsError(res, 404, 'KMS.0201', 'no such path');
    const token = req.headers['x-auth-token'];
    if (typeof token !== 'string' || token === '') {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information', request_id: 'bench' }));
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return kmsError(res, 400, 'KMS.0202', 'body is not JSON');
    }
    const [status, text] = answer(url.slice(PREFIX.length), body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveParent(
    { url: `http://127.0.0.1:${port}`, projectId: LEAN_PROJECT_ID, token: 'bench-token', keys: [...LEAN_KEYS], revocable: [], retirable: { grants: 50, keys: 5 } },
    instrument,
  );
});
