import type { Match, MatchWhere } from '../../evidence/types.ts';
import { log } from '../../log.ts';
import {
  decodeContent,
  decodeOne,
  looksLikeGzip,
  looksLikeZlib,
  type DecodeLimits,
} from '../../traffic/decode.ts';
import { base64EdgeHolds, base64RunEnd, isBase64Char } from './base64.ts';
import type { CompiledIdentity } from './compile.ts';
import { pairCoordinates, readCoordinate, type Coordinate } from './location.ts';
import { viewProtobuf } from './proto-layer.ts';
import { decodeProtobuf, grpcFrames, mightBeProtobuf } from './protobuf.ts';
import { adjacentPairs, readScaled, scaledHoldersInJson } from './scaled.ts';
import {
  cookiePairs,
  formFields,
  jsonChildPath,
  jsonFields,
  looksLikeForm,
  multipartBoundary,
  multipartParts,
  percentDecode,
  startsLikeJson,
  unescapeJsonText,
} from './structure.ts';

/**
 * The scanning engine. Every buffer gets one automaton pass; what the pass finds decides which layers
 * are opened next (so a body with nothing interesting costs one pass):
 * - compressed bytes (gzip/zlib magic) are inflated, bounded, and scanned again;
 * - JSON and forms are parsed only when the pass found something to attribute to a field, or when the
 *   text holds escapes the pass cannot see through; their fields are then scanned one by one;
 * - base64 runs are decoded only when they start like compressed data or JSON (automaton triggers) —
 *   plain values inside base64 are already found by the alignment variants without decoding.
 * The encoding chain grows with each layer opened, outermost first.
 */

export interface RequestInput {
  method: string;
  url: string;
  headers: [string, string][];
  body?: Uint8Array | null;
}

interface Place {
  where: MatchWhere;
  path?: string;
  chain: string[];
  depth: number;
}

/** What the buffer is said (or known) to be; `binary` = opaque bytes already tried as protobuf. */
type Hint = 'json' | 'form' | 'query' | 'protobuf' | 'grpc' | 'binary' | { boundary: string } | undefined;

interface Ctx {
  ci: CompiledIdentity;
  matches: Match[];
  seen: Set<string>;
  budget: number;
}

/** Shortest base64 run worth decoding: 12 bytes, the smallest gzip member or JSON object worth a look. */
const MIN_BLOB_CHARS = 16;

const utf8 = new TextDecoder('utf-8', { fatal: false });

function encodingOf(chain: string[], last: string): string {
  if (chain.length === 0) return last;
  return last === 'plain' ? chain.join('>') : `${chain.join('>')}>${last}`;
}

