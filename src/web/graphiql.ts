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

/**
 * GraphiQL's first view: one operation (so ▶ runs it straight away) listing the caller's keys with
 * their grant counts and one key's grants with paging and the key's alias and state; then the
 * writes, commented out, ready to try.
 */
const EXAMPLE_QUERY = `# Your keys with their grant counts, and one key's grants,
# 10 at a time: copy grants.pageInfo.endCursor into "after"
# (Variables) and run again for the next page.
query KeyGrants($keyId: ID!, $after: String) {
  # 1 list-keys, and 1 list-grants per key for its count
  # (first: 0 asks for totalCount only). Add state: ENABLED
  # to filter; after: "<keys endCursor>" for the next page.
  keys(first: 20) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        keyId alias state spec
        grants(first: 0) { totalCount }
      }
    }
  }
  grants(keyId: $keyId, first: 10, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        grantId name granteePrincipal operations createdAt
        key { alias state }
      }
    }
  }
}

# Writes: uncomment one (select it, Ctrl-/), put ids in, run it
# (▶ asks which operation). Never retried: after a timeout,
# list the grants before trying again.
#
# Create: the key's creator (alice, on the demo keys) or a
# grantee holding CREATE_GRANT. A key holds at most 100 grants:
# on the demo key in Variables the answer is BAD_USER_INPUT with
# extensions.kmsErrorCode "KMS.2404"; try a keyId from keys.
# mutation CreateGrant($keyId: ID!) {
#   createGrant(input: {
#     keyId: $keyId
#     granteePrincipal: "3cf105295f918eb8f4dd96d1b545117d" # bob
#     granteePrincipalType: USER
#     operations: [DESCRIBE_KEY, ENCRYPT_DATA]
#     name: "app/reader"
#     retiringPrincipal: "3cf105295f918eb8f4dd96d1b545117d"
#     clientMutationId: "c1"
#   }) {
#     grantId
#     grant { id name operations createdAt }
#   }
# }
#
# Retire: the grant's issuer, its retiring principal, or a
# grantee holding RETIRE_GRANT. Yours to retire:
#   retirableGrants { edges { node { keyId grantId name } } }
# mutation RetireGrant {
#   retireGrant(input: {
#     keyId: "<key id>"
#     grantId: "<64 hex digits>"
#     clientMutationId: "r1"
#   }) { retiredGrantId }
# }
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
    extra: [
      `<link rel="stylesheet" href="${vendorUrl('graphiql', 'graphiql.min.css')}">`,
      `<link rel="stylesheet" href="${ownUrl('web.css')}">`,
    ],
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
