import fs from 'node:fs';
import { GlobalFonts } from '@napi-rs/canvas';
import { failure } from '../../errors.ts';

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

/** The CSS font-family list to draw with; throws with a remedy when no CJK font can be found. */
export function fontFamily(): string {
  if (family !== undefined) return family;
  let registered = false;
  for (const file of CJK_FONT_FILES) {
    if (!fs.existsSync(file)) continue;
    // The serif face is only a last resort: registering it too would replace the sans regular face.
    if (registered && file.includes('Serif')) continue;
    if (GlobalFonts.registerFromPath(file, ALIAS) !== null) registered = true;
  }
  const known = new Set(GlobalFonts.families.map((f) => f.family));
  if (!registered) {
    throw failure(
      'render',
      'the sim screen',
      `no CJK font found (looked for ${CJK_FONT_FILES.join(', ')})`,
      'Install fonts-noto-cjk (apt-get install fonts-noto-cjk) so Chinese text can be drawn.',
    );
  }
  const latin = LATIN_FALLBACKS.filter((f) => known.has(f)).map((f) => `"${f}"`);
  family = [`"${ALIAS}"`, ...latin, 'sans-serif'].join(', ');
  return family;
}
