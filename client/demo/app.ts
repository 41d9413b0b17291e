/**
 * The demo page's script (bundled to /static/web/demo.js by scripts/build-web.ts): list the
 * caller's keys page by page and pick one (or paste its id), page through its grants, create a
 * grant on it, revoke one of its grants, and retire one of the grants the caller may retire.
 * Destructive writes ask first in a modal dialog and are optimistic (the row goes at once and
 * comes back if the gateway refuses); every write updates the lists and the key's grant count in
 * place, with no reload. Every outcome is announced in the `role="status"` line.
 */
import { MAX_FIRST, PAGE_SIZE, ApiError, createApi, type GrantRow, type KeyInfo, type KeyRow } from './api.ts';
import type { KeyState } from '../generated/graphql.ts';
import { GrantForm } from './grantForm.ts';
import { PagedTable, type PagedTableParts } from './pagedTable.ts';
import { grantCount, grantLabel, keyGrantRow, keyLabel, keyRow, retirableGrantRow, setGrantCount, shortId } from './rows.ts';
import { KEY_ID } from './validate.ts';

/** The element with `id`, which the page (src/web/demoPage.ts) always has. */
function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`demo page: #${id} is missing or not a ${type.name}`);
  return element;
}

/** A demo user the page may act as (the preset's, in the page's `#demo-users` JSON). */
interface DemoUser {
  name: string;
  token: string;
  userId: string;
}

function demoUsers(): DemoUser[] {
  const text = document.getElementById('demo-users')?.textContent;
  if (text === undefined || text === null || text === '') return [];
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (u): u is DemoUser =>
      typeof u === 'object' && u !== null && typeof u.name === 'string' && typeof u.token === 'string' && typeof u.userId === 'string',
  );
}

const form = byId('key-form', HTMLFormElement);
const tokenInput = byId('token', HTMLInputElement);
const tokenHint = byId('token-hint', HTMLElement);
const keyInput = byId('key-id', HTMLInputElement);
const showGrants = byId('show-grants', HTMLButtonElement);
const listKeys = byId('list-keys', HTMLButtonElement);
const showRetirable = byId('show-retirable', HTMLButtonElement);
const status = byId('status', HTMLParagraphElement);
const keysSection = byId('keys-section', HTMLElement);
const keyState = byId('key-state', HTMLSelectElement);
const keysMore = byId('keys-more', HTMLButtonElement);
const grantsSection = byId('grants-section', HTMLElement);
const grantsHeading = byId('grants-heading', HTMLElement);
const keySummary = byId('key-summary', HTMLSpanElement);
const keyMeta = byId('key-meta', HTMLElement);
const loadMore = byId('load-more', HTMLButtonElement);
const retirableSection = byId('retirable-section', HTMLElement);
const retirableHeading = byId('retirable-heading', HTMLElement);
const retirableMore = byId('retirable-more', HTMLButtonElement);
const dialog = byId('confirm-dialog', HTMLDialogElement);
const dialogTitle = byId('confirm-title', HTMLElement);
const dialogText = byId('confirm-text', HTMLParagraphElement);
const dialogConfirm = byId('confirm-ok', HTMLButtonElement);
const userSelect = document.getElementById('demo-user');
const grantForm = new GrantForm(byId('create-form', HTMLFormElement));

const api = createApi(() => tokenInput.value);
const users = demoUsers();

/** The key whose grants are listed (set when its grants load). */
let currentKey: KeyInfo | null = null;
/** Every key listed so far, by id: names keys in the retirable list and in confirmations. */
const knownKeys = new Map<string, KeyInfo>();
/** Each list's latest request: an answer to an older one (a quick second pick) is dropped. */
const latest = { keys: 0, grants: 0, retirable: 0 };

/** The page's table `name`: its rows in `#<name>-body`, its caption `#<name>-caption` (src/web/demoPage.ts). */
function pagedTable<T>(name: string, parts: Omit<PagedTableParts<T>, 'body' | 'caption'>): PagedTable<T> {
  return new PagedTable<T>({
    body: byId(`${name}-body`, HTMLTableSectionElement),
    caption: byId(`${name}-caption`, HTMLElement),
    ...parts,
  });
}

