/**
 * The stream table of one ADB connection: local ids we hand out, the peer's id for each, and
 * whether the peer has acknowledged our last write (adb 29 allows one unacknowledged WRTE per stream).
 */
export interface StreamEntry<T> {
  localId: number;
  remoteId: number;
  value: T;
}

export class StreamTable<T> {
  private next = 1;
  private readonly byLocal = new Map<number, StreamEntry<T>>();

  constructor(private readonly limit = 1024) {}

  /** Allocates a local id for a stream the peer opened (remoteId) or we open (remoteId 0 until OKAY). */
  add(remoteId: number, value: T): StreamEntry<T> | undefined {
    if (this.byLocal.size >= this.limit) return undefined;
    while (this.byLocal.has(this.next) || this.next === 0) this.next = (this.next + 1) >>> 0;
    const entry = { localId: this.next, remoteId, value };
    this.byLocal.set(entry.localId, entry);
    this.next = (this.next + 1) >>> 0;
    return entry;
  }

  get(localId: number): StreamEntry<T> | undefined {
    return this.byLocal.get(localId);
  }

  remove(localId: number): StreamEntry<T> | undefined {
    const e = this.byLocal.get(localId);
    this.byLocal.delete(localId);
    return e;
  }

  values(): StreamEntry<T>[] {
    return [...this.byLocal.values()];
  }

  get size(): number {
    return this.byLocal.size;
  }
}
