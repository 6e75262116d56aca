/**
 * Label matching for the UI rules. A4's method (RULES.md DECEIVE-CONSENT-002): a label matches a keyword at
 * word boundaries and is at most `maxFactor` × the keyword's length, so "I agree to sell my data to
 * partners" is not a clear "Agree".
 */
import type { KeywordList } from '../data/consent-keywords.ts';

const CJK = /[\u3400-\u9fff]/;

function norm(s: string): string {
  return s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Does `label` match one of the words (whole words for Latin text; substrings for CJK)? */
export function matchesWord(label: string, list: KeywordList, maxFactor = Infinity): string | undefined {
  const l = norm(label);
  if (!l) return undefined;
  // Longest keyword first, so 不同意 wins over 同意.
  const words = [...list.words].sort((a, b) => b.length - a.length);
  for (const w of words) {
    const k = norm(w);
    if (l.length > maxFactor * k.length) continue;
    if (CJK.test(k)) {
      if (l.includes(k)) return w;
    } else if (new RegExp(`(^|[^\\p{L}\\p{N}])${escape(k)}($|[^\\p{L}\\p{N}])`, 'u').test(l)) {
      return w;
    }
  }
  return undefined;
}

export function textOf(detail: Record<string, unknown>, arg: string | null): string {
  const parts = [arg, detail.text, detail.desc, detail.label].filter(
    (x): x is string => typeof x === 'string' && x.trim() !== '',
  );
  // The marker's arg is usually the node text again: say each thing once.
  return [...new Set(parts.map((p) => p.trim()))].join(' ');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
