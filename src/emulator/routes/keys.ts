/**
 * The key actions (docs/kms.md §1): create-key, describe-key, list-keys.
 */
import type { ActionHandler } from '../context.ts';
import { capped } from '../paging.ts';
import { newKeyId } from '../ids.ts';
import { createKey, describeKey, listKeys } from '../key-ops.ts';
import { parseCreateKey, parseDescribeKey, parseListKeys } from '../key-validation.ts';

/** Handlers by action name (the last path segment). */
export const keyActions: Readonly<Record<string, ActionHandler>> = {
  'create-key': ({ caller, body, deps }) => {
    const input = parseCreateKey(body);
    return deps.store.update((s) => createKey(s, caller, input, { now: deps.now(), keyId: newKeyId() }));
  },
  'describe-key': ({ caller, body, deps }) => describeKey(deps.store.state, caller, parseDescribeKey(body)),
  'list-keys': ({ caller, body, deps }) => listKeys(deps.store.state, caller, capped(parseListKeys(body), deps)),
};
