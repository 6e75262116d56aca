import { describe, expect, it } from 'vitest';
import { fontFamilyFor, CJK_FONT_FILES } from '../../../src/sim/ui/fonts.ts';

describe('screenshot fonts', () => {
  it('uses Noto CJK when it is installed', () => {
    expect(fontFamilyFor(CJK_FONT_FILES)).toMatch(/^"Appwarden Sim CJK", /);
  });

  it('still draws (Latin only) where no CJK font is installed, instead of failing every screenshot', () => {
    const family = fontFamilyFor(['/nonexistent/NotoSansCJK-Regular.ttc']);
    expect(family).not.toContain('Appwarden Sim CJK');
    expect(family.endsWith('sans-serif')).toBe(true);
  });
});
