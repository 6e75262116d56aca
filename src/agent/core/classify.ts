/**
 * Classifiers: decide from a call's arguments whether it counts, and refine its category and data.
 * They run before the original method and before any stack is taken, so a generic API such as
 * `Settings.Secure.getString` costs almost nothing for keys nobody cares about.
 */
import {
  AUTHORITIES,
  IABTCF_PREFIX,
  IDENTIFIER_FILES,
  IGNORED_AUTHORITIES,
  SETTINGS_KEYS,
  SYSTEM_PROPERTIES,
} from '../catalogue/keys.ts';
import type { ClassifierName, HookCategory } from '../catalogue/types.ts';
import { bytesOf, callOpt, intentParts } from './summarise.ts';
import { utf8Decode } from './utf8.ts';

/** An identity value the agent watches for in hashing/encryption inputs. */
export interface WatchedValue {
  type: string;
  value: string;
}

export interface ClassifyContext {
  /** Package of the app under test ('' when unknown: every other-package check then counts). */
  appPackage: string;
  watch: readonly WatchedValue[];
}

export interface Classification {
  category?: HookCategory;
  data?: string[];
}

type Classifier = (args: unknown[], ctx: ClassifyContext) => Classification | null;

function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  const s = callOpt(v, 'toString');
  return typeof s === 'string' ? s : null;
}

/** `content://[user@]authority/path` → authority. */
export function authorityOf(uri: string): string | null {
  const m = /^content:\/\/(?:[^@/]*@)?([^/?#]+)/i.exec(uri);
  return m?.[1]?.toLowerCase() ?? null;
}

function isOwn(pkg: string, ctx: ClassifyContext): boolean {
  return ctx.appPackage !== '' && (pkg === ctx.appPackage || pkg.startsWith(`${ctx.appPackage}.`));
}

function globMatch(pattern: string, path: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+')}$`,
  );
  return re.test(path);
}

/** Package an Intent is explicitly aimed at (component first), or null for an implicit Intent. */
function intentTarget(intent: unknown): { pkg: string | null; data: string | null } {
  const parts = intentParts(intent);
  if (parts === null) return { pkg: null, data: null };
  const fromComponent = parts.component?.split('/')[0] ?? null;
  return { pkg: fromComponent ?? parts.package, data: parts.data };
}

const CLASSIFIERS: Record<ClassifierName, Classifier> = {
  settingsKey(args) {
    const key = asText(args[1]);
    return key === null ? null : (SETTINGS_KEYS[key] ?? null);
  },
  systemProperty(args) {
    const key = asText(args[0]);
    return key === null ? null : (SYSTEM_PROPERTIES[key] ?? null);
  },
  otherPackageInfo(args, ctx) {
    // getPackageInfo(String, …) or getPackageInfo(VersionedPackage, …)
    const first = args[0];
    const pkg = typeof first === 'string' ? first : asText(callOpt(first, 'getPackageName'));
    if (pkg === null || isOwn(pkg, ctx)) return null;
    return {};
  },
  contentAuthority(args, ctx) {
    const uri = asText(args[0]);
    const authority = uri === null ? null : authorityOf(uri);
    if (authority === null) return null;
    for (const { authorities, rule } of AUTHORITIES) {
      if (authorities.some((a) => authority === a || authority.startsWith(`${a}.`))) return rule;
    }
    if (IGNORED_AUTHORITIES.includes(authority) || isOwn(authority, ctx)) return null;
    return { category: 'content-other', data: [] };
  },
  iabtcfKey(args) {
    const key = asText(args[0]);
    return key !== null && key.startsWith(IABTCF_PREFIX) ? {} : null;
  },
  identifierFile(args) {
    const first = args[0];
    const path = typeof first === 'string' ? first : asText(callOpt(first, 'getAbsolutePath') ?? first);
    if (path === null) return null;
    const hit = IDENTIFIER_FILES.find((f) => globMatch(f.pattern, path));
    return hit === undefined ? null : hit.rule;
  },
  otherPackageIntent(args, ctx) {
    const { pkg, data } = intentTarget(args[0]);
    if (pkg !== null) return isOwn(pkg, ctx) ? null : {};
    // An implicit Intent with a custom scheme is a deeplink into another app (DECEIVE-JUMP-001).
    const scheme = data === null ? null : (/^([a-z][a-z0-9+.-]*):/i.exec(data)?.[1]?.toLowerCase() ?? null);
    if (
      scheme !== null &&
      !['http', 'https', 'tel', 'mailto', 'sms', 'smsto', 'geo', 'content', 'file'].includes(scheme)
    )
      return {};
    return null;
  },
  otherPackageBroadcast(args, ctx) {
    const { pkg } = intentTarget(args[0]);
    return pkg !== null && !isOwn(pkg, ctx) ? {} : null;
  },
  watchedValue(args, ctx) {
    if (ctx.watch.length === 0) return null;
    const input = args[0];
    const text =
      typeof input === 'string'
        ? input
        : (() => {
            const b = bytesOf(input);
            return b === undefined ? null : utf8Decode(b.slice(0, 4096));
          })();
    if (text === null || text.length === 0) return null;
    const lower = text.toLowerCase();
    const types = ctx.watch.filter((w) => lower.includes(w.value.toLowerCase())).map((w) => w.type);
    return types.length === 0 ? null : { data: [...new Set(types)] };
  },
};

/** Runs a row's classifier: null = the call does not count. */
export function classify(name: ClassifierName, args: unknown[], ctx: ClassifyContext): Classification | null {
  return CLASSIFIERS[name](args, ctx);
}

/** Watched values shorter than this would match by accident (e.g. '0', 'ab'). */
export const MIN_WATCHED_LENGTH = 6;
