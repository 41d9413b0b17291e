/**
 * Child process: the comparison system. A minimal proxy of plain node:http + got, no GraphQL,
 * written the way a straightforward service would be (the default got instance, `.json()`),
 * making the fewest KMS calls for each workload and answering JSON equivalent to the gateway's
 * (the same fields as each workload's GraphQL selection).
 * `POST /op` with `{"op":"W1".."W5", "keys":[...], "keyId", "grantId"}` and `X-Auth-Token`.
 * Env: KMS_ENDPOINT, KMS_PROJECT_ID. Sends `{type:'ready', port}` over IPC.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import got from 'got';
import type { KmsDescribeKeyResponse, KmsGrant, KmsGrantPage } from '../src/kms/types.ts';
import { GRANT_FIELDS } from './peers/naive-resolvers.ts';
import { LIGHT, NODE } from './workloads.ts';

const base = `${process.env.KMS_ENDPOINT ?? ''}/v1.0/${process.env.KMS_PROJECT_ID ?? ''}/kms/`;
const STATES = ['PENDING_ACTIVATION', 'ENABLED', 'DISABLED', 'PENDING_DELETION', 'PENDING_IMPORT'];

interface OpBody {
  op: string;
  keys?: string[];
  keyId?: string;
  grantId?: string;
}

function kms<T>(action: string, token: string, json: object): Promise<T> {
  return got.post(base + action, { json, headers: { 'x-auth-token': token } }).json<T>();
}

const b64 = (text: string): string => Buffer.from(text).toString('base64url');

/** Each Grant field the workloads select, from a KMS grant (the same functions as the naive peers'). */
const GRANT_FIELD_OF: Record<string, (g: KmsGrant) => unknown> = GRANT_FIELDS;
const fieldsOf = (selection: string): Array<[string, (g: KmsGrant) => unknown]> =>
  selection.split(' ').map((f) => [f, GRANT_FIELD_OF[f] ?? (() => null)]);
/** The selections of workloads.ts, so the proxy answers exactly the fields the GraphQL systems do. */
const W1_FIELDS = fieldsOf('id name operations');
const LIGHT_FIELDS = fieldsOf(LIGHT);
const NODE_FIELDS = fieldsOf(NODE);

function grantNode(
  g: KmsGrant,
  fields: Array<[string, (g: KmsGrant) => unknown]>,
  key?: { alias: string; state: string | null },
): Record<string, unknown> {
  const node: Record<string, unknown> = {};
  for (const [name, value] of fields) node[name] = value(g);
  if (key) node.key = key;
  return node;
}

/** `totalCount pageInfo { hasNextPage endCursor } edges { cursor node }`, as the GraphQL systems answer it. */
function connection(page: KmsGrantPage, conn: string, nodes: Array<Record<string, unknown>>): Record<string, unknown> {
  const edges = nodes.map((node, i) => ({ cursor: b64(JSON.stringify([1, conn, '', i + 1])), node }));
  return {
    totalCount: page.total ?? null,
    pageInfo: { hasNextPage: page.truncated === 'true', endCursor: edges.at(-1)?.cursor ?? null },
    edges,
  };
}

const listGrants = (token: string, keyId: string): Promise<KmsGrantPage> =>
  kms<KmsGrantPage>('list-grants', token, { key_id: keyId, limit: '20' });

async function keyGrants(
  token: string,
  keyId: string,
  fields: Array<[string, (g: KmsGrant) => unknown]>,
): Promise<Record<string, unknown>> {
  const page = await listGrants(token, keyId);
  return connection(
    page,
    `grants:${keyId}`,
    page.grants.map((g) => grantNode(g, fields)),
  );
}

async function run(body: OpBody, token: string): Promise<unknown> {
  const keys = body.keys ?? [];
  switch (body.op) {
    case 'W1': {
      const page = await listGrants(token, keys[0] ?? '');
      return { grants: { edges: page.grants.map((g) => ({ node: grantNode(g, W1_FIELDS) })) } };
    }
    case 'W2': {
      const all = await Promise.all(keys.slice(0, 5).map((k) => keyGrants(token, k, LIGHT_FIELDS)));
      return Object.fromEntries(all.map((c, i) => [`k${i}`, c]));
    }
    case 'W3': {
      const page = await kms<KmsGrantPage>('list-retirable-grants', token, { limit: '50' });
      const ids = [...new Set(page.grants.map((g) => g.key_id))];
      const infos = await Promise.all(ids.map((id) => kms<KmsDescribeKeyResponse>('describe-key', token, { key_id: id })));
      const byId = new Map(
        infos.map((r) => [r.key_info.key_id, { alias: r.key_info.key_alias, state: STATES[Number(r.key_info.key_state) - 1] ?? null }]),
      );
      return {
        retirableGrants: connection(
          page,
          'retirable',
          page.grants.map((g) => grantNode(g, NODE_FIELDS, byId.get(g.key_id))),
        ),
      };
    }
    case 'W4': {
      const c = await keyGrants(token, keys[0] ?? '', NODE_FIELDS);
      return { a: c, b: c };
    }
    case 'W5': {
      const keyId = body.keyId ?? '';
      const grantId = body.grantId ?? '';
      await got.post(base + 'revoke-grant', { json: { key_id: keyId, grant_id: grantId }, headers: { 'x-auth-token': token } });
      return { revokeGrant: { keyId, grantId, revokedGrantId: b64(`Grant:${keyId}:${grantId}`), clientMutationId: null } };
    }
    default:
      throw new Error(`unknown op ${body.op}`);
  }
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const token = req.headers['x-auth-token'];
    const send = (status: number, value: unknown): void => {
      const text = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    };
    if (req.url === '/health') return send(200, { status: 'ok' });
    if (typeof token !== 'string' || token === '') return send(401, { errors: [{ message: 'no token' }] });
    let body: OpBody;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OpBody;
    } catch {
      return send(400, { errors: [{ message: 'body is not JSON' }] });
    }
    run(body, token).then(
      (data) => send(200, { data }),
      (error: unknown) => send(502, { errors: [{ message: error instanceof Error ? error.message : 'upstream failed' }] }),
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? '0'), '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
  process.on('disconnect', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0)); // exit normally, so --cpu-prof writes its profile
});
