/**
 * W1..W5 as requests of each system: the gateway and the two GraphQL peers (the same GraphQL
 * operation), the got proxy (`POST /op`) and direct REST to the upstream (the floor: the same KMS
 * calls, one after another on a connection).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { UpstreamInfo } from './instrument.ts';

export const WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5'] as const;
export type WorkloadId = (typeof WORKLOADS)[number];
export const SYSTEMS = ['gateway', 'gw-hash', 'yoga-naive', 'apollo', 'proxy', 'direct'] as const;
export type System = (typeof SYSTEMS)[number];
/** The systems that answer GraphQL (the same operation, the same answer checks). */
export const GRAPHQL_SYSTEMS = ['gateway', 'gw-hash', 'yoga-naive', 'apollo'] as const;
export type GraphqlSystem = (typeof GRAPHQL_SYSTEMS)[number];
export const isGraphql = (s: System): s is GraphqlSystem => (GRAPHQL_SYSTEMS as readonly System[]).includes(s);

export const SYSTEM_NOTES: Record<System, string> = {
  gateway: 'this project, as `npm start` runs it (bundle in dist/)',
  'gw-hash': 'the same gateway process, sent each operation as a persisted-document hash (extensions.persistedQuery), not its text',
  'yoga-naive': 'graphql-yoga defaults + got default instance, naive resolvers, no DataLoader (bench/peers/yoga-naive.ts)',
  apollo: '@apollo/server startStandaloneServer + @apollo/datasource-rest, the same naive resolvers (bench/peers/apollo.ts)',
  proxy: 'plain node:http + got, no GraphQL, fewest KMS calls, the same JSON (bench/proxy.ts)',
  direct: 'autocannon straight to the upstream, the same KMS calls one after another (the floor)',
};

export const DESCRIPTIONS: Record<WorkloadId, string> = {
  W1: "one key's first 20 grants",
  W2: 'five keys by aliases in one operation',
  W3: 'retirableGrants(first: 50) with key { alias state }',
  W4: 'the same page twice by aliases',
  W5: 'revokeGrant on fresh grants',
};

export interface Origins {
  /** Where each GraphQL system takes operations: origin + path. */
  graphql: Record<GraphqlSystem, { url: string; path: string }>;
  proxy: string;
  upstream: UpstreamInfo;
}

