import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * The request body limit (`MAX_BODY_BYTES`), in place of yoga's `maxRequestBodySize`, which
 * pipes every body through a web TransformStream (with its AbortSignal and DOMException) even
 * when the `Content-Length` already says how long it is. Node's HTTP parser reads exactly
 * `Content-Length` bytes, never more, so a declared length is the whole check: over the limit is
 * 413 before any byte is read. Only a body without one (chunked) is counted while it is read,
 * and cut with the same 413 the moment it passes the limit. Same answers as yoga's: 413
 * `REQUEST_ENTITY_TOO_LARGE`, 400 for a malformed `Content-Length` (Node refuses most of those
 * itself). Registered after the other plugins that look at the request, as yoga's is.
 */
export function useBodySizeLimit(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!/^\d+$/.test(declared)) {
          throw createGraphQLError('Content-Length header is invalid.', { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } });
        }
        if (Number(declared) > maxBytes) throw tooLarge();
        return;
      }
      if (requestParser === undefined || request.body === null) return;
      const parse = requestParser;
      setRequestParser((req) => parse(counted(req, maxBytes, fetchAPI)));
    },
  };
}

function tooLarge(): Error {
  return createGraphQLError('Request body too large', { extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' } });
}

type FetchApi = Parameters<NonNullable<Plugin['onRequestParse']>>[0]['fetchAPI'];

/** `request` with its body counted as it is read, failing with 413 past `maxBytes`. */
function counted(request: Request, maxBytes: number, fetchAPI: FetchApi): Request {
  const body = request.body;
  if (body === null) return request;
  // A native stream needs the native TransformStream, the ponyfill's needs the ponyfill's.
  const Transform = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let read = 0;
  const limited = body.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: limited,
    duplex: 'half',
  } as RequestInit);
}
