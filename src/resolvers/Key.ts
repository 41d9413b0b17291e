import type { KeyResolvers } from '../generated/resolvers-types.ts';
import { fromEpochMs, toKeyState } from '../kms/translate.ts';
import { selectedCursors } from '../relay/connection.ts';
import { grantsConnection } from '../relay/connectionId.ts';
import { keyGlobalId } from '../relay/globalId.ts';
import { grantConnection } from './grantConnection.ts';

/** KMS `key_info` (describe-key, or an item of list-keys' `key_details`) as the GraphQL `Key`; empty strings read as null. */
export const Key: KeyResolvers = {
  id: (key) => keyGlobalId(key.key_id),
  keyId: (key) => key.key_id,
  alias: (key) => key.key_alias || null,
  state: (key) => toKeyState(key.key_state),
  description: (key) => key.key_description || null,
  spec: (key) => key.key_spec || null,
  usage: (key) => key.key_usage || null,
  domainId: (key) => key.domain_id || null,
  realm: (key) => key.realm || null,
  isDefault: (key) => (key.default_key_flag === undefined ? null : key.default_key_flag === '1'),
  origin: (key) => key.origin || null,
  createdAt: (key) => fromEpochMs(key.creation_date),
  scheduledDeletionAt: (key) => fromEpochMs(key.scheduled_deletion_date),
  grants: (key, args, context, info) => grantConnection(context, grantsConnection(key.key_id), args, selectedCursors(info)),
};