export interface Req {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Plan {
  origin: string;
  /** The requests of one operation, sent in order on one connection. */
  sequence: Req[];
  /** For one-request operations whose body changes each time (W5). */
  fresh?: () => string;
}

/** Every Grant field but `key`. */
export const NODE = 'id grantId keyId name granteePrincipal granteePrincipalType operations issuingPrincipal retiringPrincipal createdAt';
const CONN = `totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${NODE} } }`;
/** W2's selection: a middle weight between W1's three fields and W4's every field. */
export const LIGHT = 'id grantId name granteePrincipal operations createdAt';
const CONN_LIGHT = `totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${LIGHT} } }`;

/** The GraphQL operation of a workload (W1 is exactly issue 11's). */
export function graphql(keys: string[], w: WorkloadId): string {
  switch (w) {
    case 'W1':
      return `{ grants(keyId: "${keys[0] ?? ''}", first: 20) { edges { node { id name operations } } } }`;
    case 'W2':
      return `query W2 { ${keys
        .slice(0, 5)
        .map((k, i) => `k${i}: grants(keyId: "${k}", first: 20) { ${CONN_LIGHT} }`)
        .join(' ')} }`;
    case 'W3':
      return `query W3 { retirableGrants(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${NODE} key { alias state } } } } }`;
    case 'W4':
      return `query W4($k: ID!) { a: grants(keyId: $k, first: 20) { ${CONN} } b: grants(keyId: $k, first: 20) { ${CONN} } }`;
    case 'W5':
      return `mutation W5($input: RevokeGrantInput!) { revokeGrant(input: $input) { keyId grantId revokedGrantId clientMutationId } }`;
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The workloads' documents as a persisted-documents list (`{"sha256:<hex>": text}`, the client
 * preset's format), for the gateway's PERSISTED_OPERATIONS_FILE, so gw-hash can send hashes.
 */
export function persistedDocuments(keys: string[]): Record<string, string> {
  return Object.fromEntries(WORKLOADS.map((w) => graphql(keys, w)).map((text) => [`sha256:${sha256(text)}`, text]));
}

/** Where W5 gets its grants: the upstream's pool (past its end, random well-formed ids, which KMS refuses). */
export function grantSource(pool: Array<{ keyId: string; grantId: string }>, keyId: string): () => { keyId: string; grantId: string } {
  let next = 0;
  return () => pool[next++] ?? { keyId, grantId: randomBytes(32).toString('hex') };
}

export function plan(w: WorkloadId, system: System, o: Origins, nextGrant: () => { keyId: string; grantId: string }): Plan {
  const { keys, token, projectId } = o.upstream;
  const key = keys[0] ?? '';
  const json = { 'content-type': 'application/json', 'x-auth-token': token };
  if (isGraphql(system)) {
    const { url, path } = o.graphql[system];
    const query = graphql(keys, w);
    // gw-hash sends the document's hash instead of its text (the gateway lists persistedDocuments()).
    const document = system === 'gw-hash' ? { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } } : { query };
    const body = (variables: Record<string, unknown>): string => JSON.stringify({ ...document, variables });
    const req: Req = { method: 'POST', path, headers: json, body: query.includes('$k') ? body({ k: key }) : JSON.stringify(document) };
    const fresh = w === 'W5' ? () => body({ input: (({ keyId, grantId }) => ({ keyId, grantId }))(nextGrant()) }) : undefined;
    return { origin: url, sequence: [req], ...(fresh && { fresh }) };
  }
  if (system === 'proxy') {
    const req: Req = { method: 'POST', path: '/op', headers: json, body: JSON.stringify({ op: w, keys }) };
    const fresh = w === 'W5' ? () => JSON.stringify({ op: w, ...nextGrant() }) : undefined;
    return { origin: o.proxy, sequence: [req], ...(fresh && { fresh }) };
  }
  const kms = (action: string, payload: object): Req => ({
    method: 'POST',
    path: `/v1.0/${projectId}/kms/${action}`,
    headers: json,
    body: JSON.stringify(payload),
  });
  switch (w) {
    case 'W1':
    case 'W4':
      return { origin: o.upstream.url, sequence: [kms('list-grants', { key_id: key, limit: '20' })] };
    case 'W2':
      return { origin: o.upstream.url, sequence: keys.slice(0, 5).map((k) => kms('list-grants', { key_id: k, limit: '20' })) };
    case 'W3':
      return {
        origin: o.upstream.url,
        sequence: [kms('list-retirable-grants', { limit: '50' }), ...keys.slice(0, 5).map((k) => kms('describe-key', { key_id: k }))],
      };
    case 'W5':
      return {
        origin: o.upstream.url,
        sequence: [kms('revoke-grant', {})],
        fresh: () => (({ keyId, grantId }) => JSON.stringify({ key_id: keyId, grant_id: grantId }))(nextGrant()),
      };
  }
}

/** The fewest KMS calls an operation needs. */
export function minCalls(w: WorkloadId, upstream: UpstreamInfo): number {
  return { W1: 1, W2: 5, W3: 1 + upstream.retirable.keys, W4: 1, W5: 1 }[w];
}

/** Edges each workload's answer holds: W1 20, W2 5 x 20, W3 50, W4 2 x 20 (W5 none). */
export const EXPECTED_EDGES: Record<WorkloadId, number> = { W1: 20, W2: 100, W3: 50, W4: 40, W5: 0 };

interface Answer {
  data?: Record<string, { edges?: Array<{ node?: { key?: { alias?: unknown } | null } }>; revokedGrantId?: unknown } | null> | null;
  errors?: unknown[];
}

/** Checks one answer: undefined when it is a correct, complete answer (the proxy's JSON has the same shape). */
export function checkAnswer(w: WorkloadId, system: System, status: number, text: string): string | undefined {
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 300)}`;
  if (system === 'direct') return undefined;
  let body: Answer;
  try {
    body = JSON.parse(text) as Answer;
  } catch {
    return `not JSON: ${text.slice(0, 300)}`;
  }
  if (body.errors !== undefined && body.errors.length > 0) return `errors: ${JSON.stringify(body.errors).slice(0, 300)}`;
  const fields = Object.values(body.data ?? {});
  if (fields.length === 0 || fields.some((f) => f === null)) return `no data: ${text.slice(0, 300)}`;
  const edges = fields.flatMap((f) => f?.edges ?? []);
  const want = EXPECTED_EDGES[w];
  if (edges.length !== want) return `expected ${want} edges, got ${edges.length}: ${text.slice(0, 300)}`;
  if (edges.some((e) => e.node === undefined)) return `an edge without its node: ${text.slice(0, 300)}`;
  if (w === 'W3' && edges.some((e) => typeof e.node?.key?.alias !== 'string'))
    return `W3: a grant without key { alias }: ${text.slice(0, 300)}`;
  if (w === 'W5' && typeof fields[0]?.revokedGrantId !== 'string') return `W5: no revokedGrantId: ${text.slice(0, 300)}`;
  return undefined;
}
