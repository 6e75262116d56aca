import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { describeError } from '../errors.ts';
import { log } from '../log.ts';
import type { CaptureContext } from './context.ts';
import { exchangeStart, H2_ONLY_REASON, hostHeaderName, hostPort, HttpExchange } from './http-flows.ts';

export interface ForwardDeps {
  cap: CaptureContext;
  /** Keep-alive agents to origins: one TLS handshake per origin connection, not per request. */
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

/** Headers about one connection rather than the message (RFC 9110 §7.6.1); Node frames bodies itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
]);
/** Key pins of the real server would pin the client against the farm CA on its next visit (HPKP). */
const RESPONSE_DROP = new Set(['public-key-pins', 'public-key-pins-report-only']);

interface Target {
  host: string;
  port: number;
  /** Origin-form path to send upstream. */
  path: string;
  /** TLS server name to send upstream (never an IP literal). */
  servername?: string;
}

/**
 * Relays one request to its origin and the response back, recording the exchange as a flow.
 * This replaces http-mitm-proxy's request path (a context object with a dozen handler arrays, async.js
 * chains and two filter streams per request): the bytes go through one `pipe` each way, request and
 * response headers keep the peers' case and order, and hop-by-hop headers are dropped.
 *
 * Upstream failures answer 502 and are recorded with the kind names http-mitm-proxy used
 * (`PROXY_TO_SERVER_REQUEST_ERROR`, `SERVER_TO_PROXY_RESPONSE_ERROR`), which reports already cite.
 */
export function forwardRequest(
  deps: ForwardDeps,
  tlsSide: boolean,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  const { cap } = deps;
  req.on('error', (err) => log.debug({ err: describeError(err) }, 'client request stream error'));
  res.on('error', (err) => log.debug({ err: describeError(err) }, 'client response stream error'));
  const target = tlsSide ? tlsTarget(cap, req) : plainTarget(req);
  if (!target) {
    cap.peerProblem('bad-request', { reason: 'no host in the request line or Host header', url: req.url });
    req.resume();
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end('appwarden proxy: the request names no host\n');
    return;
  }
  const ex = new HttpExchange(
    cap,
    exchangeStart(tlsSide ? 'https' : 'http', target, req.headers.host, {
      method: req.method ?? 'GET',
      httpVersion: `HTTP/${req.httpVersion}`,
      rawHeaders: req.rawHeaders,
    }),
  );

  const headers = relayHeaders(req.rawHeaders);
  if (req.headers.host === undefined) headers.push('Host', hostPort(target.host, target.port));
  const options: https.RequestOptions = {
    host: target.host,
    port: target.port,
    method: req.method,
    path: target.path,
    // The array form sends the headers exactly as listed (case and order kept, no defaults added).
    headers,
    agent: tlsSide ? deps.httpsAgent : deps.httpAgent,
    ...(target.servername ? { servername: target.servername } : {}),
  };
  const upReq = tlsSide ? https.request(options) : http.request(options);
  let upRes: http.IncomingMessage | undefined;
  upReq.once('socket', (socket) => ex.upstreamSocket(socket, upReq.reusedSocket));

  upReq.on('response', (up) => {
    upRes = up;
    ex.response(up.statusCode, up.rawHeaders);
    try {
      res.writeHead(up.statusCode ?? 502, up.statusMessage, relayHeaders(up.rawHeaders, RESPONSE_DROP));
    } catch (err) {
      // e.g. a header value Node refuses to send on (invalid characters).
      up.resume();
      badGateway(res, 'SERVER_TO_PROXY_RESPONSE_ERROR', err);
      ex.finish(
        `SERVER_TO_PROXY_RESPONSE_ERROR: ${describeError(err)}`,
        tlsSide ? 'upstream-error' : undefined,
      );
      return;
    }
    up.on('data', (chunk: Buffer) => ex.responseData(chunk));
    up.pipe(res);
    up.once('end', () => ex.responseEnded());
    up.once('error', (err) => {
      ex.finish(`SERVER_TO_PROXY_RESPONSE_ERROR: ${describeError(err)}`);
      res.destroy();
    });
    up.once('close', () => {
      if (up.complete) return;
      ex.finish('SERVER_TO_PROXY_RESPONSE_ERROR: upstream closed the connection mid-response');
      res.destroy();
    });
  });

  upReq.on('error', (err: NodeJS.ErrnoException) => {
    if (upRes) {
      // The response had begun: its own handlers record it; make sure the client sees the cut.
      ex.finish(`SERVER_TO_PROXY_RESPONSE_ERROR: ${describeError(err)}`);
      res.destroy();
      return;
    }
    let reason = `PROXY_TO_SERVER_REQUEST_ERROR: ${describeError(err)}`;
    // An HTTP/2-only server that enforces ALPN refuses our HTTP/1.1 handshake outright.
    if (tlsSide && /NO_APPLICATION_PROTOCOL/.test(err.code ?? '')) {
      cap.hostPolicy.markPassthrough(target.host, target.port, H2_ONLY_REASON);
      reason = `${H2_ONLY_REASON}; later connections to ${target.host}:${target.port} pass through uninspected (${reason})`;
    }
    badGateway(res, 'PROXY_TO_SERVER_REQUEST_ERROR', err);
    ex.finish(reason, tlsSide ? 'upstream-error' : undefined);
  });

  req.on('data', (chunk: Buffer) => ex.requestData(chunk));
  req.once('end', () => ex.requestEnded());
  req.pipe(upReq);
  res.once('close', () => {
    if (res.writableFinished) return;
    ex.finish('client closed the connection before the response ended');
    upReq.destroy();
  });
}

/** Answers 502 with the reason, unless the client has its headers already or is gone. */
function badGateway(res: http.ServerResponse, kind: string, err: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`appwarden proxy: ${kind}: ${describeError(err)}\n`);
}

