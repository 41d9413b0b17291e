/**
 * The demo page at `/`: a plain HTML form, the key list, a key's grants with the new-grant form,
 * the grants the caller may retire, and a confirmation dialog, driven by the bundled `demo.js`
 * (client/demo/app.ts). Only the prefilled values (and the demo users) vary per gateway.
 */
import { KMS_GRANT_OPERATIONS } from '../kms/types.ts';
import { ownUrl } from './assets.ts';
import { csp, escapeHtml, htmlHead, jsonScript } from './html.ts';
import type { DemoUser } from './preset.ts';

/** What the page is prefilled with; all empty unless the gateway runs on the embedded emulator. */
export interface DemoPageOptions {
  /** The emulator's demo token (alice's). */
  token?: string;
  /** The emulator's 100-grant demo key. */
  keyId?: string;
  /** The demo users the page may switch between (alice and bob), the first being `token`'s. */
  users?: readonly DemoUser[];
  /** Link to GraphiQL (false when it is turned off, e.g. in production). */
  graphiql?: boolean;
}

/** The operations a grant may allow, in the schema's order (KMS's), as checkboxes: `[GrantOperation, KMS's name]`. */
const OPERATIONS: readonly (readonly [string, string])[] = KMS_GRANT_OPERATIONS.map(
  (name) => [name.toUpperCase().replaceAll('-', '_'), name] as const,
);

/** Key states for the list's filter: `[KeyState, label]`. */
const STATES: readonly (readonly [string, string])[] = [
  ['ENABLED', 'Enabled'],
  ['DISABLED', 'Disabled'],
  ['PENDING_DELETION', 'Pending deletion'],
  ['PENDING_IMPORT', 'Pending import'],
  ['PENDING_ACTIVATION', 'Pending activation'],
];

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

/** The user switch, and the users' tokens and ids for the script; empty without demo users. */
function userSwitch(users: readonly DemoUser[]): string {
  if (users.length === 0) return '';
  const options = users
    .map((u, i) => `<option value="${escapeHtml(u.name)}"${i === 0 ? ' selected' : ''}>${escapeHtml(u.name)}</option>`)
    .join('');
  return `
  <label for="demo-user">Demo user</label>
  <select id="demo-user" aria-describedby="user-hint">${options}</select>
  <p class="hint" id="user-hint">Acts as another demo user: switches the token and lists that user’s keys.</p>
  ${jsonScript('demo-users', users)}`;
}

/** Principals to suggest in the grant form (the demo users' ids); empty without demo users. */
function principalList(users: readonly DemoUser[]): string {
  const options = users.map((u) => `<option value="${escapeHtml(u.userId)}" label="${escapeHtml(u.name)}"></option>`).join('');
  return `<datalist id="principals">${options}</datalist>`;
}

/**
 * A table the script fills a page at a time (client/demo/pagedTable.ts): `#<name>-caption`, the
 * column headers plus a visually hidden one over the rows' buttons, an empty `#<name>-body`, and
 * the button that loads the next page.
 */
function pagedTable(name: string, columns: readonly string[], more: { id: string; label: string }): string {
  const headers = [...columns, '<span class="visually-hidden">Actions</span>'].map((c) => `<th scope="col">${c}</th>`).join('');
  return `<table>
    <caption id="${name}-caption"></caption>
    <thead><tr>${headers}</tr></thead>
    <tbody id="${name}-body"></tbody>
  </table>
  <div class="pager"><button type="button" id="${more.id}" class="secondary">${more.label}</button></div>`;
}

