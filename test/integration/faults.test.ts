import { describe, expect, it } from 'vitest';
import { makeGrants, makeKey, makeKeyId } from '../support/fixtures.ts';
import type { ScriptedResponse } from '../support/fakeKms.ts';
import { useFreshGateway } from '../support/freshGateway.ts';
import { ALICE, BOB, asUser, errorSummary, expectedError, gql, kmsBody, leaksIn } from '../support/gateway.ts';

// Fixtures: key A (described) with 2 grants and key B (described) with 1, all retirable by bob
// and listed upstream in the order A0, B0, A1.
const KEY_A = makeKeyId(50);
const KEY_B = makeKeyId(51);
const [A0, A1] = makeGrants(KEY_A, 2, { retiring_principal: BOB.userId });
const [B0] = makeGrants(KEY_B, 1, { retiring_principal: BOB.userId });
const GRANTS_QUERY = `query($k: ID!) { grants(keyId: $k, first: 5) { totalCount } }`;
const REVOKE = `mutation($k: ID!, $g: ID!) { revokeGrant(input: { keyId: $k, grantId: $g }) { grantId } }`;
const TIMEOUT_MS = 300;
const CONTRACT_DEADLINE_MS = 30_000;

const stack = useFreshGateway(
  { keys: [makeKey(KEY_A, 'alpha'), makeKey(KEY_B, 'beta')], grants: [A0, B0, A1].filter((g) => g !== undefined) },
  { kmsTimeoutMs: TIMEOUT_MS, kmsReadRetries: 1 },
);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await fn();
  return { result, ms: Date.now() - started };
}