const keys = pagedTable<KeyRow>('keys', {
  more: keysMore,
  row: (key) => keyRow(key, (k) => void busy(grantButtons, () => pickKey(k))),
  idAttribute: 'keyId',
  noun: ['key', 'keys'],
});
const grants = pagedTable<GrantRow>('grants', {
  more: loadMore,
  row: (grant) => keyGrantRow(grant, (g) => void confirmRemoval(g, REVOKE)),
  idAttribute: 'grantId',
  noun: ['grant', 'grants'],
});
const retirable = pagedTable<GrantRow>('retirable', {
  more: retirableMore,
  row: (grant) => retirableGrantRow(grant, (g) => void confirmRemoval(g, RETIRE), knownKeys.get(grant.keyId)?.alias ?? null),
  idAttribute: 'grantId',
  noun: ['grant', 'grants'],
});

const keyButtons = [listKeys, keysMore];
const grantButtons = [showGrants, loadMore, grantForm.submit];
const retirableButtons = [showRetirable, retirableMore];

function announce(message: string, isError = false): void {
  status.textContent = message;
  status.classList.toggle('error', isError);
}

/** "Loading grants failed (UNAUTHENTICATED): <the gateway's message>" */
function failureText(action: string, error: unknown): string {
  const codes = error instanceof ApiError ? error.codes() : '';
  return `${action} failed${codes === '' ? '' : ` (${codes})`}: ${error instanceof Error ? error.message : String(error)}`;
}

function failure(action: string, error: unknown): void {
  announce(failureText(action, error), true);
}

