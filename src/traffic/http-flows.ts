import type http from 'node:http';
import type { Headers, TlsOutcome } from '../evidence/types.ts';
import { describeError } from '../errors.ts';
import { BodyTap, storeBody } from './body.ts';
import { headerPairs, headerValue, type CaptureContext } from './context.ts';

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

/**
 * One HTTP(S) exchange the proxy relays, recorded as one flow. It only observes the streams: what
 * each side receives is byte for byte what the other sent. Recording (hashing, decoding, matching,
 * queueing the row) happens once, after the last byte reached the client, on `setImmediate`.
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

  /** The upstream's response headers arrived. */
  response(res: http.IncomingMessage): void {
    this.resStartAt = performance.now();
    this.status = res.statusCode;
    this.responseHeaders = headerPairs(res.rawHeaders);
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
    const put = (b: Uint8Array) => cap.putBlob(b);
    const limits = cap.options.decodeLimits;
    const reqBody = storeBody(this.reqTap, headerValue(this.requestHeaders, 'content-encoding'), put, limits);
    const resBody = this.resTap
      ? storeBody(this.resTap, headerValue(this.responseHeaders, 'content-encoding'), put, limits)
      : { record: null, content: null };
    const m = cap.safeMatch({
      method: info.method,
      url: info.url,
      headers: this.requestHeaders,
      body: reqBody.content,
    });

    let tls: TlsOutcome | null = info.scheme === 'https' ? 'intercepted' : null;
    if (tlsOverride) tls = tlsOverride;
    let err = error;
    if (
      info.scheme === 'https' &&
      this.status === 403 &&
      resBody.content?.subarray(0, 64).toString('latin1').startsWith(H2_ONLY_MARKER)
    ) {
      cap.hostPolicy.markPassthrough(info.host, info.port, H2_ONLY_REASON);
      tls = 'upstream-error';
      err = `${H2_ONLY_REASON}; later connections to ${info.host}:${info.port} pass through uninspected`;
    }

    const end = performance.now();
    const ms = (a: number | undefined, b: number | undefined) =>
      a !== undefined && b !== undefined ? Math.round((b - a) * 1000) / 1000 : -1;
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
      requestBody: reqBody.record,
      responseBody: resBody.record,
      timing: {
        total: ms(this.start, this.resEndAt ?? end),
        send: ms(this.start, this.reqEndAt),
        wait: ms(this.reqEndAt, this.resStartAt),
        receive: ms(this.resStartAt, this.resEndAt),
      },
      tls,
      ...(err || m.error ? { error: [err, m.error].filter(Boolean).join('; ') } : {}),
      matches: m.matches,
    });
  }
}
