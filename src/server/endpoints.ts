import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';

/**
 * The operational endpoints beside `/graphql`, as yoga plugins (`/health` is yoga's own
 * `healthCheckEndpoint`): they answer in `onRequest`, before anything GraphQL runs, and their
 * answers leave through yoga like any other, with `Cache-Control: no-store`.
 */

/**
 * The path of a request URL (`http://host/ready?x` -> `/ready`), read from the string: yoga's
 * `url` is a proxy that parses a `URL` on first use, and yoga's own readiness plugin also runs a
 * URLPattern on every request; at these plugins' place that cost every GraphQL request a URL
 * parse and a pattern match for nothing.
 */
export function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) {
      end = i;
      break;
    }
  }
  return url.slice(start, end);
}

/** How long a `/ready` answer is reused: probing KMS on every poll would load it for nothing. */
export const READY_CACHE_MS = 2000;

/**
 * `GET /ready`: 200 while `probe` says KMS answers at all, else 503; empty bodies, so nothing
 * about the upstream (its URL, its error) is shown. One probe serves every poll for
 * {@link READY_CACHE_MS}, and concurrent polls share the probe in flight.
 */
export function useKmsReadiness(probe: () => Promise<boolean>): Plugin {
  let last: { ready: Promise<boolean>; at: number } | undefined;
  return {
    // Not async: a hook that returns a promise makes yoga wait a tick, on every request.
    onRequest({ request, endResponse, fetchAPI }) {
      if (pathOf(request.url) !== '/ready') return undefined;
      if (last === undefined || performance.now() - last.at > READY_CACHE_MS)
        last = { ready: probe().catch(() => false), at: performance.now() };
      return last.ready.then((ready) => endResponse(new fetchAPI.Response(null, { status: ready ? 200 : 503 })));
    },
  };
}

/** `GET /metrics`: the registry's Prometheus text. */
export function useMetricsEndpoint(registry: Registry): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (pathOf(request.url) !== '/metrics') return undefined;
      return registry
        .metrics()
        .then((text) => endResponse(new fetchAPI.Response(text, { status: 200, headers: { 'content-type': registry.contentType } })));
    },
  };
}
