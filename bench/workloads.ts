/**
 * W1..W5 as requests of each system: the gateway (GraphQL), the got proxy (`POST /op`) and
 * direct REST to the upstream (the floor: the same KMS calls, one after another on a connection).
 */
import { randomBytes } from 'node:crypto';
import type { UpstreamInfo } from './instrument.ts';

export const WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5'] as const;
export type WorkloadId = (typeof WORKLOADS)[number];
export const SYSTEMS = ['gateway', 'proxy', 'direct'] as const;
export type System = (typeof SYSTEMS)[number];

export const DESCRIPTIONS: Record<WorkloadId, string> = {
  W1: "one key's first 20 grants",
  W2: 'five keys by aliases in one operation',
  W3: 'retirableGrants(first: 50) with key { alias state }',
  W4: 'the same page twice by aliases',
  W5: 'revokeGrant on fresh grants',
};

export interface Origins {
  gateway: string;
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

const NODE = 'id grantId keyId name granteePrincipal granteePrincipalType operations issuingPrincipal retiringPrincipal createdAt';
const CONN = `totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${NODE} } }`;
/** W2's lighter selection: W1's would cost 5,450 x5 aliases, over the gateway's default MAX_COST 5000. */
const LIGHT = 'id grantId name granteePrincipal operations createdAt';
const CONN_LIGHT = `totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${LIGHT} } }`;

function graphql(keys: string[], w: WorkloadId): string {
  switch (w) {
    case 'W1':
      return `query W1($k: ID!) { grants(keyId: $k, first: 20) { ${CONN} } }`;
    case 'W2':
      return `query W2 { ${keys.slice(0, 5).map((k, i) => `k${i}: grants(keyId: "${k}", first: 20) { ${CONN_LIGHT} }`).join(' ')} }`;
    case 'W3':
      return `query W3 { retirableGrants(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${NODE} key { alias state } } } } }`;
    case 'W4':
      return `query W4($k: ID!) { a: grants(keyId: $k, first: 20) { ${CONN} } b: grants(keyId: $k, first: 20) { ${CONN} } }`;
    case 'W5':
      return `mutation W5($input: RevokeGrantInput!) { revokeGrant(input: $input) { keyId grantId revokedGrantId clientMutationId } }`;
  }
}

/** Where W5 gets its grants: the upstream's pool when it has one, else random well-formed ids. */
export function grantSource(pool: Array<{ keyId: string; grantId: string }>, keyId: string): () => { keyId: string; grantId: string } {
  let next = 0;
  return () => pool[next++] ?? { keyId, grantId: randomBytes(32).toString('hex') };
}

export function plan(w: WorkloadId, system: System, o: Origins, nextGrant: () => { keyId: string; grantId: string }): Plan {
  const { keys, token, projectId } = o.upstream;
  const key = keys[0] ?? '';
  const json = { 'content-type': 'application/json', 'x-auth-token': token };
  if (system === 'gateway') {
    const query = graphql(keys, w);
    const body = (variables: Record<string, unknown>): string => JSON.stringify({ query, variables });
    const req: Req = { method: 'POST', path: '/graphql', headers: json, body: body({ k: key }) };
    const fresh =
      w === 'W5' ? () => body({ input: (({ keyId, grantId }) => ({ keyId, grantId }))(nextGrant()) }) : undefined;
    return { origin: o.gateway, sequence: [req], ...(fresh && { fresh }) };
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

/** Checks one answer: undefined when it is a correct, complete answer. */
export function checkAnswer(w: WorkloadId, system: System, status: number, text: string): string | undefined {
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 300)}`;
  if (system === 'direct') return undefined;
  const body = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors !== undefined && body.errors.length > 0) return `errors: ${JSON.stringify(body.errors).slice(0, 300)}`;
  const want = { W1: 20, W2: 100, W3: 50, W4: 40, W5: 0 }[w];
  const edges = (text.match(/"cursor"/g) ?? []).length;
  if (edges !== want) return `expected ${want} edges, got ${edges}: ${text.slice(0, 300)}`;
  if (w === 'W3' && (text.match(/"alias"/g) ?? []).length !== 50) return `W3: missing key { alias }: ${text.slice(0, 300)}`;
  return undefined;
}