/** One match per identity field and place: the first (outermost, longest) way it was found there. */
function report(ctx: Ctx, m: Match): void {
  const key = `${m.type}\u0000${m.where}\u0000${m.path ?? ''}`;
  if (ctx.seen.has(key)) return;
  ctx.seen.add(key);
  ctx.matches.push(m);
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

interface PassResult {
  values: { type: string; encoding: string; text: string; start: number; end: number }[];
  blobs: number[];
  coords: Coordinate[];
  /** Readings of integers as scaled coordinates (E6/E7); they count only in pairs (scaled.ts). */
  scaled: Coordinate[];
}

function pass(ctx: Ctx, buf: Uint8Array): PassResult {
  const result: PassResult = { values: [], blobs: [], coords: [], scaled: [] };
  const { patterns, location } = ctx.ci;
  ctx.ci.automaton.scan(buf, (id, start, end) => {
    const p = patterns[id];
    if (!p) return;
    if (p.kind === 'value') {
      if (p.digitBoundary && (isDigit(buf[start - 1]) || isDigit(buf[end]))) return;
      for (const o of p.owners) {
        if (o.edge && !base64EdgeHolds(buf, start, end, o.edge)) continue;
        result.values.push({ type: o.type, encoding: o.encoding, text: p.text, start, end });
      }
    } else if (p.kind === 'blob') {
      // Only the start of a run long enough to hold a layer (a trigger inside a run is just data).
      if (!isBase64Char(buf[start - 1]) && base64RunEnd(buf, start) - start >= MIN_BLOB_CHARS) {
        result.blobs.push(start);
      }
    } else if (p.kind === 'scaled') {
      if (location) result.scaled.push(...readScaled(buf, start, location));
    } else if (location) {
      const c = readCoordinate(buf, start, location);
      if (c) result.coords.push(c);
    }
  });
  return result;
}

/**
 * Whether decoding a buffer would show anything the raw pass could not: then the structure is opened.
 * Only the regions around the bytes that start an escape (`\\` in JSON, `%` and `+` in forms) are decoded
 * and scanned — anything elsewhere was already visible to the raw pass.
 */
function reveals(
  ctx: Ctx,
  buf: Uint8Array,
  markers: number[],
  decode: (slice: Uint8Array) => Uint8Array,
): boolean {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const positions: number[] = [];
  for (const m of markers) for (let i = b.indexOf(m); i !== -1; i = b.indexOf(m, i + 1)) positions.push(i);
  if (positions.length === 0) return false;
  if (markers.length > 1) positions.sort((x, y) => x - y);
  // Escapes closer than this merge into one region, and a value's unescaped parts are no longer than
  // the longest pattern, so any value that contains an escape lies inside one region.
  const w = ctx.ci.longestPattern + 1;
  let i = 0;
  while (i < positions.length) {
    const from = Math.max(0, (positions[i] as number) - w);
    let to = Math.min(b.length, (positions[i] as number) + w);
    while (i + 1 < positions.length && (positions[i + 1] as number) - w <= to) {
      i++;
      to = Math.min(b.length, (positions[i] as number) + w);
    }
    i++;
    const seen = pass(ctx, decode(b.subarray(from, to)));
    if (seen.values.length > 0 || seen.coords.length > 0 || seen.blobs.length > 0) return true;
  }
  return false;
}

function spend(ctx: Ctx, bytes: number): boolean {
  if (bytes > ctx.budget) return false;
  ctx.budget -= bytes;
  return true;
}

function decodeLimits(ctx: Ctx): DecodeLimits {
  return { maxOutputBytes: Math.max(0, ctx.budget), maxRatio: 1000, ratioFloorBytes: 1024 * 1024 };
}

/** Scans one buffer at one place, opening the layers it holds. */
function scanBuffer(ctx: Ctx, buf: Uint8Array, place: Place, hint?: Hint): void {
  // Nothing shorter than minLength can hold a value on its own, nor a precise "lat,lon" pair.
  if (buf.length < ctx.ci.options.minLength) return;
  const deeper = place.depth < ctx.ci.options.maxDepth;

  // A compressed buffer without a Content-Encoding saying so (inside base64, multipart, or mislabelled).
  if (deeper && (looksLikeGzip(buf) || (buf[0] === 0x78 && looksLikeZlib(buf)))) {
    const coding = looksLikeGzip(buf) ? 'gzip' : 'deflate';
    try {
      const inner = decodeOne(buf, coding, decodeLimits(ctx));
      if (spend(ctx, inner.length)) {
        scanBuffer(ctx, inner, { ...place, chain: [...place.chain, coding], depth: place.depth + 1 });
        return;
      }
    } catch (err) {
      log.debug({ err, coding }, 'matcher: compressed-looking data did not inflate; scanning it as is');
    }
  }

  const found = pass(ctx, buf);
  const interesting = found.values.length > 0 || found.coords.length > 0 || found.scaled.length >= 2;
  let fields: Field[] | null = null;
  let form = false;

  if (deeper && (hint === 'protobuf' || hint === 'grpc' || (hint === undefined && mightBeProtobuf(buf)))) {
    // Strings sit in protobuf as they are: unless the pass saw something to attribute to a field, only
    // the numbers and the fields the pass cannot see into need a look.
    fields = openProtobuf(ctx, buf, place, hint === 'grpc', interesting || found.blobs.length > 0);
  }

  if (fields) {
    // Read as protobuf above.
  } else if (deeper && typeof hint === 'object') {
    fields = multipartParts(buf, hint.boundary).map((part, i) => ({
      path: childPath(place.path, part.name ?? `part${i}`),
      bytes: part.body,
      chain: [...place.chain, 'multipart'],
      hint: bodyHint(part.contentType),
    }));
  } else if (deeper && (hint === 'json' || (hint === undefined && startsLikeJson(buf)))) {
    if (
      interesting ||
      found.blobs.length > 0 ||
      reveals(ctx, buf, [0x5c], (slice) => unescapeJsonText(slice))
    ) {
      const json = openJson(buf, place);
      if (json) {
        fields = json.fields;
        if (found.scaled.length >= 2) reportScaledInJson(ctx, json.doc, place);
      }
    }
  } else if (
    deeper &&
    (hint === 'form' ||
      hint === 'query' ||
      (hint === undefined && (interesting || buf.includes(0x25)) && looksLikeForm(buf)))
  ) {
    if (
      interesting ||
      found.blobs.length > 0 ||
      reveals(ctx, buf, [0x25, 0x2b], (slice) => percentDecode(slice, true))
    ) {
      form = true;
      const chain = hint === 'form' ? [...place.chain, 'form'] : place.chain;
      // A form is URL-encoded by definition: read its decoded values first. A query string is read as
      // sent first, so a value the app did not encode is not labelled `url`.
      fields = formFields(buf).map((f): Field => {
        const path = childPath(place.path, f.key);
        if (!f.decoded) return { path, bytes: f.raw, chain };
        return hint === 'form'
          ? { path, bytes: f.value, chain, also: { bytes: f.raw, chain } }
          : { path, bytes: f.raw, chain, also: { bytes: f.value, chain: [...chain, 'url'] } };
      });
    }
  }

  let values = found.values;
  if (fields) {
    const before = ctx.matches.length;
    for (const f of fields) {
      const at: Place = { where: place.where, path: f.path, chain: f.chain, depth: place.depth + 1 };
      scanBuffer(ctx, f.bytes, at, f.hint);
      if (f.also) scanBuffer(ctx, f.also.bytes, { ...at, chain: f.also.chain }, f.hint);
    }
    const inFields = new Set(ctx.matches.slice(before).map((m) => m.type));
    // Latitude and longitude in separate fields: pair them at the level of the whole document (and for
    // scaled integers, of a form: one flat object).
    if (!inFields.has('location')) reportLocation(ctx, found.coords, place, fields);
    if (form && !inFields.has('location')) reportLocation(ctx, found.scaled, place, fields);
    // What the raw pass saw but no field showed (a structure that only looked like one) is still reported.
    values = found.values.filter((v) => !inFields.has(v.type));
    if (values.length === 0) return;
  }

  // Decode base64 runs first: a value found inside a decoded run is reported once, through the decoding
  // (with its JSON path), not again as the alignment variant seen in the raw run.
  const opened = deeper && !fields ? openBase64Blobs(ctx, buf, found.blobs, place) : [];
  values.sort((a, b) => b.end - b.start - (a.end - a.start));
  for (const v of values) {
    if (opened.some((b) => b.types.has(v.type) && v.start >= b.start && v.end <= b.end)) continue;
    report(ctx, {
      type: v.type,
      encoding: encodingOf(place.chain, v.encoding),
      where: place.where,
      ...pathOf(place),
      value: v.text,
    });
  }
  if (fields) return;
  reportLocation(ctx, found.coords, place, null);
  if (found.scaled.length >= 2) reportLocation(ctx, adjacentPairs(buf, found.scaled), place, null);
}

interface Field {
  path: string;
  bytes: Uint8Array;
  chain: string[];
  num?: number;
  hint?: Hint;
  /** The same field read another way (raw or percent-decoded), for what the first reading did not show. */
  also?: { bytes: Uint8Array; chain: string[] };
}

function pathOf(place: Place): { path?: string } {
  return place.path === undefined ? {} : { path: place.path };
}

function childPath(parent: string | undefined, key: string): string {
  return parent === undefined ? key : `${parent}.${key}`;
}

function openJson(buf: Uint8Array, place: Place): { doc: unknown; fields: Field[] } | null {
  let doc: unknown;
  try {
    doc = JSON.parse(utf8.decode(buf));
  } catch (err) {
    log.debug(
      { err: (err as Error).message },
      'matcher: JSON-looking buffer does not parse; scanning it as text',
    );
    return null;
  }
  const chain = [...place.chain, 'json'];
  const fields = jsonFields(doc, place.path ?? '$').map((f) => ({
    path: f.path,
    bytes: Buffer.from(f.text, 'utf8'),
    chain,
    ...(f.num === undefined ? {} : { num: f.num }),
  }));
  return { doc, fields };
}

/** Scaled-integer pairs among the direct members of one JSON object or array. */
function reportScaledInJson(ctx: Ctx, doc: unknown, place: Place): void {
  const target = ctx.ci.location;
  if (!target) return;
  for (const holder of scaledHoldersInJson(doc, place.path ?? '$', target, jsonChildPath)) {
    const pair = pairCoordinates(
      holder.members.flatMap((m) => m.cands),
      target,
    );
    if (!pair) continue;
    const key = holder.members.find((m) => m.cands.includes(pair.lat))?.key ?? 0;
    reportPair(ctx, place, jsonChildPath(holder.path, key), [...place.chain, 'json'], pair);
  }
}

function reportPair(
  ctx: Ctx,
  place: Place,
  path: string | undefined,
  chain: string[],
  pair: { lat: Coordinate; lon: Coordinate },
): void {
  const [first, second] = pair.lat.start < pair.lon.start ? [pair.lat, pair.lon] : [pair.lon, pair.lat];
  report(ctx, {
    type: 'location',
    encoding: encodingOf(chain, pair.lat.encoding ?? 'plain'),
    where: place.where,
    ...(path === undefined ? {} : { path }),
    value: `${first.text},${second.text}`,
  });
}

/**
 * Reads a buffer as protobuf (or gRPC frames of protobuf): reports the numbers and coordinate pairs its
 * messages hold, and returns its string and bytes fields for scanning; null when it is not protobuf.
 */
function openProtobuf(
  ctx: Ctx,
  buf: Uint8Array,
  place: Place,
  grpc: boolean,
  allLeaves: boolean,
): Field[] | null {
  const messages: { bytes: Uint8Array; root: string | undefined; chain: string[] }[] = [];
  const out: Field[] = [];
  if (grpc) {
    const frames = grpcFrames(buf);
    if (!frames) return null;
    frames.forEach((fr, i) => {
      const root = childPathOpt(place.path, frames.length > 1 ? `[${i}]` : undefined);
      if (fr.trailer) {
        out.push({ path: root ?? `[${i}]`, bytes: fr.bytes, chain: [...place.chain, 'grpc'] });
        return;
      }
      let bytes = fr.bytes;
      const chain = [...place.chain, 'grpc'];
      if (fr.compressed && looksLikeGzip(bytes)) {
        try {
          bytes = decodeOne(bytes, 'gzip', decodeLimits(ctx));
          chain.push('gzip');
          if (!spend(ctx, bytes.length)) return;
        } catch (err) {
          log.debug({ err }, 'matcher: compressed gRPC message did not inflate; skipping it');
          return;
        }
      }
      messages.push({ bytes, root, chain: [...chain, 'protobuf'] });
    });
  } else {
    messages.push({ bytes: buf, root: place.path, chain: [...place.chain, 'protobuf'] });
  }
  let decodedAny = grpc;
  for (const m of messages) {
    const decoded = decodeProtobuf(m.bytes);
    if (!decoded) continue;
    decodedAny = true;
    const view = viewProtobuf(decoded, m.root, ctx.ci.numbers, ctx.ci.location, allLeaves);
    for (const n of view.numbers) {
      report(ctx, {
        type: n.type,
        encoding: encodingOf(m.chain, n.encoding),
        where: place.where,
        path: n.path,
        value: n.value,
      });
    }
    for (const l of view.locations) {
      report(ctx, {
        type: 'location',
        encoding: encodingOf(m.chain, l.encoding),
        where: place.where,
        path: l.path,
        value: l.value,
      });
    }
    for (const leaf of view.leaves) {
      out.push({
        path: leaf.path,
        bytes: leaf.bytes,
        chain: m.chain,
        ...(leaf.text ? {} : { hint: 'binary' }),
      });
    }
  }
  return decodedAny ? out : null;
}

function childPathOpt(parent: string | undefined, key: string | undefined): string | undefined {
  if (key === undefined) return parent;
  return childPath(parent, key);
}

function reportLocation(ctx: Ctx, coords: Coordinate[], place: Place, fields: Field[] | null): void {
  const target = ctx.ci.location;
  if (!target || coords.length < 2) return;
  const pair = pairCoordinates(coords, target);
  if (!pair) return;
  let path = place.path;
  let chain = place.chain;
  if (fields) {
    const holder = fields.find((f) =>
      f.num !== undefined
        ? Math.abs(f.num - pair.lat.value) < 1e-12
        : Buffer.from(f.bytes).includes(pair.lat.text),
    );
    if (holder) {
      path = holder.path;
      chain = holder.chain;
    }
  }
  reportPair(ctx, place, path, chain, pair);
}

/** Decodes the base64 runs that start at trigger positions; returns each run with the fields found in it. */
function openBase64Blobs(
  ctx: Ctx,
  buf: Uint8Array,
  starts: number[],
  place: Place,
): { start: number; end: number; types: Set<string> }[] {
  const opened: { start: number; end: number; types: Set<string> }[] = [];
  let doneUntil = -1;
  for (const start of starts) {
    if (start < doneUntil) continue;
    const end = base64RunEnd(buf, start);
    doneUntil = end;
    const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
    const decoded = Buffer.from(text, 'base64');
    if (!spend(ctx, decoded.length)) break;
    const before = ctx.matches.length;
    scanBuffer(ctx, decoded, { ...place, chain: [...place.chain, 'base64'], depth: place.depth + 1 });
    opened.push({ start, end, types: new Set(ctx.matches.slice(before).map((m) => m.type)) });
  }
  return opened;
}

function headerValue(headers: [string, string][], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([k]) => k.toLowerCase() === lower)?.[1];
}

