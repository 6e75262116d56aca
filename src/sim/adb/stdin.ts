import type { StdinReader } from '../shell/types.ts';

/**
 * A command's standard input, pulled from a source (the ADB stream, or shell-v2 stdin packets) only
 * when the command reads. Nothing is read ahead, so a host that floods stdin is slowed by the
 * stream's flow control instead of filling memory.
 */
export class PullStdin implements StdinReader {
  private chunks: Buffer[] = [];
  private ended = false;

  /** `source` returns the next chunk of input, or null at end of input. */
  constructor(private readonly source: () => Promise<Buffer | null>) {}

  private async waitForData(): Promise<boolean> {
    while (this.chunks.length === 0 && !this.ended) {
      const c = await this.source();
      if (c === null) this.ended = true;
      else if (c.length) this.chunks.push(c);
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

  /** Next line (without its CR/LF), or null at end of input. */
  async readLine(): Promise<string | null> {
    let acc = Buffer.alloc(0);
    for (;;) {
      const nl = acc.indexOf(0x0a);
      const cr = acc.indexOf(0x0d);
      const end = nl >= 0 && cr >= 0 ? Math.min(nl, cr) : Math.max(nl, cr);
      if (end >= 0) {
        // A CR LF pair ends one line, not two.
        const skip = acc[end] === 0x0d && acc[end + 1] === 0x0a ? 2 : 1;
        const rest = acc.subarray(end + skip);
        if (rest.length) this.chunks.unshift(rest);
        return acc.subarray(0, end).toString('utf8');
      }
      if (!(await this.waitForData())) return acc.length ? acc.toString('utf8') : null;
      acc = Buffer.concat([acc, this.chunks.shift() as Buffer]);
    }
  }
}
