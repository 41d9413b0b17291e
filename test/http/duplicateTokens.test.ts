/**
 * More than one `X-Auth-Token` header (or more than one `Authorization`) is refused as
 * UNAUTHENTICATED without calling KMS, like a request with no token (contract, "Production
 * behaviour and limits"). Node would otherwise join two X-Auth-Tokens into "a, b" and forward
 * that, and keep only the first of two Authorizations. Sent over loopback with node:http, which
 * writes one header line per array element (fetch would fold them into one line).
 */
import { request } from 'node:http';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keyGlobalId } from '../../src/relay/globalId.ts';
import { DEMO, useEmulatorStack } from '../support/emulatorStack.ts';
import { gql, type GqlBody } from '../support/gateway.ts';

// Fixtures: demo-backup, alice's key with 6 grants (bob, of the same account, may list it too).
const KEY = DEMO.keys.backup;
const GRANTS_QUERY = 'query($k: ID!) { grants(keyId: $k, first: 5) { totalCount } }';
const HEALTHY = { data: { grants: { totalCount: DEMO.grantCounts.backup } } };
const ONE_HEADER = /one KMS token in one header/i;

const stack = useEmulatorStack();
let alice = '';
let bob = '';
beforeAll(async () => {
  ({ alice, bob } = stack.tokens);
});
beforeEach(() => stack.emulator.reset());

/** Node's request headers: an array value is sent as that many header lines. */
type RawHeaders = Record<string, string | string[]>;

/**
 * One GraphQL request over node:http; POST JSON, or GET with the operation in the URL. (Not the
 * suite's `gql`: fetch folds repeated headers into one line, and this test needs them apart.)
 */
function send(
  method: 'POST' | 'GET',
  query: string,
  variables: Record<string, unknown>,
  headers: RawHeaders,
): Promise<{ status: number; body: GqlBody<unknown> }> {
  const url = new URL(stack.gw.graphqlUrl);
  const payload = JSON.stringify({ query, variables });
  if (method === 'GET') {
    url.searchParams.set('query', query);
    url.searchParams.set('variables', JSON.stringify(variables));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers: {
          accept: 'application/graphql-response+json, application/json',
          ...(method === 'POST' && { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as GqlBody<unknown> }),
        );
      },
    );
    req.on('error', reject);
    req.end(method === 'POST' ? payload : undefined);
  });
}

/** An answer reduced to what a refusal fixes: status, data, and each error's path, code and message kind. */
function shape({ status, body }: { status: number; body: GqlBody<unknown> }): object {
  return {
    status,
    data: body.data,
    errors: (body.errors ?? []).map((e) => ({ path: e.path, code: e.extensions?.['code'], oneHeader: ONE_HEADER.test(e.message) })),
  };
}

const REFUSED = { status: 200, data: null, errors: [{ path: ['grants'], code: 'UNAUTHENTICATED', oneHeader: true }] };

describe('repeated token headers', () => {
  it.each<[string, () => RawHeaders]>([
    ['two X-Auth-Token headers (two tokens)', () => ({ 'x-auth-token': [alice, bob] })],
    ['two X-Auth-Token headers (the same token twice)', () => ({ 'x-auth-token': [alice, alice] })],
    ['two X-Auth-Token headers, one of them empty', () => ({ 'x-auth-token': [alice, ''] })],
    ['two Authorization: Bearer headers', () => ({ authorization: [`Bearer ${alice}`, `Bearer ${bob}`] })],
    [
      'two Authorization headers beside one X-Auth-Token',
      () => ({ 'x-auth-token': alice, authorization: [`Bearer ${alice}`, 'Basic YWxpY2U6cGFzcw=='] }),
    ],
    ['a token with a comma (two tokens folded into one line by a proxy)', () => ({ 'x-auth-token': `${alice}, ${bob}` })],
    ['a Bearer token with a comma', () => ({ authorization: `Bearer ${alice},${bob}` })],
  ])('refuses %s as UNAUTHENTICATED, saying one token header is allowed, with no KMS call', async (_name, headers) => {
    const answer = await send('POST', GRANTS_QUERY, { k: KEY }, headers());
    expect(shape(answer)).toEqual(REFUSED);
    expect(stack.emulator.requests).toEqual([]);
  });

  it('refuses them on GET too', async () => {
    const answer = await send('GET', GRANTS_QUERY, { k: KEY }, { 'x-auth-token': [alice, bob] });
    expect(shape(answer)).toEqual(REFUSED);
    expect(stack.emulator.requests).toEqual([]);
  });

  it('answers like a request with no token, but for the message', async () => {
    const query = `query($k: ID!) { grants(keyId: $k) { totalCount } retirableGrants { totalCount } }`;
    const [repeated, none] = await Promise.all([
      send('POST', query, { k: KEY }, { 'x-auth-token': [alice, bob] }),
      send('POST', query, { k: KEY }, {}),
    ]);
    const withoutMessages = (a: { status: number; body: GqlBody<unknown> }) => ({
      status: a.status,
      data: a.body.data,
      errors: (a.body.errors ?? []).map((e) => ({ path: e.path, code: e.extensions?.['code'] })),
    });
    expect(withoutMessages(repeated)).toEqual(withoutMessages(none));
    expect(withoutMessages(repeated).errors).toHaveLength(2);
    expect({
      repeated: repeated.body.errors?.map((e) => ONE_HEADER.test(e.message)),
      none: none.body.errors?.map((e) => ONE_HEADER.test(e.message)),
    }).toEqual({
      repeated: [true, true],
      none: [false, false],
    });
    expect(stack.emulator.requests).toEqual([]);
  });

  it('refuses a nullable KMS field (node) the same way, resolving it to null', async () => {
    const answer = await send(
      'POST',
      'query($id: ID!) { node(id: $id) { id } }',
      { id: keyGlobalId(KEY) },
      { 'x-auth-token': [alice, alice] },
    );
    expect(shape(answer)).toEqual({
      status: 200,
      data: { node: null },
      errors: [{ path: ['node'], code: 'UNAUTHENTICATED', oneHeader: true }],
    });
    expect(stack.emulator.requests).toEqual([]);
  });

  it('still answers fields that need no KMS', async () => {
    const answer = await send('POST', '{ __typename }', {}, { 'x-auth-token': [alice, bob] });
    expect(answer).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });

  it('accepts one X-Auth-Token beside one Authorization (X-Auth-Token wins), as before', async () => {
    const answer = await send('POST', GRANTS_QUERY, { k: KEY }, { 'x-auth-token': alice, authorization: `Bearer ${bob}` });
    expect(answer.body).toEqual(HEALTHY);
    expect(stack.emulator.requests.map((r) => r.headers['x-auth-token'])).toEqual([alice]);
  });

  it('accepts a single token sent the usual way (fetch)', async () => {
    const { body } = await gql(stack.gw, GRANTS_QUERY, { k: KEY }, { authorization: `Bearer ${bob}` });
    expect(body).toEqual(HEALTHY);
  });
});
