import type http from 'node:http';
import tls from 'node:tls';
import { HTTPParser, type OnHeadersCompleteParser } from 'http-parser-js';
import { describeError } from '../errors.ts';
import { log } from '../log.ts';
import type { CaptureContext } from './context.ts';
import { headerDeadline, type HeaderDeadline } from './header-deadline.ts';
import { rawHeaderValue } from './headers.ts';
import { exchangeStart, H2_ONLY_REASON, HttpExchange } from './http-flows.ts';

// Header bytes are latin1, as Node's own parser reads them (the library's default, 'ascii', would
// clear the high bit of every byte and so change what is recorded).
HTTPParser.encoding = 'latin1';

type HeadInfo = Parameters<OnHeadersCompleteParser>[0];

/** The kind name reports cite for an exchange that got no response (as forward.ts records it). */
const REQUEST_ERROR = 'PROXY_TO_SERVER_REQUEST_ERROR';

/** Client bytes held while the upstream connection is being set up, before the client is paused. */
const MAX_QUEUED_BYTES = 1024 * 1024;

export interface TunnelTarget {
  /** Where the client's CONNECT pointed. */
  host: string;
  port: number;
  /** TLS server name to send upstream (never an IP literal). */
  servername?: string;
}

export interface RelayDeps {
  cap: CaptureContext;
  /** Trust for upstream connections (undefined: Node's default roots). */
  upstreamContext: tls.SecureContext | undefined;
  /** A connection whose first request is an upgrade (WebSocket) goes to this server instead. */
  upgradeServer: http.Server;
  /** Every relay open now, so that stop() can end them. */
  open: Set<TunnelRelay>;
}

interface Awaiting {
  ex: HttpExchange;
  /** The response to a HEAD request has no body whatever its headers say. */
  head: boolean;
  /** Some of the response went to the client already. */
  answered: boolean;
}

/**
 * Relays one intercepted TLS connection to an upstream connection of its own, byte for byte, and
 * records each HTTP/1.1 exchange on it as a flow. Parsers (http-parser-js) only watch the two byte
 * streams to find where messages begin and end: nothing is re-framed, so the origin receives exactly
 * what the app sent, and pipelining, `Expect: 100-continue`, `Connection: close` and keep-alive work
 * as between the two peers.
 *
 * This replaced an HTTP server plus a pooled HTTP client per exchange (Node's `http`), whose request and
 * response objects were most of the proxy's CPU per request. Requests are parsed before their bytes go
 * on: a malformed one is answered 400 and never reaches the origin, and so is a request framed in two
 * ways at once (Content-Length beside Transfer-Encoding), which would let the origin read a request
 * the recording does not show. Response headers also go through as sent, Public-Key-Pins included:
 * no HTTP stack on Android honours HPKP any more (Chromium removed it in version 72, OkHttp never had it).
 */
export class TunnelRelay {
  private upstream: tls.TLSSocket | undefined;
  private upstreamReady = false;
  /** Bytes for the upstream while it connects. */
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  /** Every byte received until the first request's headers are complete (for a hand-over). */
  private firstBytes: Buffer[] | undefined = [];
  private readonly awaiting: Awaiting[] = [];
  /** The request whose body is arriving now. */
  private sending: HttpExchange | undefined;
  private informational = false;
  /** After a protocol switch (101) the bytes go through unparsed. */
  private opaque = false;
  private handOver = false;
  private ended = false;
  private readonly reqParser = new HTTPParser(HTTPParser.REQUEST);
  private readonly resParser = new HTTPParser(HTTPParser.RESPONSE);
  private readonly deadline: HeaderDeadline;

  constructor(
    private readonly deps: RelayDeps,
    private readonly client: tls.TLSSocket,
    private readonly target: TunnelTarget,
  ) {
    this.deadline = headerDeadline(client, deps.cap.options.headersTimeoutMs, deps.cap);
    this.wireParsers();
    deps.open.add(this);
    this.deadline.arm();
    client.on('data', (chunk: Buffer) => this.fromClient(chunk));
    client.on('end', () => this.clientEnded());
    client.on('close', () => this.clientClosed());
  }

  /** Ends both connections now (proxy stop). */
  destroy(): void {
    this.client.destroy();
    this.upstream?.destroy();
  }

  private wireParsers(): void {
    const req = this.reqParser;
    req[HTTPParser.kOnHeadersComplete] = (info) => this.requestHead(info);
    req[HTTPParser.kOnBody] = (chunk, offset, length) =>
      this.sending?.requestData(chunk.subarray(offset, offset + length));
    req[HTTPParser.kOnMessageComplete] = () => {
      this.sending?.requestEnded();
      this.sending = undefined;
    };
    const res = this.resParser;
    res[HTTPParser.kOnHeadersComplete] = (info) => this.responseHead(info);
    res[HTTPParser.kOnBody] = (chunk, offset, length) =>
      this.awaiting[0]?.ex.responseData(chunk.subarray(offset, offset + length));
    res[HTTPParser.kOnMessageComplete] = () => this.responseEnded();
  }