/** Runs `task` with `buttons` disabled, so a double click cannot send the same request twice. */
async function busy(buttons: HTMLButtonElement[], task: () => Promise<void>): Promise<void> {
  for (const button of buttons) button.disabled = true;
  try {
    await task();
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

/** A key as the confirmations name it: `demo-full (a8bd1c5a-…)` when its alias is known, else its id. */
function keyName(keyId: string): string {
  const alias = knownKeys.get(keyId)?.alias;
  return alias ? `${alias} (${keyId})` : keyId;
}

/** Marks the picked key's row (`aria-current`), if it is listed. */
function markCurrentKey(): void {
  for (const row of byId('keys-body', HTMLTableSectionElement).rows) {
    if (currentKey !== null && row.dataset['keyId'] === currentKey.keyId) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
  }
}

/** Puts the key list's grant count of `keyId` to `count` (when the key is listed and the count known). */
function updateGrantCount(keyId: string, count: number | null): void {
  const row = keys.find(keyId);
  if (row !== undefined && count !== null) setGrantCount(row, count);
}

/** Moves the focus somewhere sensible after a row (and the button that had the focus) went away. */
function focusAfterRemoval(next: Element | null, fallback: HTMLElement): void {
  const button = next instanceof HTMLTableRowElement ? next.querySelector('button') : null;
  (button ?? fallback).focus();
}

/** The selected state filter, or null for all states. */
function stateFilter(): KeyState | null {
  const value = keyState.value;
  return value === 'PENDING_ACTIVATION' ||
    value === 'ENABLED' ||
    value === 'DISABLED' ||
    value === 'PENDING_DELETION' ||
    value === 'PENDING_IMPORT'
    ? value
    : null;
}

// Keys ----------------------------------------------------------------------------------------

async function loadKeys(first: boolean, prefix = ''): Promise<void> {
  const request = ++latest.keys;
  announce(first ? 'Loading your keys…' : 'Loading more keys…');
  try {
    const page = await api.keys(first ? null : keys.cursor, stateFilter());
    if (request !== latest.keys) return;
    for (const key of page.items) knownKeys.set(key.keyId, key);
    if (first) {
      keys.reset();
      keysSection.hidden = false;
    }
    keys.append(page);
    markCurrentKey();
    announce(`${prefix}Your keys: ${keys.summary()}${keys.hasNextPage ? '' : ' That is all of them.'} Pick one to see its grants.`);
  } catch (error) {
    if (request === latest.keys) failure('Listing your keys', error);
  }
}

async function pickKey(key: KeyRow): Promise<void> {
  keyInput.value = key.keyId;
  await loadGrants(true);
  if (currentKey?.keyId === key.keyId) grantsHeading.focus();
}

// A key's grants ------------------------------------------------------------------------------

/** Shows `key` as the current key: heading, details, the create form's target. */
function showKey(key: KeyInfo): void {
  knownKeys.set(key.keyId, key);
  // Another key: a fresh form (the same key, after a write: the form is as the write left it).
  if (currentKey?.keyId !== key.keyId) grantForm.clear();
  currentKey = key;
  keySummary.textContent = key.alias ? `${key.alias} (${key.state ?? 'state unknown'})` : shortId(key.keyId);
  const notes = [key.spec, key.usage, key.isDefault === true ? 'default key' : null].filter((n) => n !== null).join(' · ');
  keyMeta.replaceChildren(
    `${notes === '' ? '' : `${notes} · `}key id `,
    Object.assign(document.createElement('code'), { textContent: key.keyId }),
  );
  grantForm.target(keyLabel(key));
  markCurrentKey();
}

async function loadGrants(first: boolean): Promise<void> {
  let keyId = currentKey?.keyId ?? '';
  if (first) {
    keyId = keyInput.value.trim();
    if (!KEY_ID.test(keyId)) {
      announce(
        'Enter a key id: 36 lowercase letters and digits, like 0b1c2d3e-4f5a-6b7c-8d9e-0a1b2c3d4e5f, or pick a key from the list.',
        true,
      );
      keyInput.focus();
      return;
    }
  }
  const request = ++latest.grants;
  announce(first ? 'Loading grants…' : 'Loading more grants…');
  try {
    if (first) {
      const detail = await api.keyDetail(keyId);
      if (request !== latest.grants) return;
      if (detail === null) {
        announce(`Loading grants failed (NOT_FOUND): KMS has no key ${keyId}.`, true);
        return;
      }
      grants.reset();
      showKey(detail.key);
      grantsSection.hidden = false;
      grants.append(detail.grants);
    } else {
      const page = await api.keyGrants(keyId, grants.cursor);
      if (request !== latest.grants) return;
      grants.append(page);
    }
    updateGrantCount(keyId, grants.totalCount);
    announce(`${grants.summary()}${grants.hasNextPage ? '' : ' That is all of them.'}`);
  } catch (error) {
    if (request === latest.grants) failure('Loading grants', error);
  }
}

/** Fetches the current key's grants again, as many as are shown plus `extra` (a write changed them). */
async function refreshGrants(extra: number): Promise<void> {
  if (currentKey === null) return;
  const request = ++latest.grants;
  const first = Math.min(MAX_FIRST, Math.max(PAGE_SIZE, grants.shown + extra));
  const detail = await api.keyDetail(currentKey.keyId, first);
  if (request !== latest.grants || detail === null) return;
  showKey(detail.key);
  grants.replace(detail.grants);
  updateGrantCount(currentKey.keyId, detail.grants.totalCount);
}

// Grants I may retire -------------------------------------------------------------------------

async function loadRetirable(first: boolean): Promise<void> {
  const request = ++latest.retirable;
  announce('Loading the grants you may retire…');
  try {
    const page = await api.retirableGrants(first ? null : retirable.cursor);
    if (request !== latest.retirable) return;
    if (first) {
      retirable.reset();
      retirableSection.hidden = false;
    }
    retirable.append(page);
    announce(`Grants you may retire: ${retirable.summary()}`);
  } catch (error) {
    if (request === latest.retirable) failure('Loading retirable grants', error);
  }
}

/** Fetches the retirable grants again (as many as are shown, plus `extra`), if they are shown. */
async function refreshRetirable(extra: number): Promise<void> {
  if (retirableSection.hidden) return;
  const request = ++latest.retirable;
  const page = await api.retirableGrants(null, Math.min(MAX_FIRST, Math.max(PAGE_SIZE, retirable.shown + extra)));
  if (request === latest.retirable) retirable.replace(page);
}

// Writes --------------------------------------------------------------------------------------

/** Asks in the modal dialog; resolves true only on an explicit confirmation (Escape and "Cancel" say no). */
async function confirmAction(title: string, text: string, confirm: string): Promise<boolean> {
  dialogTitle.textContent = title;
  dialogText.textContent = text;
  dialogConfirm.textContent = confirm;
  dialog.returnValue = '';
  dialog.showModal();
  const answer = await new Promise<string>((resolve) =>
    dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true }),
  );
  return answer === 'confirm';
}

