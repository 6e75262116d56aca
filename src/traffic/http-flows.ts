import net from 'node:net';
import type { IContext } from 'http-mitm-proxy';
import type { Headers, TlsOutcome } from '../evidence/types.ts';
import { describeError } from '../errors.ts';
import { BodyTap, storeBody } from './body.ts';
import { headerPairs, headerValue, type CaptureContext } from './context.ts';
import type { QuietProxy } from './mitm.ts';

/** Body text Node's HTTP/2 server sends to an HTTP/1.1 client when it was not built to accept one. */
const H2_ONLY_MARKER = 'Missing ALPN Protocol';
const H2_ONLY_REASON = 'upstream speaks HTTP/2 only (refused HTTP/1.1 without ALPN h2)';

interface HttpFlowState {
  t: number;
  wall: number;
  start: number;
  scheme: 'http' | 'https';
  host: string;
  port: number;
  url: string;
  method: string;
  httpVersion: string;
  requestHeaders: Headers;
  reqTap: BodyTap;
  reqEndAt?: number;
  resStartAt?: number;
  resEndAt?: number;
  status?: number;
  responseHeaders: Headers;
  resTap?: BodyTap;
  recorded: boolean;
}

/**
 * Records each HTTP(S) exchange the proxy forwards as one flow. It only listens to the streams
 * (never `onRequestData`/`onResponseData`, which make http-mitm-proxy rewrite the response framing),
 * so what the client receives is byte for byte what the server sent.
 */
export function attachHttpCapture(proxy: QuietProxy, cap: CaptureContext): void {
  const states = new WeakMap<IContext, HttpFlowState>();

  proxy.onRequest((ctx, done) => {
    try {
      states.set(ctx, begin(ctx, cap));
    } catch (err) {
      cap.peerProblem('capture', { reason: describeError(err) });
    }
    done();
  });

  proxy.onResponse((ctx, done) => {
    const st = states.get(ctx);
    const res = ctx.serverToProxyResponse;
    if (st && res) {
      st.resStartAt = performance.now();
      st.status = res.statusCode;
      st.responseHeaders = headerPairs(res.rawHeaders);
      const tap = new BodyTap(cap.options.bodyCapBytes);
      st.resTap = tap;
      // The stream is explicitly paused here, so this listener does not start the flow early.
      res.on('data', (chunk: Buffer) => tap.push(chunk));
      res.once('end', () => {
        st.resEndAt = performance.now();
        // Let the last bytes reach the client before spending time on storage and matching.
        setImmediate(() => finish(st, cap));
      });
      res.once('aborted', () => finish(st, cap, 'upstream closed the connection mid-response'));
    }
    done();
  });

  proxy.onError((ctx, err, kind) => {
    const st = ctx ? states.get(ctx) : undefined;
    if (!st) return;
    let reason = `${kind ?? 'error'}: ${describeError(err)}`;
    const upstream = kind === 'PROXY_TO_SERVER_REQUEST_ERROR' || kind === 'SERVER_TO_PROXY_RESPONSE_ERROR';
    // An HTTP/2-only server that enforces ALPN refuses our HTTP/1.1 handshake outright.
    if (
      upstream &&
      st.scheme === 'https' &&
      /NO_APPLICATION_PROTOCOL/.test((err as NodeJS.ErrnoException)?.code ?? '')
    ) {
      cap.hostPolicy.markPassthrough(st.host, st.port, H2_ONLY_REASON);
      reason = `${H2_ONLY_REASON}; later connections to ${st.host}:${st.port} pass through uninspected (${reason})`;
    }
    finish(st, cap, reason, upstream && st.scheme === 'https' ? 'upstream-error' : undefined);
  });
}

