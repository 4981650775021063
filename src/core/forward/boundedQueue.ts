// A FIFO bounded by count and by bytes. Pushing never blocks and never fails: when
// the new item does not fit, the oldest items are dropped (and handed back so the
// caller can count them). An item larger than the byte bound on its own is
// dropped at once rather than emptying the queue for it.

export interface Sized {
  readonly bytes: number;
}

export class BoundedQueue<T extends Sized> {
  private items: T[] = [];
  /** Index of the head in `items` (shift() without moving the array every time). */
  private head = 0;
  private totalBytes = 0;

  constructor(
    readonly maxItems: number,
    readonly maxBytes: number,
  ) {
    if (!(maxItems > 0) || !(maxBytes > 0)) throw new Error('a bounded queue needs positive bounds');
  }

  get length(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Appends; returns what was dropped to make room (oldest first), possibly the item itself. */
  push(item: T): T[] {
    if (item.bytes > this.maxBytes) return [item];
    const dropped: T[] = [];
    while (this.length > 0 && (this.length + 1 > this.maxItems || this.totalBytes + item.bytes > this.maxBytes)) {
      dropped.push(this.shift() as T);
    }
    this.items.push(item);
    this.totalBytes += item.bytes;
    return dropped;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    (this.items as Array<T | undefined>)[this.head] = undefined;
    this.head++;
    this.totalBytes -= item.bytes;
    // Compact once the consumed prefix dominates.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Empties the queue, returning what it held. */
  clear(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    this.totalBytes = 0;
    return rest;
  }
}
