/**
 * Everything the gateway serves to browsers: GraphiQL's page (for yoga's `renderGraphiQL`), the
 * demo page at `/` and the static files both load (`/static/...`, no CDN).
 */
export { createWebHandler, type WebHandler, type WebHandlerOptions } from './handler.ts';
export { graphiqlOptions, renderGraphiQL, type GatewayGraphiQLOptions } from './graphiql.ts';
export type { DemoPreset } from './preset.ts';
