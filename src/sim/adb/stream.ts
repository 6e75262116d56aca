/**
 * One ADB stream as a service sees it: ordered reads of what the peer wrote, flow-controlled writes
 * (each WRTE waits for the peer's OKAY), and close. Services never touch messages or ids.
 */
export interface StreamPort {
  /** Sends one WRTE payload (<= maxdata) and resolves when the peer acknowledged it. */
  send(payload: Buffer): Promise<void>;
  /** Sends CLSE (once). */
  close(): void;
  readonly maxData: number;
}

export class AdbStream {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** OKAY for the peer's last WRTE, held back while the service has not read enough (adbd does the same). */
  private heldAck: (() => void) | undefined;
  private waiters: ((chunk: Buffer | null) => void)[] = [];
  private ended = false;
  private pending: Buffer[] = [];
  private flushing: Promise<void> | null = null;
  private readonly closeListeners: (() => void)[] = [];
  closed = false;

  constructor(private readonly port: StreamPort) {}

  /** Unread bytes above which the peer's next WRTE is not acknowledged until the service reads. */
  static readonly HIGH_WATER = 4 * 1024 * 1024;

  /** Called by the connection when the peer's WRTE arrives; `ack` sends our OKAY. */
  deliver(chunk: Buffer, ack: () => void): void {
    if (this.ended) return;
    const w = this.waiters.shift();
    if (w) w(chunk);
    else {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    if (this.buffered < AdbStream.HIGH_WATER) ack();
    else this.heldAck = ack;
  }

  private take(): Buffer | undefined {
    const c = this.chunks.shift();
    if (c) this.buffered -= c.length;
    if (this.heldAck && this.buffered < AdbStream.HIGH_WATER) {
      const ack = this.heldAck;
      this.heldAck = undefined;
      ack();
    }
    return c;
  }

  /** Called by the connection when the peer closed the stream or the connection went away. */
  peerClosed(): void {
    this.ended = true;
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(null);
    for (const l of this.closeListeners.splice(0)) l();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Next chunk the peer wrote, or null once the peer closed. */
  read(): Promise<Buffer | null> {
    const c = this.take();
    if (c) return Promise.resolve(c);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Exactly n bytes, or fewer if the peer closed first. */
  async readExactly(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < n) {
      const c = await this.read();
      if (!c) break;
      if (have + c.length > n) {
        const take = n - have;
        parts.push(c.subarray(0, take));
        this.chunks.unshift(c.subarray(take));
        this.buffered += c.length - take;
        have = n;
      } else {
        parts.push(c);
        have += c.length;
      }
    }
    return Buffer.concat(parts);
  }

  /**
   * Queues data for the peer; resolves when it was acknowledged. Writes made while a WRTE is in
   * flight are joined into the next one (up to maxdata), so `stdout` + `exit` of a short shell
   * command cost one round-trip instead of two.
   */
  write(data: Buffer | string): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (buf.length) this.pending.push(buf);
    this.flushing ??= this.flush();
    return this.flushing;
  }

  private async flush(): Promise<void> {
    // Let writes made in the same tick join this WRTE.
    await Promise.resolve();
    while (this.pending.length && !this.closed) {
      const all = Buffer.concat(this.pending.splice(0));
      for (let off = 0; off < all.length && !this.closed; off += this.port.maxData) {
        await this.port.send(all.subarray(off, off + this.port.maxData));
      }
    }
    this.pending = [];
    this.flushing = null;
  }

  /** Waits for queued writes, then closes. */
  async end(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ended = true;
    for (const w of this.waiters.splice(0)) w(null);
    this.port.close();
    for (const l of this.closeListeners.splice(0)) l();
  }
}
