/**
 * Starting the gateway in front of a fake KMS, and talking GraphQL to it over real loopback HTTP.
 */
import { startGateway } from '../../src/server/gateway.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import { DEFAULT_CONFIG } from '../../src/config.ts';
import type { GatewayConfig } from '../../src/config.ts';
import { FAKE_PROJECT, startFakeKms } from './fakeKms.ts';
import type { FakeKms, FakeKmsOptions } from './fakeKms.ts';

/** The project id the gateway is configured with (and the fake expects). */
export const PROJECT = FAKE_PROJECT;

/** Two IAM users: distinctive tokens, so a leak is easy to spot in any response. */
export const ALICE = { token: 'MIIalice-TOKEN-7f3e9a1c5b', userId: 'a1ce0000000000000000000000000001' } as const;
export const BOB = { token: 'MIIbob-TOKEN-2d8c4e6f0a', userId: 'b0b00000000000000000000000000002' } as const;
/** The fake's token table for {@link ALICE} and {@link BOB}. */
export const TOKENS: Record<string, string> = { [ALICE.token]: ALICE.userId, [BOB.token]: BOB.userId };

/** Request headers carrying `token` the usual way. */
export function asUser(user: { token: string }): Record<string, string> {
  return { 'x-auth-token': user.token };
}

/** Starts a gateway pointed at `fake`: silent, 300 ms KMS timeout, one read retry. */
export function startGatewayOn(fake: FakeKms, overrides: Partial<GatewayConfig> = {}): Promise<RunningGateway> {
  return startGateway({
    ...DEFAULT_CONFIG,
    port: 0,
    logLevel: 'silent',
    kmsEndpoint: fake.url,
    kmsProjectId: PROJECT,
    kmsTimeoutMs: 300,
    kmsReadRetries: 1,
    ...overrides,
  });
}

/** A fake KMS and a gateway in front of it. */
export interface Stack {
  fake: FakeKms;
  gw: RunningGateway;
  close(): Promise<void>;
}

/** Starts a fake (with {@link TOKENS} unless given) and a gateway on it. */
export async function startStack(
  fakeOptions: Partial<FakeKmsOptions> = {},
  gatewayOverrides: Partial<GatewayConfig> = {},
): Promise<Stack> {
  const fake = await startFakeKms({ tokens: TOKENS, ...fakeOptions });
  const gw = await startGatewayOn(fake, gatewayOverrides);
  return {
    fake,
    gw,
    close: async () => {
      await gw.close();
      await fake.close();
    },
  };
}

export interface GqlError {
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}

export interface GqlBody<TData> {
  data?: TData | null;
  errors?: GqlError[];
}

export interface GqlResult<TData> {
  status: number;
  headers: Headers;
  /** The raw response text (for leak checks). */
  text: string;
  body: GqlBody<TData>;
}

/** POSTs one GraphQL operation as JSON and parses the answer. */
export async function gql<TData = Record<string, unknown>>(
  gw: RunningGateway,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResult<TData>> {
  const response = await fetch(gw.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as GqlBody<TData> };
}

/** One error reduced to what the contract fixes: where, which code, which KMS code (and whether it is there). */
export interface ErrorSummary {
  path: (string | number)[] | undefined;
  code: unknown;
  kmsErrorCode: unknown;
  hasKmsErrorCode: boolean;
}

/** The errors of a response as {@link ErrorSummary}s, for whole-object comparison. */
export function errorSummary(body: GqlBody<unknown>): ErrorSummary[] {
  return (body.errors ?? []).map((e) => ({
    path: e.path,
    code: e.extensions?.['code'],
    kmsErrorCode: e.extensions?.['kmsErrorCode'],
    hasKmsErrorCode: e.extensions !== undefined && 'kmsErrorCode' in e.extensions,
  }));
}

/** The summary expected for an error at `path` with `code` and, when given, a KMS code. */
export function expectedError(path: (string | number)[], code: string, kmsErrorCode?: string): ErrorSummary {
  return { path, code, kmsErrorCode, hasKmsErrorCode: kmsErrorCode !== undefined };
}

/**
 * What must never appear in any response: the tokens, the upstream URL (host:port too), and
 * stack-trace lines.
 */
export function leaksIn(text: string, fake: FakeKms): string[] {
  const host = new URL(fake.url).host;
  const needles = [ALICE.token, BOB.token, fake.url, host, `/v1.0/${PROJECT}`];
  const found = needles.filter((needle) => text.includes(needle));
  // In JSON text a newline is the two characters `\n`.
  if (/(\\n|\n)\s+at\s|\bat\s+\S+\s+\(\S+:\d+:\d+\)|node_modules|"stack"|originalError/.test(text)) {
    found.push('stack trace');
  }
  return found;
}

/** The grant connection fields the paging tests read. */
export interface ConnectionShape {
  edges: { cursor: string; node: { id: string; grantId: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number | null;
}

/** Selection set matching {@link ConnectionShape}. */
export const CONNECTION_FIELDS = `
  edges { cursor node { id grantId } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  totalCount
`;

/** The request body KMS received, minus the optional `sequence` the gateway may add. */
export function kmsBody(request: { body: unknown }): Record<string, unknown> {
  const { sequence: _sequence, ...rest } = request.body as Record<string, unknown>;
  return rest;
}
