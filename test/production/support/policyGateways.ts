/**
 * What the operation-limit and HTTP-policy tests share: one fake KMS holding a described key with
 * 10 grants and a key whose first grant no String can represent, and a one-test gateway on it.
 */
import { makeGrants, makeKey, makeKeyId } from '../../support/fixtures.ts';
import { startFakeKms } from '../../support/fakeKms.ts';
import type { FakeKms } from '../../support/fakeKms.ts';
import { TOKENS, startGatewayOn } from '../../support/gateway.ts';
import type { RunningGateway } from '../../../src/server/gateway.ts';
import type { GatewayConfig } from '../../../src/config.ts';

/** A described key (alias `limits`) with the 10 grants {@link GRANTS}. */
export const KEY = makeKeyId(900);
export const GRANTS = makeGrants(KEY, 10);
/** A key (alias `broken`) whose first grant has an object as its retiring principal (an unexpected error, to check masking). */
export const BROKEN_KEY = makeKeyId(901);
/** The text inside that object: no response may carry it. */
export const UPSTREAM_SECRET = 'upstream-secret-5a1d';
export const BROKEN_GRANTS = makeGrants(BROKEN_KEY, 2, (i) => (i === 0 ? { retiring_principal: { note: UPSTREAM_SECRET } as unknown as string } : {}));

/** Starts the fake KMS with {@link TOKENS}, both keys and their grants. */
export function startPolicyKms(): Promise<FakeKms> {
  return startFakeKms({
    tokens: TOKENS,
    keys: [makeKey(KEY, 'limits'), makeKey(BROKEN_KEY, 'broken')],
    grants: [...GRANTS, ...BROKEN_GRANTS],
  });
}

/** Starts a gateway on `fake` with `overrides` for one test, closing it afterwards. */
export async function withGatewayOn<T>(fake: FakeKms, overrides: Partial<GatewayConfig>, fn: (g: RunningGateway) => Promise<T>): Promise<T> {
  const g = await startGatewayOn(fake, overrides);
  try {
    return await fn(g);
  } finally {
    await g.close();
  }
}
