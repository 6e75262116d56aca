import { createHash } from 'node:crypto';
import type { Identity } from '../../config/identity.ts';
import { splitCallingCode } from '../data/calling-codes.ts';
import { IDENTITY_FIELD_INFO, PLACEHOLDER_VALUES, type IdentityValueKind } from '../data/identity-fields.ts';
import { base64Cores, type Base64Edge } from './base64.ts';

/**
 * Every way an identity value may appear in traffic, as literal strings for the automaton: normalised
 * forms (case, separators, country codes), each written plain, URL-encoded, hex and base64 (at the three
 * byte alignments), and digested (md5 … sha512, hex in both cases and base64) — the digests of the value
 * as given and of its normalised forms, since SDKs hash whichever form they read.
 */

export const DIGESTS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

export interface VariantOwner {
  /** Identity field. */
  type: string;
  /** How the variant encodes the value: `plain`, `url`, `hex`, `base64`, `base64url`, `md5-hex`, … */
  encoding: string;
  /** For base64 runs: bits the neighbouring characters must carry. */
  edge?: Base64Edge;
}

export interface Variant {
  text: string;
  owners: VariantOwner[];
  /** All digits: must not touch other digits, so an IMEI inside a longer number does not count. */
  digitBoundary: boolean;
}

export interface SeedValue {
  type: string;
  kind: IdentityValueKind;
  value: string;
}

/** The non-empty, non-placeholder values of an identity, with the field they came from. */
export function identityValues(identity: Identity): SeedValue[] {
  const out: SeedValue[] = [];
  const push = (type: string, value: string | undefined, kind?: IdentityValueKind): void => {
    const v = (value ?? '').trim();
    if (v.length === 0 || PLACEHOLDER_VALUES.includes(v.toLowerCase())) return;
    out.push({ type, kind: kind ?? IDENTITY_FIELD_INFO[type]?.kind ?? 'text', value: v });
  };
  for (const [field, value] of Object.entries(identity)) {
    if (field === 'location' || field === 'contacts') continue;
    if (Array.isArray(value)) for (const v of value) push(field, String(v));
    else if (typeof value === 'string') push(field, value);
  }
  for (const c of identity.contacts) {
    push('contacts', c.name, 'text');
    push('contacts', c.phone, 'phone');
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function caseForms(v: string): string[] {
  return [v, v.toLowerCase(), v.toUpperCase()];
}

/** Normalised forms of one value; all of them are also hashed. */
export function formsOf(kind: IdentityValueKind, value: string): string[] {
  switch (kind) {
    case 'id': {
      const forms = caseForms(value);
      if (UUID.test(value)) forms.push(...caseForms(value.replace(/-/g, '')));
      return unique(forms);
    }
    case 'mac': {
      const hex = value.replace(/[^0-9a-f]/gi, '');
      if (hex.length !== 12) return unique(caseForms(value));
      const pairs = hex.match(/../g) as string[];
      const forms = [value];
      for (const sep of [':', '-', '']) forms.push(...caseForms(pairs.join(sep)).slice(1));
      return unique(forms);
    }
    case 'phone': {
      const digits = value.replace(/\D/g, '');
      if (value.startsWith('+') || digits.startsWith('00')) {
        const intl = value.startsWith('+') ? digits : digits.slice(2);
        const { national } = splitCallingCode(intl);
        return unique([value, `+${intl}`, intl, `00${intl}`, national, `0${national}`]);
      }
      const forms = [value, digits];
      if (digits.startsWith('0')) forms.push(digits.slice(1));
      return unique(forms);
    }
    case 'email':
      return unique([value, value.toLowerCase()]);
    case 'ssid':
      return [value.replace(/^"(.*)"$/, '$1')];
    case 'text':
      return unique([value, value.toLowerCase()]);
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Builds the variant table of an identity; values (and forms) shorter than `minLength` are left out. */
export function buildVariants(identity: Identity, minLength: number): Map<string, Variant> {
  const table = new Map<string, Variant>();
  const add = (text: string, owner: VariantOwner): void => {
    let v = table.get(text);
    if (!v) {
      v = { text, owners: [], digitBoundary: /^[0-9]+$/.test(text) };
      table.set(text, v);
    }
    const same = v.owners.find(
      (o) => o.type === owner.type && o.encoding === owner.encoding && sameEdge(o.edge, owner.edge),
    );
    if (!same) v.owners.push(owner);
  };

  for (const { type, kind, value } of identityValues(identity)) {
    const forms = formsOf(kind, value).filter((f) => charLength(f) >= minLength);
    for (const form of forms) {
      add(form, { type, encoding: 'plain' });
      const url = encodeURIComponent(form);
      if (url !== form) {
        add(url, { type, encoding: 'url' });
        add(
          url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
          { type, encoding: 'url' },
        );
        if (url.includes('%20')) add(url.replace(/%20/g, '+'), { type, encoding: 'url' });
      }
      const bytes = Buffer.from(form, 'utf8');
      const hex = bytes.toString('hex');
      add(hex, { type, encoding: 'hex' });
      add(hex.toUpperCase(), { type, encoding: 'hex' });
      for (const core of base64Cores(bytes)) {
        add(core.text, { type, encoding: core.alphabet === 'std' ? 'base64' : 'base64url', edge: core.edge });
      }
      for (const alg of DIGESTS) {
        const digest = createHash(alg).update(form, 'utf8').digest();
        const dhex = digest.toString('hex');
        add(dhex, { type, encoding: `${alg}-hex` });
        add(dhex.toUpperCase(), { type, encoding: `${alg}-hex` });
        for (const core of base64Cores(digest, [0])) {
          add(core.text, {
            type,
            encoding: `${alg}-${core.alphabet === 'std' ? 'base64' : 'base64url'}`,
            edge: core.edge,
          });
        }
      }
    }
  }
  return table;
}

function sameEdge(a: Base64Edge | undefined, b: Base64Edge | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