function begin(ctx: IContext, cap: CaptureContext): HttpFlowState {
  const req = ctx.clientToProxyRequest;
  const opts = ctx.proxyToServerRequestOptions;
  const scheme = ctx.isSSL ? 'https' : 'http';
  let host = opts?.host ?? '';
  let port = Number(opts?.port ?? (ctx.isSSL ? 443 : 80));
  if (ctx.isSSL && opts) {
    // Go where the client's CONNECT pointed, not where its Host header claims (they can differ).
    const tunnel = cap.tunnels.get(req.socket);
    if (tunnel) {
      host = tunnel.host;
      port = tunnel.port;
      opts.host = host;
      opts.port = port;
      const serverName = tunnel.sni ?? hostHeaderName(req.headers.host);
      if (serverName && net.isIP(serverName) === 0) (opts as { servername?: string }).servername = serverName;
    }
  }
  const hostHeader = req.headers.host ?? `${host}:${port}`;
  const path = opts?.path ?? req.url ?? '/';
  const st: HttpFlowState = {
    t: cap.now(),
    wall: Date.now(),
    start: performance.now(),
    scheme,
    host: hostHeaderName(hostHeader) ?? host,
    port,
    url: `${scheme}://${hostHeader}${path.startsWith('/') ? path : `/${path}`}`,
    method: req.method ?? 'GET',
    httpVersion: `HTTP/${req.httpVersion}`,
    requestHeaders: headerPairs(req.rawHeaders),
    reqTap: new BodyTap(cap.options.bodyCapBytes),
    responseHeaders: [],
    recorded: false,
  };
  const tap = st.reqTap;
  req.on('data', (chunk: Buffer) => tap.push(chunk));
  req.once('end', () => (st.reqEndAt = performance.now()));
  ctx.proxyToClientResponse.once('close', () => {
    if (!ctx.proxyToClientResponse.writableFinished)
      finish(st, cap, 'client closed the connection before the response ended');
  });
  return st;
}

function hostHeaderName(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  if (hostHeader.startsWith('[')) return hostHeader.slice(1, hostHeader.indexOf(']'));
  return hostHeader.split(':')[0];
}

function finish(st: HttpFlowState, cap: CaptureContext, error?: string, tlsOverride?: TlsOutcome): void {
  if (st.recorded) return;
  st.recorded = true;
  try {
    record(st, cap, error, tlsOverride);
  } catch (err) {
    // Storage trouble (disk full, store closed) loses this flow, never the app's connection or the proxy.
    cap.peerProblem('capture', { url: st.url, reason: describeError(err) });
  }
}

function record(st: HttpFlowState, cap: CaptureContext, error?: string, tlsOverride?: TlsOutcome): void {
  const put = (b: Uint8Array) => cap.putBlob(b);
  const limits = cap.options.decodeLimits;
  const reqBody = storeBody(st.reqTap, headerValue(st.requestHeaders, 'content-encoding'), put, limits);
  const resBody = st.resTap
    ? storeBody(st.resTap, headerValue(st.responseHeaders, 'content-encoding'), put, limits)
    : { record: null, content: null };
  const m = cap.safeMatch({
    method: st.method,
    url: st.url,
    headers: st.requestHeaders,
    body: reqBody.content,
  });

  let tls: TlsOutcome | null = st.scheme === 'https' ? 'intercepted' : null;
  if (tlsOverride) tls = tlsOverride;
  let err = error;
  if (
    st.scheme === 'https' &&
    st.status === 403 &&
    resBody.content?.subarray(0, 64).toString('latin1').startsWith(H2_ONLY_MARKER)
  ) {
    cap.hostPolicy.markPassthrough(st.host, st.port, H2_ONLY_REASON);
    tls = 'upstream-error';
    err = `${H2_ONLY_REASON}; later connections to ${st.host}:${st.port} pass through uninspected`;
  }

  const end = performance.now();
  const ms = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined ? Math.round((b - a) * 1000) / 1000 : -1;
  cap.writeFlow({
    t: st.t,
    wall: st.wall,
    method: st.method,
    url: st.url,
    host: st.host,
    port: st.port,
    scheme: st.scheme,
    httpVersion: st.httpVersion,
    ...(st.status !== undefined ? { status: st.status } : {}),
    requestHeaders: st.requestHeaders,
    responseHeaders: st.responseHeaders,
    requestBody: reqBody.record,
    responseBody: resBody.record,
    timing: {
      total: ms(st.start, st.resEndAt ?? end),
      send: ms(st.start, st.reqEndAt),
      wait: ms(st.reqEndAt, st.resStartAt),
      receive: ms(st.resStartAt, st.resEndAt),
    },
    tls,
    ...(err || m.error ? { error: [err, m.error].filter(Boolean).join('; ') } : {}),
    matches: m.matches,
  });
}
