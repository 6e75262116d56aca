import { STATUS_CODES } from 'node:http';
import type { Content, Cookie, Entry, Har, Header, PostData, Timings } from 'har-format';
import type { EvidenceStore } from '../evidence/store.ts';
import type { BodyRecord, Headers, StoredFlow } from '../evidence/types.ts';
import { failure } from '../errors.ts';
import { log } from '../log.ts';
import { APPWARDEN_VERSION } from '../version.ts';
import type { WsFrame } from './ws-flows.ts';

/** What the HAR writer reads: the stored timeline only, never live objects (DESIGN.md). */
export type HarSource = Pick<EvidenceStore, 'flows' | 'readBlob' | 'getSession'>;

/** HAR postData for bodies as sent; binary ones as base64 with `encoding` (as mitmproxy and HTTP Toolkit do). */
type SentPostData = PostData & { encoding?: 'base64' };

/**
 * HAR 1.2 of one session, in the shape Chrome DevTools imports: request bodies as sent, response
 * bodies decoded where possible, HAR timings, WebSocket frames as Chrome's `_webSocketMessages`,
 * and appwarden's own facts in `_`-prefixed fields (`_tls`, `_matches`, `_error`, `_flowId`, …).
 */
export function sessionToHar(store: HarSource, session: string): Har {
  const s = store.getSession(session);
  if (!s)
    throw failure(
      'export',
      `session ${session} as HAR`,
      'there is no such session',
      'List sessions with `appwarden sessions`.',
    );
  const flows = store.flows(session);
  const started = new Date(s.startedAt).toISOString();
  return {
    log: {
      version: '1.2',
      creator: { name: 'appwarden', version: APPWARDEN_VERSION },
      pages: [
        {
          id: session,
          startedDateTime: started,
          title: `${s.target} — ${s.scenario} on ${s.device} (${s.deviceKind})`,
          pageTimings: { onContentLoad: -1, onLoad: -1 },
        },
      ],
      entries: flows.map((f) => flowToEntry(store, f, session)),
    },
  };
}

export function flowToEntry(store: Pick<HarSource, 'readBlob'>, f: StoredFlow, pageref?: string): Entry {
  const url = safeUrl(f.url);
  const reqHeaders = harHeaders(f.requestHeaders);
  const resHeaders = harHeaders(f.responseHeaders);
  const timings = harTimings(f);
  const entry: Entry & Record<`_${string}`, unknown> = {
    ...(pageref ? { pageref } : {}),
    startedDateTime: new Date(f.wall).toISOString(),
    time: totalTime(timings),
    request: {
      method: f.method,
      url: f.url,
      httpVersion: f.httpVersion ?? 'HTTP/1.1',
      cookies: requestCookies(f.requestHeaders),
      headers: reqHeaders,
      queryString: url ? [...url.searchParams].map(([name, value]) => ({ name, value })) : [],
      headersSize: -1,
      bodySize: f.requestBody?.size ?? 0,
      ...(f.requestBody ? { postData: postData(store, f) } : {}),
    },
    response: {
      status: f.status ?? 0,
      statusText: f.status ? (STATUS_CODES[f.status] ?? '') : '',
      httpVersion: f.httpVersion ?? 'HTTP/1.1',
      cookies: responseCookies(f.responseHeaders),
      headers: resHeaders,
      content: content(store, f.responseBody, header(f.responseHeaders, 'content-type')),
      redirectURL: header(f.responseHeaders, 'location') ?? '',
      headersSize: -1,
      bodySize: f.responseBody?.size ?? (f.status ? 0 : -1),
      ...(f.error ? { _error: f.error } : {}),
    },
    cache: {},
    timings,
    _flowId: f.id,
    _eventId: f.eventId,
    _t: f.t,
    _scheme: f.scheme,
    _tls: f.tls,
    _matches: f.matches,
    ...(f.error ? { _error: f.error } : {}),
    ...(f.requestBody?.truncated ? { _requestTruncated: true } : {}),
    ...(f.responseBody?.truncated ? { _responseTruncated: true } : {}),
  };
  const tunnel = f.extra?.tunnel;
  if (tunnel) entry._tunnel = tunnel;
  const ws = f.extra?.websocket as { frames: WsFrame[] } | undefined;
  if (ws) {
    entry._resourceType = 'websocket';
    entry._webSocketMessages = ws.frames.map((fr) => ({
      type: fr.type,
      // Chrome writes seconds since the epoch here.
      time: (f.wall + (fr.t - f.t)) / 1000,
      opcode: fr.opcode,
      data: frameData(store, fr),
    }));
  }
  return entry;
}

function frameData(store: Pick<HarSource, 'readBlob'>, fr: WsFrame): string {
  if (fr.text !== undefined) return fr.text;
  const bytes = readBlobSafe(store, fr.blob);
  if (!bytes) return '';
  return fr.opcode === 1 ? bytes.toString('utf8') : bytes.toString('base64');
}

