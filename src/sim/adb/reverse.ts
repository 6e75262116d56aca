import type { AdbConnection } from './connection.ts';
import type { AdbStream } from './stream.ts';

/**
 * `adb reverse`: device-side ports whose connections travel back over the ADB connection to a
 * host spec (`tcp:8081`). On a sim the device side is virtual: part 2's app network calls
 * `open(devicePort)` instead of connecting a socket.
 */
export interface ReverseRule {
  device: string;
  host: string;
  conn: AdbConnection;
}

export class ReverseTable {
  private readonly rules = new Map<string, ReverseRule>();
  private nextPort = 38000;

  list(): ReverseRule[] {
    return [...this.rules.values()];
  }

  add(device: string, host: string, conn: AdbConnection, noRebind: boolean): string | { error: string } {
    let spec = device;
    if (spec === 'tcp:0') spec = `tcp:${this.nextPort++}`;
    if (noRebind && this.rules.has(spec)) return { error: `cannot rebind existing socket` };
    this.rules.set(spec, { device: spec, host, conn });
    return spec;
  }

  remove(device: string): boolean {
    return this.rules.delete(device);
  }

  removeAll(conn?: AdbConnection): void {
    for (const [k, r] of this.rules) if (!conn || r.conn === conn) this.rules.delete(k);
  }

  /** Opens a connection to device port `port` as an app on the device would; undefined if none is reversed. */
  async open(port: number): Promise<AdbStream | undefined> {
    const rule = this.rules.get(`tcp:${port}`);
    if (!rule || rule.conn.isClosed) return undefined;
    return rule.conn.openToHost(rule.host);
  }
}

function protocolString(s: string): Buffer {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from(b.length.toString(16).padStart(4, '0')), b]);
}

function fail(message: string): Buffer {
  return Buffer.concat([Buffer.from('FAIL'), protocolString(message)]);
}

const SPEC = /^(tcp:\d+|localabstract:[\w.-]+)$/;

/** adbd's handle_forward_request for `reverse:` as a device answers it (one OKAY, no host OKAY). */
export async function handleReverse(
  table: ReverseTable,
  conn: AdbConnection,
  stream: AdbStream,
  command: string,
): Promise<void> {
  if (command === 'list-forward') {
    await stream.write(
      protocolString(
        table
          .list()
          .map((r) => `UsbFfs ${r.device} ${r.host}\n`)
          .join(''),
      ),
    );
    return;
  }
  if (command === 'killforward-all') {
    table.removeAll(conn);
    await stream.write('OKAY');
    return;
  }
  if (command.startsWith('killforward:')) {
    const spec = command.slice('killforward:'.length);
    await stream.write(table.remove(spec) ? 'OKAY' : fail(`listener '${spec}' not found`));
    return;
  }
  const fwd = /^forward:(norebind:)?([^;]+);(.+)$/.exec(command);
  if (fwd) {
    const [, noRebind, device, host] = fwd as unknown as [string, string | undefined, string, string];
    if (!SPEC.test(device) || !SPEC.test(host)) {
      await stream.write(fail(`cannot bind listener: bad socket spec`));
      return;
    }
    const r = table.add(device, host, conn, Boolean(noRebind));
    if (typeof r !== 'string') {
      await stream.write(fail(r.error));
      return;
    }
    await stream.write(
      device === 'tcp:0' ? Buffer.concat([Buffer.from('OKAY'), protocolString(r.slice(4))]) : 'OKAY',
    );
    return;
  }
  await stream.write(fail('not a reverse forwarding command'));
}