function bodyHint(contentType: string | undefined): Hint {
  if (!contentType) return undefined;
  const boundary = multipartBoundary(contentType);
  if (boundary) return { boundary };
  if (/[/+]json\b/i.test(contentType)) return 'json';
  if (/application\/x-www-form-urlencoded/i.test(contentType)) return 'form';
  if (/^\s*application\/grpc(-web)?(\+proto)?\s*(;|$)/i.test(contentType)) return 'grpc';
  if (/^\s*application\/(x-)?(vnd\.google\.)?proto(buf|buffer)?\s*(;|$)/i.test(contentType))
    return 'protobuf';
  return undefined;
}

/** Every identity value found in a request: URL, query, headers, cookies and body. */
export function scanRequest(ci: CompiledIdentity, req: RequestInput): Match[] {
  const ctx: Ctx = { ci, matches: [], seen: new Set(), budget: ci.options.maxDecodedBytes };
  const url = req.url.split('#', 1)[0] as string;
  const q = url.indexOf('?');
  const base = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);

  // Raw first, then URL-decoded for what only decoding reveals.
  const baseBytes = Buffer.from(base, 'utf8');
  scanBuffer(ctx, baseBytes, { where: 'url', chain: [], depth: 0 });
  if (base.includes('%'))
    scanBuffer(ctx, percentDecode(baseBytes, false), { where: 'url', chain: ['url'], depth: 0 });
  if (query) scanBuffer(ctx, Buffer.from(query, 'utf8'), { where: 'query', chain: [], depth: 0 }, 'query');

  for (const [name, value] of req.headers) {
    const lower = name.toLowerCase();
    if (lower === 'cookie') {
      for (const c of cookiePairs(value)) {
        const bytes = Buffer.from(c.value, 'utf8');
        const at: Place = { where: 'cookie', path: c.name, chain: [], depth: 0 };
        scanBuffer(ctx, bytes, at);
        if (c.value.includes('%')) scanBuffer(ctx, percentDecode(bytes, false), { ...at, chain: ['url'] });
      }
    } else {
      scanBuffer(ctx, Buffer.from(value, 'utf8'), { where: 'header', path: lower, chain: [], depth: 0 });
    }
  }

  if (req.body && req.body.length > 0) {
    let body: Uint8Array = req.body;
    let chain: string[] = [];
    const contentEncoding = headerValue(req.headers, 'content-encoding');
    if (contentEncoding) {
      const d = decodeContent(body, contentEncoding, decodeLimits(ctx));
      if (d.note) log.debug({ note: d.note }, 'matcher: request body only partly decoded');
      if (d.chain.length > 0 && spend(ctx, d.bytes.length)) {
        body = d.bytes;
        chain = d.chain;
      }
    }
    scanBuffer(
      ctx,
      body,
      { where: 'body', chain, depth: 0 },
      bodyHint(headerValue(req.headers, 'content-type')),
    );
  }
  return ctx.matches;
}
