/**
 * The rule registry: one line per rule, in report order. Fails at start-up on a duplicate id
 * (STYLE.md 1, like mitmproxy's default_addons()).
 */
import { piBg001 } from './background.ts';
import { piConsent001, piConsent002, piConsent003, piConsent004, piConsent005 } from './consent.ts';
import {
  deceiveConsent001,
  deceiveConsent002,
  deceiveDl001,
  deceiveJump001,
  deceiveShake001,
} from './deceive.ts';
import { piFreq001 } from './frequency.ts';
import { gdprConsent001, gdprConsent002 } from './gdpr.ts';
import { perm001, perm002, perm003, perm004 } from './permissions.ts';
import { uxPopup001, uxPopup002, uxPopup003 } from './popups.ts';
import { piScope002 } from './scope.ts';
import { share001 } from './share.ts';
import { sdk001 } from './sdk.ts';
import { uxStart001, uxStart002 } from './start.ts';
import type { Rule } from './types.ts';

export function checkRegistry(rules: readonly Rule[]): readonly Rule[] {
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.id))
      throw new Error(`Failed to register rule ${r.id}: the id is used twice. Rename one of them.`);
    seen.add(r.id);
  }
  return rules;
}

export const RULES: readonly Rule[] = checkRegistry([
  piConsent001,
  piConsent002,
  piConsent003,
  piConsent004,
  piConsent005,
  piScope002,
  piFreq001,
  piBg001,
  sdk001,
  share001,
  perm001,
  perm002,
  perm003,
  perm004,
  uxPopup001,
  uxPopup002,
  uxPopup003,
  uxStart001,
  uxStart002,
  deceiveShake001,
  deceiveJump001,
  deceiveDl001,
  deceiveConsent001,
  deceiveConsent002,
  gdprConsent001,
  gdprConsent002,
] as Rule[]);

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
