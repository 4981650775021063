// Applies committed journal entries to the model after they were acknowledged.
//
// The journal makes a batch durable; the model (raw index + derived tables in
// sql.js) is a view of the journal and may lag it, as ARCHITECTURE.md draws it
// (journal → ack, then store). Deriving the model costs ~5x what decoding and
// journalling a record cost, so doing it before the ack capped what an agent
// could send at what sql.js can index. Here the model catches up in the
// background, like an LSM store's compaction:
//
// - idle listener: entries are applied as soon as they commit, back to back;
// - busy listener (a request in the last `busyWindowMs`): the applier stays out
//   of the way so acks go at journal speed, until the oldest waiting entry is
//   older than `maxLagMs`; then it takes every other slice of `sliceMs`;
// - more than `maxBacklogBytes` waiting: accept() waits (whenBelowLimit) while
//   the applier runs flat out: the backlog, its memory and the lag are bounded.
//
// Entries are applied in seq order, in groups (one transaction with the last
// seq; sized by the measured cost per byte to fit the slice, so parts of a
// call sent in different requests merge), so a snapshot holds a prefix of the
// journal and a crash loses nothing: the tail past it is replayed on open.

import { errorMessage, type StoreLogger } from './fsUtil';
import type { JournalEntry } from './journal';

export interface ModelApplierOptions {
  /** Applies entries (in seq order, in one transaction); synchronous. */
  readonly apply: (entries: readonly JournalEntry[]) => void;
  /** Longest a slice holds the thread while the listener is busy (at least one entry runs). */
  readonly sliceMs?: number;
  /** Longest a slice holds the thread otherwise. */
  readonly idleSliceMs?: number;
  /** While the listener is busy the model may fall this far behind before the applier takes turns with it. */
  readonly maxLagMs?: number;
  /** The listener counts as busy this long after its last request. */
  readonly busyWindowMs?: number;
  /** New requests wait while more than this many payload bytes wait for the model. */
  readonly maxBacklogBytes?: number;
  readonly onLog?: StoreLogger;
  /** Injectable clock (ms, monotonic). */
  readonly now?: () => number;
}

export const DEFAULT_MAX_BACKLOG_BYTES = 128 * 1024 * 1024;
/** Most entries applied as one group (bounds a group's memory and the work lost to a rollback). */
const MAX_GROUP_ENTRIES = 32;

export interface ApplierStats {
  readonly entries: number;
  readonly bytes: number;
  /** How long the oldest waiting entry has waited (ms); 0 when none waits. */
  readonly lagMs: number;
  /** Entries applied since the applier started. */
  readonly applied: number;
  /** Set when applying failed as a whole (the model stops; the journal keeps everything for the next open). */
  readonly failed: string | null;
}

interface Waiting {
  readonly entry: JournalEntry;
  readonly at: number;
}

export class ModelApplier {
  readonly #apply: (entries: readonly JournalEntry[]) => void;
  readonly #sliceMs: number;
  readonly #idleSliceMs: number;
  readonly #maxLagMs: number;
  readonly #busyWindowMs: number;
  readonly #maxBacklogBytes: number;
  readonly #log: StoreLogger;
  readonly #now: () => number;
  #queue: Waiting[] = [];
  #head = 0;
  #bytes = 0;
  #applied = 0;
  /** Measured cost of applying a payload byte (ms, moving average): sizes groups to the slice. */
  #msPerByte = 0;
  #lastRequest = -Infinity;
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #failed: string | null = null;
  #disposed = false;
  /** Holds in force (see hold()): nothing is applied. */
  #holds = 0;
  /** Waiters for the model to hold everything up to a seq. */
  #settledWaiters: Array<{ readonly seq: number; readonly resolve: () => void }> = [];
  #lastEnqueuedSeq = 0;
  #limitWaiters: Array<() => void> = [];

