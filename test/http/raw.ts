/**
 * Requests exactly as given, for the HTTP-level tests: any method, body and content type (no
 * JSON encoding unless the caller did it), the answer kept as text, with its JSON when it parses.
 * GraphQL operations themselves go through test/support/gateway.ts (`gql`, `gqlGet`).
 */
import type { RunningGateway } from '../../src/server/gateway.ts';

/** A raw HTTP answer: status, headers and text, plus the JSON when the text parses. */
export interface RawResult {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** One request with fetch, exactly as given. */
export async function raw(url: string, init: RequestInit = {}): Promise<RawResult> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: parsed(text) };
}

/** POSTs `body` (sent verbatim) to the gateway's GraphQL endpoint with a JSON content type. */
export function postRaw(gw: RunningGateway, body: string, headers: Record<string, string> = {}): Promise<RawResult> {
  return raw(gw.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body,
  });
}

/** The JSON value of `text`, or undefined when it is not JSON. */
export function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