  // ------------------------------------------------------------------ client → upstream

  private fromClient(chunk: Buffer): void {
    if (this.opaque) return this.toUpstream(chunk);
    this.firstBytes?.push(chunk);
    const error = parse(this.reqParser, chunk);
    if (this.handOver) return this.giveToUpgradeServer();
    if (error) return this.malformed(error);
    this.toUpstream(chunk);
  }

  private requestHead(info: HeadInfo): number {
    this.deadline.clear();
    const method = HTTPParser.methods[info.method] ?? 'GET';
    const raw = info.headers;
    const framing = ambiguousFraming(raw);
    if (framing) throw new Error(framing);
    if (this.firstBytes && info.upgrade && method !== 'CONNECT') {
      // A WebSocket (or other upgrade) on a fresh connection: the HTTP side relays and records its frames.
      this.handOver = true;
      return 0;
    }
    this.firstBytes = undefined;
    // Origin form (`/path`) as usual, or absolute form (`https://host/path`), which origins must accept too.
    const absolute = /^https?:\/\/([^/?#]+)(.*)$/i.exec(info.url);
    const rest = absolute ? (absolute[2] as string) : info.url;
    const url = rest.startsWith('/') ? rest : `/${rest}`;
    const ex = new HttpExchange(
      this.deps.cap,
      // An absolute-form request names its own authority, which outranks Host (RFC 9112 §3.2.2).
      exchangeStart('https', { ...this.target, path: url }, absolute?.[1] ?? rawHeaderValue(raw, 'host'), {
        method,
        httpVersion: `HTTP/${info.versionMajor}.${info.versionMinor}`,
        rawHeaders: raw,
      }),
    );
    this.sending = ex;
    this.awaiting.push({ ex, head: method === 'HEAD', answered: false });
    if (this.upstream) ex.upstreamSocket(this.upstream, true);
    else this.dial(ex);
    return 0;
  }

  private toUpstream(chunk: Buffer): void {
    const up = this.upstream;
    if (!up || !this.upstreamReady) {
      this.queued.push(chunk);
      this.queuedBytes += chunk.length;
      // An upload that starts before the origin answers waits in the client's socket, not in memory.
      if (this.queuedBytes > MAX_QUEUED_BYTES) this.client.pause();
      return;
    }
    if (!up.write(chunk)) {
      this.client.pause();
      up.once('drain', () => this.client.resume());
    }
  }

  private dial(first: HttpExchange): void {
    const { host, port, servername } = this.target;
    const up = tls.connect({
      host,
      port,
      ...(servername ? { servername } : {}),
      ...(this.deps.upstreamContext ? { secureContext: this.deps.upstreamContext } : {}),
    });
    this.upstream = up;
    first.upstreamSocket(up, false);
    up.once('secureConnect', () => {
      this.upstreamReady = true;
      const queued = this.queued;
      this.queued = [];
      this.queuedBytes = 0;
      for (const chunk of queued) this.toUpstream(chunk);
      if (this.client.isPaused() && up.writableNeedDrain === false) this.client.resume();
    });
    up.on('data', (chunk: Buffer) => this.fromUpstream(chunk));
    up.on('error', (err: NodeJS.ErrnoException) => this.upstreamFailed(err));
    up.on('end', () => this.upstreamEnded());
    up.on('close', () => this.upstreamEnded());
  }

  // ------------------------------------------------------------------ upstream → client

  private fromUpstream(chunk: Buffer): void {
    const first = this.awaiting[0];
    if (first) first.answered = true;
    if (!this.client.write(chunk)) {
      this.upstream?.pause();
      this.client.once('drain', () => this.upstream?.resume());
    }
    if (this.opaque) return;
    const error = parse(this.resParser, chunk);
    if (error) {
      this.awaiting[0]?.ex.finish(`SERVER_TO_PROXY_RESPONSE_ERROR: malformed response (${error.message})`);
      this.destroy();
    }
  }

  private responseHead(info: HeadInfo): number {
    const status = info.statusCode;
    if (status >= 100 && status < 200 && status !== 101) {
      // 100 Continue, 103 Early Hints: the final response to the same request follows.
      this.informational = true;
      return 0;
    }
    const current = this.awaiting[0];
    if (!current) throw new Error(`a ${status} response that no request asked for`);
    current.ex.response(status, info.headers);
    if (status === 101) this.opaque = true;
    return current.head ? 1 : 0;
  }

  private responseEnded(): void {
    if (this.informational) {
      this.informational = false;
      return;
    }
    const done = this.awaiting.shift();
    done?.ex.responseEnded();
    if (this.awaiting.length === 0 && !this.opaque) this.deadline.arm();
  }

  // ------------------------------------------------------------------ endings

  private upstreamFailed(err: NodeJS.ErrnoException): void {
    const { cap } = this.deps;
    const { host, port } = this.target;
    if (!this.upstreamReady) {
      const cause = describeError(err);
      // An HTTP/2-only server that enforces ALPN refuses our HTTP/1.1 handshake outright.
      if (/NO_APPLICATION_PROTOCOL/.test(err.code ?? '')) {
        cap.hostPolicy.markPassthrough(host, port, H2_ONLY_REASON);
        const reason = `${H2_ONLY_REASON}; later connections to ${host}:${port} pass through uninspected (${REQUEST_ERROR}: ${cause})`;
        return this.failWaiting(cause, reason);
      }
      return this.failWaiting(cause);
    }
    log.debug({ host, port, err: describeError(err) }, 'upstream connection error');
    this.upstreamEnded(describeError(err));
  }

  /** The upstream connection ended, with `cause` when it failed. */
  private upstreamEnded(cause?: string): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.opaque) {
      // A response delimited by the end of the connection ends here.
      try {
        this.resParser.finish();
      } catch (err) {
        log.debug({ err: describeError(err) }, 'response parser at the end of the connection');
      }
    }
    const current = this.awaiting[0];
    if (current && !current.answered)
      return this.failWaiting(cause ?? 'upstream closed the connection before responding');
    if (current) {
      current.ex.finish(
        `SERVER_TO_PROXY_RESPONSE_ERROR: ${cause ?? 'upstream closed the connection mid-response'}`,
      );
      this.client.destroy();
      return;
    }
    this.client.end();
  }

