import { GraphQLError } from 'graphql';

/** The `errors[].extensions.code` values of the public contract. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT';

/** What the gateway adds to a GraphQL error; `kmsErrorCode` only when KMS sent an `error_code`. */
export interface GatewayErrorExtensions {
  code: ErrorCode;
  kmsErrorCode?: string;
  /** The id this operation sent to KMS as `X-Request-Id`, for support requests. */
  requestId?: string;
}

/**
 * A GraphQL error with the contract's `extensions.code`. These pass yoga's error masking as
 * they are, so their messages must never carry tokens, upstream URLs or upstream bodies.
 */
export function gatewayError(
  code: ErrorCode,
  message: string,
  extra: Omit<GatewayErrorExtensions, 'code'> & { path?: readonly string[] } = {},
): GraphQLError {
  const extensions: GatewayErrorExtensions = { code };
  if (extra.kmsErrorCode !== undefined) extensions.kmsErrorCode = extra.kmsErrorCode;
  if (extra.requestId !== undefined) extensions.requestId = extra.requestId;
  return new GraphQLError(message, { extensions: { ...extensions }, ...(extra.path && { path: extra.path }) });
}

/** Shorthand for the commonest error: an argument that breaks a rule, named with the rule. */
export function badInput(message: string): GraphQLError {
  return gatewayError('BAD_USER_INPUT', message);
}
