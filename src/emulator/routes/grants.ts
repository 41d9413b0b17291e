/**
 * The five grant actions (docs/kms.md §1): parse the body, then run the pure operation; changes go
 * through the store, so they are serialised and on disk before the 200.
 */
import type { ActionHandler } from '../context.ts';
import { capped } from '../paging.ts';
import { createGrant, listGrants, listRetirableGrants, retireGrant, revokeGrant } from '../grant-ops.ts';
import { newGrantId } from '../ids.ts';
import { parseCreateGrant, parseGrantRef, parseListGrants, parsePaging } from '../validation.ts';

/** Handlers by action name (the last path segment). */
export const grantActions: Readonly<Record<string, ActionHandler>> = {
  'create-grant': ({ caller, body, deps }) => {
    const input = parseCreateGrant(body);
    return deps.store.update((s) =>
      createGrant(s, caller, input, { now: deps.now(), grantsPerKey: deps.grantsPerKey, grantId: newGrantId() }),
    );
  },
  'revoke-grant': ({ caller, body, deps }) => {
    const ref = parseGrantRef(body);
    return deps.store.update((s) => revokeGrant(s, caller, ref));
  },
  'retire-grant': ({ caller, body, deps }) => {
    const ref = parseGrantRef(body);
    return deps.store.update((s) => retireGrant(s, caller, ref));
  },
  'list-grants': ({ caller, body, deps }) => listGrants(deps.store.state, caller, capped(parseListGrants(body), deps)),
  'list-retirable-grants': ({ caller, body, deps }) => listRetirableGrants(deps.store.state, caller, capped(parsePaging(body), deps)),
};
