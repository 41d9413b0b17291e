/**
 * A table filled page by page (Relay cursor paging): remembers the connection's `endCursor`,
 * appends each page's rows, says in its caption how many of how many are shown, and shows its
 * "more" button exactly while `hasNextPage` is true. Rows are found by a `data-*` attribute
 * (`data-grant-id`, `data-key-id`), so a write can take one out or update it in place.
 */
import type { Page } from './api.ts';

/** Where the table lives, how one item becomes a row, and how the caption names its items. */
export interface PagedTableParts<T> {
  body: HTMLTableSectionElement;
  caption: HTMLElement;
  more: HTMLButtonElement;
  row(item: T): HTMLTableRowElement;
  /** The `dataset` name identifying a row, e.g. `grantId` for `data-grant-id`. */
  idAttribute: string;
  /** What the rows are: `['grant', 'grants']`. */
  noun: readonly [string, string];
}

/** An optimistic removal: put the row back where it was, or make it final. */
export interface Removal {
  restore(): void;
  commit(): void;
}

export class PagedTable<T> {
  /** The cursor to resume after; null before the first page. */
  cursor: string | null = null;
  /** Whether more rows follow the last page loaded (the "more" button shows exactly then). */
  hasNextPage = false;
  private total: number | null = null;
  private readonly parts: PagedTableParts<T>;

  constructor(parts: PagedTableParts<T>) {
    this.parts = parts;
  }

  /** Rows currently shown. */
  get shown(): number {
    return this.parts.body.rows.length;
  }

  /** The whole connection's size (`totalCount`), when known. */
  get totalCount(): number | null {
    return this.total;
  }

  /** Empties the table and forgets the cursor. */
  reset(): void {
    this.parts.body.replaceChildren();
    this.cursor = null;
    this.total = null;
    this.hasNextPage = false;
    this.parts.more.hidden = true;
    this.caption();
  }

  /** Appends a page and moves the cursor past it. */
  append(page: Page<T>): void {
    this.parts.body.append(...page.items.map((item) => this.parts.row(item)));
    this.settle(page);
  }

  /** Replaces every row with `page` (a refetch of what was shown, from the start). */
  replace(page: Page<T>): void {
    this.parts.body.replaceChildren(...page.items.map((item) => this.parts.row(item)));
    this.cursor = null;
    this.settle(page);
  }

  /** The row whose id attribute is `id`. */
  find(id: string): HTMLTableRowElement | undefined {
    return [...this.parts.body.rows].find((tr) => tr.dataset[this.parts.idAttribute] === id);
  }

  /**
   * Takes a row out at once (an optimistic update) and returns how to put it back where it was,
   * should the server refuse, or to count it gone once the server agrees.
   */
  remove(id: string): Removal {
    const row = this.find(id);
    if (row === undefined) return { restore() {}, commit() {} };
    const next = row.nextElementSibling;
    row.remove();
    this.caption();
    return {
      restore: () => {
        this.parts.body.insertBefore(row, next !== null && next.parentNode === this.parts.body ? next : null);
        this.caption();
      },
      commit: () => {
        if (this.total !== null) this.total = Math.max(0, this.total - 1);
        this.caption();
      },
    };
  }

  /** Moves the known total by `delta` (a write changed the connection outside the shown rows). */
  adjustTotal(delta: number): void {
    if (this.total !== null) this.total = Math.max(0, this.total + delta);
    this.caption();
  }

  /** A sentence for screen readers and the status line: "Showing 40 of 100 grants." */
  summary(): string {
    const [one, many] = this.parts.noun;
    const of = this.total === null ? '' : ` of ${this.total}`;
    return `Showing ${this.shown}${of} ${this.total === 1 ? one : many}.`;
  }

  private settle(page: Page<T>): void {
    this.cursor = page.endCursor ?? this.cursor;
    this.total = page.totalCount;
    this.hasNextPage = page.hasNextPage;
    this.parts.more.hidden = !page.hasNextPage;
    this.caption();
  }

  private caption(): void {
    this.parts.caption.textContent = this.summary();
  }
}
