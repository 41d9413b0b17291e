/**
 * Table rows for grants. Each row carries its grant in `data-grant-id` / `data-key-id`, shows the
 * first 12 characters of the 64-character grant id (the full id in its title), and builds
 * everything with `textContent`, never HTML strings.
 */
import type { GrantRow } from './api.ts';

/** `abcdef012345…` for a long id. */
export function shortId(id: string, length = 12): string {
  return id.length > length ? `${id.slice(0, length)}…` : id;
}

/** `CREATE_DATAKEY` -> `create-datakey` (KMS's own spelling). */
function kmsOperation(operation: string): string {
  return operation.toLowerCase().replaceAll('_', '-');
}

/** An ISO date-time as `2024-01-31 13:45 UTC`. */
function utc(iso: string | null): string {
  return iso === null ? '' : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function cell(text: string, options: { code?: boolean; title?: string; nowrap?: boolean } = {}): HTMLTableCellElement {
  const td = document.createElement('td');
  if (options.nowrap) td.className = 'nowrap';
  const holder = options.code ? document.createElement('code') : td;
  holder.textContent = text;
  if (options.title !== undefined) holder.title = options.title;
  if (holder !== td) td.append(holder);
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
  const revoke = document.createElement('button');
  revoke.type = 'button';
  revoke.className = 'danger';
  revoke.textContent = 'Revoke';
  revoke.setAttribute('aria-label', `Revoke grant ${grant.name ?? shortId(grant.grantId)}`);
  revoke.addEventListener('click', () => onRevoke(grant));
  const actions = document.createElement('td');
  actions.append(revoke);
  tr.append(
    cell(shortId(grant.grantId), { code: true, title: grant.grantId }),
    cell(grant.name ?? ''),
    cell(grantee(grant), grant.granteePrincipal === null ? {} : { title: grant.granteePrincipal }),
    cell(grant.operations.map(kmsOperation).join(', ')),
    cell(utc(grant.createdAt), { nowrap: true }),
    actions,
  );
  return tr;
}

/** A row of the retirable grants (they span keys, so the key id is shown). */
export function retirableGrantRow(grant: GrantRow): HTMLTableRowElement {
  const tr = baseRow(grant);
  tr.append(
    cell(shortId(grant.grantId), { code: true, title: grant.grantId }),
    cell(shortId(grant.keyId), { code: true, title: grant.keyId }),
    cell(grant.name ?? ''),
    cell(grantee(grant), grant.granteePrincipal === null ? {} : { title: grant.granteePrincipal }),
    cell(grant.operations.map(kmsOperation).join(', ')),
  );
  return tr;
}