  constructor(options: ModelApplierOptions) {
    this.#apply = options.apply;
    this.#sliceMs = options.sliceMs ?? 8;
    this.#idleSliceMs = options.idleSliceMs ?? 50;
    this.#maxLagMs = options.maxLagMs ?? 5_000;
    this.#busyWindowMs = options.busyWindowMs ?? 20;
    this.#maxBacklogBytes = options.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES;
    this.#log = options.onLog ?? (() => undefined);
    this.#now = options.now ?? (() => performance.now());
  }

  get pendingEntries(): number {
    return this.#queue.length - this.#head;
  }

  get pendingBytes(): number {
    return this.#bytes;
  }

  get overLimit(): boolean {
    return this.#bytes > this.#maxBacklogBytes;
  }

  get failed(): string | null {
    return this.#failed;
  }

  stats(): ApplierStats {
    const oldest = this.#queue[this.#head];
    return {
      entries: this.pendingEntries,
      bytes: this.#bytes,
      lagMs: oldest ? Math.max(0, this.#now() - oldest.at) : 0,
      applied: this.#applied,
      failed: this.#failed,
    };
  }

  /** A request arrived: the listener is busy for the next busyWindowMs. */
  noteRequest(): void {
    this.#lastRequest = this.#now();
  }

  /** Committed entries, in seq order. */
  enqueue(entries: readonly JournalEntry[]): void {
    if (this.#disposed) return;
    const at = this.#now();
    for (const entry of entries) {
      this.#queue.push({ entry, at });
      this.#bytes += entry.payload.byteLength;
      this.#lastEnqueuedSeq = entry.seq;
    }
    // Past the limit the applier runs flat out now; otherwise a tick already planned stands.
    if (this.overLimit || (this.#timer === null && this.#immediate === null)) this.#schedule(0);
  }

  /** Resolves once the backlog is within maxBacklogBytes (at once when it is), or the applier stopped. */
  whenBelowLimit(): Promise<void> {
    if (!this.overLimit || this.#failed !== null || this.#disposed) return Promise.resolve();
    return new Promise((resolve) => this.#limitWaiters.push(resolve));
  }

  /**
   * Resolves once every entry enqueued so far is in the model (or the applier
   * stopped). Entries enqueued later are not waited for, so a caller is never
   * starved by a steady stream; until then the applier runs flat out.
   */
  settled(): Promise<void> {
    const seq = this.#lastEnqueuedSeq;
    if (this.#reached(seq) || this.#failed !== null || this.#disposed) return Promise.resolve();
    this.#schedule(0);
    return new Promise((resolve) => this.#settledWaiters.push({ seq, resolve }));
  }

  /** True when no entry at or below `seq` still waits. */
  #reached(seq: number): boolean {
    return this.pendingEntries === 0 || this.#queue[this.#head].entry.seq > seq;
  }

  /**
   * Applies what waits, synchronously, for at most `budgetMs` (whole entries).
   * Returns how many entries are left (they stay in the journal for the next open).
   */
  drain(budgetMs = Number.POSITIVE_INFINITY): number {
    this.#runSlice(budgetMs);
    this.#wake();
    return this.pendingEntries;
  }

  /**
   * Drops the waiting entries with seq <= `seq` without applying them (the
   * journal no longer has them: cleared). Returns the highest seq dropped, or 0.
   */
  discardThrough(seq: number): number {
    let last = 0;
    while (this.pendingEntries > 0 && this.#queue[this.#head].entry.seq <= seq) {
      const { entry } = this.#queue[this.#head];
      this.#queue[this.#head] = undefined as unknown as Waiting;
      this.#head++;
      this.#bytes -= entry.payload.byteLength;
      last = entry.seq;
    }
    this.#wake();
    return last;
  }

  /** Applies nothing until the returned release is called (while the database is swapped, say). */
  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      if (this.#holds === 0 && this.pendingEntries > 0) this.#schedule(0);
    };
  }

  /** Stops; what waits stays in the journal (replayed on the next open). */
  dispose(): void {
    this.#disposed = true;
    this.#cancel();
    this.#queue = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#wake(true);
  }

  #tick(): void {
    this.#timer = null;
    this.#immediate = null;
    if (this.#holds > 0) return;
    if (this.#disposed || this.#failed !== null || this.pendingEntries === 0) return this.#wake();
    const now = this.#now();
    const busy = now - this.#lastRequest < this.#busyWindowMs;
    const lagging = now - this.#queue[this.#head].at >= this.#maxLagMs;
    const flatOut = this.#settledWaiters.length > 0 || this.overLimit;
    if (busy && !lagging && !flatOut) {
      // Out of the listener's way until it pauses or the lag bound is reached.
      this.#schedule(Math.min(this.#busyWindowMs, this.#maxLagMs - (now - this.#queue[this.#head].at)));
      return;
    }
    const taking = busy && !flatOut;
    this.#runSlice(taking ? this.#sliceMs : this.#idleSliceMs);
    this.#wake();
    // Taking turns with a busy listener: rest as long as the slice ran.
    if (this.pendingEntries > 0) this.#schedule(taking ? this.#sliceMs : 0);
  }

  #runSlice(budgetMs: number): void {
    const deadline = this.#now() + budgetMs;
    while (this.pendingEntries > 0 && this.#failed === null) {
      const group = this.#nextGroup(deadline - this.#now());
      const bytes = group.reduce((sum, e) => sum + e.payload.byteLength, 0);
      const started = this.#now();
      try {
        this.#apply(group);
      } catch (err) {
        // A whole-transaction failure (entry-level failures are handled by apply): stop rather than
        // skip, so nothing is lost; the journal still holds the entries and the next open retries them.
        this.#failed = errorMessage(err);
        this.#log('error', `the model stopped at journal entry ${group[0].seq}: ${this.#failed}; new data is journalled and applied on the next start`);
        return;
      }
      const took = this.#now() - started;
      if (bytes > 0) this.#msPerByte = this.#msPerByte === 0 ? took / bytes : 0.8 * this.#msPerByte + 0.2 * (took / bytes);
      for (let i = 0; i < group.length; i++) this.#queue[this.#head + i] = undefined as unknown as Waiting;
      this.#head += group.length;
      this.#bytes -= bytes;
      this.#applied += group.length;
      if (this.#now() >= deadline) break;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The next entries to apply together: at least one, then as many as the measured cost fits in `budgetMs`. */
  #nextGroup(budgetMs: number): JournalEntry[] {
    const group = [this.#queue[this.#head].entry];
    let bytes = group[0].payload.byteLength;
    if (this.#msPerByte === 0) return group;
    while (group.length < MAX_GROUP_ENTRIES && this.#head + group.length < this.#queue.length) {
      const next = this.#queue[this.#head + group.length].entry;
      if ((bytes + next.payload.byteLength) * this.#msPerByte > budgetMs) break;
      group.push(next);
      bytes += next.payload.byteLength;
    }
    return group;
  }

  #wake(all = false): void {
    if (this.#settledWaiters.length > 0) {
      const done = all || this.#failed !== null ? this.#settledWaiters : this.#settledWaiters.filter((w) => this.#reached(w.seq));
      if (done.length > 0) {
        this.#settledWaiters = this.#settledWaiters.filter((w) => !done.includes(w));
        for (const w of done) w.resolve();
      }
    }
    if (all || !this.overLimit || this.#failed !== null) {
      const waiters = this.#limitWaiters;
      this.#limitWaiters = [];
      for (const w of waiters) w();
    }
  }

  #schedule(delayMs: number): void {
    if (this.#disposed) return;
    if (delayMs <= 0) {
      if (this.#immediate !== null) return;
      if (this.#timer !== null) {
        clearTimeout(this.#timer);
        this.#timer = null;
      }
      this.#immediate = setImmediate(() => this.#tick());
      return;
    }
    if (this.#timer !== null || this.#immediate !== null) return;
    this.#timer = setTimeout(() => this.#tick(), Math.max(1, delayMs));
  }

  #cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#immediate !== null) clearImmediate(this.#immediate);
    this.#timer = null;
    this.#immediate = null;
  }
}
