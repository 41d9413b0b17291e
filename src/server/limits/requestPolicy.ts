import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * What the gateway accepts at the HTTP level, checked before yoga parses anything:
 * - POST bodies in GraphQL over HTTP's JSON media types only. Form posts (urlencoded, multipart)
 *   and text/plain are what a cross-site form can send, so they are refused with 415.
 * - GET `variables` and `extensions` that are JSON objects; yoga would answer a parse failure
 *   with a 500, and it is the caller's mistake (400).
 * And, on the way out, `extensions.originalError` carries no message: yoga puts JSON parser
 * messages there, which quote the caller's body back.
 */
export function useRequestPolicy(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method === 'POST') {
        const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        if (type !== 'application/json' && type !== 'application/graphql-response+json') {
          throw createGraphQLError('POST bodies must be application/json', { extensions: { http: { status: 415 } } });
        }
      } else if (request.method === 'GET') {
        const params = new URL(request.url).searchParams;
        for (const name of ['variables', 'extensions']) {
          const value = params.get(name);
          if (value !== null && !isJsonObject(value)) {
            throw createGraphQLError(`The \`${name}\` parameter must be a JSON object`, { extensions: { http: { status: 400 } } });
          }
        }
      }
    },
    onResultProcess({ result }) {
      for (const one of Array.isArray(result) ? result : [result]) {
        if (typeof one !== 'object' || one === null || !('errors' in one) || !Array.isArray(one.errors)) continue;
        for (const error of one.errors as Array<{ extensions?: Record<string, unknown> }>) {
          const original = error.extensions?.originalError;
          // Keep the entry (yoga's status choice depends on it), drop the echoed text.
          if (typeof original === 'object' && original !== null)
            error.extensions!.originalError = { name: (original as { name?: unknown }).name ?? 'Error', message: 'not shown' };
        }
      }
    },
  };
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value === null || (typeof value === 'object' && !Array.isArray(value));
  } catch {
    return false;
  }
}
