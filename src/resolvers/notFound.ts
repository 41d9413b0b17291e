import { GraphQLError } from 'graphql';

/** `lookup`'s value, or null when KMS says the object does not exist (NOT_FOUND); other errors pass. */
export async function nullWhenNotFound<T>(lookup: Promise<T>): Promise<T | null> {
  try {
    return await lookup;
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === 'NOT_FOUND') return null;
    throw error;
  }
}
