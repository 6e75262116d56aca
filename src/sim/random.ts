import { createHash } from 'node:crypto';

/**
 * Deterministic randomness from a seed string: the same seed gives the same sim (identity, pids,
 * timestamps aside), so a session on a sim can be reproduced. SHA-256 in counter mode: slow-ish,
 * but a sim draws only a few hundred bytes.
 */
export class SeededRandom {
  private block = Buffer.alloc(0);
  private offset = 0;
  private counter = 0;

  constructor(readonly seed: string) {}

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      if (this.offset >= this.block.length) {
        this.block = createHash('sha256').update(`${this.seed}\0${this.counter++}`).digest();
        this.offset = 0;
      }
      out[i] = this.block[this.offset++] as number;
    }
    return out;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return this.bytes(4).readUInt32BE() % n;
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(10));
    return s;
  }

  hex(nBytes: number): string {
    return this.bytes(nBytes).toString('hex');
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** A child stream, so adding a draw in one place does not shift every value after it. */
  fork(label: string): SeededRandom {
    return new SeededRandom(`${this.seed}/${label}`);
  }
}
