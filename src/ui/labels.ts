import type { Keyword } from './data/consent-keywords.ts';

/** Trims and drops the punctuation apps wrap labels in (《》, brackets, quotes, trailing marks). */
export function normaliseLabel(s: string): string {
  return s.replace(/[《》「」『』【】()（）"“”'‘’!！。.,，:：>›»\s]+/g, ' ').trim();
}

const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);

/**
 * RULES.md A4 (Altpeter): a label matches a keyword when the keyword occurs at a word boundary and
 * the label is at most twice the keyword's length ("Agree" matches "I Agree", not a paragraph that
 * mentions agreeing). Latin keywords compare case-insensitively.
 */
export function labelMatches(label: string, kw: Keyword): boolean {
  const l = normaliseLabel(label);
  if (l.length === 0 || l.length > 2 * kw.text.length) return false;
  const hay = kw.lang === 'en' ? l.toLowerCase() : l;
  const needle = kw.lang === 'en' ? kw.text.toLowerCase() : kw.text;
  let at = hay.indexOf(needle);
  while (at >= 0) {
    if (kw.lang === 'zh' || (!isWordChar(hay[at - 1]) && !isWordChar(hay[at + needle.length]))) return true;
    at = hay.indexOf(needle, at + 1);
  }
  return false;
}

export function firstMatch(label: string, keywords: readonly Keyword[]): Keyword | undefined {
  return keywords.find((k) => labelMatches(label, k));
}
