/**
 * Identifier formats of KMS and IAM: grant ids (64 hex), key ids (36-byte lowercase UUID form),
 * principal/domain/project ids (32 lowercase hex), request ids. Random ones for live requests,
 * derived ones (SHA-256 of a label) for the deterministic demo seed.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** A fresh grant id: 64 lowercase hex characters. */
export function newGrantId(): string {
  return randomBytes(32).toString('hex');
}

/** A fresh key id matching KMS_PATTERNS.keyId. */
export function newKeyId(): string {
  return randomUUID();
}

/** A fresh request id (32 hex, the form Huawei's X-Request-Id takes). */
export function newRequestId(): string {
  return randomBytes(16).toString('hex');
}

/** `length` (1..64) lowercase hex characters derived from `label`: the same label, the same id. */
export function stableHex(label: string, length: number): string {
  if (length < 1 || length > 64) throw new RangeError(`length must be 1..64, got ${length}`);
  return createHash('sha256').update(label).digest('hex').slice(0, length);
}

/** A key id (8-4-4-4-12 lowercase hex) derived from `label`. */
export function stableKeyId(label: string): string {
  const h = stableHex(label, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
