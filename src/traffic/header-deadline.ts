import type http from 'node:http';
import type net from 'node:net';
import type { CaptureContext } from './context.ts';

/**
 * Slowloris guard: a client must finish each request's headers within `ms`. Node's own
 * `headersTimeout` is only checked every `connectionsCheckingInterval` (30 s, fixed when
 * http-mitm-proxy creates its server), so the deadline is kept here, per connection: armed when the
 * connection opens and after each response, cleared when a request's headers are complete.
 */
export function guardHeaderDeadline(server: http.Server, ms: number, cap: CaptureContext): void {
  const timers = new WeakMap<object, NodeJS.Timeout>();
  const clear = (socket: object) => {
    const t = timers.get(socket);
    if (t) clearTimeout(t);
    timers.delete(socket);
  };
  const arm = (socket: net.Socket) => {
    clear(socket);
    if (socket.destroyed) return;
    const timer = setTimeout(() => {
      cap.peerProblem('header-timeout', {
        ms,
        remote: `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`,
      });
      if (socket.writable)
        socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
    }, ms);
    timer.unref();
    timers.set(socket, timer);
  };
  server.on('connection', (socket: net.Socket) => {
    arm(socket);
    socket.once('close', () => clear(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    clear(req.socket);
    res.once('finish', () => arm(req.socket));
  });
  for (const event of ['connect', 'upgrade'] as const) {
    server.on(event, (_req: http.IncomingMessage, socket: net.Socket) => clear(socket));
  }
}