/**
 * Takes a grant out of both grant tables at once (the current key's, when it is on that key, and
 * the retirable ones); returns how to undo that, or to settle it: totals and the key's count go down.
 */
function removeEverywhere(grant: GrantRow): {
  commit(): void;
  restore(): void;
  next: { grants: Element | null; retirable: Element | null };
} {
  const next = {
    grants: grants.find(grant.grantId)?.nextElementSibling ?? null,
    retirable: retirable.find(grant.grantId)?.nextElementSibling ?? null,
  };
  const onCurrentKey = currentKey?.keyId === grant.keyId;
  const shown = grants.find(grant.grantId) !== undefined;
  const removals = [onCurrentKey ? grants.remove(grant.grantId) : null, retirable.remove(grant.grantId)];
  return {
    next,
    commit: () => {
      for (const removal of removals) removal?.commit();
      // On the current key but not loaded yet (a later page): the key's total still goes down.
      if (onCurrentKey && !shown) grants.adjustTotal(-1);
      const row = keys.find(grant.keyId);
      const listed = row === undefined ? null : grantCount(row);
      updateGrantCount(grant.keyId, onCurrentKey ? grants.totalCount : listed === null ? null : listed - 1);
    },
    restore: () => {
      for (const removal of removals) removal?.restore();
    },
  };
}

/** What revoking and retiring a grant differ in: their words, their call, and where the focus and the summary come from. */
interface GrantRemoval {
  /** The dialog's button, and the start of its title: `Revoke`. */
  verb: string;
  /** `Revoking`. */
  doing: string;
  /** `Revoked`. */
  done: string;
  /** What the dialog says the removal does, after naming the grant and its key. */
  consequence: string;
  send(keyId: string, grantId: string): Promise<{ grantId: string }>;
  /** The table whose next row takes the focus, and the heading that takes it after the last row. */
  focus: 'grants' | 'retirable';
  heading: HTMLElement;
  /** What the outcome says after `Revoked grant …. `. */
  summary(): string;
}

const REVOKE: GrantRemoval = {
  verb: 'Revoke',
  doing: 'Revoking',
  done: 'Revoked',
  consequence: 'its grantee loses these permissions at once. This cannot be undone.',
  send: (keyId, grantId) => api.revokeGrant(keyId, grantId),
  focus: 'grants',
  heading: grantsHeading,
  summary: () => grants.summary(),
};

const RETIRE: GrantRemoval = {
  verb: 'Retire',
  doing: 'Retiring',
  done: 'Retired',
  consequence: 'retiring ends it for good; its grantee loses these permissions at once.',
  send: (keyId, grantId) => api.retireGrant(keyId, grantId),
  focus: 'retirable',
  heading: retirableHeading,
  summary: () => `Grants you may retire: ${retirable.summary()}`,
};

