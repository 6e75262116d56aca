/**
 * Bounded summaries of arguments and return values, as the app saw them. Values are either Java
 * objects behind frida-java-bridge (methods such as `getLatitude()`, fields as `{ value }`) or, in the
 * sim, plain JS values; every summariser accepts both. A summariser never throws: a failure is
 * recorded in the summary itself.
 */
import type { SummariserName } from '../catalogue/types.ts';
import { utf8Decode, utf8Encode } from './utf8.ts';

export const LIMITS = {
  /** Characters kept of any string. */
  string: 512,
  /** Items kept of any list. */
  items: 50,
  /** Package names kept of a package list (identity matching needs names, not objects). */
  packages: 300,
  /** Bytes kept (as hex) of a byte array. */
  bytes: 256,
  /** Keys kept of a plain object. */
  keys: 20,
  /** Nesting depth of generic summaries. */
  depth: 3,
};

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null;
}

function hasFn(v: unknown, name: string): boolean {
  return isObject(v) && typeof v[name] === 'function';
}

/** Calls `v[name]()` when it is a method; undefined otherwise. */
export function callOpt(v: unknown, name: string): unknown {
  if (!hasFn(v, name)) return undefined;
  return ((v as Obj)[name] as () => unknown).call(v);
}

/** A field of a Java wrapper (`{ value }`) or a plain property. */
export function fieldOpt(v: unknown, name: string): unknown {
  if (!isObject(v)) return undefined;
  const f = v[name];
  if (isObject(f) && 'value' in f && !Array.isArray(f)) return f.value;
  return f;
}

export function truncate(s: string, max = LIMITS.string): string {
  return s.length <= max ? s : `${s.slice(0, max)}…[+${s.length - max}]`;
}

/** Java objects (and sim objects) that have their own toString. */
function javaString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (hasFn(v, 'toString')) return String((v as { toString(): unknown }).toString());
  return String(v);
}

function isJavaWrapper(v: unknown): boolean {
  return isObject(v) && typeof v.$className === 'string';
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return (
    Array.isArray(v) ||
    ArrayBuffer.isView(v) ||
    (isObject(v) && typeof v.length === 'number' && !hasFn(v, 'size') && (v.length === 0 || 0 in v))
  );
}

/** Items of a JS array, Java array, java.util.List or Collection (bounded), and the total count. */
export function itemsOf(v: unknown, max = LIMITS.items): { count: number; items: unknown[] } | undefined {
  if (isArrayLike(v)) {
    const items: unknown[] = [];
    for (let i = 0; i < Math.min(v.length, max); i++) items.push(v[i]);
    return { count: v.length, items };
  }
  if (hasFn(v, 'size') && hasFn(v, 'get')) {
    const count = Number(callOpt(v, 'size'));
    const items: unknown[] = [];
    const get = (v as Obj).get as (i: number) => unknown;
    for (let i = 0; i < Math.min(count, max); i++) items.push(get.call(v, i));
    return { count, items };
  }
  if (hasFn(v, 'size') && hasFn(v, 'toArray')) {
    const arr = callOpt(v, 'toArray');
    if (isArrayLike(arr)) return itemsOf(arr, max);
  }
  if (v instanceof Set) return itemsOf([...v], max);
  return undefined;
}

function value(v: unknown, depth = 0): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
      return truncate(v);
    case 'number':
    case 'boolean':
      return v;
    case 'bigint':
      return v.toString();
    case 'function':
      return '[function]';
    default:
      break;
  }
  if (depth >= LIMITS.depth) return truncate(javaString(v), 80);
  if (isJavaWrapper(v) && !hasFn(v, 'size')) return truncate(javaString(v));
  const list = itemsOf(v);
  if (list !== undefined) {
    const items = list.items.map((x) => value(x, depth + 1));
    if (list.count > list.items.length) items.push(`…[+${list.count - list.items.length}]`);
    return items;
  }
  if (isJavaWrapper(v)) return truncate(javaString(v));
  const out: Obj = {};
  const keys = Object.keys(v as Obj);
  for (const k of keys.slice(0, LIMITS.keys)) out[k] = value((v as Obj)[k], depth + 1);
  if (keys.length > LIMITS.keys) out['…'] = keys.length - LIMITS.keys;
  return out;
}

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return truncate(javaString(v));
}

/** byte[] (Java array, Uint8Array, number[]) or a string standing in for one, as bytes 0–255. */
export function bytesOf(v: unknown): number[] | undefined {
  if (typeof v === 'string') return utf8Encode(v);
  if (!isArrayLike(v)) return undefined;
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const b = v[i];
    if (typeof b !== 'number') return undefined;
    out.push(b & 0xff);
  }
  return out;
}

