/**
 * SDK attribution of a hooked call: the first frame below the framework, matched against the SDK
 * package prefixes of src/analysis/data/organisations.ts.
 *
 * Done on the host, not in the agent: the prefix table then changes without rebuilding the agent,
 * the agent bundle stays free of the organisation table, and a stored stack can be re-attributed
 * by a later appwarden (the agent always ships the stack).
 */
import { organisationForFrame } from '../analysis/data/organisations.ts';

/** Frames of the platform and language runtime: never the collector (RULES.md §3 trap 1). */
export const FRAMEWORK_PREFIXES = [
  'android.',
  'androidx.',
  'java.',
  'javax.',
  'kotlin.',
  'kotlinx.',
  'dalvik.',
  'com.android.',
  'sun.',
  'libcore.',
  'org.apache.harmony.',
  'org.json.',
  'jdk.internal.',
];

/** App frames skipped when an SDK frame comes right below them (privacy wrappers, reflection helpers). */
export const MAX_APP_WRAPPER_FRAMES = 2;

export interface Attribution {
  /** Organisation id (organisations.ts) or null for first-party, framework-only or unknown code. */
  sdk: string | null;
  /** The frame the decision rests on (`class.method(...)`), or null when every frame is framework. */
  frame: string | null;
  reason: 'sdk-frame' | 'app-wrapper-then-sdk' | 'app-frame' | 'unknown-frame' | 'framework-only';
}

/** `com.x.Y.method(Y.java:1)` → `com.x.Y`. */
export function frameClass(frame: string): string {
  const paren = frame.indexOf('(');
  const head = (paren === -1 ? frame : frame.slice(0, paren)).trim().replace(/^at\s+/, '');
  const dot = head.lastIndexOf('.');
  return dot === -1 ? head : head.slice(0, dot);
}

export function isFrameworkFrame(frame: string): boolean {
  const cls = frameClass(frame);
  return FRAMEWORK_PREFIXES.some((p) => cls.startsWith(p));
}

function isAppFrame(cls: string, appPackage: string): boolean {
  return appPackage !== '' && (cls === appPackage || cls.startsWith(`${appPackage}.`));
}

/**
 * Attributes a stack (innermost first, as the agent sends it). The hooked method itself is on top and
 * is a framework frame for every framework API; for an SDK API (e.g. MSA's `InitSdk`) it is the SDK.
 */
export function attributeStack(stack: readonly string[], appPackage: string): Attribution {
  const frames = stack.filter((f) => !f.startsWith('…') && !isFrameworkFrame(f));
  const firstFrame = frames[0];
  if (firstFrame === undefined) return { sdk: null, frame: null, reason: 'framework-only' };
  const firstClass = frameClass(firstFrame);
  const org = organisationForFrame(firstClass);
  if (org !== undefined) return { sdk: org.id, frame: firstFrame, reason: 'sdk-frame' };
  if (isAppFrame(firstClass, appPackage)) {
    for (let i = 1; i <= MAX_APP_WRAPPER_FRAMES && i < frames.length; i++) {
      const f = frames[i] as string;
      const cls = frameClass(f);
      const below = organisationForFrame(cls);
      if (below !== undefined) return { sdk: below.id, frame: f, reason: 'app-wrapper-then-sdk' };
      if (!isAppFrame(cls, appPackage)) break;
    }
    return { sdk: null, frame: firstFrame, reason: 'app-frame' };
  }
  return { sdk: null, frame: firstFrame, reason: 'unknown-frame' };
}

/** One sentence on why a call was attributed as it was (for reports). */
export function explainAttribution(a: Attribution): string {
  switch (a.reason) {
    case 'sdk-frame':
      return `Attributed to ${a.sdk}: the first non-framework frame is ${a.frame}.`;
    case 'app-wrapper-then-sdk':
      return `Attributed to ${a.sdk}: the app's own wrapper frames are called from ${a.frame}.`;
    case 'app-frame':
      return `Made by the app itself: the first non-framework frame is ${a.frame}.`;
    case 'unknown-frame':
      return `Not attributed: the first non-framework frame ${a.frame} matches no known SDK.`;
    case 'framework-only':
      return 'Not attributed: every frame belongs to the Android framework.';
  }
}
