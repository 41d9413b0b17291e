/**
 * Persisted (trusted) operations (server/limits/persistedOperations.ts): a frontend sends a
 * document's SHA-256 hash instead of its text; the gateway runs the document of its list. By
 * default any document still runs (GraphiQL, ad-hoc queries); with PERSISTED_OPERATIONS_ONLY
 * (production frontends), only the listed ones, and an unknown hash or a document text is
 * refused before any KMS call.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KeyGrantsDocument } from '../../client/generated/graphql.ts';
import { DEMO, startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import { gatewayOn, kmsCalls } from '../support/emulatorStack.ts';
import { postRaw } from '../http/raw.ts';

const KEY = DEMO.keys.app;
const LISTED = 'query Listed($k: ID!) { grants(keyId: $k, first: 3) { totalCount edges { node { grantId } } } }';
const UNLISTED = 'query Unlisted($k: ID!) { grants(keyId: $k, first: 2) { edges { node { grantId } } } }';
const hex = (text: string): string => createHash('sha256').update(text).digest('hex');

let emulator: RunningEmulator;
let alice: Record<string, string>;
let dir: string;
let list: string;
/** Accepts any document (the default), with the list above. */
let open: RunningGateway;
/** Production, PERSISTED_OPERATIONS_ONLY, with the list above. */
let only: RunningGateway;
/** The defaults: the project's own list (client/generated/persisted-documents.json). */
let projectList: RunningGateway;

beforeAll(async () => {
  emulator = await startEmulator();
  alice = { 'x-auth-token': emulator.demo['alice']?.token ?? '' };
  dir = mkdtempSync(join(tmpdir(), 'persisted-'));
  list = join(dir, 'persisted-documents.json');
  writeFileSync(list, JSON.stringify({ [`sha256:${hex(LISTED)}`]: LISTED }));
  open = await gatewayOn(emulator, { persistedOperationsFile: list });
  only = await gatewayOn(emulator, {
    persistedOperationsFile: list,
    persistedOperationsOnly: true,
    production: true,
    graphiql: false,
    introspection: false,
    demoPage: false,
  });
  projectList = await gatewayOn(emulator);
});
afterAll(async () => {
  await Promise.all([open?.close(), only?.close(), projectList?.close()]);
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  emulator.requests.length = 0;
});

const byHash = (sha256Hash: string, variables: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash } }, ...extra });

/** The answer to `body`, reduced to status, data and error codes and messages. */
async function answer(gw: RunningGateway, body: string) {
  const { status, json } = await postRaw(gw, body, alice);
  const { data, errors } = json as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  return { status, data, errors: errors?.map((e) => ({ code: e.extensions?.code, message: e.message })) };
}

/** Status, errors and how many grants an answer of a `grants` page holds. */
function pageSummary(result: { status: number; errors?: unknown; data?: unknown }): {
  status: number;
  errors: unknown;
  edges: number | undefined;
} {
  return {
    status: result.status,
    errors: result.errors,
    edges: (result.data as { grants?: { edges: unknown[] } } | undefined)?.grants?.edges.length,
  };
}
describe('persisted operations (server/limits/persistedOperations.ts)', () => {
  it('runs a listed document by its hash, as extensions.persistedQuery or as documentId, with the same answer as its text', async () => {
    const asText = await answer(open, JSON.stringify({ query: LISTED, variables: { k: KEY } }));
    const asExtension = await answer(open, byHash(hex(LISTED), { k: KEY }));
    const asDocumentId = await answer(open, JSON.stringify({ documentId: `sha256:${hex(LISTED)}`, variables: { k: KEY } }));
    expect(asText.status).toBe(200);
    expect((asText.data as { grants: { edges: unknown[] } }).grants.edges).toHaveLength(3);
    expect({ asExtension, asDocumentId }).toEqual({ asExtension: asText, asDocumentId: asText });
  });

  it('answers an unknown hash PersistedQueryNotFound (400, BAD_USER_INPUT) without calling KMS', async () => {
    const unknown = await answer(open, byHash(hex(UNLISTED), { k: KEY }));
    expect(unknown).toEqual({ status: 400, data: undefined, errors: [{ code: 'BAD_USER_INPUT', message: 'PersistedQueryNotFound' }] });
    expect(kmsCalls(emulator)).toEqual([]);
  });

  it('still runs a document sent as text by default, and an unknown hash sent with its text (a persisted-query link retrying)', async () => {
    const adHoc = await answer(open, JSON.stringify({ query: UNLISTED, variables: { k: KEY } }));
    const withText = await answer(open, byHash(hex(UNLISTED), { k: KEY }, { query: UNLISTED }));
    expect([adHoc.status, adHoc.errors, withText]).toEqual([200, undefined, adHoc]);
  });

  it('runs the documents of the project list by default (client/generated, `__meta__.hash` of each typed document)', async () => {
    const hash = (KeyGrantsDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;
    const result = await answer(projectList, JSON.stringify({ documentId: hash, variables: { keyId: KEY, first: 2 } }));
    expect(pageSummary(result)).toEqual({ status: 200, errors: undefined, edges: 2 });
  });

  describe('PERSISTED_OPERATIONS_ONLY', () => {
    it('runs a listed document by hash', async () => {
      const result = await answer(only, byHash(hex(LISTED), { k: KEY }));
      expect(pageSummary(result)).toEqual({ status: 200, errors: undefined, edges: 3 });
    });

    it.each([
      ['an unknown hash', byHash(hex(UNLISTED), { k: KEY }), 'PersistedQueryNotFound'],
      ['an unknown hash with its text', byHash(hex(UNLISTED), { k: KEY }, { query: UNLISTED }), 'PersistedQueryNotFound'],
      ['a document as text, even a listed one', JSON.stringify({ query: LISTED, variables: { k: KEY } }), 'PersistedQueryOnly'],
      ['introspection as text', JSON.stringify({ query: '{ __typename }' }), 'PersistedQueryOnly'],
    ])('refuses %s (400, BAD_USER_INPUT) without calling KMS', async (_name, body, message) => {
      const result = await answer(only, body);
      expect({
        status: result.status,
        data: result.data,
        code: result.errors?.[0]?.code,
        message: result.errors?.[0]?.message.split(':')[0],
      }).toEqual({
        status: 400,
        data: undefined,
        code: 'BAD_USER_INPUT',
        message,
      });
      expect(kmsCalls(emulator)).toEqual([]);
    });

    it('refuses to start without a list to run', async () => {
      const empty = join(dir, 'empty.json');
      writeFileSync(empty, '{}');
      await expect(gatewayOn(emulator, { persistedOperationsFile: empty, persistedOperationsOnly: true })).rejects.toThrow(
        /PERSISTED_OPERATIONS_ONLY/,
      );
    });
  });
});