describe('faults (timeouts, broken connections, bad bodies, retries, partial results)', () => {
  describe('a read whose upstream misbehaves on every attempt', () => {
    const faults: { name: string; response: ScriptedResponse; expected: string }[] = [
      { name: 'hangs past kmsTimeoutMs', response: { hang: true }, expected: 'UPSTREAM_TIMEOUT' },
      { name: 'answers after kmsTimeoutMs', response: { delayMs: TIMEOUT_MS * 4 }, expected: 'UPSTREAM_TIMEOUT' },
      { name: 'drops the connection', response: { drop: true }, expected: 'UPSTREAM_ERROR' },
      { name: 'truncates its body', response: { truncate: true }, expected: 'UPSTREAM_ERROR' },
      { name: 'answers 200 with malformed JSON', response: { status: 200, body: '{"grants": [' }, expected: 'UPSTREAM_ERROR' },
      {
        name: 'answers 200 with text',
        response: { status: 200, body: 'OK', headers: { 'content-type': 'text/plain' } },
        expected: 'UPSTREAM_ERROR',
      },
      { name: 'answers 200 with JSON of the wrong shape', response: { status: 200, body: { grants: 'nope' } }, expected: 'UPSTREAM_ERROR' },
    ];
    it.each(faults)('answers $expected (no kmsErrorCode) within the contract deadline when KMS $name', async ({ response, expected }) => {
      stack.fake.script('list-grants', response);
      const { result, ms } = await timed(() => gql(stack.gw, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE)));
      expect({ data: result.body.data ?? null, errors: errorSummary(result.body) }).toEqual({
        data: null,
        errors: [expectedError(['grants'], expected)],
      });
      expect(ms).toBeLessThan(CONTRACT_DEADLINE_MS);
      expect(stack.fake.calls('list-grants').length).toBeGreaterThanOrEqual(1);
      expect(leaksIn(result.text, stack.fake)).toEqual([]);
    });
  });

  describe('retries', () => {
    it.each([
      { name: '503', response: { status: 503, body: { error: { error_code: 'KMS.0104', error_msg: 'busy' } } } },
      { name: '502', response: { status: 502, body: '<html>Bad Gateway</html>' } },
      { name: 'a dropped connection', response: { drop: true } },
    ])('retries a list-grants that failed once with $name and answers normally', async ({ response }) => {
      stack.fake.script('list-grants', response, 1);
      const { body } = await gql(stack.gw, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE));
      expect(body).toEqual({ data: { grants: { totalCount: 2 } } });
      expect(stack.fake.calls('list-grants').map((r) => kmsBody(r)['key_id'])).toEqual([KEY_A, KEY_A]);
    });

    it('retries a read at most kmsReadRetries times (1 retry = 2 calls) on a persistent 503', async () => {
      stack.fake.script('list-grants', { status: 503, body: '' });
      const { body } = await gql(stack.gw, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE));
      expect(errorSummary(body)).toEqual([expectedError(['grants'], 'UPSTREAM_ERROR')]);
      await sleep(200);
      expect(stack.fake.calls('list-grants').length).toBe(2);
    });

    it('retries a describe-key that failed once with 503', async () => {
      stack.fake.script('describe-key', { status: 503, body: '' }, 1);
      const { body } = await gql(stack.gw, `query($k: ID!) { grants(keyId: $k, first: 1) { edges { node { key { alias } } } } }`, { k: KEY_A }, asUser(ALICE));
      expect(body).toEqual({ data: { grants: { edges: [{ node: { key: { alias: 'alpha' } } }] } } });
      expect(stack.fake.calls('describe-key').length).toBe(2);
    });

    const revokeFaults: { name: string; response: ScriptedResponse; expected: string }[] = [
      { name: '503', response: { status: 503, body: { error: { error_code: 'KMS.0104', error_msg: 'busy' } } }, expected: 'UPSTREAM_ERROR' },
      { name: '502', response: { status: 502, body: '' }, expected: 'UPSTREAM_ERROR' },
      { name: 'a hang', response: { hang: true }, expected: 'UPSTREAM_TIMEOUT' },
      { name: 'a dropped connection', response: { drop: true }, expected: 'UPSTREAM_ERROR' },
    ];
    it.each(revokeFaults)('never retries revoke-grant: one call on $name, answered $expected', async ({ response, expected }) => {
      stack.fake.script('revoke-grant', response);
      const { body, text } = await gql(stack.gw, REVOKE, { k: KEY_A, g: A0?.grant_id }, asUser(ALICE));
      const kmsErrorCode = response.status === 503 ? 'KMS.0104' : undefined;
      expect({ data: body.data ?? null, errors: errorSummary(body) }).toEqual({
        data: null,
        errors: [expectedError(['revokeGrant'], expected, kmsErrorCode)],
      });
      await sleep(TIMEOUT_MS * 3);
      expect(stack.fake.calls('revoke-grant').map(kmsBody)).toEqual([{ key_id: KEY_A, grant_id: A0?.grant_id }]);
      expect(leaksIn(text, stack.fake)).toEqual([]);
    });
  });

  describe('partial results', () => {
    const query = `{ retirableGrants(first: 10) { edges { node { grantId key { alias } } } } }`;
    it.each([
      { name: 'a 500', response: { status: 500, body: { error: { error_code: 'KMS.0101', error_msg: 'kms error.' } } }, code: 'UPSTREAM_ERROR', kms: 'KMS.0101' },
      { name: 'a 404', response: { status: 404, body: { error: { error_code: 'KMS.0207', error_msg: 'gone' } } }, code: 'NOT_FOUND', kms: 'KMS.0207' },
      { name: 'a hang', response: { hang: true }, code: 'UPSTREAM_TIMEOUT', kms: undefined },
    ])('returns the other grants and a null key with an error at its path when one key fails with $name', async ({ response, code, kms }) => {
      stack.fake.script({ action: 'describe-key', where: (r) => kmsBody(r)['key_id'] === KEY_B }, response);
      const { body, text } = await gql(stack.gw, query, {}, asUser(BOB));
      expect({ data: body.data, errors: errorSummary(body) }).toEqual({
        data: {
          retirableGrants: {
            edges: [
              { node: { grantId: A0?.grant_id, key: { alias: 'alpha' } } },
              { node: { grantId: B0?.grant_id, key: null } },
              { node: { grantId: A1?.grant_id, key: { alias: 'alpha' } } },
            ],
          },
        },
        errors: [expectedError(['retirableGrants', 'edges', 1, 'node', 'key'], code, kms)],
      });
      expect(leaksIn(text, stack.fake)).toEqual([]);
    });
  });

  describe('recovery', () => {
    it(
      'serves normally again within 30 s once KMS answers normally after a run of failures',
      async () => {
        stack.fake.script('list-grants', { status: 503, body: '' });
        for (let i = 0; i < 10; i += 1) {
          const { body } = await gql(stack.gw, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE));
          expect(errorSummary(body)).toEqual([expectedError(['grants'], 'UPSTREAM_ERROR')]);
        }
        stack.fake.reset();
        const started = Date.now();
        let last: unknown;
        while (Date.now() - started < CONTRACT_DEADLINE_MS) {
          last = (await gql(stack.gw, GRANTS_QUERY, { k: KEY_A }, asUser(ALICE))).body;
          if (JSON.stringify(last) === JSON.stringify({ data: { grants: { totalCount: 2 } } })) break;
          await sleep(250);
        }
        expect(last).toEqual({ data: { grants: { totalCount: 2 } } });
      },
      CONTRACT_DEADLINE_MS + 15_000,
    );
  });
});
