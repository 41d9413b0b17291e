/**
 * Cursors are signed only when the operation selects them (relay/connection.ts,
 * `selectedCursors`): an edge `cursor` (directly or through fragments), `pageInfo.startCursor`,
 * `pageInfo.endCursor`. Each signature is an HMAC with CURSOR_SECRET, so the signatures made are
 * counted on node:crypto's `createHmac` with the gateway's secret as key. A cursor that is
 * selected is the same string as when every cursor is signed, and resumes right after its edge.
 */
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO, startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import type { RunningGateway } from '../../src/server/gateway.ts';
import { gatewayOn, listFromKms } from '../support/emulatorStack.ts';
import { gql } from '../support/gateway.ts';

/** The demo key holding 100 grants. */
const KEY = DEMO.keys.full;
const SECRET = 'lazy-cursor-test-secret-0123456789';
const FIRST = 20;

let emulator: RunningEmulator;
let gw: RunningGateway;
let alice: Record<string, string>;
let grantIds: string[];

beforeAll(async () => {
  emulator = await startEmulator();
  alice = { 'x-auth-token': emulator.demo['alice']?.token ?? '' };
  gw = await gatewayOn(emulator, { cursorSecret: SECRET });
  grantIds = (await listFromKms(emulator, KEY, alice['x-auth-token'] ?? '')).map((g) => g.grant_id);
});
afterAll(async () => {
  await gw?.close();
  await emulator?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  syncBuiltinESMExports();
});

interface Page {
  edges: Array<{ cursor?: string; node: { grantId: string } }>;
  pageInfo?: { hasNextPage?: boolean; startCursor?: string | null; endCursor?: string | null };
}

/**
 * Runs `query` (variables `k`, `after`) and counts the cursor signatures the gateway made for it:
 * `createHmac` calls keyed with the gateway's cursor secret.
 */
async function signed(query: string, after?: string): Promise<{ signatures: number; data: Record<string, Page> }> {
  const spy = vi.spyOn(crypto, 'createHmac');
  syncBuiltinESMExports();
  try {
    const { body } = await gql<Record<string, Page>>(gw, query, { k: KEY, after }, alice);
    if (body.errors !== undefined || body.data == null) throw new Error(`errors: ${JSON.stringify(body.errors)}`);
    const signatures = spy.mock.calls.filter(([, key]) => key === SECRET).length;
    return { signatures, data: body.data };
  } finally {
    spy.mockRestore();
    syncBuiltinESMExports();
  }
}

const NODE = 'node { grantId }';

