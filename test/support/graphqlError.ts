import { GraphQLError } from 'graphql';

/** What a test compares of a thrown GraphQL error: its class, message and extensions, as one object. */
export interface ThrownGraphQLError {
  isGraphQLError: true;
  message: string;
  extensions: Record<string, unknown>;
}

/** Runs `fn` and returns what it threw as a plain object; fails the test when it returns or throws something else. */
export function thrownBy(fn: () => unknown): ThrownGraphQLError {
  try {
    fn();
  } catch (error) {
    return asThrown(error);
  }
  throw new Error('expected a GraphQLError, but the call returned');
}

/** Awaits `promise` and returns its rejection as a plain object; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<ThrownGraphQLError> {
  try {
    await promise;
  } catch (error) {
    return asThrown(error);
  }
  throw new Error('expected a GraphQLError rejection, but the promise resolved');
}

function asThrown(error: unknown): ThrownGraphQLError {
  if (!(error instanceof GraphQLError)) throw new Error(`expected a GraphQLError, got ${String(error)}`);
  return { isGraphQLError: true, message: error.message, extensions: { ...error.extensions } };
}
