import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultEffect } from '../../src/emulator/index.ts';
import type { KmsGrant } from '../../src/kms/types.ts';
import { keyGlobalId } from '../../src/relay/globalId.ts';
import { DEMO, listFromKms, useEmulatorStack } from '../support/emulatorStack.ts';
import { errorSummary, expectedError, gql, leaksIn } from '../support/gateway.ts';
import { timed } from '../support/waiting.ts';

// Fixtures: bob's retirable grants, the first 10 on demo-full and the 11th on demo-app; demo-backup
// (6 grants) as a healthy root field beside a failing one.
const FAILING_KEY = DEMO.keys.app;
const HEALTHY_KEY = DEMO.keys.backup;
const RETIRABLE = `{ retirableGrants(first: 11) { edges { node { grantId key { alias } } } } }`;
const TWO_ROOTS = `query($k: ID!) { grants(keyId: $k, first: 5) { totalCount } key: node(id: "${keyGlobalId(FAILING_KEY)}") { id } }`;
const KMS_TIMEOUT_MS = 250;
/** Two attempts of at most 250 ms, with slack for a loaded machine. */
const FAULT_BOUND_MS = 2000;

const stack = useEmulatorStack({ kmsTimeoutMs: KMS_TIMEOUT_MS, kmsReadRetries: 1, breakerThreshold: 1000 });
/** bob's first 11 retirable grants, as KMS lists them. */
let retirable: KmsGrant[];
beforeAll(async () => {
  retirable = (await listFromKms(stack.emulator, undefined, stack.tokens.bob)).slice(0, 11);
});
beforeEach(() => stack.emulator.reset());

const failures: { name: string; effect: FaultEffect; code: string; kms: string | undefined }[] = [
  { name: 'a 500', effect: { kind: 'error', status: 500, shape: 'kms', code: 'KMS.0101' }, code: 'UPSTREAM_ERROR', kms: 'KMS.0101' },
  { name: 'a 404', effect: { kind: 'error', status: 404, shape: 'kms', code: 'KMS.0207' }, code: 'NOT_FOUND', kms: 'KMS.0207' },
  { name: 'a hang', effect: { kind: 'hang' }, code: 'UPSTREAM_TIMEOUT', kms: undefined },
];

describe('partial results: one failing field leaves the rest of the answer intact', () => {
  it('lists the fixtures as described: ten grants on demo-full, then one on demo-app', () => {
    expect(retirable.map((g) => g.key_id)).toEqual([...Array.from({ length: 10 }, () => DEMO.keys.full), FAILING_KEY]);
  });

  it.each(failures)(
    'returns the other grants and a null Grant.key with an error at its path when one key fails with $name',
    async ({ effect, code, kms }) => {
      stack.emulator.faults.set({ action: 'describe-key', keyId: FAILING_KEY, effect });
      const { status, body, text } = await gql(stack.gw, RETIRABLE, {}, stack.bob);
      expect({ status, data: body.data, errors: errorSummary(body) }).toEqual({
        status: 200,
        data: {
          retirableGrants: {
            edges: retirable.map((g) => ({ node: { grantId: g.grant_id, key: g.key_id === FAILING_KEY ? null : { alias: 'demo-full' } } })),
          },
        },
        errors: [expectedError(['retirableGrants', 'edges', 10, 'node', 'key'], code, kms)],
      });
      expect(leaksIn(text, stack)).toEqual([]);
    },
  );

  it.each(failures)(
    'answers the healthy root field and nulls the other when its describe-key fails with $name',
    async ({ effect, code, kms }) => {
      stack.emulator.faults.set({ action: 'describe-key', keyId: FAILING_KEY, effect });
      const { result, ms } = await timed(() => gql(stack.gw, TWO_ROOTS, { k: HEALTHY_KEY }, stack.alice));
      // A key KMS does not find is no error for node(id): it is gone, so null.
      const errors = code === 'NOT_FOUND' ? [] : [expectedError(['key'], code, kms)];
      expect({ status: result.status, data: result.body.data, errors: errorSummary(result.body) }).toEqual({
        status: 200,
        data: { grants: { totalCount: DEMO.grantCounts.backup }, key: null },
        errors,
      });
      expect(ms).toBeLessThan(FAULT_BOUND_MS);
      expect(leaksIn(result.text, stack)).toEqual([]);
    },
  );
});
