import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Identity } from '../../config/identity.ts';

/**
 * `${name}` and `${name|filter|filter}` in model strings. Names are the model's variables (set with
 * `set:` or a call's `as:`) first, then identity.json fields as the device holds them now (honey data
 * included): imei, meid, imsi, iccid, androidId, serial, wifiMac, bluetoothMac, bssid, ssid,
 * phoneNumber, adId, oaid, email, location, contacts, clipboard, sms, deviceName, installedPackages,
 * plus `pkg` and `now` (epoch ms). Filters run left to right.
 */
export const FILTERS: Readonly<Record<string, (s: string) => string>> = {
  plain: (s) => s,
  url: (s) => encodeURIComponent(s),
  base64: (s) => Buffer.from(s, 'utf8').toString('base64'),
  md5: (s) => createHash('md5').update(s).digest('hex'),
  sha1: (s) => createHash('sha1').update(s).digest('hex'),
  sha256: (s) => createHash('sha256').update(s).digest('hex'),
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  /** MAC without separators, as many SDKs send it. */
  nocolon: (s) => s.replace(/[:-]/g, ''),
  /** A JSON string literal (quotes included). */
  json: (s) => JSON.stringify(s),
};

const PLACEHOLDER = /\$\{([\w.]+)((?:\|\w+)*)\}/g;

/** A value as text: lists joined with commas, location as `lat,lon`, other objects as JSON. */
export function asText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v))
    return v.every((x) => typeof x !== 'object' || x === null) ? v.join(',') : JSON.stringify(v);
  const o = v as Record<string, unknown>;
  if (typeof o.lat === 'number' && typeof o.lon === 'number') return `${o.lat},${o.lon}`;
  if (typeof o.packageName === 'string') return o.packageName;
  return JSON.stringify(v);
}

export interface TemplateScope {
  vars: ReadonlyMap<string, unknown>;
  identity: () => Identity;
  pkg: string;
}

function lookup(name: string, scope: TemplateScope): unknown {
  if (scope.vars.has(name)) return scope.vars.get(name);
  if (name === 'pkg') return scope.pkg;
  if (name === 'now') return Date.now();
  const id = scope.identity() as unknown as Record<string, unknown>;
  const v = id[name];
  if (v === undefined) throw new Error(`unknown template name '${name}'`);
  // Single-valued identifiers (imei, imsi …) are lists in identity.json: the app sees the first.
  if (
    Array.isArray(v) &&
    ['imei', 'meid', 'imsi', 'iccid', 'phoneNumber', 'email', 'clipboard'].includes(name)
  )
    return v[0] ?? '';
  return v;
}

export function renderTemplate(text: string, scope: TemplateScope): string {
  return text.replace(PLACEHOLDER, (_m, name: string, filters: string) => {
    let s = asText(lookup(name, scope));
    for (const f of filters.split('|').filter(Boolean)) {
      const fn = FILTERS[f];
      if (!fn) throw new Error(`unknown filter '${f}' (filters: ${Object.keys(FILTERS).join(', ')})`);
      s = fn(s);
    }
    return s;
  });
}

/** Templates every string inside a JSON-like value. */
export function renderDeep(v: unknown, scope: TemplateScope): unknown {
  if (typeof v === 'string') return renderTemplate(v, scope);
  if (Array.isArray(v)) return v.map((x) => renderDeep(x, scope));
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderDeep(x, scope)]));
  return v;
}

/**
 * A request body: templated, then encoded in the order given (`json`/`form` serialise a map;
 * `gzip` compresses and sets Content-Encoding; `base64` encodes the bytes so far).
 */
export function encodeBody(
  body: unknown,
  encodings: readonly string[],
  scope: TemplateScope,
): { bytes: Buffer; headers: Record<string, string> } {
  const rendered = renderDeep(body ?? '', scope);
  const headers: Record<string, string> = {};
  let bytes: Buffer;
  let data: unknown = rendered;
  const order = [...encodings];
  if (typeof data !== 'string' && !order.includes('json') && !order.includes('form')) order.unshift('json');
  bytes = Buffer.from(typeof data === 'string' ? data : '', 'utf8');
  for (const e of order) {
    switch (e) {
      case 'json':
        bytes = Buffer.from(JSON.stringify(data), 'utf8');
        headers['content-type'] = 'application/json; charset=utf-8';
        break;
      case 'form': {
        const o = (data ?? {}) as Record<string, unknown>;
        bytes = Buffer.from(
          new URLSearchParams(Object.entries(o).map(([k, x]) => [k, asText(x)])).toString(),
        );
        headers['content-type'] = 'application/x-www-form-urlencoded';
        break;
      }
      case 'gzip':
        bytes = gzipSync(bytes);
        headers['content-encoding'] = 'gzip';
        break;
      case 'base64':
        bytes = Buffer.from(bytes.toString('base64'));
        break;
    }
    data = bytes.toString('utf8');
  }
  return { bytes, headers };
}
