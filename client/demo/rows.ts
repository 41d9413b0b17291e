/**
 * Table rows for keys and grants. Each row carries its object's id in `data-key-id` /
 * `data-grant-id`, shows the first 12 characters of long ids (the full id in its title), and is
 * built with `textContent`, never HTML strings.
 */
import type { GrantRow, KeyRow } from './api.ts';

/** `abcdef012345…` for a long id. */
export function shortId(id: string, length = 12): string {
  return id.length > length ? `${id.slice(0, length)}…` : id;
}

/** `CREATE_DATAKEY` -> `create-datakey` (KMS's own spelling). */
export function kmsOperation(operation: string): string {
  return operation.toLowerCase().replaceAll('_', '-');
}

/** A grant as a sentence names it: its name, else the start of its id. */
export function grantLabel(grant: Pick<GrantRow, 'name' | 'grantId'>): string {
  return grant.name ?? shortId(grant.grantId);
}

/** A key as a sentence names it: its alias, else the start of its id. */
export function keyLabel(key: { alias: string | null; keyId: string }): string {
  return key.alias ?? shortId(key.keyId);
}

/** An ISO date-time as `2024-01-31 13:45 UTC`. */
function utc(iso: string | null): string {
  return iso === null ? '' : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function cell(text: string, options: { code?: boolean; title?: string; nowrap?: boolean; className?: string } = {}): HTMLTableCellElement {
  const td = document.createElement('td');
  td.className = [options.nowrap ? 'nowrap' : '', options.className ?? ''].join(' ').trim();
  const holder = options.code ? document.createElement('code') : td;
  holder.textContent = text;
  if (options.title !== undefined) holder.title = options.title;
  if (holder !== td) td.append(holder);
  return td;
}

function actionCell(text: string, label: string, className: string, onClick: () => void): HTMLTableCellElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = className;
  button.textContent = text;
  button.setAttribute('aria-label', label);
  button.addEventListener('click', onClick);
  const td = document.createElement('td');
  td.append(button);
  return td;
}

function grantee(grant: GrantRow): string {
  if (grant.granteePrincipal === null) return '';
  const kind = grant.granteePrincipalType === 'DOMAIN' ? 'account' : 'user';
  return `${kind} ${shortId(grant.granteePrincipal)}`;
}

function baseRow(grant: GrantRow): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset['grantId'] = grant.grantId;
  tr.dataset['keyId'] = grant.keyId;
  return tr;
}

/** A row of a key's grants, ending with a "Revoke" button that calls `onRevoke`. */
export function keyGrantRow(grant: GrantRow, onRevoke: (grant: GrantRow) => void): HTMLTableRowElement {
  const tr = baseRow(grant);
  tr.append(
    cell(shortId(grant.grantId), { code: true, title: grant.grantId }),
    cell(grant.name ?? ''),
    cell(grantee(grant), grant.granteePrincipal === null ? {} : { title: grant.granteePrincipal }),
    cell(grant.operations.map(kmsOperation).join(', ')),
    cell(utc(grant.createdAt), { nowrap: true }),
    actionCell('Revoke', `Revoke grant ${grantLabel(grant)}`, 'danger', () => onRevoke(grant)),
  );
  return tr;
}

/**
 * A row of the retirable grants, ending with a "Retire" button. They span keys, so the key is
 * shown: its alias when the key list knows it (`alias`), else the start of its id.
 */
export function retirableGrantRow(grant: GrantRow, onRetire: (grant: GrantRow) => void, alias: string | null): HTMLTableRowElement {
  const tr = baseRow(grant);
  tr.append(
    cell(shortId(grant.grantId), { code: true, title: grant.grantId }),
    alias === null ? cell(shortId(grant.keyId), { code: true, title: grant.keyId }) : cell(alias, { title: grant.keyId }),
    cell(grant.name ?? ''),
    cell(grantee(grant), grant.granteePrincipal === null ? {} : { title: grant.granteePrincipal }),
    cell(grant.operations.map(kmsOperation).join(', ')),
    actionCell('Retire', `Retire grant ${grantLabel(grant)}`, 'danger', () => onRetire(grant)),
  );
  return tr;
}

/** A row of the key list, ending with a "Pick" button that calls `onPick`. */
export function keyRow(key: KeyRow, onPick: (key: KeyRow) => void): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset['keyId'] = key.keyId;
  const alias = cell(key.alias ?? '');
  if (key.isDefault === true) {
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = 'default';
    alias.append(' ', badge);
  }
  const spec = [key.spec, key.usage].filter((part) => part !== null).join(' · ');
  tr.append(
    alias,
    cell(key.state ?? '', { className: `state state-${(key.state ?? 'unknown').toLowerCase()}` }),
    cell(spec),
    cell(key.grants.totalCount === null ? '' : String(key.grants.totalCount), { className: 'count' }),
    cell(shortId(key.keyId), { code: true, title: key.keyId }),
    actionCell('Pick', `Pick key ${keyLabel(key)}`, 'secondary', () => onPick(key)),
  );
  return tr;
}

/** Puts a key row's grant count (`.count`) to `count`. */
export function setGrantCount(row: HTMLTableRowElement, count: number): void {
  const td = row.querySelector<HTMLTableCellElement>('td.count');
  if (td !== null) td.textContent = String(count);
}

/** A key row's grant count, or null when it shows none. */
export function grantCount(row: HTMLTableRowElement): number | null {
  const text = row.querySelector<HTMLTableCellElement>('td.count')?.textContent ?? '';
  return /^\d+$/.test(text) ? Number(text) : null;
}
