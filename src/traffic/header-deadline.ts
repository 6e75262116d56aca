import type http from 'node:http';
import type net from 'node:net';
import type { CaptureContext } from './context.ts';

export interface HeaderDeadline {
  /** A request may begin now: its headers must be complete within the deadline. */
  arm(): void;
  /** The request's headers are complete (or the connection is gone). */
  clear(): void;
}

/**
 * Slowloris guard for one connection: a client must finish each request's headers within `ms`, or it
 * is answered 408 and cut off, with a `header-timeout` proxy error on the timeline.
 */
export function headerDeadline(socket: net.Socket, ms: number, cap: CaptureContext): HeaderDeadline {
  let timer: NodeJS.Timeout | undefined;
  const clear = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return {
    clear,
    arm() {
      clear();
      if (socket.destroyed) return;
      timer = setTimeout(() => {
        cap.peerProblem('header-timeout', {
          ms,
          remote: `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`,
        });
        if (socket.writable)
          socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        socket.destroy();
      }, ms);
      timer.unref();
    },
  };
}

/**
 * The guard on an HTTP server's connections. Node's own `headersTimeout` is only checked every
 * `connectionsCheckingInterval` (30 s, fixed when http-mitm-proxy creates its server), so the deadline
 * is kept here, per connection: armed when the connection opens and after each response, cleared when
 * a request's headers are complete.
 */
export function guardHeaderDeadline(server: http.Server, ms: number, cap: CaptureContext): void {
  const deadlines = new WeakMap<object, HeaderDeadline>();
  const of = (socket: net.Socket) => {
    let d = deadlines.get(socket);
    if (!d) deadlines.set(socket, (d = headerDeadline(socket, ms, cap)));
    return d;
  };
  server.on('connection', (socket: net.Socket) => {
    of(socket).arm();
    socket.once('close', () => of(socket).clear());
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    of(req.socket).clear();
    res.once('finish', () => of(req.socket).arm());
  });
  for (const event of ['connect', 'upgrade'] as const) {
    server.on(event, (_req: http.IncomingMessage, socket: net.Socket) => of(socket).clear());
  }
}
