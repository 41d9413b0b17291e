/**
 * Escaping and the shared head for the gateway's two HTML pages. Everything interpolated into a
 * page goes through one of these: text and attribute values through {@link escapeHtml}, data for
 * scripts through {@link jsonScript} (a non-executable `application/json` block, so no inline
 * script is needed); {@link htmlHead} writes the part both pages share.
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

/** What differs between the pages' heads; everything else {@link htmlHead} writes is the same for both. */
export interface HtmlHeadOptions {
  /** The Content-Security-Policy value (see {@link csp}), escaped here. */
  policy: string;
  /** The page title, escaped here. */
  title: string;
  /** The icon's URL, escaped here. */
  icon: string;
  /** Further head elements, one per line, written verbatim: trusted markup only (own asset URLs). */
  extra: readonly string[];
}

/**
 * A page's start, from `<!doctype html>` to `</head>` inclusive (newline-terminated): charset,
 * viewport, the CSP meta, title and icon, then `extra`. The caller writes `<body>` and the end.
 */
export function htmlHead({ policy, title, icon, extra }: HtmlHeadOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="${escapeHtml(icon)}">
${extra.map((line) => `${line}\n`).join('')}</head>
`;
}