/** The page's HTML. */
export function renderDemoPage({ token = '', keyId = '', users = [], graphiql = true }: DemoPageOptions = {}): string {
  const onEmulator = token !== '';
  const head = htmlHead({
    policy: POLICY,
    title: 'KMS grants: demo',
    icon: 'data:,',
    extra: [`<link rel="stylesheet" href="${ownUrl('web.css')}">`, `<script type="module" src="${ownUrl('demo.js')}"></script>`],
  });
  const operations = OPERATIONS.map(
    ([value, label]) => `<label class="check"><input type="checkbox" name="operations" value="${value}"> <code>${label}</code></label>`,
  ).join('\n      ');
  const states = STATES.map(([value, label]) => `<option value="${value}">${label}</option>`).join('');
  return `${head}<body class="demo-page">
<main>
<h1>KMS grants</h1>
<p class="lead">Your keys and their grants through this gateway's GraphQL API (typed documents from <code>client/operations/</code>, sent with urql): pick a key, create a grant, revoke or retire one.${
    graphiql ? ` Explore the API itself in <a href="/graphql">GraphiQL</a>.` : ''
  }</p>

<form class="key-form" id="key-form" novalidate>
  <label for="token">KMS token</label>
  <input type="password" id="token" name="token" autocomplete="off" spellcheck="false" value="${escapeHtml(token)}" aria-describedby="token-hint">
  <p class="hint" id="token-hint">${
    onEmulator
      ? `Prefilled with the embedded emulator’s demo token (user ${escapeHtml(users[0]?.name ?? 'alice')}). Sent as <code>X-Auth-Token</code>.`
      : 'Your IAM token, sent as <code>X-Auth-Token</code>; it stays in this page.'
  }</p>${userSwitch(users)}
  <label for="key-id">Key id</label>
  <input type="text" id="key-id" name="keyId" autocomplete="off" spellcheck="false" required
    pattern="[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}" value="${escapeHtml(keyId)}" aria-describedby="key-hint">
  <p class="hint" id="key-hint">Pick a key from “Your keys” below, or paste its id: 36 characters, e.g. <code>0b1c2d3e-…</code>${onEmulator ? ' (prefilled: the emulator’s demo key with 100 grants)' : ''}.</p>
  <div class="actions">
    <button type="submit" id="show-grants" disabled>Show grants</button>
    <button type="button" class="secondary" id="list-keys" disabled>List my keys</button>
    <button type="button" class="secondary" id="show-retirable" disabled>Show grants I may retire</button>
  </div>
</form>

<p class="status" id="status" role="status" aria-live="polite">Loading the page script…</p>

<section aria-labelledby="keys-heading" id="keys-section" hidden>
  <h2 id="keys-heading" tabindex="-1">Your keys</h2>
  <div class="filter">
    <label for="key-state">Show</label>
    <select id="key-state"><option value="" selected>Keys in every state</option>${states}</select>
  </div>
  ${pagedTable('keys', ['Alias', 'State', 'Spec', 'Grants', 'Id'], { id: 'keys-more', label: 'Show more keys' })}
</section>

<section aria-labelledby="grants-heading" id="grants-section" hidden>
  <h2 id="grants-heading" tabindex="-1">Grants on key <span id="key-summary"></span></h2>
  <p class="key-meta" id="key-meta"></p>
  <form class="create-form" id="create-form" novalidate aria-labelledby="create-heading">
    <h3 id="create-heading">New grant</h3>
    <fieldset id="grantee-type" aria-describedby="grantee-type-error">
      <legend>Grantee type</legend>
      <label class="check"><input type="radio" name="granteePrincipalType" value="USER" checked> User</label>
      <label class="check"><input type="radio" name="granteePrincipalType" value="DOMAIN"> Account (domain)</label>
      <p class="field-error" id="grantee-type-error"></p>
    </fieldset>
    <div class="field">
      <label for="grantee">Grantee</label>
      <input type="text" id="grantee" name="granteePrincipal" autocomplete="off" spellcheck="false" list="principals" maxlength="64" required aria-describedby="grantee-hint grantee-error">
      <p class="hint" id="grantee-hint">A user id, or an account id for an account: 1–64 letters and digits.${users.length > 0 ? ' Suggests the demo users.' : ''}</p>
      <p class="field-error" id="grantee-error"></p>
    </div>
    <fieldset id="operations" aria-describedby="operations-hint operations-error">
      <legend>Operations</legend>
      <p class="hint" id="operations-hint">At least one; <code>create-grant</code> only together with another.</p>
      <div class="checks">
      ${operations}
      </div>
      <p class="field-error" id="operations-error"></p>
    </fieldset>
    <div class="field">
      <label for="grant-name">Name (optional)</label>
      <input type="text" id="grant-name" name="name" autocomplete="off" spellcheck="false" maxlength="255" aria-describedby="grant-name-hint grant-name-error">
      <p class="hint" id="grant-name-hint">1–255 letters, digits and <code>: / _ -</code>, e.g. <code>app/reader</code>.</p>
      <p class="field-error" id="grant-name-error"></p>
    </div>
    <div class="field">
      <label for="retiring">Retiring principal (optional)</label>
      <input type="text" id="retiring" name="retiringPrincipal" autocomplete="off" spellcheck="false" list="principals" maxlength="64" aria-describedby="retiring-hint retiring-error">
      <p class="hint" id="retiring-hint">A user id that may retire the grant.</p>
      <p class="field-error" id="retiring-error"></p>
    </div>
    ${principalList(users)}
    <div class="actions"><button type="submit" id="create-grant">Create grant</button></div>
    <div class="problem" id="create-problem" tabindex="-1" hidden>
      <p class="problem-title">KMS refused the grant</p>
      <p id="create-problem-text"></p>
      <p class="problem-codes" id="create-problem-codes"></p>
    </div>
  </form>
  ${pagedTable('grants', ['Grant id', 'Name', 'Grantee', 'Operations', 'Created'], { id: 'load-more', label: 'Load more' })}
</section>

<section aria-labelledby="retirable-heading" id="retirable-section" hidden>
  <h2 id="retirable-heading" tabindex="-1">Grants I may retire</h2>
  ${pagedTable('retirable', ['Grant id', 'Key', 'Name', 'Grantee', 'Operations'], { id: 'retirable-more', label: 'Load more' })}
</section>

<dialog id="confirm-dialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
  <form method="dialog">
    <h2 id="confirm-title">Revoke this grant?</h2>
    <p id="confirm-text"></p>
    <div class="actions">
      <button type="submit" value="cancel" class="secondary" id="confirm-cancel" autofocus>Cancel</button>
      <button type="submit" value="confirm" class="danger confirm" id="confirm-ok">Revoke</button>
    </div>
  </form>
</dialog>
</main>
</body>
</html>
`;
}