  /**
   * Nothing came back for the waiting requests (`cause`): the first is answered 502, all are recorded
   * failed, as a request error unless `reason` says otherwise.
   */
  private failWaiting(cause: string, reason = `${REQUEST_ERROR}: ${cause}`): void {
    this.ended = true;
    const waiting = this.awaiting.splice(0);
    for (const w of waiting) w.ex.finish(reason, 'upstream-error');
    if (waiting.length > 0 && this.client.writable) {
      const body = `appwarden proxy: ${REQUEST_ERROR}: ${cause}\n`;
      this.client.end(
        `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    } else {
      this.client.destroy();
    }
    this.upstream?.destroy();
  }

  private malformed(err: Error): void {
    const { cap } = this.deps;
    cap.peerProblem('malformed-request', {
      code: (err as NodeJS.ErrnoException).code ?? 'unknown',
      reason: err.message,
    });
    this.deadline.clear();
    if (this.awaiting.length === 0 && this.client.writable)
      this.client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else this.client.destroy();
    this.sending?.finish(`malformed request: ${err.message}`);
    this.upstream?.destroy();
  }

  /**
   * The client is done sending: the origin hears it too, and closes when it has answered. A client that
   * leaves before any request (a handshake it rejected, say) is closed at once.
   */
  private clientEnded(): void {
    if (!this.upstream) return void this.client.end();
    // Gone in the middle of a request: it is abandoned, not a half-close to pass on.
    if (this.sending) {
      this.clientClosed();
      this.client.destroy();
      return;
    }
    this.upstream.end();
  }

  private clientClosed(): void {
    this.deadline.clear();
    this.deps.open.delete(this);
    for (const w of this.awaiting.splice(0)) {
      if (!w.ex.responseComplete) w.ex.finish('client closed the connection before the response ended');
    }
    this.upstream?.destroy();
  }

  /** Gives the connection, with the bytes read so far, to the HTTP server (upgrades: WebSocket). */
  private giveToUpgradeServer(): void {
    const bytes = Buffer.concat(this.firstBytes ?? []);
    this.firstBytes = undefined;
    this.deadline.clear();
    this.deps.open.delete(this);
    this.client.removeAllListeners('data');
    this.client.removeAllListeners('end');
    this.client.removeAllListeners('close');
    this.client.pause();
    this.client.unshift(bytes);
    this.deps.upgradeServer.emit('connection', this.client);
    this.client.resume();
  }
}

/** Feeds a parser; the parse error (or an error thrown by a callback) if there was one. */
function parse(parser: InstanceType<typeof HTTPParser>, chunk: Buffer): Error | undefined {
  try {
    const n = parser.execute(chunk);
    return n instanceof Error ? n : undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * Why a request's body framing is ambiguous (RFC 9112 §6.3), or undefined: Transfer-Encoding beside
 * Content-Length, a Transfer-Encoding other than chunked, or a malformed Content-Length.
 */
function ambiguousFraming(raw: string[]): string | undefined {
  let te: string | undefined;
  let cl: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = (raw[i + 1] as string).trim();
    if (name === 'transfer-encoding') te = te === undefined ? value : `${te}, ${value}`;
    else if (name === 'content-length') {
      if (!/^\d+$/.test(value) || (cl !== undefined && cl !== value))
        return `invalid Content-Length '${value}'`;
      cl = value;
    }
  }
  if (te === undefined) return undefined;
  if (cl !== undefined) return 'both Transfer-Encoding and Content-Length';
  if (te.toLowerCase() !== 'chunked') return `unsupported Transfer-Encoding '${te}'`;
  return undefined;
}
