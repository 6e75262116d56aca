import type { StdinReader } from '../shell/types.ts';

/** A StdinReader fed by pushes (stream data, shell v2 stdin packets) and ended by `end()`. */
export class PushStdin implements StdinReader {
  private chunks: Buffer[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  push(chunk: Buffer): void {
    if (this.ended || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  private async waitForData(): Promise<boolean> {
    while (this.chunks.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    return this.chunks.length > 0;
  }

  async readExactly(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < n && (await this.waitForData())) {
      const c = this.chunks.shift() as Buffer;
      const take = Math.min(c.length, n - have);
      parts.push(c.subarray(0, take));
      if (take < c.length) this.chunks.unshift(c.subarray(take));
      have += take;
    }
    return Buffer.concat(parts);
  }

  async readAll(): Promise<Buffer> {
    const parts: Buffer[] = [];
    while (await this.waitForData()) parts.push(...this.chunks.splice(0));
    return Buffer.concat(parts);
  }

  /** Next line (without the newline), or null at end of input. */
  async readLine(): Promise<string | null> {
    let acc = Buffer.alloc(0);
    for (;;) {
      const nl = acc.indexOf(0x0a);
      const cr = acc.indexOf(0x0d);
      const end = nl >= 0 && cr >= 0 ? Math.min(nl, cr) : Math.max(nl, cr);
      if (end >= 0) {
        const rest = acc.subarray(end + 1);
        if (rest.length) this.chunks.unshift(rest);
        return acc.subarray(0, end).toString('utf8');
      }
      if (!(await this.waitForData())) return acc.length ? acc.toString('utf8') : null;
      acc = Buffer.concat([acc, this.chunks.shift() as Buffer]);
    }
  }
}
