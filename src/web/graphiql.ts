/**
 * GraphiQL's page, for yoga's `renderGraphiQL` option: a small HTML shell that loads GraphiQL 3 and
 * React 18 from the gateway's own `/static/` URLs (no CDN, nothing inlined) and hands yoga's
 * GraphiQL options to `public/graphiql.js` as JSON. Yoga still decides when to show it (a browser
 * GET of `/graphql`) and whether at all (`graphiql: false` in production).
 */
import type { GraphiQLOptions } from 'graphql-yoga';
import { ownUrl, vendorUrl } from './assets.ts';
import { csp, escapeHtml, htmlHead, jsonScript } from './html.ts';
import type { DemoPreset } from './preset.ts';

/** Yoga's GraphiQL options plus the initial variables the gateway presets (the demo key). */
export type GatewayGraphiQLOptions = GraphiQLOptions & { variables?: string };

/** GraphiQL's first view: a key's grants with paging and the key's alias and state. */
const EXAMPLE_QUERY = `# A key's grants, 10 at a time: copy pageInfo.endCursor into "after" for the next page.
query KeyGrants($keyId: ID!, $after: String) {
  grants(keyId: $keyId, first: 10, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node { grantId name granteePrincipal operations createdAt key { alias state } }
    }
  }
}
`;

/** The gateway's GraphiQL options (yoga's `graphiql`): the example query, and the preset's token and key when there is one. */
export function graphiqlOptions(preset?: DemoPreset): GatewayGraphiQLOptions {
  return {
    title: 'KMS grants gateway',
    defaultQuery: EXAMPLE_QUERY,
    ...(preset && {
      headers: JSON.stringify({ 'X-Auth-Token': preset.token }),
      variables: JSON.stringify({ keyId: preset.keyId }),
    }),
  };
}

/** What `public/graphiql.js` reads: GraphiQL 3 component props, and how to build its fetcher. */
export interface GraphiQLBoot {
  title: string;
  fetcher: { endpoint: string | undefined; headers: Record<string, string>; credentials: NonNullable<GraphiQLOptions['credentials']> };
  props: Record<string, unknown>;
}

/**
 * The props GraphiQL 3 understands, taken from yoga's options when set. `headers` fills the
 * headers editor of the first tab, `defaultHeaders` that of every new tab, so both get the preset.
 */
export function graphiqlBoot(options: GatewayGraphiQLOptions): GraphiQLBoot {
  const props: Record<string, unknown> = {
    defaultEditorToolsVisibility: options.defaultEditorToolsVisibility ?? (options.headers ? 'headers' : true),
    isHeadersEditorEnabled: options.isHeadersEditorEnabled ?? true,
    shouldPersistHeaders: options.shouldPersistHeaders ?? false,
    inputValueDeprecation: options.inputValueDeprecation ?? true,
    schemaDescription: options.schemaDescription ?? true,
  };
  const passThrough = {
    defaultQuery: options.defaultQuery,
    headers: options.headers,
    defaultHeaders: options.defaultHeaders ?? options.headers,
    variables: options.variables,
    editorTheme: options.editorTheme,
    keyMap: options.keyMap,
    maxHistoryLength: options.maxHistoryLength,
    introspectionQueryName: options.introspectionQueryName,
    externalFragments: options.externalFragments,
  };
  for (const [name, value] of Object.entries(passThrough)) {
    if (value !== undefined) props[name] = value;
  }
  return {
    title: options.title ?? 'GraphiQL',
    fetcher: {
      endpoint: options.endpoint,
      headers: options.additionalHeaders ?? {},
      credentials: options.credentials ?? 'same-origin',
    },
    props,
  };
}

/** Where GraphiQL may connect: this origin, plus the endpoint's origin when it is another one. */
function connectSources(endpoint: string | undefined): string {
  if (endpoint === undefined || !/^https?:\/\//i.test(endpoint)) return "'self'";
  return `'self' ${new URL(endpoint).origin}`;
}

/**
 * The GraphiQL page for `options` (yoga's `renderGraphiQL`). About 2 KB: GraphiQL itself
 * (3.5 MB) comes from `/static/vendor/...`, cached by the browser for a year per version.
 */
export function renderGraphiQL(options: GatewayGraphiQLOptions): string {
  const boot = graphiqlBoot(options);
  const policy = csp({
    'default-src': "'self'",
    'script-src': "'self'",
    // React and GraphiQL set inline styles; fonts and icons are data: URLs inside graphiql.min.css.
    'style-src': "'self' 'unsafe-inline'",
    'img-src': "'self' data:",
    'font-src': "'self' data:",
    'connect-src': connectSources(options.endpoint),
    'object-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'none'",
  });
  const head = htmlHead({
    policy,
    title: boot.title,
    icon: options.favicon ?? 'data:,',
    extra: [`<link rel="stylesheet" href="${vendorUrl('graphiql', 'graphiql.min.css')}">`, `<link rel="stylesheet" href="${ownUrl('web.css')}">`],
  });
  return `${head}<body class="graphiql-page">
<div id="graphiql" role="main"><p class="graphiql-loading">Loading ${escapeHtml(boot.title)}…</p></div>
<noscript>GraphiQL needs JavaScript. Without it, POST GraphQL requests to this URL.</noscript>
${jsonScript('graphiql-options', boot)}
<script src="${vendorUrl('react', 'umd/react.production.min.js')}"></script>
<script src="${vendorUrl('react-dom', 'umd/react-dom.production.min.js')}"></script>
<script src="${vendorUrl('graphiql', 'graphiql.min.js')}"></script>
<script src="${ownUrl('graphiql.js')}"></script>
</body>
</html>
`;
}
