import fs from 'node:fs';
import { GlobalFonts } from '@napi-rs/canvas';
import { log } from '../../log.ts';

/**
 * Fonts for screenshots. Chinese text needs a CJK face: Noto Sans CJK from Debian's fonts-noto-cjk
 * (installed by .ci/run); Latin falls back to DejaVu/Liberation. Registered once per process.
 */
export const CJK_FONT_FILES: readonly string[] = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', // fonts-noto-cjk (Debian 12)
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
  '/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc', // older layouts
  '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc',
];

const LATIN_FALLBACKS = ['DejaVu Sans', 'Liberation Sans'];
const ALIAS = 'Appwarden Sim CJK';

let family: string | undefined;

/** The CSS font-family list to draw with; without a CJK font, Latin only (warned once, with the remedy). */
export function fontFamily(): string {
  family ??= fontFamilyFor(CJK_FONT_FILES);
  return family;
}

/** Registers the first usable CJK font of `files` and returns the family list to draw with. */
export function fontFamilyFor(files: readonly string[]): string {
  let registered = false;
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    if (registered && file.includes('Serif')) continue;
    if (GlobalFonts.registerFromPath(file, ALIAS) !== null) registered = true;
  }
  const known = new Set(GlobalFonts.families.map((f) => f.family));
  const latin = LATIN_FALLBACKS.filter((f) => known.has(f)).map((f) => `"${f}"`);
  if (!registered) {
    // Screens still render (the demo must run where only Node is installed); Chinese glyphs show as boxes.
    log.warn(
      { looked: files },
      'No CJK font found: sim screenshots draw Chinese text as boxes. Install fonts-noto-cjk (apt-get install fonts-noto-cjk).',
    );
    return [...latin, 'sans-serif'].join(', ');
  }
  return [`"${ALIAS}"`, ...latin, 'sans-serif'].join(', ');
}
