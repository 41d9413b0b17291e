import { DateTimeResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { Grant } from './Grant.ts';
import { Key } from './Key.ts';
import { CreateGrantPayload, createGrant } from './Mutation/createGrant.ts';
import { retireGrant } from './Mutation/retireGrant.ts';
import { revokeGrant } from './Mutation/revokeGrant.ts';
import { grants } from './Query/grants.ts';
import { key } from './Query/key.ts';
import { keys } from './Query/keys.ts';
import { node } from './Query/node.ts';
import { retirableGrants } from './Query/retirableGrants.ts';

/** Every resolver of schema.graphql; fields not listed resolve by name (connections, payloads). */
export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  Query: { grants, retirableGrants, keys, key, node },
  Mutation: { revokeGrant, createGrant, retireGrant },
  Node: {
    __resolveType: (object) => ('grant_id' in object ? 'Grant' : 'Key'),
  },
  Grant,
  Key,
  CreateGrantPayload,
};