describe('cursors signed only when selected (relay/connection.ts)', () => {
  it('signs every edge cursor when edges { cursor } is selected (and nothing more)', async () => {
    const { signatures, data } = await signed(
      `query($k: ID!) { grants(keyId: $k, first: ${FIRST}) { edges { cursor ${NODE} } pageInfo { hasNextPage endCursor } } }`,
    );
    expect({ signatures, edges: data['grants']?.edges.length, cursors: new Set(data['grants']?.edges.map((e) => e.cursor)).size }).toEqual({
      signatures: FIRST,
      edges: FIRST,
      cursors: FIRST,
    });
  });

  it.each([
    ['no cursor at all (the shape of W1)', `edges { ${NODE} }`],
    ['only pageInfo { hasNextPage }', `pageInfo { hasNextPage hasPreviousPage } edges { ${NODE} }`],
    ['totalCount only', 'totalCount'],
  ])('signs nothing when the operation selects %s', async (_name, selection) => {
    const { signatures } = await signed(`query($k: ID!) { grants(keyId: $k, first: ${FIRST}) { ${selection} } }`);
    expect(signatures).toBe(0);
  });

  it('signs one cursor for pageInfo { endCursor }: the last edge cursor, which resumes right after the last edge', async () => {
    const full = await signed(`query($k: ID!) { grants(keyId: $k, first: ${FIRST}) { edges { cursor ${NODE} } } }`);
    const lazy = await signed(
      `query($k: ID!) { grants(keyId: $k, first: ${FIRST}) { pageInfo { hasNextPage endCursor } edges { ${NODE} } } }`,
    );
    const endCursor = lazy.data['grants']?.pageInfo?.endCursor ?? '';
    const next = await signed(
      `query($k: ID!, $after: String) { grants(keyId: $k, first: 5, after: $after) { edges { ${NODE} } } }`,
      endCursor,
    );
    expect({
      signatures: lazy.signatures,
      sameAsEdge: endCursor === full.data['grants']?.edges.at(-1)?.cursor,
      next: next.data['grants']?.edges.map((e) => e.node.grantId),
    }).toEqual({ signatures: 1, sameAsEdge: true, next: grantIds.slice(FIRST, FIRST + 5) });
  });

  it('signs one cursor for pageInfo { startCursor }: the first edge cursor, which resumes right after the first edge', async () => {
    const full = await signed(`query($k: ID!) { grants(keyId: $k, first: ${FIRST}) { edges { cursor ${NODE} } } }`);
    const lazy = await signed(`query($k: ID!) { grants(keyId: $k, first: ${FIRST}) { pageInfo { startCursor } } }`);
    const startCursor = lazy.data['grants']?.pageInfo?.startCursor ?? '';
    const next = await signed(
      `query($k: ID!, $after: String) { grants(keyId: $k, first: 3, after: $after) { edges { ${NODE} } } }`,
      startCursor,
    );
    expect({
      signatures: lazy.signatures,
      sameAsEdge: startCursor === full.data['grants']?.edges[0]?.cursor,
      next: next.data['grants']?.edges.map((e) => e.node.grantId),
    }).toEqual({ signatures: 1, sameAsEdge: true, next: grantIds.slice(1, 4) });
  });

  it('sees cursors selected through fragments, and every such cursor resumes right after its edge', async () => {
    const query = `query($k: ID!) { grants(keyId: $k, first: 6) { ... on GrantConnection { edges { ...Edge } } } }
      fragment Edge on GrantEdge { ...Cursor node { grantId } }
      fragment Cursor on GrantEdge { cursor }`;
    const { signatures, data } = await signed(query);
    const edges = data['grants']?.edges ?? [];
    const resumed = await Promise.all(
      edges.map(
        async (edge) =>
          (await signed(`query($k: ID!, $after: String) { grants(keyId: $k, first: 1, after: $after) { edges { ${NODE} } } }`, edge.cursor))
            .data['grants']?.edges[0]?.node.grantId,
      ),
    );
    expect({ signatures, resumed }).toEqual({ signatures: 6, resumed: grantIds.slice(1, 7) });
  });

  it('decides per field: aliases each get what they select, and a field asked twice under one name gets both parts', async () => {
    const aliases = await signed(`query($k: ID!) {
      a: grants(keyId: $k, first: 4) { pageInfo { hasNextPage } edges { ${NODE} } }
      b: grants(keyId: $k, first: 4) { edges { cursor } }
    }`);
    const merged = await signed(`query($k: ID!) {
      grants(keyId: $k, first: 4) { pageInfo { hasNextPage } }
      grants(keyId: $k, first: 4) { pageInfo { endCursor } }
    }`);
    expect({
      aliases: aliases.signatures,
      merged: merged.signatures,
      endCursor: typeof merged.data['grants']?.pageInfo?.endCursor,
    }).toEqual({
      aliases: 4,
      merged: 1,
      endCursor: 'string',
    });
  });

  it('does the same for retirableGrants', async () => {
    const none = await signed('{ retirableGrants(first: 3) { pageInfo { hasNextPage } edges { node { grantId } } } }');
    const end = await signed('{ retirableGrants(first: 3) { pageInfo { endCursor } } }');
    expect({ none: none.signatures, end: end.signatures }).toEqual({ none: 0, end: 1 });
  });

  it('does the same for keys and Key.grants', async () => {
    const none = await signed('{ keys(first: 5) { pageInfo { hasNextPage } edges { node { keyId grants(first: 3) { totalCount } } } } }');
    const keysEnd = await signed('{ keys(first: 5) { pageInfo { endCursor } edges { node { keyId } } } }');
    const grantsEnd = await signed('{ keys(first: 2) { edges { node { grants(first: 3) { pageInfo { endCursor } } } } } }');
    expect({ none: none.signatures, keysEnd: keysEnd.signatures, grantsEnd: grantsEnd.signatures }).toEqual({
      none: 0,
      keysEnd: 1,
      grantsEnd: 2,
    });
  });
});
