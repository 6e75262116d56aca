/**
 * Escaping for the HTML report. Every string an app controls (texts, URLs, headers, bodies, package
 * and SDK names) reaches the page only through here: `markup` escapes every interpolated value unless it
 * is already `Html`, so forgetting to escape is not possible by construction (the way lit-html and
 * Go's html/template work). URLs become links only when they are http(s); bidi overrides are shown
 * as visible marks instead of reordering the page; megabyte strings are cut with a marker.
 */

/** Markup that is already safe (built by `markup` or from constants). */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

/** Longest app-controlled string shown as is; longer ones are cut with a marker saying how much. */
export const DEFAULT_CAP = 4096;

/** Cuts `s` to `max` UTF-16 units (not inside a surrogate pair) and says how much was left out. */
export function cap(s: string, max = DEFAULT_CAP): string {
  if (s.length <= max) return s;
  let end = max;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${s.slice(0, end)} … [${s.length - end} more characters cut]`;
}

/*
 * Bidi embeddings/overrides/isolates and marks: an RTL override in a package name or URL can make
 * `moc.rekcart` read as `tracker.com`. Other control characters are shown too rather than passed on.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Replaces bidi controls and C0 controls (except tab and newlines) with a visible `⟦U+202E⟧`. */
export function neutralise(s: string): string {
  return s.replace(INVISIBLE, (c) => `⟦U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟧`);
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes for text content and for double- or single-quoted attribute values alike. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ENTITIES[c] as string);
}

/** An app-controlled string, capped, bidi-neutralised and escaped: safe in text and quoted attributes. */
export function text(value: unknown, max = DEFAULT_CAP): Html {
  const s = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  return new Html(escapeHtml(neutralise(cap(s, max))));
}

function render(v: HtmlValue): string {
  if (v instanceof Html) return v.value;
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return (v as readonly HtmlValue[]).map(render).join('');
  return text(v).value;
}

/** Tagged template: the literal parts are trusted markup, every `${value}` is escaped unless it is `Html`. */
export function markup(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Markup from a trusted constant (CSS, the report's own script). Never pass app data here. */
export function trusted(s: string): Html {
  return new Html(s);
}

const LINK_SCHEMES = new Set(['http:', 'https:']);

/** The URL normalised when it is an http(s) URL that may be a link; null otherwise (`javascript:`, `data:` …). */
export function safeHref(url: string): string | null {
  if (url.length > DEFAULT_CAP) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null; // not absolute or not a URL at all: shown as text, never as a link
  }
  return LINK_SCHEMES.has(parsed.protocol) ? parsed.href : null;
}

/** A link when the URL is http(s), else the URL as plain text. */
export function link(url: string, label: string = url): Html {
  const href = safeHref(url);
  if (href === null) return markup`<span class="url">${label}</span>`;
  return markup`<a href="${href}" rel="noreferrer noopener" target="_blank">${label}</a>`;
}

/**
 * JSON for an inline `<script type="application/json">`: `<`, `>` and `&` as \u escapes so that
 * `</script>` or `<!--` in app data cannot end the element; U+2028/2029 so it stays valid JS too;
 * bidi controls so that the page source does not reorder (the values parse back unchanged).
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * `s` with every occurrence of the `needles` wrapped in `<mark>`, all of it escaped; shows a window
 * of `max` characters around the first occurrence when `s` is longer.
 */
export function highlight(s: string, needles: readonly string[], max = DEFAULT_CAP): Html {
  const wanted = [...new Set(needles.filter((n) => n.length > 0))].sort((a, b) => b.length - a.length);
  let view = s;
  let prefix = '';
  let suffix = '';
  if (s.length > max) {
    const first = wanted.reduce((best, n) => {
      const i = s.indexOf(n);
      return i !== -1 && (best === -1 || i < best) ? i : best;
    }, -1);
    const start = Math.max(0, (first === -1 ? 0 : first) - Math.floor(max / 4));
    view = s.slice(start, start + max);
    if (start > 0) prefix = `[${start} characters before] … `;
    if (start + max < s.length) suffix = ` … [${s.length - start - max} more characters cut]`;
  }
  const parts: Html[] = [];
  let i = 0;
  while (i < view.length) {
    let hit = -1;
    let hitLen = 0;
    for (const n of wanted) {
      const j = view.indexOf(n, i);
      if (j !== -1 && (hit === -1 || j < hit || (j === hit && n.length > hitLen))) {
        hit = j;
        hitLen = n.length;
      }
    }
    if (hit === -1) break;
    parts.push(
      text(view.slice(i, hit), Infinity),
      markup`<mark>${text(view.slice(hit, hit + hitLen), Infinity)}</mark>`,
    );
    i = hit + hitLen;
  }
  parts.push(text(view.slice(i), Infinity));
  return markup`${prefix}${parts}${suffix}`;
}
