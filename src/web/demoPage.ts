/**
 * The demo page at `/`: a plain HTML form and two tables, driven by the bundled `demo.js`
 * (client/demo/app.ts). Only the prefilled values vary per gateway; everything else is static.
 */
import { ownUrl } from './assets.ts';
import { csp, escapeHtml, htmlHead } from './html.ts';

/** What the page is prefilled with; both empty unless the gateway runs on the embedded emulator. */
export interface DemoPageOptions {
  /** The emulator's demo token (alice's). */
  token?: string;
  /** The emulator's 100-grant demo key. */
  keyId?: string;
  /** Link to GraphiQL (false when it is turned off, e.g. in production). */
  graphiql?: boolean;
}

const POLICY = csp({
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'self'",
});

/** The page's HTML. */
export function renderDemoPage({ token = '', keyId = '', graphiql = true }: DemoPageOptions = {}): string {
  const onEmulator = token !== '';
  const head = htmlHead({
    policy: POLICY,
    title: 'KMS grants: demo',
    icon: 'data:,',
    extra: [`<link rel="stylesheet" href="${ownUrl('web.css')}">`, `<script type="module" src="${ownUrl('demo.js')}"></script>`],
  });
  return `${head}<body class="demo-page">
<main>
<h1>KMS grants</h1>
<p class="lead">A key's grants through this gateway's GraphQL API (typed documents from <code>client/operations/</code>, sent with urql).${
    graphiql ? ` Explore the API itself in <a href="/graphql">GraphiQL</a>.` : ''
  }</p>

<form class="key-form" id="key-form" novalidate>
  <label for="token">KMS token</label>
  <input type="password" id="token" name="token" autocomplete="off" spellcheck="false" value="${escapeHtml(token)}" aria-describedby="token-hint">
  <p class="hint" id="token-hint">${
    onEmulator
      ? 'Prefilled with the embedded emulator’s demo token (user alice). Sent as <code>X-Auth-Token</code>.'
      : 'Your IAM token, sent as <code>X-Auth-Token</code>; it stays in this page.'
  }</p>
  <label for="key-id">Key id</label>
  <input type="text" id="key-id" name="keyId" autocomplete="off" spellcheck="false" required
    pattern="[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}" value="${escapeHtml(keyId)}" aria-describedby="key-hint">
  <p class="hint" id="key-hint">36 characters, e.g. <code>0b1c2d3e-…</code>${onEmulator ? ' (prefilled: the emulator’s demo key with 100 grants)' : ''}.</p>
  <div class="actions">
    <button type="submit" id="show-grants" disabled>Show grants</button>
    <button type="button" class="secondary" id="show-retirable" disabled>Show grants I may retire</button>
  </div>
</form>

<p class="status" id="status" role="status" aria-live="polite">Loading the page script…</p>

<section aria-labelledby="grants-heading" id="grants-section" hidden>
  <h2 id="grants-heading">Grants on key <span id="key-summary"></span></h2>
  <table>
    <caption id="grants-caption"></caption>
    <thead><tr><th scope="col">Grant id</th><th scope="col">Name</th><th scope="col">Grantee</th><th scope="col">Operations</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody id="grants-body"></tbody>
  </table>
  <div class="pager"><button type="button" id="load-more" class="secondary">Load more</button></div>
</section>

<section aria-labelledby="retirable-heading" id="retirable-section" hidden>
  <h2 id="retirable-heading">Grants I may retire</h2>
  <table>
    <caption id="retirable-caption"></caption>
    <thead><tr><th scope="col">Grant id</th><th scope="col">Key id</th><th scope="col">Name</th><th scope="col">Grantee</th><th scope="col">Operations</th></tr></thead>
    <tbody id="retirable-body"></tbody>
  </table>
  <div class="pager"><button type="button" id="retirable-more" class="secondary">Load more</button></div>
</section>

<dialog id="revoke-dialog" aria-labelledby="revoke-title" aria-describedby="revoke-text">
  <form method="dialog">
    <h2 id="revoke-title">Revoke this grant?</h2>
    <p id="revoke-text"></p>
    <div class="actions">
      <button type="submit" value="cancel" class="secondary" id="revoke-cancel" autofocus>Cancel</button>
      <button type="submit" value="revoke" class="danger confirm" id="revoke-confirm">Revoke</button>
    </div>
  </form>
</dialog>
</main>
</body>
</html>
`;
}
