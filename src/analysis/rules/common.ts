/**
 * What several rules derive from the same evidence, computed once per session: who made each API call
 * (RULES.md §0: "attribute each event to the first non-framework frame"), which calls read personal
 * information, where flows went, and when the user tapped.
 */
import { getDomain } from 'tldts';
import {
  ORGANISATIONS,
  organisationForDomain,
  organisationForFrame,
  type Organisation,
} from '../data/organisations.ts';
import type { EvApiCall, EvFlow, EvMarker, SessionEvidence } from '../session-evidence.ts';
import { isPi } from './pi-set.ts';

/**
 * Frames of the platform and language runtimes: never the collector (RULES.md §3 (1)). androidx is
 * library glue the app calls through (e.g. ActivityCompat.requestPermissions), so the caller behind it
 * is the one that counts.
 */
export const FRAMEWORK_PREFIXES: readonly string[] = [
  'android.',
  'androidx.',
  'com.android.',
  'dalvik.',
  'java.',
  'javax.',
  'jdk.',
  'kotlin.',
  'kotlinx.',
  'libcore.',
  'sun.',
  'org.apache.harmony.',
  'com.google.android.material.',
];

export interface Collector {
  kind: 'sdk' | 'app';
  /** Organisation id for SDKs, `app` for the app's own code. */
  id: string;
  /** As a sentence names it: "Umeng (Alibaba)", "the app". */
  name: string;
  org: Organisation | null;
  /** The frame that was attributed, when there was a stack. */
  frame: string | null;
}

export interface Destination {
  host: string;
  /** Registrable domain (eTLD+1); the host itself for IP literals. */
  domain: string;
  org: Organisation | null;
  firstParty: boolean;
}

const APP: Collector = { kind: 'app', id: 'app', name: 'the app', org: null, frame: null };

export function cleanFrame(frame: string): string {
  return frame.trim().replace(/^at\s+/, '');
}

export function isFrameworkFrame(frame: string): boolean {
  const f = cleanFrame(frame);
  return FRAMEWORK_PREFIXES.some((p) => f.startsWith(p));
}

export class Derived {
  /** API calls that read a PI type, made by the app or an SDK (framework-only stacks excluded). */
  readonly piReads: EvApiCall[] = [];
  /** The collector of each of `piReads` (same index): rules walk every read, a lookup per read adds up. */
  readonly piReadCollectors: Collector[] = [];
  readonly taps: EvMarker[];
  private readonly collectors = new Map<readonly string[], Map<string | null, Collector | null>>();
  private readonly destinations = new Map<string, Destination>();
  private readonly firstPartyDomains: Set<string>;

  constructor(readonly ev: SessionEvidence) {
    this.taps = ev.markers.filter((m) => m.name === 'TAP');
    const fp = new Set(ev.session.firstPartyDomains);
    const pkg = ev.session.appPackage?.split('.');
    // com.example.app → example.com: the operator's domain for most apps, when the suite names none.
    if (pkg && pkg.length >= 2 && fp.size === 0) fp.add(`${pkg[1]}.${pkg[0]}`.toLowerCase());
    this.firstPartyDomains = fp;
    // Data lists are interned by the read model: whether one names a PI type is asked once per list.
    const readsPi = new Map<readonly string[], boolean>();
    for (const call of ev.apiCalls) {
      const data = call.data;
      let pi = readsPi.get(data);
      if (pi === undefined) readsPi.set(data, (pi = data.some(isPi)));
      if (!pi) continue;
      const c = this.collectorOf(call);
      if (!c) continue;
      this.piReads.push(call);
      this.piReadCollectors.push(c);
    }
  }

  /** Who made the call; null when only framework frames are on the stack. */
  collectorOf(call: Pick<EvApiCall, 'stack' | 'sdk'>): Collector | null {
    let bySdk = this.collectors.get(call.stack);
    if (!bySdk) this.collectors.set(call.stack, (bySdk = new Map()));
    const hit = bySdk.get(call.sdk);
    if (hit !== undefined) return hit;
    const c = attribute(call);
    bySdk.set(call.sdk, c);
    return c;
  }

  piTypesOf(call: EvApiCall): string[] {
    return call.data.filter(isPi);
  }

  destination(host: string): Destination {
    let d = this.destinations.get(host);
    if (!d) {
      const h = host.toLowerCase();
      const domain = getDomain(h) ?? h;
      const org = organisationForDomain(h) ?? null;
      d = { host: h, domain, org, firstParty: this.firstPartyDomains.has(domain) };
      this.destinations.set(host, d);
    }
    return d;
  }

  /** The latest TAP in [t - windowMs, t], if any (RULES.md §3 (5): a user tap exempts). */
  tapBefore(t: number, windowMs: number): EvMarker | undefined {
    // Binary search for the last TAP at or before t (rules ask this for every call they inspect).
    let lo = 0;
    let hi = this.taps.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.taps[mid] as EvMarker).t <= t) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const m = this.taps[last];
    return m && m.t >= t - windowMs ? m : undefined;
  }

  markers(name: string): EvMarker[] {
    return this.ev.markers.filter((m) => m.name === name);
  }

  /** Flows whose content could not be read (pinning, CA rejected, passthrough). */
  opaqueFlows(from = -Infinity, to = Infinity): EvFlow[] {
    return this.ev.flows.filter(
      (f) => (f.tls === 'client-rejected-ca' || f.tls === 'passthrough') && f.t >= from && f.t <= to,
    );
  }
}

function attribute(call: Pick<EvApiCall, 'stack' | 'sdk'>): Collector | null {
  if (call.sdk) {
    const org = ORGANISATIONS.find((o) => o.id === call.sdk) ?? organisationForFrame(call.sdk);
    if (org) return { kind: 'sdk', id: org.id, name: org.name, org, frame: null };
  }
  if (call.stack.length === 0) return call.sdk ? { ...APP, id: call.sdk, name: call.sdk, kind: 'sdk' } : APP;
  const frame = call.stack.find((f) => !isFrameworkFrame(f));
  if (frame === undefined) return null;
  const clean = cleanFrame(frame);
  const org = organisationForFrame(clean);
  return org ? { kind: 'sdk', id: org.id, name: org.name, org, frame: clean } : { ...APP, frame: clean };
}

/**
 * Index of the first item after `t` (t > `t`, or t >= `t` when `inclusive`) in a list in time order;
 * `items.length` when there is none. Rules use it instead of `find` over every marker per denial, read
 * or window: a long session has thousands of each.
 */
export function firstFrom(items: readonly { t: number }[], t: number, inclusive = false): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const mt = (items[mid] as { t: number }).t;
    if (inclusive ? mt < t : mt <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** "0.8 s", "12 s", "2 min 5 s". */
export function fmtT(ms: number): string {
  if (ms < 10_000) return `${(Math.round(ms / 100) / 10).toString()} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
}

/** "a", "a and b", "a, b and c". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] as string}`;
}

/** Capitalises the first letter (sentences start with "the app …"). */
export function sentence(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Event ids in time order without duplicates, capped (a finding cites proof, not every repeat). */
export function evidenceIds(ids: Iterable<number>, max = MAX_EVIDENCE): number[] {
  const out = [...new Set(ids)];
  return out.length > max ? out.slice(0, max) : out;
}

export const MAX_EVIDENCE = 50;

/** Lower-case registrable domain of a host, or the host for IP literals. */
export function registrableDomain(host: string): string {
  const h = host.toLowerCase();
  return getDomain(h) ?? h;
}
