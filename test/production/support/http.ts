/**
 * Small helpers shared by the production-readiness tests: raw HTTP requests (any method, body,
 * content type), timing, a seeded PRNG, and a leak check for responses.
 */
import type { RunningGateway } from '../../../src/server/gateway.ts';

/** A raw HTTP answer: status, headers and text, plus the JSON when the text parses. */
export interface RawResult {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** One request, exactly as given (no JSON encoding unless the caller did it). */
export async function raw(url: string, init: RequestInit = {}): Promise<RawResult> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** POSTs `body` (a string, sent verbatim) to the gateway's GraphQL endpoint with a JSON content type. */
export function postRaw(gw: RunningGateway, body: string, headers: Record<string, string> = {}): Promise<RawResult> {
  return raw(gw.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body,
  });
}

/** GETs a GraphQL operation with `params` in the query string. */
export function getGraphql(gw: RunningGateway, params: Record<string, string>, headers: Record<string, string> = {}): Promise<RawResult> {
  const url = new URL(gw.graphqlUrl);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return raw(url.toString(), { headers: { accept: 'application/graphql-response+json, application/json', ...headers } });
}

/** The `errors[].extensions.code` values of a GraphQL body (empty when there is none). */
export function errorCodes(json: unknown): unknown[] {
  if (typeof json !== 'object' || json === null || !('errors' in json)) return [];
  const errors = (json as { errors: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e: unknown) => (typeof e === 'object' && e !== null ? (e as { extensions?: { code?: unknown } }).extensions?.code : undefined));
}

/** The `errors[].message` values of a GraphQL body. */
export function errorMessages(json: unknown): string[] {
  if (typeof json !== 'object' || json === null || !('errors' in json)) return [];
  const errors = (json as { errors: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e: unknown) => String(typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : e));
}

/** Runs `fn` and measures it, in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - started };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** mulberry32: a small deterministic PRNG, so every fuzz run sends the same requests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What must never be in a response: the given secrets (tokens, upstream URL, host:port) and
 * stack traces (`at f (file:1:2)` frames, `.ts:`/`.js:` source positions, node_modules paths).
 */
export function leaks(text: string, secrets: readonly string[]): string[] {
  const found = secrets.filter((secret) => secret !== '' && text.includes(secret));
  if (/(\\n|\n)\s+at\s|\bat\s+\S+\s+\(\S+:\d+:\d+\)|\.(ts|js|mjs|cjs):\d+|node_modules|"stack"/.test(text)) {
    found.push('stack trace');
  }
  return found;
}

/** Calls `worker` for each item with at most `concurrency` in flight; results in item order. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await worker(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}
