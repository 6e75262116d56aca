import net from 'node:net';
import type { Headers, TlsOutcome } from '../evidence/types.ts';
import { describeError } from '../errors.ts';
import { log } from '../log.ts';
import { BodyTap } from './body.ts';
import type { CaptureContext } from './context.ts';
import { headerPairs } from './headers.ts';
import type { AnalysisResult } from './flow-analysis.ts';

/** Body text Node's HTTP/2 server sends to an HTTP/1.1 client when it was not built to accept one. */
const H2_ONLY_MARKER = 'Missing ALPN Protocol';
export const H2_ONLY_REASON = 'upstream speaks HTTP/2 only (refused HTTP/1.1 without ALPN h2)';

/** What is known about an exchange when its request headers arrive. */
export interface ExchangeStart {
  scheme: 'http' | 'https';
  /** Host name as the flow reports it (from the Host header when there is one). */
  host: string;
  port: number;
  url: string;
  method: string;
  httpVersion: string;
  rawHeaders: string[];
}

/** How a request is recorded: URL and host from its Host header when there is one, else from the target. */
export function exchangeStart(
  scheme: 'http' | 'https',
  target: { host: string; port: number; path: string },
  hostHeader: string | undefined,
  request: { method: string; httpVersion: string; rawHeaders: string[] },
): ExchangeStart {
  const authority = hostHeader ?? hostPort(target.host, target.port);
  return {
    scheme,
    host: hostHeaderName(authority) ?? target.host,
    port: target.port,
    url: `${scheme}://${authority}${target.path}`,
    ...request,
  };
}