/** Revokes or retires `grant` after asking: its rows go at once, and come back if the gateway refuses. */
async function confirmRemoval(grant: GrantRow, how: GrantRemoval): Promise<void> {
  const yes = await confirmAction(
    `${how.verb} this grant?`,
    `Grant ${grantLabel(grant)} (${grant.grantId}) on key ${keyName(grant.keyId)}: ${how.consequence}`,
    how.verb,
  );
  if (!yes) {
    announce(`Nothing ${how.done.toLowerCase()}.`);
    return;
  }
  const removal = removeEverywhere(grant);
  focusAfterRemoval(removal.next[how.focus], how.heading);
  announce(`${how.doing} grant ${shortId(grant.grantId)}…`);
  try {
    const payload = await how.send(grant.keyId, grant.grantId);
    removal.commit();
    announce(`${how.done} grant ${shortId(payload.grantId)}. ${how.summary()}`);
  } catch (error) {
    removal.restore();
    failure(`${how.doing} the grant`, error);
  }
}

async function createGrant(): Promise<void> {
  const key = currentKey;
  if (key === null) {
    announce('Pick a key first.', true);
    return;
  }
  const checked = grantForm.validate(key.keyId);
  if (!checked.ok) {
    const count = Object.keys(checked.errors).length;
    announce(
      `The grant was not sent: ${count === 1 ? 'one field needs' : `${count} fields need`} fixing. ${Object.values(checked.errors).join(' ')}`,
      true,
    );
    return;
  }
  announce(`Creating a grant on ${keyLabel(key)}…`);
  let created: Awaited<ReturnType<typeof api.createGrant>>;
  try {
    created = await api.createGrant(checked.input);
  } catch (error) {
    failure('Creating the grant', error);
    grantForm.showProblem(error);
    return;
  }
  grantForm.clear();
  const label = created.grant === null ? shortId(created.grantId) : grantLabel(created.grant);
  try {
    await Promise.all([refreshGrants(1), refreshRetirable(1)]);
  } catch (error) {
    announce(`Created grant ${label} on ${keyLabel(key)}, but ${failureText('reloading the lists', error)}`, true);
    return;
  }
  const row = grants.find(created.grantId);
  row?.classList.add('fresh');
  row?.scrollIntoView({ block: 'nearest' });
  announce(`Created grant ${label} on ${keyLabel(key)}. ${grants.summary()}`);
}

// Switching users -----------------------------------------------------------------------------

/** Acts as `user` from now on: their token, their keys; the other lists close until asked again. */
async function switchUser(user: DemoUser): Promise<void> {
  tokenInput.value = user.token;
  tokenHint.textContent = `The embedded emulator’s demo token of ${user.name}. Sent as X-Auth-Token.`;
  grantsSection.hidden = true;
  retirableSection.hidden = true;
  grants.reset();
  retirable.reset();
  currentKey = null;
  latest.grants += 1;
  latest.retirable += 1;
  await loadKeys(true, `Acting as ${user.name}. `);
}

// Wiring --------------------------------------------------------------------------------------

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void busy(grantButtons, () => loadGrants(true));
});
loadMore.addEventListener('click', () => void busy(grantButtons, () => loadGrants(false)));
listKeys.addEventListener('click', () => void busy(keyButtons, () => loadKeys(true)));
keysMore.addEventListener('click', () => void busy(keyButtons, () => loadKeys(false)));
keyState.addEventListener('change', () => void busy(keyButtons, () => loadKeys(true)));
showRetirable.addEventListener('click', () => void busy(retirableButtons, () => loadRetirable(true)));
retirableMore.addEventListener('click', () => void busy(retirableButtons, () => loadRetirable(false)));
grantForm.form.addEventListener('submit', (event) => {
  event.preventDefault();
  void busy(grantButtons, createGrant);
});
if (userSelect instanceof HTMLSelectElement) {
  userSelect.addEventListener('change', () => {
    const user = users.find((u) => u.name === userSelect.value);
    if (user !== undefined) void busy([...keyButtons, ...retirableButtons], () => switchUser(user));
  });
}

for (const button of [showGrants, listKeys, showRetirable]) button.disabled = false;
if (tokenInput.value === '') {
  announce('Enter your KMS token, then press “List my keys” (or enter a key id and press “Show grants”).');
} else {
  void busy(keyButtons, () => loadKeys(true, 'Ready. '));
}
