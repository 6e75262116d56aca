import { describe, expect, it } from 'vitest';
import { ByteAutomaton } from '../../src/analysis/matcher/aho-corasick.ts';

/** Every occurrence by brute force: the reference the automaton must agree with. */
function naive(patterns: string[], text: string): string[] {
  const out: string[] = [];
  patterns.forEach((p, id) => {
    for (let at = text.indexOf(p); at !== -1; at = text.indexOf(p, at + 1)) out.push(`${id}@${at}`);
  });
  return out.sort();
}

describe('ByteAutomaton', () => {
  it('finds every occurrence of overlapping patterns, including those longer than the table prefix', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const word = (len: number): string => Array.from({ length: len }, () => 'abc'[rnd(3)]).join('');
    for (let trial = 0; trial < 200; trial++) {
      const patterns = [...new Set(Array.from({ length: 1 + rnd(10) }, () => word(1 + rnd(9))))];
      const text = word(300);
      const automaton = new ByteAutomaton(
        patterns.map((p) => Buffer.from(p)),
        1 + rnd(5),
      );
      const got = automaton.hits(Buffer.from(text)).map((h) => {
        expect(h.end - h.start).toBe((patterns[h.pattern] as string).length);
        return `${h.pattern}@${h.start}`;
      });
      expect(got.sort()).toEqual(naive(patterns, text));
    }
  });

  it('works on raw bytes, not just text', () => {
    const automaton = new ByteAutomaton([Buffer.from([0x00, 0xff, 0x10]), Buffer.from([0xff])]);
    expect(automaton.hits(Buffer.from([1, 0x00, 0xff, 0x10, 0xff]))).toEqual([
      { pattern: 1, start: 2, end: 3 },
      { pattern: 0, start: 1, end: 4 },
      { pattern: 1, start: 4, end: 5 },
    ]);
  });
});
