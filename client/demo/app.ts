/**
 * The demo page's script (bundled to /static/web/demo.js by scripts/build-web.ts): pick a key,
 * page through its grants, revoke one after a confirmation (optimistically: the row goes at once
 * and comes back if the gateway refuses), and page through the grants the caller may retire.
 * Every outcome is announced in the `role="status"` line.
 */
import { ApiError, createApi, type GrantRow } from './api.ts';
import { PagedTable } from './pagedTable.ts';
import { keyGrantRow, retirableGrantRow, shortId } from './rows.ts';

/** The element with `id`, which the page (src/web/demoPage.ts) always has. */
function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`demo page: #${id} is missing or not a ${type.name}`);
  return element;
}

const form = byId('key-form', HTMLFormElement);
const tokenInput = byId('token', HTMLInputElement);
const keyInput = byId('key-id', HTMLInputElement);
const showGrants = byId('show-grants', HTMLButtonElement);
const showRetirable = byId('show-retirable', HTMLButtonElement);
const status = byId('status', HTMLParagraphElement);
const grantsSection = byId('grants-section', HTMLElement);
const keySummary = byId('key-summary', HTMLSpanElement);
const loadMore = byId('load-more', HTMLButtonElement);
const retirableSection = byId('retirable-section', HTMLElement);
const retirableMore = byId('retirable-more', HTMLButtonElement);
const dialog = byId('revoke-dialog', HTMLDialogElement);
const dialogText = byId('revoke-text', HTMLParagraphElement);

const api = createApi(() => tokenInput.value);
const KEY_ID = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;

/** The key whose grants are listed (set when "Show grants" succeeds). */
let currentKey = '';

const grants = new PagedTable({
  body: byId('grants-body', HTMLTableSectionElement),
  caption: byId('grants-caption', HTMLElement),
  more: loadMore,
  row: (grant) => keyGrantRow(grant, (g) => void confirmRevoke(g)),
});
const retirable = new PagedTable({
  body: byId('retirable-body', HTMLTableSectionElement),
  caption: byId('retirable-caption', HTMLElement),
  more: retirableMore,
  row: retirableGrantRow,
});

function announce(message: string, isError = false): void {
  status.textContent = message;
  status.classList.toggle('error', isError);
}

function failure(action: string, error: unknown): void {
  const code = error instanceof ApiError && error.code !== undefined ? ` (${error.code})` : '';
  announce(`${action} failed${code}: ${error instanceof Error ? error.message : String(error)}`, true);
}

/** Runs `task` with `buttons` disabled, so a double click cannot fetch the same page twice. */
async function busy(buttons: HTMLButtonElement[], task: () => Promise<void>): Promise<void> {
  for (const button of buttons) button.disabled = true;
  try {
    await task();
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

async function loadGrants(first: boolean): Promise<void> {
  if (first) {
    const keyId = keyInput.value.trim();
    if (!KEY_ID.test(keyId)) {
      announce('Enter a key id: 36 lowercase letters and digits, like 0b1c2d3e-4f5a-6b7c-8d9e-0a1b2c3d4e5f.', true);
      keyInput.focus();
      return;
    }
    currentKey = keyId;
  }
  announce(first ? 'Loading grants…' : 'Loading more grants…');
  try {
    const page = await api.keyGrants(currentKey, first ? null : grants.cursor);
    if (first) {
      grants.reset();
      keySummary.textContent = page.key?.alias ? `${page.key.alias} (${page.key.state ?? 'state unknown'})` : shortId(currentKey);
      grantsSection.hidden = false;
    }
    grants.append(page);
    announce(`${grants.summary()}${page.hasNextPage ? '' : ' That is all of them.'}`);
  } catch (error) {
    failure('Loading grants', error);
  }
}

async function loadRetirable(first: boolean): Promise<void> {
  announce('Loading the grants you may retire…');
  try {
    const page = await api.retirableGrants(first ? null : retirable.cursor);
    if (first) {
      retirable.reset();
      retirableSection.hidden = false;
    }
    retirable.append(page);
    announce(`Grants you may retire: ${retirable.summary()}`);
  } catch (error) {
    failure('Loading retirable grants', error);
  }
}

/** Asks in a modal dialog; revokes only on an explicit "Revoke". */
async function confirmRevoke(grant: GrantRow): Promise<void> {
  dialogText.textContent = `Grant ${grant.name ?? shortId(grant.grantId)} (${grant.grantId}) on key ${grant.keyId}: its grantee loses these permissions at once. This cannot be undone.`;
  dialog.returnValue = '';
  dialog.showModal();
  const answer = await new Promise<string>((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true }));
  if (answer !== 'revoke') {
    announce('Nothing revoked.');
    return;
  }
  const removal = grants.remove(grant.grantId);
  announce(`Revoking grant ${shortId(grant.grantId)}…`);
  try {
    const payload = await api.revokeGrant(grant.keyId, grant.grantId);
    removal.commit();
    announce(`Revoked grant ${shortId(payload.grantId)}. ${grants.summary()}`);
  } catch (error) {
    removal.restore();
    failure('Revoking the grant', error);
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void busy([showGrants, loadMore], () => loadGrants(true));
});
loadMore.addEventListener('click', () => void busy([showGrants, loadMore], () => loadGrants(false)));
showRetirable.addEventListener('click', () => void busy([showRetirable, retirableMore], () => loadRetirable(true)));
retirableMore.addEventListener('click', () => void busy([showRetirable, retirableMore], () => loadRetirable(false)));

showGrants.disabled = false;
showRetirable.disabled = false;
announce(tokenInput.value === '' ? 'Enter your KMS token and a key id.' : 'Ready: press “Show grants”.');
