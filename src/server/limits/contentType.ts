import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * Accepts GraphQL over HTTP's JSON bodies only: `application/json` and
 * `application/graphql-response+json`. Form posts (urlencoded, multipart) and text/plain are the
 * bodies a cross-site form can send, so they are refused with 415 before parsing.
 */
export function useContentTypePolicy(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== 'POST') return;
      const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (type !== 'application/json' && type !== 'application/graphql-response+json') {
        throw createGraphQLError('POST bodies must be application/json', { extensions: { http: { status: 415 } } });
      }
    },
  };
}
