import {
  BUTTON_IDS,
  BUTTON_TEXTS,
  GROUP_WORDS,
  MESSAGE_IDS,
  PERMISSION_DIALOG_PACKAGES,
  type PermissionButton,
} from './data/permission-dialogs.ts';
import type { Page, PageNode } from './page.ts';

const DIALOG_PACKAGES = new Set(PERMISSION_DIALOG_PACKAGES.map((p) => p.pkg));

/** The system permission prompt on screen. */
export interface PermissionPrompt {
  pkg: string;
  message: string;
  /** `android.permission-group.X`, or '' when the message names no group we know. */
  group: string;
  buttons: Partial<Record<PermissionButton, PageNode>>;
}

const idSuffix = (id: string) => id.slice(id.indexOf(':id/') + 4);

/** Recognises the permission-controller / package-installer dialog by package, ids and texts. */
export function detectPermissionPrompt(page: Page): PermissionPrompt | null {
  const own = page.nodes.filter((n) => DIALOG_PACKAGES.has(n.pkg));
  if (own.length === 0) return null;
  const buttons: Partial<Record<PermissionButton, PageNode>> = {};
  for (const n of own) {
    const suffix = n.id.includes(':id/') ? idSuffix(n.id) : '';
    for (const [button, ids] of Object.entries(BUTTON_IDS) as [PermissionButton, readonly string[]][]) {
      if (suffix && ids.includes(suffix)) buttons[button] ??= n;
    }
  }
  // OEM dialogs without AOSP ids: by button text.
  for (const n of own) {
    if (!n.clickable && !/Button/.test(n.cls)) continue;
    for (const [button, texts] of Object.entries(BUTTON_TEXTS) as [PermissionButton, readonly string[]][]) {
      if (texts.includes(n.text.trim())) buttons[button] ??= n;
    }
  }
  if (Object.keys(buttons).length === 0) return null;
  const messageNode =
    own.find((n) => MESSAGE_IDS.includes(idSuffix(n.id))) ??
    own.find((n) => n.text.length > 8 && !n.clickable);
  const message = messageNode?.text ?? '';
  return { pkg: own[0]?.pkg ?? '', message, group: groupOf(message), buttons };
}

export function groupOf(message: string): string {
  const lower = message.toLowerCase();
  for (const g of GROUP_WORDS) {
    if (g.words.some((w) => lower.includes(w.toLowerCase()))) return g.group;
  }
  return '';
}

export type PermissionAnswer = 'allow' | 'deny' | 'denyForever' | 'allowOnce';

/** The button for an answer, with fallbacks as the dialog varies by version (no "once" before 11). */
export function buttonFor(p: PermissionPrompt, answer: PermissionAnswer): PageNode | undefined {
  const b = p.buttons;
  switch (answer) {
    case 'allow':
      return b.allow ?? b.allowForeground;
    case 'allowOnce':
      return b.allowOnce ?? b.allowForeground ?? b.allow;
    case 'deny':
      return b.deny ?? b.denyForever;
    case 'denyForever':
      return b.denyForever ?? b.deny;
  }
}
