/**
 * Multi-pattern byte search: an Aho–Corasick automaton compiled into a dense DFA over byte classes, so a
 * buffer is scanned in one pass with one table lookup per byte.
 *
 * Why our own: the npm Aho–Corasick packages (`ahocorasick`, `aho-corasick`, `modern-ahocorasick`) work on
 * JavaScript strings with object tries, which would force a UTF-16 decode of every body (binary bodies
 * included) and run several times slower than a typed-array DFA; none reports byte offsets. This one is
 * ~150 lines and is exercised by the matcher's tests and benchmark.
 *
 * Memory is bounded by only putting the first `prefixLength` bytes of each pattern in the automaton; a
 * hit on a prefix is confirmed by comparing the rest of the pattern in place (long digests share nothing
 * anyway, so this loses no speed and keeps the table small).
 */

export interface AutomatonHit {
  pattern: number;
  start: number;
  /** Exclusive. */
  end: number;
}

export type HitHandler = (pattern: number, start: number, end: number) => void;

export class ByteAutomaton {
  readonly patternCount: number;
  readonly stateCount: number;
  private readonly classes: Uint8Array;
  private readonly classCount: number;
  /** delta[state * classCount + class] = next * classCount, bit-inverted (< 0) when `next` has outputs. */
  private readonly delta: Int32Array;
  private readonly outStart: Int32Array;
  private readonly outIds: Int32Array;
  private readonly patterns: Uint8Array[];
  private readonly prefixLength: number;

  constructor(patterns: Uint8Array[], prefixLength = 8) {
    this.patterns = patterns;
    this.patternCount = patterns.length;
    this.prefixLength = prefixLength;

    const classes = new Uint8Array(256);
    let classCount = 1; // class 0: bytes that occur in no pattern prefix
    for (const p of patterns) {
      if (p.length === 0) throw new Error('ByteAutomaton: empty pattern');
      for (let i = 0; i < Math.min(p.length, prefixLength); i++) {
        const b = p[i] as number;
        if (classes[b] === 0) classes[b] = classCount++;
      }
    }
    if (classCount > 255) throw new Error('ByteAutomaton: too many byte classes');
    this.classes = classes;
    this.classCount = classCount;

    // Trie with sparse children while building.
    const children: Map<number, number>[] = [new Map()];
    const own: number[][] = [[]];
    patterns.forEach((p, id) => {
      let s = 0;
      for (let i = 0; i < Math.min(p.length, prefixLength); i++) {
        const c = classes[p[i] as number] as number;
        let next = (children[s] as Map<number, number>).get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          own.push([]);
          (children[s] as Map<number, number>).set(c, next);
        }
        s = next;
      }
      (own[s] as number[]).push(id);
    });
    const n = children.length;
    this.stateCount = n;

    // Breadth-first: fail links and the dense transition table; outputs merge along fail links.
    const delta = new Int32Array(n * classCount);
    const fail = new Int32Array(n);
    const outputs: number[][] = own;
    const order: number[] = [];
    for (const [c, v] of children[0] as Map<number, number>) {
      delta[c] = v;
      fail[v] = 0;
      order.push(v);
    }
    for (let qi = 0; qi < order.length; qi++) {
      const u = order[qi] as number;
      const fu = fail[u] as number;
      const inherited = outputs[fu] as number[];
      if (inherited.length > 0) outputs[u] = [...(outputs[u] as number[]), ...inherited];
      for (let c = 0; c < classCount; c++) {
        const v = (children[u] as Map<number, number>).get(c);
        if (v === undefined) {
          delta[u * classCount + c] = delta[fu * classCount + c] as number;
        } else {
          fail[v] = delta[fu * classCount + c] as number;
          delta[u * classCount + c] = v;
          order.push(v);
        }
      }
    }

    const outStart = new Int32Array(n + 1);
    let total = 0;
    for (let s = 0; s < n; s++) {
      outStart[s] = total;
      total += (outputs[s] as number[]).length;
    }
    outStart[n] = total;
    const outIds = new Int32Array(total);
    for (let s = 0; s < n; s++) outIds.set(outputs[s] as number[], outStart[s] as number);
    // Pre-multiply targets and mark states with outputs by inverting their bits.
    for (let i = 0; i < delta.length; i++) {
      const t = delta[i] as number;
      const hasOut = (outStart[t + 1] as number) > (outStart[t] as number);
      delta[i] = hasOut ? ~(t * classCount) : t * classCount;
    }
    this.delta = delta;
    this.outStart = outStart;
    this.outIds = outIds;
  }

  /** Approximate heap use of the tables, for diagnostics. */
  get tableBytes(): number {
    return this.delta.byteLength + this.outIds.byteLength + this.outStart.byteLength;
  }

  /** Calls `onHit(pattern, start, end)` for every occurrence of every pattern, in order of end offset. */
  scan(buf: Uint8Array, onHit: HitHandler): void {
    const { delta, classes, classCount } = this;
    const n = buf.length;
    let s = 0;
    for (let i = 0; i < n; i++) {
      let t = delta[s + (classes[buf[i] as number] as number)] as number;
      if (t < 0) {
        t = ~t;
        this.confirm(t / classCount, buf, i, onHit);
      }
      s = t;
    }
  }

  /** All hits as objects (tests and diagnostics). */
  hits(buf: Uint8Array): AutomatonHit[] {
    const out: AutomatonHit[] = [];
    this.scan(buf, (pattern, start, end) => out.push({ pattern, start, end }));
    return out;
  }

  private confirm(state: number, buf: Uint8Array, last: number, onHit: HitHandler): void {
    const from = this.outStart[state] as number;
    const to = this.outStart[state + 1] as number;
    for (let k = from; k < to; k++) {
      const id = this.outIds[k] as number;
      const p = this.patterns[id] as Uint8Array;
      const inTable = Math.min(p.length, this.prefixLength);
      const start = last - inTable + 1;
      const end = start + p.length;
      if (end > buf.length) continue;
      let same = true;
      for (let j = inTable; j < p.length; j++) {
        if (buf[start + j] !== p[j]) {
          same = false;
          break;
        }
      }
      if (same) onHit(id, start, end);
    }
  }
}
