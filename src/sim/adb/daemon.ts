import net from 'node:net';
import type { Logger } from 'pino';
import type { SimDevice } from '../device/device.ts';
import { AdbConnection } from './connection.ts';
import { ReverseTable } from './reverse.ts';
import { DEVICE_FEATURES, makeResolver } from './services.ts';

/**
 * The sim's adbd: a TCP listener (what `adb connect HOST:PORT` talks to) that gives each host
 * connection its own AdbConnection over the same device. A broken peer only loses its own connection.
 */
export class AdbDaemon {
  private server: net.Server | undefined;
  private readonly connections = new Set<AdbConnection>();
  readonly reverse = new ReverseTable();

  constructor(
    private readonly device: SimDevice,
    private readonly log: Logger,
  ) {}

  /** `device::ro.product.name=…;ro.product.model=…;ro.product.device=…;features=…`, as adbd sends it. */
  banner(): string {
    const p = this.device.props;
    return `device::ro.product.name=${p.get('ro.product.name')};ro.product.model=${p.get('ro.product.model')};ro.product.device=${p.get('ro.product.device')};features=${DEVICE_FEATURES.join(',')}`;
  }

  listen(port: number, host: string): Promise<number> {
    const server = net.createServer((socket) => {
      let conn: AdbConnection | undefined = undefined;
      const resolve = makeResolver(
        { device: this.device, reverse: this.reverse, log: this.log },
        () => conn as AdbConnection,
      );
      conn = new AdbConnection(socket, { banner: this.banner(), resolve, log: this.log });
      const c = conn;
      this.connections.add(c);
      socket.on('close', () => {
        this.connections.delete(c);
        this.reverse.removeAll(c);
      });
    });
    this.server = server;
    return new Promise((resolvePort, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.log.warn({ err }, 'sim adb listener error'));
        resolvePort((server.address() as net.AddressInfo).port);
      });
    });
  }

  /** A reboot: every connection drops and the port stops answering (the device disappears). */
  async suspend(): Promise<void> {
    await this.close();
  }

  /** Back from a reboot: listens again on the port it had. */
  async resume(port: number, host: string): Promise<void> {
    if (this.server) return;
    await this.listen(port, host);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.close();
    this.connections.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
