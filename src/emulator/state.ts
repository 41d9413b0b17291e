/**
 * The emulator's model: accounts (domains) with IAM users and projects, KMS keys, and grants.
 * A {@link State} is a plain JSON-serialisable value, treated as immutable: operations return a
 * new State, so a failed save leaves the committed one untouched and reads never see half a change.
 */
import type { KmsGrant, KmsKeyDetails } from '../kms/types.ts';

/** An account (IAM domain). */
export interface DomainRecord {
  /** 32 lowercase hex characters. */
  id: string;
  name: string;
}

/** An IAM project; KMS paths carry its id. Project names are region names, unique per domain. */
export interface ProjectRecord {
  /** 32 characters (KMS_PATTERNS.projectId). */
  id: string;
  name: string;
  domainId: string;
}

/** An IAM user: the principal id KMS uses, a password for IAM, and one AK/SK pair. */
export interface UserRecord {
  /** Principal id: 32 lowercase hex characters. */
  id: string;
  name: string;
  domainId: string;
  password: string;
  accessKey: string;
  secretKey: string;
}

/** A key: its describe-key details plus who created it and in which project. */
export interface KeyRecord {
  details: KmsKeyDetails;
  /** User id of the creator: the only principal that may revoke the key's grants. */
  creatorId: string;
  projectId: string;
}

/** The whole emulated world. `grants` is in creation order, which is the listing order. */
export interface State {
  version: 1;
  /** Signs IAM tokens; persisted so tokens survive a restart. */
  tokenSecret: string;
  domains: DomainRecord[];
  projects: ProjectRecord[];
  users: UserRecord[];
  keys: KeyRecord[];
  grants: KmsGrant[];
}

/** The authenticated caller of one request. */
export interface Caller {
  user: UserRecord;
  /** The project the credentials are scoped to (token project, or X-Project-Id under AK/SK). */
  projectId: string;
}

/** The key with this id, or undefined. */
export function findKey(state: State, keyId: string): KeyRecord | undefined {
  return state.keys.find((k) => k.details.key_id === keyId);
}

/** The grant with this id (any key), or undefined. Grant ids compare case-insensitively (hex). */
export function findGrant(state: State, grantId: string): KmsGrant | undefined {
  const id = grantId.toLowerCase();
  return state.grants.find((g) => g.grant_id.toLowerCase() === id);
}

/** The user with this principal id, or undefined. */
export function findUserById(state: State, userId: string): UserRecord | undefined {
  return state.users.find((u) => u.id === userId);
}

/** The user holding this access key, or undefined. */
export function findUserByAccessKey(state: State, accessKey: string): UserRecord | undefined {
  return state.users.find((u) => u.accessKey === accessKey);
}

/** The domain with this id, or undefined. */
export function findDomain(state: State, domainId: string): DomainRecord | undefined {
  return state.domains.find((d) => d.id === domainId);
}

/** The project with this id, or undefined. */
export function findProject(state: State, projectId: string): ProjectRecord | undefined {
  return state.projects.find((p) => p.id === projectId);
}

/** The first project of a domain (the one demo tokens and issueToken default to), or undefined. */
export function defaultProjectOf(state: State, domainId: string): ProjectRecord | undefined {
  return state.projects.find((p) => p.domainId === domainId);
}

/** The grants on one key, in creation order. */
export function grantsOfKey(state: State, keyId: string): KmsGrant[] {
  return state.grants.filter((g) => g.key_id === keyId);
}