/** Header pairs to relay: the peer's own, minus hop-by-hop ones (and those its Connection header names). */
export function relayHeaders(raw: string[], drop?: ReadonlySet<string>): string[] {
  let named: Set<string> | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'connection') continue;
    named ??= new Set();
    for (const token of (raw[i + 1] as string).split(',')) named.add(token.trim().toLowerCase());
  }
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || named?.has(lower) || drop?.has(lower))
      continue;
    out.push(name, raw[i + 1] as string);
  }
  return out;
}

/** Decrypted requests go where the client's CONNECT pointed, not where the Host header claims. */
function tlsTarget(cap: CaptureContext, req: http.IncomingMessage): Target | undefined {
  const tunnel = cap.tunnels.get(req.socket);
  const fromHost = req.headers.host ? parseAuthority(req.headers.host, 443) : undefined;
  const host = tunnel?.host ?? fromHost?.host;
  if (!host) return undefined;
  const port = tunnel?.port ?? fromHost?.port ?? 443;
  const name = tunnel?.sni ?? hostHeaderName(req.headers.host);
  const path = req.url?.startsWith('/') ? req.url : `/${req.url ?? ''}`;
  return { host, port, path, ...(name && net.isIP(name) === 0 ? { servername: name } : {}) };
}

/** Plain HTTP: absolute-form request line (a proxy request) or, inside a tunnel, the Host header. */
function plainTarget(req: http.IncomingMessage): Target | undefined {
  const url = req.url ?? '';
  const absolute = /^http:\/\/([^/?#]+)(.*)$/i.exec(url);
  if (absolute) {
    const a = parseAuthority(absolute[1] as string, 80);
    const rest = absolute[2] ?? '';
    return a && { ...a, path: rest.startsWith('/') ? rest : `/${rest}` };
  }
  const a = req.headers.host ? parseAuthority(req.headers.host, 80) : undefined;
  return a && { ...a, path: url.startsWith('/') ? url : `/${url}` };
}

/** `host[:port]` or `[v6][:port]`; undefined when malformed. */
function parseAuthority(authority: string, defaultPort: number): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s/[\]@]+))(?::(\d{1,5}))?$/.exec(authority.trim());
  if (!m) return undefined;
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2]) as string, port };
}
