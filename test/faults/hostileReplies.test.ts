import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config.ts';
import { KMS_GRANT_OPERATIONS, type KmsGrant } from '../../src/kms/types.ts';
import { DEMO, startEmulatorStack, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, expectedError, gql } from '../support/gateway.ts';

const GRANTS = `query($k: ID!) { grants(keyId: $k, first: 5) { totalCount edges { node { grantId } } } }`;
const RETIRABLE = `{ retirableGrants(first: 3) { totalCount } }`;
const TIMEOUT_MS = 600;

const stack = useEmulatorStack({ kmsTimeoutMs: TIMEOUT_MS, kmsReadRetries: 2 });
beforeEach(() => {
  stack.emulator.faults.clear();
  stack.emulator.requests.length = 0;
});

const listGrantsCalls = (): number => stack.emulator.requests.filter((r) => r.action === 'list-grants').length;

describe('kms/attempt: a KMS reply is read within bounds', () => {
  describe('a reply larger than KMS_MAX_RESPONSE_BYTES', () => {
    const attacks = [
      { name: 'a 200 whose body never ends', effect: { kind: 'endless' } },
      { name: 'a declared Content-Length of 600 MB', effect: { kind: 'endless', bytes: 600_000_000, declareLength: true } },
      { name: 'a gzip bomb (1 GiB of spaces, content-encoding: gzip)', effect: { kind: 'endless', bytes: 1024 ** 3, gzip: true } },
    ] as const;
    for (const attack of attacks) {
      it(`answers UPSTREAM_ERROR after ${attack.name}, in one attempt (never retried)`, async () => {
        stack.emulator.faults.set({ action: 'list-grants', effect: attack.effect });
        const result = await gql(stack.gw, GRANTS, { k: DEMO.keys.full }, stack.alice);
        expect({ status: result.status, errors: errorSummary(result.body), calls: listGrantsCalls() }).toEqual({
          status: 200,
          errors: [expectedError(['grants'], 'UPSTREAM_ERROR')],
          calls: 1,
        });
        expect(result.body.errors?.[0]?.message).toMatch(/larger than \d+ bytes/);
      });
    }

    it('keeps serving other callers while one reply is endless', async () => {
      stack.emulator.faults.set({ action: 'list-grants', effect: { kind: 'endless' } });
      const [attacked, ...others] = await Promise.all([
        gql(stack.gw, GRANTS, { k: DEMO.keys.full }, stack.alice),
        ...Array.from({ length: 5 }, () => gql(stack.gw, RETIRABLE, {}, stack.bob)),
      ]);
      expect(errorSummary(attacked.body)).toEqual([expectedError(['grants'], 'UPSTREAM_ERROR')]);
      expect(others.map((r) => r.body)).toEqual(others.map(() => ({ data: { retirableGrants: { totalCount: expect.any(Number) } } })));
    });

    it('counts the limit on ordinary answers too: a 5-grant page over a 1 KiB limit is refused, under the default it is served', async () => {
      const small = await startEmulatorStack({ kmsMaxResponseBytes: 1024 });
      try {
        const refused = await gql(small.gw, GRANTS, { k: DEMO.keys.full }, small.alice);
        const served = await gql(stack.gw, GRANTS, { k: DEMO.keys.full }, stack.alice);
        expect({ refused: errorSummary(refused.body), served: served.body.errors }).toEqual({
          refused: [expectedError(['grants'], 'UPSTREAM_ERROR')],
          served: undefined,
        });
      } finally {
        await small.close();
      }
    });

    it('has a default comfortably above the largest legal answer (a 1,000-grant page with every field at its longest)', () => {
      const grant: KmsGrant = {
        key_id: DEMO.keys.full,
        grant_id: 'f'.repeat(64),
        grantee_principal: 'a'.repeat(64),
        grantee_principal_type: 'domain',
        operations: [...KMS_GRANT_OPERATIONS],
        issuing_principal: 'b'.repeat(64),
        retiring_principal: 'c'.repeat(64),
        creation_date: '1700000000000',
        name: 'n'.repeat(255),
      };
      const page = JSON.stringify({
        grants: Array.from({ length: 1000 }, () => grant),
        next_marker: '1000',
        truncated: 'true',
        total: 100_000,
      });
      expect(Buffer.byteLength(page) * 4).toBeLessThan(DEFAULT_CONFIG.kmsMaxResponseBytes);
    });
  });

  describe('a reply that starts and then stalls', () => {
    it('answers UPSTREAM_TIMEOUT after one attempt: the timeout covers the body, and a reply begun is not retried', async () => {
      stack.emulator.faults.set({ action: 'list-grants', effect: { kind: 'trickle', intervalMs: 50 } });
      const started = performance.now();
      const result = await gql(stack.gw, GRANTS, { k: DEMO.keys.full }, stack.alice);
      const elapsed = performance.now() - started;
      expect({ errors: errorSummary(result.body), calls: listGrantsCalls() }).toEqual({
        errors: [expectedError(['grants'], 'UPSTREAM_TIMEOUT')],
        calls: 1,
      });
      // One per-attempt timeout, not three (the old behaviour retried and then said UPSTREAM_ERROR).
      expect(elapsed).toBeLessThan(TIMEOUT_MS * 2);
    });

    it('still retries a read whose headers never came (timed out before any answer)', async () => {
      stack.emulator.faults.set({ action: 'list-grants', times: 1, effect: { kind: 'hang' } });
      const result = await gql(stack.gw, GRANTS, { k: DEMO.keys.full }, stack.alice);
      expect({ errors: result.body.errors, calls: listGrantsCalls() }).toEqual({ errors: undefined, calls: 2 });
    });
  });
});