function bytes(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const all = bytesOf(v);
  if (all === undefined) return value(v);
  const kept = all.slice(0, LIMITS.bytes);
  const hex = kept.map((b) => b.toString(16).padStart(2, '0')).join('');
  const summary: Obj = { length: all.length, hex };
  const truncated = all.length > kept.length;
  const text = utf8Decode(kept);
  // Text only when the bytes are valid UTF-8 without control characters (a multi-byte character cut by
  // truncation at the end is fine).
  const body = truncated ? text.replace(/\ufffd+$/, '') : text;
  const control = kept.some((b) => (b < 0x20 ? b !== 0x09 && b !== 0x0a && b !== 0x0d : b === 0x7f));
  if (kept.length > 0 && !control && !body.includes('\ufffd')) summary.text = body;
  if (truncated) summary.truncated = true;
  return summary;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function location(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (hasFn(v, 'getLatitude')) {
    return {
      lat: num(callOpt(v, 'getLatitude')),
      lon: num(callOpt(v, 'getLongitude')),
      accuracy: num(callOpt(v, 'getAccuracy')),
      provider: str(callOpt(v, 'getProvider')),
    };
  }
  if (isObject(v)) {
    const lat = num(v.lat ?? v.latitude);
    const lon = num(v.lon ?? v.lng ?? v.longitude);
    if (lat !== undefined && lon !== undefined) return { lat, lon };
  }
  return value(v);
}

/** Package name of a PackageInfo, ApplicationInfo, ResolveInfo, RunningAppProcessInfo or a plain name. */
export function packageNameOf(item: unknown): string | null {
  if (typeof item === 'string') return item;
  if (!isObject(item)) return null;
  const direct = fieldOpt(item, 'packageName');
  if (typeof direct === 'string') return direct;
  for (const holder of ['activityInfo', 'serviceInfo', 'applicationInfo']) {
    const inner = fieldOpt(item, holder);
    const name = isObject(inner) ? fieldOpt(inner, 'packageName') : undefined;
    if (typeof name === 'string') return name;
  }
  const process = fieldOpt(item, 'processName');
  if (typeof process === 'string') return process;
  return null;
}

function packages(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const list = itemsOf(v, LIMITS.packages);
  if (list === undefined) {
    const single = packageNameOf(v);
    return single === null ? value(v) : { count: 1, names: [single] };
  }
  const names = list.items.map(packageNameOf).filter((n): n is string => n !== null);
  return { count: list.count, names };
}

function list(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const l = itemsOf(v);
  if (l === undefined) return value(v);
  return { count: l.count, items: l.items.map((x) => value(x, 1)) };
}

/** Target of an Intent: action, explicit package/component, data URI. */
export function intentParts(
  v: unknown,
): { action: string | null; package: string | null; component: string | null; data: string | null } | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return { action: v, package: null, component: null, data: null };
  if (hasFn(v, 'getAction')) {
    const component = callOpt(v, 'getComponent');
    return {
      action: str(callOpt(v, 'getAction')),
      package: str(callOpt(v, 'getPackage')),
      component:
        component === null || component === undefined
          ? null
          : str(callOpt(component, 'flattenToString') ?? component),
      data: str(callOpt(v, 'getDataString')),
    };
  }
  if (isObject(v)) {
    const s = (x: unknown): string | null => (typeof x === 'string' ? x : null);
    return { action: s(v.action), package: s(v.package), component: s(v.component), data: s(v.data) };
  }
  return null;
}

function clip(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return { items: [truncate(v)] };
  if (hasFn(v, 'getItemCount')) {
    const n = Number(callOpt(v, 'getItemCount'));
    const items: (string | null)[] = [];
    for (let i = 0; i < Math.min(n, LIMITS.items); i++) {
      const item = ((v as Obj).getItemAt as (i: number) => unknown).call(v, i);
      items.push(str(callOpt(item, 'getText') ?? callOpt(item, 'getUri')));
    }
    return { items };
  }
  const l = itemsOf(v);
  if (l !== undefined) return { items: l.items.map(str) };
  if (isObject(v) && 'text' in v) return { items: [str(v.text)] };
  return value(v);
}

function wifiInfo(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (hasFn(v, 'getSSID')) {
    return {
      ssid: str(callOpt(v, 'getSSID')),
      bssid: str(callOpt(v, 'getBSSID')),
      mac: str(callOpt(v, 'getMacAddress')),
      ip: num(callOpt(v, 'getIpAddress')),
    };
  }
  return value(v);
}

function cursor(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (hasFn(v, 'getCount')) return { rows: num(callOpt(v, 'getCount')) };
  if (typeof v === 'number') return { rows: v };
  const l = itemsOf(v);
  if (l !== undefined) return { rows: l.count, items: l.items.slice(0, 10).map((x) => value(x, 1)) };
  return value(v);
}

function sensor(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (hasFn(v, 'getType')) return { type: num(callOpt(v, 'getType')), name: str(callOpt(v, 'getName')) };
  if (typeof v === 'number') return { type: v };
  return value(v);
}

const SUMMARISE: Record<SummariserName, (v: unknown) => unknown> = {
  value: (v) => value(v),
  string: str,
  bytes,
  location,
  packages,
  list,
  uri: str,
  intent: (v) => intentParts(v) ?? value(v),
  clip,
  wifiInfo,
  cursor,
  sensor,
  none: () => '[not recorded]',
};

/** Summarises `v` with the named summariser; a failure becomes `{ error }` rather than an exception. */
export function summarise(name: SummariserName, v: unknown): unknown {
  try {
    return SUMMARISE[name](v);
  } catch (err) {
    return { error: `summary failed: ${truncate(err instanceof Error ? err.message : String(err), 200)}` };
  }
}

/** Summaries of an argument list under a row's `args` spec. */
export function summariseArgs(
  spec: SummariserName | SummariserName[] | undefined,
  args: unknown[],
): unknown[] {
  return args.map((a, i) => summarise((Array.isArray(spec) ? spec[i] : spec) ?? 'value', a));
}
