import net from 'node:net';
import type { TlsOutcome } from '../evidence/types.ts';
import { describeError } from '../errors.ts';
import type { CaptureContext } from './context.ts';

export interface TunnelRecord {
  host: string;
  port: number;
  /** Bytes the client had already sent before the tunnel opened (the sniffed first chunk). */
  first: Buffer | null;
  scheme: 'tcp' | 'https';
  tls: TlsOutcome | null;
  reason: string;
  sni?: string;
}

/**
 * Relays bytes untouched between the client and `host:port` and records one flow for the tunnel:
 * host, port, bytes each way, timing. Used for non-HTTP protocols and for TLS we must not intercept.
 */
export function openTunnel(client: net.Socket, rec: TunnelRecord, cap: CaptureContext): void {
  const t = cap.now();
  const wall = Date.now();
  const start = performance.now();
  let connectedAt: number | undefined;
  let bytesUp = rec.first?.length ?? 0;
  let bytesDown = 0;
  let error: string | undefined;
  let closed = 0;

  const upstream = net.connect({ host: rec.host, port: rec.port });
  upstream.once('connect', () => {
    connectedAt = performance.now();
    if (rec.first) upstream.write(rec.first);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  });
  client.on('data', (c: Buffer) => (bytesUp += c.length));
  upstream.on('data', (c: Buffer) => (bytesDown += c.length));
  upstream.on('error', (err) => {
    error ??= `upstream: ${describeError(err)}`;
    client.destroy();
  });
  client.on('error', (err) => {
    error ??= `client: ${describeError(err)}`;
    upstream.destroy();
  });
  const onClose = () => {
    if (++closed < 2) return;
    const end = performance.now();
    const ms = (a: number | undefined, b: number) =>
      a === undefined ? -1 : Math.round((b - a) * 1000) / 1000;
    const url =
      rec.scheme === 'tcp' ? `tcp://${rec.host}:${rec.port}` : `https://${rec.sni ?? rec.host}:${rec.port}/`;
    cap.writeFlow({
      t,
      wall,
      method: 'CONNECT',
      url,
      host: rec.sni ?? rec.host,
      port: rec.port,
      scheme: rec.scheme,
      requestHeaders: [],
      responseHeaders: [],
      requestBody: null,
      responseBody: null,
      timing: { total: ms(start, end), connect: ms(start, connectedAt ?? end) },
      tls: rec.tls,
      ...(error ? { error: `${rec.reason}; ${error}` } : {}),
      matches: [],
      extra: {
        tunnel: {
          bytesUp,
          bytesDown,
          reason: rec.reason,
          connectHost: rec.host,
          ...(rec.sni ? { sni: rec.sni } : {}),
        },
      },
    });
  };
  // If either side ends, the other follows (pipe ends it); 'close' fires once per socket.
  upstream.once('close', () => {
    client.destroy();
    onClose();
  });
  client.once('close', () => {
    upstream.destroy();
    onClose();
  });
}