export function hostPort(host: string, port: number): string {
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

export function hostHeaderName(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  if (hostHeader.startsWith('[')) return hostHeader.slice(1, hostHeader.indexOf(']'));
  return hostHeader.split(':')[0];
}

/**
 * One HTTP(S) exchange the proxy relays, recorded as one flow. It only observes the streams: what
 * each side receives is byte for byte what the other sent. Recording starts once, after the last
 * byte reached the client (on `setImmediate`): the analysis (blobs, decoding, matching) goes to the
 * session's analyser, usually the recording thread, and the row is appended when it answers.
 */
export class HttpExchange {
  private readonly t: number;
  private readonly wall = Date.now();
  private readonly start = performance.now();
  private readonly requestHeaders: Headers;
  private readonly reqTap: BodyTap;
  private reqEndAt: number | undefined;
  private resStartAt: number | undefined;
  private resEndAt: number | undefined;
  private status: number | undefined;
  private responseHeaders: Headers = [];
  private resTap: BodyTap | undefined;
  private recorded = false;
  /** A fresh upstream connection's setup (performance.now()): dialled, TCP up, TLS done. */
  private upstream: { dialAt: number; tcpAt?: number; tlsAt?: number } | undefined;

  constructor(
    private readonly cap: CaptureContext,
    private readonly info: ExchangeStart,
  ) {
    this.t = cap.now();
    this.requestHeaders = headerPairs(info.rawHeaders);
    this.reqTap = new BodyTap(cap.options.bodyCapBytes);
    cap.inflight.add(this);
  }

  get scheme(): 'http' | 'https' {
    return this.info.scheme;
  }

  get url(): string {
    return this.info.url;
  }

  /** Request body bytes as they go upstream. */
  requestData(chunk: Buffer): void {
    this.reqTap.push(chunk);
  }

  requestEnded(): void {
    this.reqEndAt = performance.now();
  }

  /**
   * The upstream socket this exchange was given. Only a fresh one has connect/TLS times (HAR `connect`,
   * `ssl`); a kept-alive socket reused from the agent has none, which HAR writes as -1.
   */
  upstreamSocket(socket: net.Socket, reused: boolean): void {
    if (reused) return;
    const up: { dialAt: number; tcpAt?: number; tlsAt?: number } = { dialAt: performance.now() };
    this.upstream = up;
    socket.once('connect', () => (up.tcpAt = performance.now()));
    socket.once('secureConnect', () => (up.tlsAt = performance.now()));
  }

  /** The upstream's response headers arrived. */
  response(status: number | undefined, rawHeaders: string[]): void {
    this.resStartAt = performance.now();
    this.status = status;
    this.responseHeaders = headerPairs(rawHeaders);
    this.resTap = new BodyTap(this.cap.options.bodyCapBytes);
  }

  responseData(chunk: Buffer): void {
    this.resTap?.push(chunk);
  }

  /** The whole response went to the client: record once the event loop has moved on. */
  responseEnded(): void {
    this.resEndAt = performance.now();
    setImmediate(() => this.finish());
  }

  get responseComplete(): boolean {
    return this.resEndAt !== undefined;
  }

  /** Records the flow (once; later calls are ignored), with the error that ended it if any. */
  finish(error?: string, tlsOverride?: TlsOutcome): void {
    if (this.recorded) return;
    this.recorded = true;
    this.cap.inflight.delete(this);
    try {
      this.record(error, tlsOverride);
    } catch (err) {
      // Storage trouble (disk full, store closed) loses this flow, never the app's connection or the proxy.
      this.cap.peerProblem('capture', { url: this.info.url, reason: describeError(err) });
    }
  }

  private record(error?: string, tlsOverride?: TlsOutcome): void {
    const { cap, info } = this;
    const end = performance.now();
    const response = this.resTap?.snapshot() ?? null;
    // Decided here, not after the analysis: the app's next connection to this host must pass through.
    const h2Only =
      info.scheme === 'https' &&
      this.status === 403 &&
      response !== null &&
      Buffer.from(response.bytes.subarray(0, 64)).toString('latin1').startsWith(H2_ONLY_MARKER);
    if (h2Only) cap.hostPolicy.markPassthrough(info.host, info.port, H2_ONLY_REASON);
    cap.analyser.submit(
      {
        method: info.method,
        url: info.url,
        scheme: info.scheme,
        ...(this.status !== undefined ? { status: this.status } : {}),
        requestHeaders: this.requestHeaders,
        responseHeaders: this.responseHeaders,
        request: this.reqTap.snapshot(),
        response,
      },
      (analysis) => {
        try {
          this.write(analysis, end, h2Only, error, tlsOverride);
        } catch (err) {
          cap.peerProblem('capture', { url: info.url, reason: describeError(err) });
        }
      },
    );
  }

  private write(
    a: AnalysisResult,
    end: number,
    h2Only: boolean,
    error?: string,
    tlsOverride?: TlsOutcome,
  ): void {
    const { cap, info } = this;
    let tls: TlsOutcome | null = info.scheme === 'https' ? 'intercepted' : null;
    if (tlsOverride) tls = tlsOverride;
    let err = error;
    if (h2Only) {
      tls = 'upstream-error';
      err = `${H2_ONLY_REASON}; later connections to ${info.host}:${info.port} pass through uninspected`;
    }
    if (a.matchError) log.warn({ err: a.matchError, url: info.url }, 'matcher failed on a flow');
    const ms = (from: number | undefined, to: number | undefined) =>
      from !== undefined && to !== undefined ? Math.round((to - from) * 1000) / 1000 : -1;
    cap.writeFlow({
      t: this.t,
      wall: this.wall,
      method: info.method,
      url: info.url,
      host: info.host,
      port: info.port,
      scheme: info.scheme,
      httpVersion: info.httpVersion,
      ...(this.status !== undefined ? { status: this.status } : {}),
      requestHeaders: this.requestHeaders,
      responseHeaders: this.responseHeaders,
      requestBody: a.requestBody,
      responseBody: a.responseBody,
      timing: {
        total: ms(this.start, this.resEndAt ?? end),
        send: ms(this.start, this.reqEndAt),
        wait: ms(this.reqEndAt, this.resStartAt),
        receive: ms(this.resStartAt, this.resEndAt),
        ...upstreamTiming(this.upstream, ms),
      },
      tls,
      ...(err || a.matchError ? { error: [err, a.matchError].filter(Boolean).join('; ') } : {}),
      matches: a.matches,
    });
  }
}

/** HAR `connect` (TCP + TLS) and `ssl` (TLS only) of a fresh upstream connection; nothing when reused. */
function upstreamTiming(
  up: { dialAt: number; tcpAt?: number; tlsAt?: number } | undefined,
  ms: (from: number | undefined, to: number | undefined) => number,
): { connect?: number; ssl?: number } {
  if (!up || up.tcpAt === undefined) return {};
  return {
    connect: ms(up.dialAt, up.tlsAt ?? up.tcpAt),
    ...(up.tlsAt !== undefined ? { ssl: ms(up.tcpAt, up.tlsAt) } : {}),
  };
}
