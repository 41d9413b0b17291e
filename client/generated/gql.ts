/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation CreateGrant($input: CreateGrantInput!) {\n  createGrant(input: $input) {\n    keyId\n    grantId\n    clientMutationId\n    grant {\n      ...GrantFields\n    }\n  }\n}": typeof types.CreateGrantDocument,
    "fragment GrantFields on Grant {\n  id\n  grantId\n  keyId\n  name\n  granteePrincipal\n  granteePrincipalType\n  operations\n  issuingPrincipal\n  retiringPrincipal\n  createdAt\n}\n\nfragment PageFields on PageInfo {\n  hasNextPage\n  endCursor\n}\n\nfragment GrantPage on GrantConnection {\n  totalCount\n  pageInfo {\n    ...PageFields\n  }\n  edges {\n    cursor\n    node {\n      ...GrantFields\n    }\n  }\n}": typeof types.GrantFieldsFragmentDoc,
    "query KeyGrants($keyId: ID!, $first: Int = 20, $after: String) {\n  grants(keyId: $keyId, first: $first, after: $after) {\n    ...GrantPage\n    edges {\n      node {\n        key {\n          id\n          keyId\n          alias\n          state\n        }\n      }\n    }\n  }\n}": typeof types.KeyGrantsDocument,
    "query KeyDetail($keyId: ID!, $first: Int = 20, $after: String, $withKey: Boolean = true) {\n  key(keyId: $keyId) @include(if: $withKey) {\n    ...KeyFields\n  }\n  grants(keyId: $keyId, first: $first, after: $after) {\n    ...GrantPage\n  }\n}": typeof types.KeyDetailDocument,
    "fragment KeyFields on Key {\n  id\n  keyId\n  alias\n  state\n  spec\n  usage\n  isDefault\n}": typeof types.KeyFieldsFragmentDoc,
    "query Keys($first: Int = 20, $after: String, $state: KeyState) {\n  keys(first: $first, after: $after, state: $state) {\n    totalCount\n    pageInfo {\n      ...PageFields\n    }\n    edges {\n      cursor\n      node {\n        ...KeyFields\n        grants(first: 0) {\n          totalCount\n        }\n      }\n    }\n  }\n}": typeof types.KeysDocument,
    "query RetirableGrants($first: Int = 20, $after: String) {\n  retirableGrants(first: $first, after: $after) {\n    ...GrantPage\n  }\n}": typeof types.RetirableGrantsDocument,
    "mutation RetireGrant($input: RetireGrantInput!) {\n  retireGrant(input: $input) {\n    keyId\n    grantId\n    retiredGrantId\n    clientMutationId\n  }\n}": typeof types.RetireGrantDocument,
    "mutation RevokeGrant($input: RevokeGrantInput!) {\n  revokeGrant(input: $input) {\n    keyId\n    grantId\n    revokedGrantId\n    clientMutationId\n  }\n}": typeof types.RevokeGrantDocument,
};
const documents: Documents = {
    "mutation CreateGrant($input: CreateGrantInput!) {\n  createGrant(input: $input) {\n    keyId\n    grantId\n    clientMutationId\n    grant {\n      ...GrantFields\n    }\n  }\n}": types.CreateGrantDocument,
    "fragment GrantFields on Grant {\n  id\n  grantId\n  keyId\n  name\n  granteePrincipal\n  granteePrincipalType\n  operations\n  issuingPrincipal\n  retiringPrincipal\n  createdAt\n}\n\nfragment PageFields on PageInfo {\n  hasNextPage\n  endCursor\n}\n\nfragment GrantPage on GrantConnection {\n  totalCount\n  pageInfo {\n    ...PageFields\n  }\n  edges {\n    cursor\n    node {\n      ...GrantFields\n    }\n  }\n}": types.GrantFieldsFragmentDoc,
    "query KeyGrants($keyId: ID!, $first: Int = 20, $after: String) {\n  grants(keyId: $keyId, first: $first, after: $after) {\n    ...GrantPage\n    edges {\n      node {\n        key {\n          id\n          keyId\n          alias\n          state\n        }\n      }\n    }\n  }\n}": types.KeyGrantsDocument,
    "query KeyDetail($keyId: ID!, $first: Int = 20, $after: String, $withKey: Boolean = true) {\n  key(keyId: $keyId) @include(if: $withKey) {\n    ...KeyFields\n  }\n  grants(keyId: $keyId, first: $first, after: $after) {\n    ...GrantPage\n  }\n}": types.KeyDetailDocument,
    "fragment KeyFields on Key {\n  id\n  keyId\n  alias\n  state\n  spec\n  usage\n  isDefault\n}": types.KeyFieldsFragmentDoc,
    "query Keys($first: Int = 20, $after: String, $state: KeyState) {\n  keys(first: $first, after: $after, state: $state) {\n    totalCount\n    pageInfo {\n      ...PageFields\n    }\n    edges {\n      cursor\n      node {\n        ...KeyFields\n        grants(first: 0) {\n          totalCount\n        }\n      }\n    }\n  }\n}": types.KeysDocument,
    "query RetirableGrants($first: Int = 20, $after: String) {\n  retirableGrants(first: $first, after: $after) {\n    ...GrantPage\n  }\n}": types.RetirableGrantsDocument,
    "mutation RetireGrant($input: RetireGrantInput!) {\n  retireGrant(input: $input) {\n    keyId\n    grantId\n    retiredGrantId\n    clientMutationId\n  }\n}": types.RetireGrantDocument,
    "mutation RevokeGrant($input: RevokeGrantInput!) {\n  revokeGrant(input: $input) {\n    keyId\n    grantId\n    revokedGrantId\n    clientMutationId\n  }\n}": types.RevokeGrantDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateGrant($input: CreateGrantInput!) {\n  createGrant(input: $input) {\n    keyId\n    grantId\n    clientMutationId\n    grant {\n      ...GrantFields\n    }\n  }\n}"): (typeof documents)["mutation CreateGrant($input: CreateGrantInput!) {\n  createGrant(input: $input) {\n    keyId\n    grantId\n    clientMutationId\n    grant {\n      ...GrantFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment GrantFields on Grant {\n  id\n  grantId\n  keyId\n  name\n  granteePrincipal\n  granteePrincipalType\n  operations\n  issuingPrincipal\n  retiringPrincipal\n  createdAt\n}\n\nfragment PageFields on PageInfo {\n  hasNextPage\n  endCursor\n}\n\nfragment GrantPage on GrantConnection {\n  totalCount\n  pageInfo {\n    ...PageFields\n  }\n  edges {\n    cursor\n    node {\n      ...GrantFields\n    }\n  }\n}"): (typeof documents)["fragment GrantFields on Grant {\n  id\n  grantId\n  keyId\n  name\n  granteePrincipal\n  granteePrincipalType\n  operations\n  issuingPrincipal\n  retiringPrincipal\n  createdAt\n}\n\nfragment PageFields on PageInfo {\n  hasNextPage\n  endCursor\n}\n\nfragment GrantPage on GrantConnection {\n  totalCount\n  pageInfo {\n    ...PageFields\n  }\n  edges {\n    cursor\n    node {\n      ...GrantFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query KeyGrants($keyId: ID!, $first: Int = 20, $after: String) {\n  grants(keyId: $keyId, first: $first, after: $after) {\n    ...GrantPage\n    edges {\n      node {\n        key {\n          id\n          keyId\n          alias\n          state\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query KeyGrants($keyId: ID!, $first: Int = 20, $after: String) {\n  grants(keyId: $keyId, first: $first, after: $after) {\n    ...GrantPage\n    edges {\n      node {\n        key {\n          id\n          keyId\n          alias\n          state\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query KeyDetail($keyId: ID!, $first: Int = 20, $after: String, $withKey: Boolean = true) {\n  key(keyId: $keyId) @include(if: $withKey) {\n    ...KeyFields\n  }\n  grants(keyId: $keyId, first: $first, after: $after) {\n    ...GrantPage\n  }\n}"): (typeof documents)["query KeyDetail($keyId: ID!, $first: Int = 20, $after: String, $withKey: Boolean = true) {\n  key(keyId: $keyId) @include(if: $withKey) {\n    ...KeyFields\n  }\n  grants(keyId: $keyId, first: $first, after: $after) {\n    ...GrantPage\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment KeyFields on Key {\n  id\n  keyId\n  alias\n  state\n  spec\n  usage\n  isDefault\n}"): (typeof documents)["fragment KeyFields on Key {\n  id\n  keyId\n  alias\n  state\n  spec\n  usage\n  isDefault\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Keys($first: Int = 20, $after: String, $state: KeyState) {\n  keys(first: $first, after: $after, state: $state) {\n    totalCount\n    pageInfo {\n      ...PageFields\n    }\n    edges {\n      cursor\n      node {\n        ...KeyFields\n        grants(first: 0) {\n          totalCount\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query Keys($first: Int = 20, $after: String, $state: KeyState) {\n  keys(first: $first, after: $after, state: $state) {\n    totalCount\n    pageInfo {\n      ...PageFields\n    }\n    edges {\n      cursor\n      node {\n        ...KeyFields\n        grants(first: 0) {\n          totalCount\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RetirableGrants($first: Int = 20, $after: String) {\n  retirableGrants(first: $first, after: $after) {\n    ...GrantPage\n  }\n}"): (typeof documents)["query RetirableGrants($first: Int = 20, $after: String) {\n  retirableGrants(first: $first, after: $after) {\n    ...GrantPage\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RetireGrant($input: RetireGrantInput!) {\n  retireGrant(input: $input) {\n    keyId\n    grantId\n    retiredGrantId\n    clientMutationId\n  }\n}"): (typeof documents)["mutation RetireGrant($input: RetireGrantInput!) {\n  retireGrant(input: $input) {\n    keyId\n    grantId\n    retiredGrantId\n    clientMutationId\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RevokeGrant($input: RevokeGrantInput!) {\n  revokeGrant(input: $input) {\n    keyId\n    grantId\n    revokedGrantId\n    clientMutationId\n  }\n}"): (typeof documents)["mutation RevokeGrant($input: RevokeGrantInput!) {\n  revokeGrant(input: $input) {\n    keyId\n    grantId\n    revokedGrantId\n    clientMutationId\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;