/**
 * The KMS wire shapes (docs/kms.md), shared by the gateway's KMS client and the
 * emulator. Field names and string-typed numbers are exactly KMS's.
 */

/** The nine grant operations, in KMS's kebab-case spelling. */
export const KMS_GRANT_OPERATIONS = [
  'create-datakey',
  'create-datakey-without-plaintext',
  'encrypt-datakey',
  'decrypt-datakey',
  'describe-key',
  'create-grant',
  'retire-grant',
  'encrypt-data',
  'decrypt-data',
] as const;

export type KmsPrincipalType = 'user' | 'domain';

/** One item of `grants` in list-grants / list-retirable-grants. */
export interface KmsGrant {
  key_id: string;
  grant_id: string;
  grantee_principal: string;
  grantee_principal_type?: KmsPrincipalType;
  operations: string[];
  issuing_principal: string;
  /** Epoch milliseconds, as a decimal string. */
  creation_date: string;
  name?: string;
  retiring_principal?: string;
}

/** Response of list-grants and list-retirable-grants. */
export interface KmsGrantPage {
  grants: KmsGrant[];
  /** `""` on the last page; otherwise opaque, to be sent back verbatim as `marker`. */
  next_marker: string;
  truncated: 'true' | 'false';
  total?: number;
}

export interface KmsListGrantsBody {
  key_id: string;
  limit?: string;
  marker?: string;
  sequence?: string;
}

export interface KmsListRetirableGrantsBody {
  limit?: string;
  marker?: string;
  sequence?: string;
}

/** Body of revoke-grant and retire-grant. */
export interface KmsGrantRefBody {
  key_id: string;
  grant_id: string;
  sequence?: string;
}

export interface KmsCreateGrantBody {
  key_id: string;
  grantee_principal: string;
  operations: string[];
  name?: string;
  retiring_principal?: string;
  grantee_principal_type?: KmsPrincipalType;
  sequence?: string;
}

/** Response of create-grant. */
export interface KmsCreateGrantResponse {
  grant_id: string;
}

/** `key_info` of describe-key, and the items of list-keys' `key_details`. */
export interface KmsKeyDetails {
  key_id: string;
  domain_id: string;
  key_alias: string;
  realm: string;
  key_spec: string;
  key_usage: string;
  key_description: string;
  /** Epoch milliseconds, as a decimal string. */
  creation_date: string;
  /** Epoch milliseconds, or `""` when not scheduled. */
  scheduled_deletion_date: string;
  /** `"1"`..`"5"`: pending activation, enabled, disabled, pending deletion, pending import. */
  key_state: string;
  default_key_flag: '0' | '1';
  key_type: string;
  expiration_time: string;
  origin: 'kms' | 'external';
  key_rotation_enabled?: string;
  sys_enterprise_project_id?: string;
  keystore_id?: string;
  partition_type?: string;
}

export interface KmsDescribeKeyResponse {
  key_info: KmsKeyDetails;
}

export interface KmsCreateKeyResponse {
  key_info: { key_id: string; domain_id: string };
}

export interface KmsListKeysBody {
  limit?: string;
  marker?: string;
  key_state?: string;
  key_spec?: string;
  enterprise_project_id?: string;
  sequence?: string;
}

export interface KmsListKeysResponse {
  keys: string[];
  key_details: KmsKeyDetails[];
  next_marker: string;
  truncated: 'true' | 'false';
  total: number;
}

/** KMS's own error body (nested). */
export interface KmsNestedErrorBody {
  error: { error_code: string; error_msg: string };
}

/** The API gateway's error body (flat), e.g. `APIGW.0301`. */
export interface KmsFlatErrorBody {
  error_code: string;
  error_msg: string;
  request_id: string;
}

/** Validation rules from docs/kms.md §2, shared by the gateway's validators and the emulator. */
export const KMS_PATTERNS = {
  keyId: /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/,
  grantId: /^[A-Fa-f0-9]{64}$/,
  principal: /^[a-zA-Z0-9]{1,64}$/,
  grantName: /^[a-zA-Z0-9:/_-]{1,255}$/,
  keyAlias: /^[a-zA-Z0-9:/_-]{1,255}$/,
  keyState: /^[1-5]{1}$/,
  projectId: /^[0-9a-zA-Z]{32}$/,
} as const;

/** The largest `limit` KMS takes, and its default. */
export const KMS_MAX_LIMIT = 1000;
