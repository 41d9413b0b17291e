import type { Plugin } from 'graphql-yoga';

/** `vary` with `name` added, unless it is already listed (or `*` varies by everything). */
export function withVary(vary: string | null, name: string): string {
  const listed = (vary ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
  if (listed.some((token) => token === '*' || token.toLowerCase() === name.toLowerCase())) return listed.join(', ');
  return [...listed, name].join(', ');
}

/**
 * Headers every answer yoga sends (GraphQL results and errors, GET and POST, yoga's own 4xx,
 * CORS preflights) carries, set as the response leaves yoga, after its CORS plugin:
 * - `Cache-Control: no-store`: answers are per caller (their token decides what KMS returns) and
 *   must not be kept by browsers or shared caches.
 * - `Vary: Origin` when `varyOrigin` (a non-empty CORS allow-list): the CORS headers then depend on
 *   the request's `Origin`, for allowed and refused origins alike, so a cache keyed on the URL
 *   alone could hand one origin's answer to another. yoga adds it only for some allow-lists
 *   (not for a one-entry list, nor when the origin is refused).
 */
export function useResponseHeaders({ varyOrigin }: { varyOrigin: boolean }): Plugin {
  return {
    onResponse({ response }) {
      response.headers.set('cache-control', 'no-store');
      if (varyOrigin) response.headers.set('vary', withVary(response.headers.get('vary'), 'Origin'));
    },
  };
}
