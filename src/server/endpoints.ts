import { useReadinessCheck, type Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';

/**
 * The operational endpoints beside `/graphql`, as yoga plugins (`/health` is yoga's own
 * `healthCheckEndpoint`): they answer in `onRequest`, before anything GraphQL runs, and their
 * answers leave through yoga like any other, with `Cache-Control: no-store`.
 */

/** How long a `/ready` answer is reused: probing KMS on every poll would load it for nothing. */
export const READY_CACHE_MS = 2000;

/**
 * `GET /ready`: 200 while `probe` says KMS answers at all, else 503; empty bodies, so nothing
 * about the upstream (its URL, its error) is shown. One probe serves every poll for
 * {@link READY_CACHE_MS}, and concurrent polls share the probe in flight.
 */
export function useKmsReadiness(probe: () => Promise<boolean>): Plugin {
  let last: { ready: Promise<boolean>; at: number } | undefined;
  return useReadinessCheck({
    endpoint: '/ready',
    check: () => {
      if (last === undefined || performance.now() - last.at > READY_CACHE_MS) last = { ready: probe().catch(() => false), at: performance.now() };
      return last.ready;
    },
  });
}

/** `GET /metrics`: the registry's Prometheus text. */
export function useMetricsEndpoint(registry: Registry): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/metrics') return;
      endResponse(new fetchAPI.Response(await registry.metrics(), { status: 200, headers: { 'content-type': registry.contentType } }));
    },
  };
}
