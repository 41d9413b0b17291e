/**
 * Escaping for the gateway's two HTML pages. Everything interpolated into a page goes through one
 * of these: text and attribute values through {@link escapeHtml}, data for scripts through
 * {@link jsonScript} (a non-executable `application/json` block, so no inline script is needed).
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `value` safe inside element text and inside a double- or single-quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * A `<script type="application/json" id="...">` block holding `data`. `<`, `>` and `&` are
 * written as `\u003c`-style escapes, so no string inside `data` can close the element early.
 */
export function jsonScript(id: string, data: unknown): string {
  const json = JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `<script type="application/json" id="${escapeHtml(id)}">${json}</script>`;
}

/** A Content-Security-Policy value from directive -> sources. */
export function csp(directives: Record<string, string>): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources}`)
    .join('; ');
}
