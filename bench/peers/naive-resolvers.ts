/**
 * The naive resolvers both GraphQL peers share (the yoga + got build and Apollo Server): what a
 * first implementation of schema.graphql looks like. No DataLoader and no batching: a connection
 * is one list call with `limit = first`, `Grant.key` is one describe-key per grant, cursors are
 * base64url of KMS's marker (trivial), and the KMS client is whatever `ctx.kms` is. Same SDL as
 * the gateway, so the same queries run. Only what W1..W5 need is faithful; `node` answers null.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KmsDescribeKeyResponse, KmsGrant, KmsGrantPage, KmsKeyDetails } from '../../src/kms/types.ts';

export const typeDefs = readFileSync(fileURLToPath(new URL('../../schema.graphql', import.meta.url)), 'utf8');

/** One KMS call: POST `{base}/{action}` with a JSON body and the caller's X-Auth-Token; the parsed answer. */
export type KmsCall = <T>(action: string, body: Record<string, string>) => Promise<T>;

export interface NaiveContext {
  kms: KmsCall;
}

/** `https://kms/v1.0/{project}/kms/` from the env the bench gives every system. */
export const kmsBase = (): string => `${process.env.KMS_ENDPOINT ?? ''}/v1.0/${process.env.KMS_PROJECT_ID ?? ''}/kms/`;

const b64 = (text: string): string => Buffer.from(text).toString('base64url');
const STATES = ['PENDING_ACTIVATION', 'ENABLED', 'DISABLED', 'PENDING_DELETION', 'PENDING_IMPORT'];
const iso = (ms: string | undefined): string | null => (ms === undefined || ms === '' ? null : new Date(Number(ms)).toISOString());

/** Each Grant scalar field from a KMS grant: shared by the naive peers and the proxy, so all answer the same JSON. */
export const GRANT_FIELDS = {
  id: (g) => b64(`Grant:${g.key_id}:${g.grant_id}`),
  grantId: (g) => g.grant_id,
  keyId: (g) => g.key_id,
  name: (g) => g.name ?? null,
  granteePrincipal: (g) => g.grantee_principal ?? null,
  granteePrincipalType: (g) => (g.grantee_principal_type ?? 'user').toUpperCase(),
  operations: (g) => g.operations.map((op) => op.toUpperCase().replaceAll('-', '_')),
  issuingPrincipal: (g) => g.issuing_principal ?? null,
  retiringPrincipal: (g) => g.retiring_principal ?? null,
  createdAt: (g) => iso(g.creation_date),
} satisfies Record<string, (g: KmsGrant) => unknown>;

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

function pageBody(args: PageArgs): Record<string, string> {
  const body: Record<string, string> = { limit: String(args.first ?? 20) };
  if (args.after) body.marker = Buffer.from(args.after, 'base64url').toString('utf8');
  return body;
}

function connection(page: KmsGrantPage): Record<string, unknown> {
  const cursor = b64(page.next_marker);
  return {
    edges: page.grants.map((node) => ({ cursor, node })),
    totalCount: page.total ?? null,
    pageInfo: {
      hasNextPage: page.truncated === 'true',
      hasPreviousPage: false,
      startCursor: page.grants.length > 0 ? cursor : null,
      endCursor: page.grants.length > 0 ? cursor : null,
    },
  };
}

type Resolver<P, A = Record<string, never>> = (parent: P, args: A, ctx: NaiveContext) => unknown;

export const resolvers: {
  Query: { grants: Resolver<unknown, PageArgs & { keyId: string }>; retirableGrants: Resolver<unknown, PageArgs>; node: Resolver<unknown> };
  Mutation: { revokeGrant: Resolver<unknown, { input: { keyId: string; grantId: string; clientMutationId?: string | null } }> };
  Node: { __resolveType: (value: object) => string };
  Grant: Record<string, Resolver<KmsGrant>>;
  Key: Record<string, Resolver<KmsKeyDetails>>;
} = {
  Query: {
    grants: async (_, args, { kms }) => connection(await kms<KmsGrantPage>('list-grants', { key_id: args.keyId, ...pageBody(args) })),
    retirableGrants: async (_, args, { kms }) => connection(await kms<KmsGrantPage>('list-retirable-grants', pageBody(args))),
    node: () => null,
  },
  Mutation: {
    revokeGrant: async (_, { input }, { kms }) => {
      await kms('revoke-grant', { key_id: input.keyId, grant_id: input.grantId });
      return {
        keyId: input.keyId,
        grantId: input.grantId,
        revokedGrantId: b64(`Grant:${input.keyId}:${input.grantId}`),
        clientMutationId: input.clientMutationId ?? null,
      };
    },
  },
  Node: { __resolveType: (value) => ('grant_id' in value ? 'Grant' : 'Key') },
  Grant: {
    ...GRANT_FIELDS,
    // The naive part: one describe-key per grant, no batching, no per-request cache.
    key: async (g, _, { kms }) => (await kms<KmsDescribeKeyResponse>('describe-key', { key_id: g.key_id })).key_info,
  },
  Key: {
    id: (k) => b64(`Key:${k.key_id}`),
    keyId: (k) => k.key_id,
    alias: (k) => k.key_alias,
    state: (k) => STATES[Number(k.key_state) - 1] ?? null,
    description: (k) => k.key_description || null,
    spec: (k) => k.key_spec ?? null,
    usage: (k) => k.key_usage ?? null,
    domainId: (k) => k.domain_id,
    realm: (k) => k.realm,
    isDefault: (k) => k.default_key_flag === '1',
    origin: (k) => k.origin ?? null,
    createdAt: (k) => iso(k.creation_date),
    scheduledDeletionAt: (k) => iso(k.scheduled_deletion_date),
  },
};