function postData(store: Pick<HarSource, 'readBlob'>, f: StoredFlow): SentPostData {
  const mimeType = header(f.requestHeaders, 'content-type') ?? '';
  const raw = readBlobSafe(store, f.requestBody?.raw ?? null) ?? Buffer.alloc(0);
  const text = asText(raw);
  return text !== undefined
    ? { mimeType, text }
    : { mimeType, text: raw.toString('base64'), encoding: 'base64' };
}

function content(
  store: Pick<HarSource, 'readBlob'>,
  body: BodyRecord | null,
  mime: string | undefined,
): Content {
  const mimeType = mime ?? 'x-unknown';
  if (!body) return { size: 0, mimeType };
  const decoded = readBlobSafe(store, body.decoded);
  const bytes = decoded ?? readBlobSafe(store, body.raw) ?? Buffer.alloc(0);
  const text = asText(bytes);
  const c: Content & Record<`_${string}`, unknown> = {
    size: bytes.length,
    mimeType,
    ...(decoded ? { compression: decoded.length - body.captured } : {}),
    ...(text !== undefined ? { text } : { text: bytes.toString('base64'), encoding: 'base64' }),
  };
  // The client received the raw bytes; when decoding was impossible they are what we show, marked as such.
  if (!decoded && body.contentEncoding) c._encodedAs = body.contentEncoding;
  if (body.decodeNote) c._decodeNote = body.decodeNote;
  if (body.truncated) c.comment = `captured ${body.captured} of ${body.size} bytes`;
  return c;
}

function readBlobSafe(store: Pick<HarSource, 'readBlob'>, hash: string | null): Buffer | undefined {
  if (!hash) return undefined;
  try {
    return store.readBlob(hash);
  } catch (err) {
    log.warn({ hash, err: (err as Error).message }, 'blob missing from the store; HAR body left empty');
    return undefined;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text when they are valid UTF-8 without control characters (other than whitespace). */
function asText(bytes: Buffer): string | undefined {
  if (bytes.length === 0) return '';
  let s: string;
  try {
    s = utf8.decode(bytes);
  } catch {
    return undefined; // not UTF-8: the caller writes base64
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001f\u007f]/.test(s) ? undefined : s;
}

/**
 * HAR timings from what the flow recorded. `connect` and `ssl` are the flow's own measurements (the
 * tunnel probe records the upstream connect; HTTP flows on a reused connection have none, which HAR
 * writes as -1). Per HAR 1.2, `ssl` is part of `connect` and not added again to `time`.
 */
function harTimings(f: StoredFlow): Timings {
  const nn = (v: number | undefined) => (v === undefined || v < 0 ? 0 : v);
  const t = f.timing;
  const connect = t.connect === undefined || t.connect < 0 ? -1 : t.connect;
  const ssl = t.ssl === undefined || t.ssl < 0 ? -1 : Math.min(t.ssl, connect < 0 ? t.ssl : connect);
  const known = nn(t.send) + nn(t.wait) + nn(t.receive);
  return {
    blocked: -1,
    dns: -1,
    connect,
    ssl,
    send: nn(t.send),
    // A flow with no request/response split (tunnels, failures) shows the rest of its time as waiting:
    // its total runs from the start, so the connect time it includes is not counted twice.
    wait: known === 0 ? Math.max(0, nn(t.total) - nn(connect)) : nn(t.wait),
    receive: nn(t.receive),
  };
}

function totalTime(t: Timings): number {
  return [t.blocked, t.dns, t.connect, t.send, t.wait, t.receive]
    .filter((v): v is number => typeof v === 'number' && v > 0)
    .reduce((a, b) => a + b, 0);
}

function harHeaders(h: Headers): Header[] {
  return h.map(([name, value]) => ({ name, value }));
}

function header(h: Headers, name: string): string | undefined {
  const lower = name.toLowerCase();
  return h.find(([k]) => k.toLowerCase() === lower)?.[1];
}

function requestCookies(h: Headers): Cookie[] {
  const out: Cookie[] = [];
  for (const [k, v] of h) {
    if (k.toLowerCase() !== 'cookie') continue;
    for (const part of v.split(';')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      out.push({ name: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() });
    }
  }
  return out;
}

function responseCookies(h: Headers): Cookie[] {
  const out: Cookie[] = [];
  for (const [k, v] of h) {
    if (k.toLowerCase() !== 'set-cookie') continue;
    const [pair = '', ...attrs] = v.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const c: Cookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
    for (const a of attrs) {
      const [ak = '', av = ''] = a.split('=', 2).map((x) => x.trim());
      const key = ak.toLowerCase();
      if (key === 'path') c.path = av;
      else if (key === 'domain') c.domain = av;
      else if (key === 'expires' && !Number.isNaN(Date.parse(av))) c.expires = new Date(av).toISOString();
      else if (key === 'httponly') c.httpOnly = true;
      else if (key === 'secure') c.secure = true;
    }
    out.push(c);
  }
  return out;
}

function safeUrl(u: string): URL | undefined {
  try {
    return new URL(u);
  } catch (err) {
    log.debug({ url: u, err: (err as Error).message }, 'flow URL does not parse; HAR queryString left empty');
    return undefined;
  }
}
