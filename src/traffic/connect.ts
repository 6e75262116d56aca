import type http from 'node:http';
import net from 'node:net';
import type stream from 'node:stream';
import tls from 'node:tls';
import { describeError } from '../errors.ts';
import type { CertMinter } from './certs.ts';
import type { CaptureContext } from './context.ts';
import { looksLikeHttp, looksLikeTls, readSni } from './tls-sniff.ts';
import { openTunnel } from './tunnel.ts';
import type { TunnelTarget } from './tunnel-relay.ts';

/** TLS alerts and errors by which a client says it does not trust the certificate we showed. */
const REJECTED_CA_CODES = new Set([
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
  'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
]);

export interface ConnectDeps {
  cap: CaptureContext;
  minter: CertMinter;
  /** Relays a decrypted connection to its target (tunnel-relay.ts). */
  relayTls: (socket: tls.TLSSocket, target: TunnelTarget) => void;
  /** Receives plain HTTP spoken inside a CONNECT tunnel. */
  plainHttpServer: http.Server;
}

/**
 * Handles one CONNECT: answers 200, looks at the first bytes the client sends, then intercepts TLS
 * with a minted certificate, hands plain HTTP to the HTTP side, or tunnels anything else untouched.
 */
export function handleConnect(
  deps: ConnectDeps,
  req: http.IncomingMessage,
  duplex: stream.Duplex,
  head: Buffer,
): void {
  const socket = duplex as net.Socket;
  const { cap } = deps;
  const target = parseAuthority(req.url ?? '');
  socket.on('error', (err) =>
    cap.peerProblem('client-socket', { target: req.url, reason: describeError(err) }),
  );
  if (!target) {
    cap.peerProblem('bad-connect', { target: req.url ?? '' });
    socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');

  const route = (first: Buffer | null) => {
    if (socket.destroyed) return;
    if (first && looksLikeTls(first)) return routeTls(deps, socket, target, first);
    if (first && looksLikeHttp(first)) {
      socket.unshift(first);
      deps.plainHttpServer.emit('connection', socket);
      // The HTTP server does not resume a socket paused by someone else; the sniffed bytes wait in it.
      socket.resume();
      return;
    }
    openTunnel(
      socket,
      { ...target, first, scheme: 'tcp', tls: null, reason: 'not HTTP or TLS: tunnelled as opaque bytes' },
      cap,
    );
  };

  if (head.length > 0) return route(head);
  // Server-speaks-first protocols send nothing: after a short wait the tunnel opens anyway.
  const timer = setTimeout(() => {
    socket.off('data', onData);
    socket.pause();
    route(null);
  }, cap.options.sniffTimeoutMs);
  const onData = (chunk: Buffer) => {
    clearTimeout(timer);
    socket.pause();
    route(chunk);
  };
  socket.once('data', onData);
  socket.once('close', () => clearTimeout(timer));
}

function routeTls(
  deps: ConnectDeps,
  socket: net.Socket,
  target: { host: string; port: number },
  first: Buffer,
): void {
  const { cap, minter } = deps;
  const sni = readSni(first);
  const name = sni ?? target.host;
  const passReason = cap.hostPolicy.passthroughReason(name, target.port);
  if (passReason) {
    openTunnel(
      socket,
      { ...target, first, scheme: 'https', tls: 'passthrough', reason: passReason, ...(sni ? { sni } : {}) },
      cap,
    );
    return;
  }

  socket.unshift(first);
  // Bytes we have sent on the raw socket so far: if it grows, our ServerHello and certificate went out.
  const writtenBefore = socket.bytesWritten;
  const t = cap.now();
  const wall = Date.now();
  const start = performance.now();
  let secure = false;
  let failed = false;
  let tlsSocket: tls.TLSSocket;
  try {
    tlsSocket = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: minter.contextFor(name),
      // We speak HTTP/1.1 to the app; HTTP/2 clients fall back to it.
      ALPNProtocols: ['http/1.1'],
    });
  } catch (err) {
    cap.peerProblem('tls-setup', { host: name, reason: describeError(err) });
    socket.destroy();
    return;
  }
  cap.tunnels.set(tlsSocket, { host: target.host, port: target.port, ...(sni ? { sni } : {}) });

  const rejected = (reason: string, code: string | undefined) => {
    if (failed || secure) return;
    failed = true;
    // A hang-up counts only once the client has seen our certificate (pinning clients often close
    // without an alert); a hang-up before that is just an aborted connection.
    const sawOurCert = socket.bytesWritten > writtenBefore;
    const hungUp = code === undefined || code === 'ECONNRESET';
    const isRejection = (code !== undefined && REJECTED_CA_CODES.has(code)) || (hungUp && sawOurCert);
    if (!isRejection) {
      cap.peerProblem('tls-handshake', { host: name, port: target.port, reason });
      return;
    }
    cap.hostPolicy.markPassthrough(name, target.port, `client rejected the appwarden CA (${reason})`);
    cap.writeFlow({
      t,
      wall,
      method: 'CONNECT',
      url: `https://${name}:${target.port}/`,
      host: name,
      port: target.port,
      scheme: 'https',
      requestHeaders: [],
      responseHeaders: [],
      requestBody: null,
      responseBody: null,
      timing: { total: Math.round((performance.now() - start) * 1000) / 1000 },
      tls: 'client-rejected-ca',
      error: `${reason}; later connections to ${name}:${target.port} pass through uninspected`,
      matches: [],
      extra: { tunnel: { connectHost: target.host, ...(sni ? { sni } : {}) } },
    });
  };
  tlsSocket.once('secure', () => (secure = true));
  tlsSocket.on('error', (err: NodeJS.ErrnoException) => {
    if (!secure) rejected(tlsErrorReason(err), err.code);
    else cap.peerProblem('tls-socket', { host: name, reason: describeError(err) });
  });
  tlsSocket.once('close', () => {
    if (!secure) rejected('client hung up during the TLS handshake', undefined);
  });
  deps.relayTls(tlsSocket, {
    host: target.host,
    port: target.port,
    ...(net.isIP(name) === 0 ? { servername: name } : {}),
  });
}

/** `host:port` of a CONNECT request line; IPv6 in brackets. */
export function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s/[\]]+)):(\d{1,5})$/.exec(authority);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  const host = (m[1] ?? m[2]) as string;
  if (m[1] && net.isIPv6(host) === false) return undefined;
  return { host, port };
}

/** `ERR_SSL_TLSV1_ALERT_UNKNOWN_CA` → `TLS alert from the client: unknown ca`; OpenSSL's text otherwise. */
export function tlsErrorReason(err: NodeJS.ErrnoException): string {
  const alert = /^ERR_SSL_(?:TLSV1|SSLV3)_ALERT_(.+)$/.exec(err.code ?? '');
  if (alert) return `TLS alert from the client: ${(alert[1] as string).toLowerCase().replace(/_/g, ' ')}`;
  return err.code ? `${err.code}: ${err.message.split('\n')[0]}` : err.message;
}
