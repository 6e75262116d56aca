import type { HookRow } from './types.ts';

const CM = 'android.content.ClipboardManager';
const REF = 'https://developer.android.com/reference/android/content/ClipboardManager';

/** Clipboard reads. `hasPrimaryClip` is metadata only (RULES.md PI-SCOPE-002 FP trap) but still worth seeing. */
export const CLIPBOARD: HookRow[] = [
  {
    class: CM,
    method: 'getPrimaryClip',
    category: 'clipboard',
    data: ['clipboard'],
    ret: 'clip',
    source: `${REF}#getPrimaryClip()`,
  },
  {
    class: CM,
    method: 'getText',
    category: 'clipboard',
    data: ['clipboard'],
    ret: 'string',
    source: `${REF}#getText()`,
  },
  {
    class: CM,
    method: 'hasPrimaryClip',
    category: 'clipboard',
    data: [],
    ret: 'value',
    source: `${REF}#hasPrimaryClip()`,
  },
];
