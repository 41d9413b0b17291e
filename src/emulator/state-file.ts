/**
 * Reading a State from untrusted JSON: a seed file (`KMS_EMULATOR_SEED=<file>`) or the persisted
 * state file. Both use {@link State}'s own layout; a seed file may omit `tokenSecret`.
 * {@link parseState} checks every field and cross-reference and names the first bad one.
 */
import { KMS_GRANT_OPERATIONS, KMS_PATTERNS } from '../kms/types.ts';
import type { KmsGrant, KmsKeyDetails } from '../kms/types.ts';
import type { DomainRecord, KeyRecord, ProjectRecord, State, UserRecord } from './state.ts';

type Obj = Record<string, unknown>;

function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path} must be an object`);
  return value as Obj;
}

function arr(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${path} must be an array`);
  return value;
}

function str(o: Obj, name: string, path: string, rule?: RegExp): string {
  const value = o[name];
  if (typeof value !== 'string') throw new Error(`${path}.${name} must be a string`);
  if (rule !== undefined && !rule.test(value)) throw new Error(`${path}.${name} must match ${rule.source}`);
  return value;
}

function unique(values: string[], what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new Error(`duplicate ${what} ${v}`);
    seen.add(v);
  }
}

const KEY_FIELDS = [
  'key_id',
  'domain_id',
  'key_alias',
  'realm',
  'key_spec',
  'key_usage',
  'key_description',
  'creation_date',
  'scheduled_deletion_date',
  'key_state',
  'default_key_flag',
  'key_type',
  'expiration_time',
  'origin',
] as const;
const OPTIONAL_KEY_FIELDS = ['key_rotation_enabled', 'sys_enterprise_project_id', 'keystore_id', 'partition_type'] as const;
const EPOCH_MS = /^[0-9]{1,15}$/;

function keyDetails(o: Obj, path: string): KmsKeyDetails {
  const out: Record<string, string> = {};
  for (const f of KEY_FIELDS) out[f] = str(o, f, path);
  for (const f of OPTIONAL_KEY_FIELDS) if (o[f] !== undefined) out[f] = str(o, f, path);
  str(o, 'key_id', path, KMS_PATTERNS.keyId);
  str(o, 'key_state', path, KMS_PATTERNS.keyState);
  str(o, 'default_key_flag', path, /^[01]$/);
  str(o, 'origin', path, /^(kms|external)$/);
  return out as unknown as KmsKeyDetails;
}

function grant(o: Obj, path: string): KmsGrant {
  const g: KmsGrant = {
    key_id: str(o, 'key_id', path, KMS_PATTERNS.keyId),
    grant_id: str(o, 'grant_id', path, KMS_PATTERNS.grantId).toLowerCase(),
    grantee_principal: str(o, 'grantee_principal', path, KMS_PATTERNS.principal),
    grantee_principal_type: str(o, 'grantee_principal_type', path, /^(user|domain)$/) as 'user' | 'domain',
    operations: arr(o['operations'], `${path}.operations`).map((op, i) => {
      const known: readonly unknown[] = KMS_GRANT_OPERATIONS;
      if (!known.includes(op)) throw new Error(`${path}.operations[${i}] is not a grant operation`);
      return op as string;
    }),
    issuing_principal: str(o, 'issuing_principal', path, KMS_PATTERNS.principal),
    creation_date: str(o, 'creation_date', path, EPOCH_MS),
  };
  if (o['name'] !== undefined) g.name = str(o, 'name', path, KMS_PATTERNS.grantName);
  if (o['retiring_principal'] !== undefined) g.retiring_principal = str(o, 'retiring_principal', path, KMS_PATTERNS.principal);
  return g;
}

/**
 * A State from parsed JSON. `fallbackSecret` is used when the document has no `tokenSecret`.
 * Throws an Error naming the first bad path (e.g. `grants[3].key_id must match ...`).
 */
export function parseState(json: unknown, fallbackSecret: string): State {
  const root = obj(json, 'state');
  if (root['version'] !== undefined && root['version'] !== 1) throw new Error('state.version must be 1');
  const tokenSecret = root['tokenSecret'] === undefined ? fallbackSecret : str(root, 'tokenSecret', 'state', /^.{16,}$/);
  const domains: DomainRecord[] = arr(root['domains'], 'domains').map((d, i) => {
    const o = obj(d, `domains[${i}]`);
    return { id: str(o, 'id', `domains[${i}]`, KMS_PATTERNS.principal), name: str(o, 'name', `domains[${i}]`, /^.+$/) };
  });
  const domainIds = new Set(domains.map((d) => d.id));
  const inDomain = (id: string, path: string) => {
    if (!domainIds.has(id)) throw new Error(`${path} names an unknown domain ${id}`);
  };
  const projects: ProjectRecord[] = arr(root['projects'], 'projects').map((p, i) => {
    const path = `projects[${i}]`;
    const o = obj(p, path);
    const rec = { id: str(o, 'id', path, KMS_PATTERNS.projectId), name: str(o, 'name', path, /^.+$/), domainId: str(o, 'domainId', path) };
    inDomain(rec.domainId, `${path}.domainId`);
    return rec;
  });
  const users: UserRecord[] = arr(root['users'], 'users').map((u, i) => {
    const path = `users[${i}]`;
    const o = obj(u, path);
    const rec = {
      id: str(o, 'id', path, KMS_PATTERNS.principal),
      name: str(o, 'name', path, /^.+$/),
      domainId: str(o, 'domainId', path),
      password: str(o, 'password', path, /^.+$/),
      accessKey: str(o, 'accessKey', path, /^[A-Za-z0-9]{1,128}$/),
      secretKey: str(o, 'secretKey', path, /^.+$/),
    };
    inDomain(rec.domainId, `${path}.domainId`);
    return rec;
  });
  const userIds = new Set(users.map((u) => u.id));
  const projectIds = new Set(projects.map((p) => p.id));
  const keys: KeyRecord[] = arr(root['keys'], 'keys').map((k, i) => {
    const path = `keys[${i}]`;
    const o = obj(k, path);
    const rec = {
      details: keyDetails(obj(o['details'], `${path}.details`), `${path}.details`),
      creatorId: str(o, 'creatorId', path),
      projectId: str(o, 'projectId', path),
    };
    if (!userIds.has(rec.creatorId)) throw new Error(`${path}.creatorId names an unknown user`);
    if (!projectIds.has(rec.projectId)) throw new Error(`${path}.projectId names an unknown project`);
    inDomain(rec.details.domain_id, `${path}.details.domain_id`);
    return rec;
  });
  const keyIds = new Set(keys.map((k) => k.details.key_id));
  const grants = arr(root['grants'], 'grants').map((g, i) => {
    const rec = grant(obj(g, `grants[${i}]`), `grants[${i}]`);
    if (!keyIds.has(rec.key_id)) throw new Error(`grants[${i}].key_id names an unknown key`);
    return rec;
  });
  unique(
    domains.map((d) => d.id),
    'domain id',
  );
  unique(
    projects.map((p) => p.id),
    'project id',
  );
  unique(
    users.map((u) => u.id),
    'user id',
  );
  unique(
    users.map((u) => u.accessKey),
    'access key',
  );
  unique(
    keys.map((k) => k.details.key_id),
    'key id',
  );
  unique(
    grants.map((g) => g.grant_id),
    'grant id',
  );
  return { version: 1, tokenSecret, domains, projects, users, keys, grants };
}
