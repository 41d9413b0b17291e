/**
 * The gateway tests' one GraphQL client: operations over real loopback HTTP (POST JSON, or GET
 * with the operation in the URL), answers reduced to what the contract fixes, and the leak check
 * every error answer goes through.
 */
import type { RunningGateway } from '../../src/server/gateway.ts';
import type { EmulatorStackSession } from './emulatorStack.ts';

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

/** Any gateway: in-process (`startGateway`) or a spawned process; only its GraphQL URL is used. */
export type GraphqlEndpoint = Pick<RunningGateway, 'graphqlUrl'>;

/** The Accept header of a GraphQL-over-HTTP client. */
const ACCEPT = 'application/graphql-response+json, application/json';

/** POSTs one GraphQL operation as JSON and parses the answer. */
export async function gql<TData = Record<string, unknown>>(
  gw: GraphqlEndpoint,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResult<TData>> {
  const response = await fetch(gw.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return answerOf<TData>(response);
}

/** GETs one GraphQL operation, `query` and `variables` in the URL, and parses the answer. */
export async function gqlGet<TData = Record<string, unknown>>(
  gw: GraphqlEndpoint,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResult<TData>> {
  const url = new URL(gw.graphqlUrl);
  url.searchParams.set('query', query);
  url.searchParams.set('variables', JSON.stringify(variables));
  return answerOf<TData>(await fetch(url, { headers: { accept: ACCEPT, ...headers } }));
}

/** The answer with its body parsed; throws, quoting the answer, when it is not JSON. */
async function answerOf<TData>(response: Response): Promise<GqlResult<TData>> {
  const text = await response.text();
  let body: GqlBody<TData>;
  try {
    body = JSON.parse(text) as GqlBody<TData>;
  } catch {
    throw new Error(`the gateway answered ${response.status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  return { status: response.status, headers: response.headers, text, body };
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
 * What must never appear in any response: the demo users' tokens (and `extraSecrets`), the
 * upstream URL (host:port and the project path too), and stack-trace lines.
 */
export function leaksIn(text: string, stack: Pick<EmulatorStackSession, 'emulator'>, extraSecrets: readonly string[] = []): string[] {
  const { emulator } = stack;
  const tokens = Object.values(emulator.demo).map((user) => user.token);
  const needles = [...tokens, ...extraSecrets, emulator.url, new URL(emulator.url).host, `/v1.0/${emulator.projectId}`];
  const found = needles.filter((needle) => needle !== '' && text.includes(needle));
  if (STACK_TRACE.test(text)) found.push('stack trace');
  return found;
}

/** Stack-trace lines; in JSON text a newline is the two characters `\n`. */
const STACK_TRACE = /(\\n|\n)\s+at\s|\bat\s+\S+\s+\(\S+:\d+:\d+\)|node_modules|"stack"|originalError/;

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
