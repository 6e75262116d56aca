import type http from 'node:http';
import type stream from 'node:stream';
import mitm, { type IContext } from 'http-mitm-proxy';
import { log } from '../log.ts';

const { Proxy } = mitm;

export type ConnectHandler = (req: http.IncomingMessage, socket: stream.Duplex, head: Buffer) => void;

/**
 * http-mitm-proxy with its TLS layer replaced and its console output silenced. We keep its listening
 * HTTP server and its WebSocket relaying (ws:// and wss://, onWebSocket* hooks). Requests are relayed
 * by forward.ts: the library's request path cost more than the rest of the proxy. CONNECT is handled
 * by appwarden (see connect.ts) because the library's own handling starts one HTTPS listener per host,
 * connects to it through `0.0.0.0`, writes every host key to disk world-readable, has no passthrough,
 * and prints to the console.
 */
export class QuietProxy extends Proxy {
  connectHandler: ConnectHandler | undefined;

  override _onHttpServerConnect(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer): void {
    if (!this.connectHandler) {
      socket.destroy();
      return;
    }
    this.connectHandler(req, socket, head);
  }

  override _onSocketError(socketDescription: string, err: NodeJS.ErrnoException): void {
    log.debug({ socket: socketDescription, err: err.message }, 'proxy socket error');
  }

  /** As the library's, minus console.error, and answering 502 (the upstream failed, not timed out). */
  override _onError(kind: string, ctx: IContext | null, err: Error): void {
    log.debug({ kind, err: err?.message }, 'proxy error');
    for (const handler of this.onErrorHandlers) handler(ctx, err, kind);
    if (!ctx) return;
    for (const handler of ctx.onErrorHandlers) handler(ctx, err, kind);
    const res = ctx.proxyToClientResponse;
    try {
      if (!res.headersSent)
        res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/plain; charset=utf-8' });
      if (!res.writableEnded) res.end(`appwarden proxy: ${kind}: ${err?.message ?? 'unknown error'}\n`);
    } catch (writeErr) {
      // The client is already gone; nothing left to tell it.
      log.debug({ err: (writeErr as Error).message }, 'could not send the error response');
    }
  }
}
