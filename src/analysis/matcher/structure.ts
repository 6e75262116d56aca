/**
 * Structured layers a value can hide in, flattened into fields that the matcher scans one by one:
 * JSON (strings, numbers and keys, with a JSON path), form-urlencoded pairs, multipart parts, cookies.
 * Parsers here are lenient — they read what apps send, not what the RFCs allow.
 */

export interface JsonField {
  path: string;
  text: string;
  /** Set for JSON numbers. */
  num?: number;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

export function jsonChildPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return PLAIN_KEY.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** Leaves and keys of a parsed JSON document, depth-first, in document order. */
export function jsonFields(doc: unknown, root: string): JsonField[] {
  const out: JsonField[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string') out.push({ path, text: v });
    else if (typeof v === 'number') out.push({ path, text: String(v), num: v });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, jsonChildPath(path, i)));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const child = jsonChildPath(path, k);
        out.push({ path: child, text: k });
        walk(x, child);
      }
    }
  };
  walk(doc, root);
  return out;
}

export function startsLikeJson(buf: Uint8Array): boolean {
  let i = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
  for (; i < buf.length && i < 64; i++) {
    const b = buf[i];
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === 0x7b || b === 0x5b;
  }
  return false;
}

function hexValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

/** Percent-decodes bytes; malformed escapes stay as they are. */
export function percentDecode(buf: Uint8Array, plusAsSpace: boolean): Uint8Array {
  const out = new Uint8Array(buf.length);
  let o = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i] as number;
    if (b === 0x25) {
      const hi = hexValue(buf[i + 1]);
      const lo = hexValue(buf[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[o++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[o++] = plusAsSpace && b === 0x2b ? 0x20 : b;
  }
  return out.subarray(0, o);
}

export interface FormField {
  key: string;
  /** The value as sent. */
  raw: Uint8Array;
  /** Percent-decoded (`+` as space). */
  value: Uint8Array;
  /** The raw value held percent-escapes or `+`, so decoding changed it. */
  decoded: boolean;
}

/** `a=1&b=2` pairs, keys and values percent-decoded. */
export function formFields(buf: Uint8Array): FormField[] {
  const out: FormField[] = [];
  let start = 0;
  for (let i = 0; i <= buf.length; i++) {
    if (i < buf.length && buf[i] !== 0x26) continue;
    if (i > start) {
      const pair = buf.subarray(start, i);
      const eq = pair.indexOf(0x3d);
      const rawKey = eq === -1 ? pair : pair.subarray(0, eq);
      const rawValue = eq === -1 ? new Uint8Array(0) : pair.subarray(eq + 1);
      const decoded = rawValue.includes(0x25) || rawValue.includes(0x2b);
      out.push({
        key: Buffer.from(percentDecode(rawKey, true)).toString('utf8'),
        raw: rawValue,
        value: decoded ? percentDecode(rawValue, true) : rawValue,
        decoded,
      });
    }
    start = i + 1;
  }
  return out;
}

/**
 * Cheap check on the first bytes: `key=value&…` with no whitespace, where the first `=` follows a short
 * key and is not base64 padding (`…bQ==`).
 */
export function looksLikeForm(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, 512);
  let firstEquals = -1;
  for (let i = 0; i < n; i++) {
    const b = buf[i] as number;
    if (b <= 0x20 || b >= 0x7f || b === 0x22 || b === 0x7b || b === 0x5b || b === 0x3c) return false;
    if (b === 0x3d && firstEquals === -1) firstEquals = i;
  }
  if (firstEquals < 1 || firstEquals > 128) return false;
  const after = buf[firstEquals + 1];
  return after !== 0x3d && (after !== undefined || buf.includes(0x26));
}

export interface CookiePair {
  name: string;
  value: string;
}

/** Pairs of a `Cookie` request header. */
export function cookiePairs(header: string): CookiePair[] {
  const out: CookiePair[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name) out.push({ name, value });
  }
  return out;
}

/** The boundary parameter of a multipart Content-Type, if any. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return null;
  const m = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? ((m[1] ?? m[2]) as string) : null;
}

export interface MultipartPart {
  name: string | null;
  contentType: string | undefined;
  body: Uint8Array;
}

/** Parts of a multipart body; a missing closing delimiter ends the last part at the end of the buffer. */
export function multipartParts(buf: Uint8Array, boundary: string): MultipartPart[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const delim = Buffer.from(`--${boundary}`);
  const out: MultipartPart[] = [];
  let at = b.indexOf(delim);
  while (at !== -1) {
    let partStart = at + delim.length;
    if (b[partStart] === 0x2d && b[partStart + 1] === 0x2d) break; // closing delimiter
    if (b[partStart] === 0x0d) partStart++;
    if (b[partStart] === 0x0a) partStart++;
    const next = b.indexOf(delim, partStart);
    let partEnd = next === -1 ? b.length : next;
    if (b[partEnd - 1] === 0x0a) partEnd--;
    if (b[partEnd - 1] === 0x0d) partEnd--;
    const part = b.subarray(partStart, Math.max(partStart, partEnd));
    let headerEnd = part.indexOf('\r\n\r\n');
    let bodyStart = headerEnd + 4;
    if (headerEnd === -1) {
      headerEnd = part.indexOf('\n\n');
      bodyStart = headerEnd + 2;
    }
    const head = headerEnd === -1 ? '' : part.subarray(0, headerEnd).toString('utf8');
    const name = /content-disposition:[^\n]*?\bname="([^"]*)"/i.exec(head)?.[1] ?? null;
    const contentType = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim();
    out.push({ name, contentType, body: headerEnd === -1 ? part : part.subarray(bodyStart) });
    at = next;
  }
  return out;
}

const SIMPLE_ESCAPES: Record<number, number> = {
  0x22: 0x22,
  0x5c: 0x5c,
  0x2f: 0x2f,
  0x62: 0x08,
  0x66: 0x0c,
  0x6e: 0x0a,
  0x72: 0x0d,
  0x74: 0x09,
};

function hex4(b: Uint8Array, at: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const h = hexValue(b[at + k]);
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

/**
 * The text of a JSON document with its string escapes undone (`\"`, `\/`, `\uXXXX` …), structure left in
 * place: one cheap view to learn whether escaped strings hide anything before paying for a full parse.
 */
export function unescapeJsonText(buf: Uint8Array): Uint8Array {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let i = b.indexOf(0x5c);
  if (i === -1) return buf;
  const out = Buffer.allocUnsafe(b.length);
  let o = 0;
  let from = 0;
  while (i !== -1) {
    o += b.copy(out, o, from, i);
    const c = b[i + 1] as number;
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) {
      out[o++] = simple;
      from = i + 2;
    } else if (c === 0x75) {
      let cp = hex4(b, i + 2);
      from = i + 6;
      if (cp >= 0xd800 && cp <= 0xdbff && b[i + 6] === 0x5c && b[i + 7] === 0x75) {
        const lo = hex4(b, i + 8);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          from = i + 12;
        }
      }
      if (cp < 0) {
        out[o++] = 0x5c;
        from = i + 1;
      } else {
        o += out.write(String.fromCodePoint(cp), o, 'utf8');
      }
    } else {
      out[o++] = 0x5c;
      from = i + 1;
    }
    i = b.indexOf(0x5c, from);
  }
  o += b.copy(out, o, from);
  return out.subarray(0, o);
}
