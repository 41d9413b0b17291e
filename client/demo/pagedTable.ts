/**
 * A table filled page by page (Relay cursor paging): remembers the connection's `endCursor`,
 * appends each page's rows, says in its caption how many of how many are shown, and shows the
 * "Load more" button exactly while `hasNextPage` is true.
 */
import type { GrantPage, GrantRow } from './api.ts';

/** Where the table lives and how one grant becomes a row. */
export interface PagedTableParts {
  body: HTMLTableSectionElement;
  caption: HTMLElement;
  more: HTMLButtonElement;
  row(grant: GrantRow): HTMLTableRowElement;
}

export class PagedTable {
  /** The cursor to resume after; null before the first page. */
  cursor: string | null = null;
  private total: number | null = null;
  private readonly parts: PagedTableParts;

  constructor(parts: PagedTableParts) {
    this.parts = parts;
  }

  /** Rows currently shown. */
  get shown(): number {
    return this.parts.body.rows.length;
  }

  /** Empties the table and forgets the cursor. */
  reset(): void {
    this.parts.body.replaceChildren();
    this.cursor = null;
    this.total = null;
    this.parts.more.hidden = true;
    this.caption();
  }

  /** Appends a page and moves the cursor past it. */
  append(page: GrantPage): void {
    this.parts.body.append(...page.grants.map((grant) => this.parts.row(grant)));
    this.cursor = page.endCursor ?? this.cursor;
    this.total = page.totalCount;
    this.parts.more.hidden = !page.hasNextPage;
    this.caption();
  }

  /**
   * Takes a grant's row out at once (an optimistic update) and returns how to put it back where
   * it was, should the server refuse.
   */
  remove(grantId: string): { restore(): void; commit(): void } {
    const row = [...this.parts.body.rows].find((tr) => tr.dataset['grantId'] === grantId);
    if (row === undefined) return { restore() {}, commit() {} };
    const next = row.nextElementSibling;
    row.remove();
    this.caption();
    return {
      restore: () => {
        this.parts.body.insertBefore(row, next);
        this.caption();
      },
      commit: () => {
        if (this.total !== null) this.total -= 1;
        this.caption();
      },
    };
  }

  /** A sentence for screen readers and the status line: "Showing 40 of 100 grants." */
  summary(): string {
    const of = this.total === null ? '' : ` of ${this.total}`;
    return `Showing ${this.shown}${of} grant${this.total === 1 ? '' : 's'}.`;
  }

  private caption(): void {
    this.parts.caption.textContent = this.summary();
  }
}
