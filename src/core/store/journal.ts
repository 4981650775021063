// The write-ahead journal: what makes an OTLP 200 mean "on disk".
//
// Append-only segment files (<dir>/<first seq, 16 digits>.seg) of CRC-checked
// frames (journalFormat.ts). append() resolves with the entry's seq only after
// its bytes are fsynced. Appends that arrive while a write+fsync is in flight
// wait and go out together in the next one (group commit): one fsync per group,
// not per entry. Seqs are assigned when a group is written, so a failed write
// that is undone leaves no hole; they are monotonic across segments, restarts,
// clear() and (with seqFloor) a lost journal directory.
//
// Opening checks the last segment. Damage there is either a torn write (the
// process died mid-write: the bytes were never acknowledged) and is cut away
// and reported, or damage to acknowledged data, which stops everything with a
// JournalCorruptError naming the file and offset. Nothing is skipped silently.
//
// One Journal per directory: the owner lock (ownerLock.ts) guarantees that
// across processes; nothing here guards against two instances in one process.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, errorMessage, fileTimestamp, fsyncDir, noLog, writeAllAt, type Disposable, type StoreLogger } from './fsUtil';
import {
  encodeFrame,
  FRAME_ENTRY,
  FRAME_SEAL,
  frameBytes,
  readSegment,
  scanForFrames,
  type EntryMeta,
  type FrameProblem,
} from './journalFormat';
import { selectPrunableSegments, type PruneOptions, type SegmentInfo } from './retention';

export type { EntryMeta, MetaValue } from './journalFormat';
export type { PruneOptions } from './retention';
export type { Disposable } from './fsUtil';

export interface JournalEntry {
  readonly seq: number;
  readonly receivedAtMs: number;
  /** What the payload is, e.g. 'otlp'. */
  readonly kind: string;
  /** Small facts about the payload: signal, encoding, transport, content type... */
  readonly meta: EntryMeta;
  /** The request body, verbatim. Not copied on append: do not mutate it until append settles. */
  readonly payload: Uint8Array;
}

export type NewJournalEntry = Omit<JournalEntry, 'seq'>;

export interface JournalOptions {
  /** A segment is closed and a new one started once it reaches this size (soft: a group never spans two). */
  readonly segmentMaxBytes?: number;
  /** Largest kind + meta + payload accepted by append(). */
  readonly maxEntryBytes?: number;
  /** Largest single write+fsync; a bigger backlog is written as several groups. */
  readonly maxGroupBytes?: number;
  /**
   * New entries get seqs above this even if the journal holds fewer. Pass the
   * database's applied seq, so a journal directory that was lost or deleted
   * does not restart at 1 underneath it (the ingest would skip those as done).
   */
  readonly seqFloor?: number;
  /**
   * When the last segment is damaged in acknowledged data: copy it aside
   * (<segment>.corrupt-<time>) and cut it at the damage instead of refusing to open.
   */
  readonly repairCorruptTail?: boolean;
  readonly onLog?: StoreLogger;
}

export interface JournalStats {
  readonly segments: number;
  readonly bytes: number;
  /** Seq the oldest segment starts at (the oldest entry still kept, if any). */
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly appends: number;
  /** Write+fsync rounds; appends / fsyncs is the group-commit factor. */
  readonly fsyncs: number;
  readonly pendingEntries: number;
  readonly pendingBytes: number;
}

export interface SeqRange {
  readonly fromSeq: number;
  readonly toSeq: number;
}

export interface ReplayResult {
  /** Entries handed to onEntry. */
  readonly entries: number;
  readonly lastSeq: number;
  /** True when opening cut a torn last write away (those bytes were never acknowledged). */
  readonly truncatedTail: boolean;
  /** Seqs that should have been replayed but are no longer in the journal (pruned, or skipped by seqFloor). */
  readonly gaps: readonly SeqRange[];
}

export interface TailRecovery {
  readonly file: string;
  readonly offset: number;
  readonly droppedBytes: number;
  readonly problem: FrameProblem;
  /** Set when repairCorruptTail cut acknowledged data: where the untouched copy is. */
  readonly copiedTo: string | null;
}

export interface PruneResult {
  readonly removedSegments: number;
  readonly removedBytes: number;
}

export class JournalCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly problem: FrameProblem,
  ) {
    super(`journal segment ${file} is damaged at offset ${offset} (${describeProblem(problem)}); replay stops there`);
    this.name = 'JournalCorruptError';
  }
}

/** The journal no longer accepts appends: closed, or a failed write could not be undone. */
export class JournalUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JournalUnavailableError';
  }
}

export const DEFAULT_SEGMENT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_ENTRY_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_GROUP_BYTES = 8 * 1024 * 1024;
/** Readers accept any frame a writer with a larger maxEntryBytes could have written. */
const READ_MAX_BODY_BYTES = 1024 * 1024 * 1024;
/** Recovery scans the rest of the last segment in memory; past this it refuses instead. */
const MAX_RECOVERY_SCAN_BYTES = 256 * 1024 * 1024;
const MAX_KIND_BYTES = 255;

const SEGMENT_NAME = /^(\d{16})\.seg$/;

function segmentFile(dir: string, firstSeq: number): string {
  return path.join(dir, `${String(firstSeq).padStart(16, '0')}.seg`);
}

interface Segment {
  readonly file: string;
  readonly firstSeq: number;
  /** Durable size for the active segment (bytes beyond it are not acknowledged). */
  bytes: number;
  lastWriteMs: number;
}

interface Pending {
  readonly receivedAtMs: number;
  readonly kindText: string;
  readonly metaValue: EntryMeta;
  readonly kind: Buffer;
  readonly meta: Buffer;
  readonly payload: Uint8Array;
  readonly bytes: number;
  readonly resolve: (seq: number) => void;
  readonly reject: (err: unknown) => void;
}

/** Serialises async critical sections. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

type State = 'open' | 'closing' | 'closed' | 'broken';

export class Journal {
  private readonly segments: Segment[] = [];
  private fh!: fsp.FileHandle;
  private last = 0;
  private state: State = 'open';
  private brokenBy: unknown;
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private flushing: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private appended = 0;
  private fsyncCount = 0;
  private tail: TailRecovery | null = null;
  private readonly commitListeners = new Set<(entries: readonly JournalEntry[]) => void>();
  /** Held per group write and by anything that swaps the active segment. */
  private readonly io = new Mutex();
  /** Held by anything that reads or deletes whole segments. */
  private readonly files = new Mutex();
  private readonly segmentMaxBytes: number;
  private readonly maxEntryBytes: number;
  private readonly maxGroupBytes: number;
  private readonly log: StoreLogger;

  private constructor(
    readonly dir: string,
    options: JournalOptions,
  ) {
    this.segmentMaxBytes = options.segmentMaxBytes ?? DEFAULT_SEGMENT_MAX_BYTES;
    this.maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
    this.maxGroupBytes = options.maxGroupBytes ?? DEFAULT_MAX_GROUP_BYTES;
    this.log = options.onLog ?? noLog;
  }

  static async open(dir: string, options: JournalOptions = {}): Promise<Journal> {
    const journal = new Journal(dir, options);
    await journal.load(options.seqFloor ?? 0, options.repairCorruptTail ?? false);
    return journal;
  }

  /** Seq of the last entry that is on disk (acknowledged). */
  get lastSeq(): number {
    return this.last;
  }

  /** What opening cut away from the last segment, if anything. */
  get recoveredTail(): TailRecovery | null {
    return this.tail;
  }

  /**
   * Journals one entry. Resolves with its seq once it is fsynced; rejects (and
   * nothing of it is kept) when the write fails, or with JournalUnavailableError
   * when the journal is closing, closed or broken.
   */
  append(entry: NewJournalEntry): Promise<number> {
    if (this.state !== 'open') return Promise.reject(this.unavailable());
    let kind: Buffer;
    let meta: Buffer;
    try {
      ({ kind, meta } = encodeEntryHead(entry));
    } catch (err) {
      return Promise.reject(err);
    }
    const bytes = frameBytes(kind.length, meta.length, entry.payload.byteLength);
    if (kind.length + meta.length + entry.payload.byteLength > this.maxEntryBytes) {
      return Promise.reject(new RangeError(`journal entry of ${bytes} bytes exceeds the limit of ${this.maxEntryBytes}`));
    }
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ receivedAtMs: entry.receivedAtMs, kindText: entry.kind, metaValue: Object.freeze({ ...entry.meta }), kind, meta, payload: entry.payload, bytes, resolve, reject });
      this.queuedBytes += bytes;
      this.kick();
    });
  }

  /**
   * Fires after each group is fsynced, before its appends resolve, with the
   * group's entries in seq order. The ingest subscribes here: every entry is
   * seen once, in order, whatever the appenders do after their await.
   * Listeners run synchronously on the flush path; a throwing listener is
   * logged and does not fail the appends (the entries are already durable).
   */
  onDidCommit(listener: (entries: readonly JournalEntry[]) => void): Disposable {
    this.commitListeners.add(listener);
    return { dispose: () => this.commitListeners.delete(listener) };
  }

  /**
   * Calls onEntry (awaited) for every entry with seq > fromSeqExclusive that was
   * acknowledged when replay started, in seq order, reading one segment at a
   * time in bounded chunks. Throws JournalCorruptError at damage, after the
   * entries before it were delivered.
   */
  replay(fromSeqExclusive: number, onEntry: (entry: JournalEntry) => void | Promise<void>): Promise<ReplayResult> {
    return this.files.run(async () => {
      if (this.state === 'closed') throw this.unavailable();
      const segments = this.segments.map((s) => ({ ...s }));
      const upTo = this.last;
      const gaps: SeqRange[] = [];
      let expected = fromSeqExclusive + 1;
      let entries = 0;
      for (let i = 0; i < segments.length; i++) {
        const seg = segments[i];
        const isActive = i === segments.length - 1;
        const segLast = isActive ? upTo : segments[i + 1].firstSeq - 1;
        if (segLast < expected) continue;
        if (seg.firstSeq > expected) gaps.push({ fromSeq: expected, toSeq: seg.firstSeq - 1 });
        const read = await readSegment(
          seg.file,
          { firstSeq: seg.firstSeq, endOffset: isActive ? seg.bytes : undefined, maxBodyBytes: READ_MAX_BODY_BYTES },
          async (frame) => {
            if (frame.type !== FRAME_ENTRY || frame.seq <= fromSeqExclusive || frame.seq > upTo) return;
            await onEntry({ seq: frame.seq, receivedAtMs: frame.receivedAtMs, kind: frame.kind, meta: frame.meta, payload: frame.payload });
            entries++;
          },
        );
        if (read.problem) throw new JournalCorruptError(seg.file, read.problem.offset, read.problem.problem);
        expected = Math.max(expected, read.lastSeq + 1);
      }
      if (expected <= upTo) gaps.push({ fromSeq: expected, toSeq: upTo });
      return { entries, lastSeq: upTo, truncatedTail: this.tail !== null, gaps };
    });
  }

  /** Deletes whole old segments per the retention limits (see selectPrunableSegments). */
  prune(options: PruneOptions, nowMs: number = Date.now()): Promise<PruneResult> {
    return this.files.run(async () => {
      const victims = selectPrunableSegments(this.segmentInfos(), options, nowMs);
      let removedBytes = 0;
      for (const v of victims) {
        try {
          await fsp.unlink(v.file);
        } catch (err) {
          if (errnoCode(err) !== 'ENOENT') throw err;
        }
        const at = this.segments.findIndex((s) => s.file === v.file);
        if (at >= 0) this.segments.splice(at, 1);
        removedBytes += v.bytes;
      }
      if (victims.length > 0) {
        await fsyncDir(this.dir);
        this.log('info', `journal: pruned ${victims.length} segment(s), ${removedBytes} bytes`);
      }
      return { removedSegments: victims.length, removedBytes };
    });
  }

  stats(): JournalStats {
    return {
      segments: this.segments.length,
      bytes: this.segments.reduce((sum, s) => sum + s.bytes, 0),
      firstSeq: this.segments[0]?.firstSeq ?? this.last + 1,
      lastSeq: this.last,
      appends: this.appended,
      fsyncs: this.fsyncCount,
      pendingEntries: this.queue.length,
      pendingBytes: this.queuedBytes,
    };
  }

  /**
   * Removes every entry (explicit user request). Seqs keep counting up, so a
   * database that has applied seq N never mistakes new entries for old ones.
   * Appends waiting behind the clear land in the new, empty journal.
   */
  clear(): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.unavailable());
    return this.files.run(() =>
      this.io.run(async () => {
        // An active segment without entries (at most close seals) already starts at the next seq: keep it.
        if (this.activeSegment().firstSeq !== this.last + 1) await this.startSegment(this.last + 1);
        const old = this.segments.splice(0, this.segments.length - 1);
        for (const s of old) await fsp.unlink(s.file).catch((err: unknown) => (errnoCode(err) === 'ENOENT' ? undefined : Promise.reject(err)));
        await fsyncDir(this.dir);
        this.log('info', `journal: cleared ${old.length} segment(s); next seq ${this.last + 1}`);
      }),
    );
  }

  /**
   * Writes everything already accepted, then a seal frame (so later damage
   * before it is never mistaken for a torn write), and closes the file.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.state === 'open') this.state = 'closing';
    this.closing = (async () => {
      while (this.flushing) await this.flushing;
      await this.files.run(() =>
        this.io.run(async () => {
          if (this.state !== 'broken') await this.writeSeal();
          await this.fh.close();
        }),
      );
      this.state = 'closed';
    })();
    return this.closing;
  }

  // -------------------------------------------------------------------------
  // Opening

  private async load(seqFloor: number, repair: boolean): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true });
    const names = (await fsp.readdir(this.dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
    for (const name of names) {
      const file = path.join(this.dir, name);
      const st = await fsp.stat(file);
      this.segments.push({ file, firstSeq: Number(SEGMENT_NAME.exec(name)![1]), bytes: st.size, lastWriteMs: st.mtimeMs });
    }
    if (this.segments.length === 0) {
      await fsyncDir(path.dirname(this.dir)).catch(() => undefined); // the journal directory itself
      this.last = seqFloor;
      await this.startSegment(seqFloor + 1);
      return;
    }
    const active = this.activeSegment();
    const read = await readSegment(active.file, { firstSeq: active.firstSeq, maxBodyBytes: READ_MAX_BODY_BYTES }, () => undefined);
    this.last = read.lastSeq;
    if (read.problem) await this.recoverTail(active, read.goodEnd, read.lastSeq + 1, read.problem.problem, repair);
    this.fh = await fsp.open(active.file, 'r+');
    if (this.last < seqFloor) {
      this.log('warn', `journal: ends at seq ${this.last}, below the database's ${seqFloor}; continuing at ${seqFloor + 1}`);
      this.last = seqFloor;
      await this.startSegment(seqFloor + 1);
    }
  }

  private async recoverTail(active: Segment, offset: number, expectedSeq: number, problem: FrameProblem, repair: boolean): Promise<void> {
    const torn = await this.isTornWrite(active.file, offset, active.bytes, expectedSeq, problem);
    let copiedTo: string | null = null;
    if (!torn) {
      if (!repair) throw new JournalCorruptError(active.file, offset, problem);
      copiedTo = `${active.file}.corrupt-${fileTimestamp()}`;
      await fsp.copyFile(active.file, copiedTo);
    }
    const droppedBytes = active.bytes - offset;
    const fh = await fsp.open(active.file, 'r+');
    try {
      await fh.truncate(offset);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    active.bytes = offset;
    this.tail = { file: active.file, offset, droppedBytes, problem, copiedTo };
    if (torn) {
      this.log('warn', `journal: cut a torn write of ${droppedBytes} bytes at ${active.file}:${offset} (never acknowledged)`);
    } else {
      this.log('error', `journal: damage at ${active.file}:${offset} (${describeProblem(problem)}); cut ${droppedBytes} bytes, original kept at ${copiedTo}`);
    }
  }

  /**
   * A torn write is the last group, never acknowledged, partly on disk: every
   * good frame after the damage belongs to the group the damaged frame is in.
   * A seal, or a frame of a later group, after the damage means the damaged
   * bytes had been acknowledged. (Damage inside the very last group of a journal
   * that was not closed cleanly is indistinguishable from a torn write.)
   */
  private async isTornWrite(file: string, offset: number, size: number, expectedSeq: number, problem: FrameProblem): Promise<boolean> {
    if (problem === 'sequence' || problem === 'header') return false; // a whole, checksummed frame that is wrong
    if (size - offset > MAX_RECOVERY_SCAN_BYTES) return false;
    const after = (await scanForFrames(file, offset, size, READ_MAX_BODY_BYTES)).filter((f) => f.offset > offset);
    return after.every((f) => f.type === FRAME_ENTRY && f.groupFirstSeq <= expectedSeq);
  }

  // -------------------------------------------------------------------------
  // Group commit

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flushLoop()
      .catch((err: unknown) => {
        // Not reached by write errors (those reject their group); a safety net so no append hangs.
        this.log('error', `journal: flush failed: ${errorMessage(err)}`);
        this.rejectAll(this.queue.splice(0), err);
        this.queuedBytes = 0;
      })
      .finally(() => {
        this.flushing = null;
        if (this.queue.length > 0) this.kick();
      });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) await this.io.run(() => this.writeNextGroup());
  }

  private async writeNextGroup(): Promise<void> {
    if (this.state === 'broken' || this.state === 'closed') {
      this.rejectAll(this.queue.splice(0), this.unavailable());
      this.queuedBytes = 0;
      return;
    }
    if (this.queue.length === 0) return;
    const active = this.activeSegment();
    if (active.bytes >= this.segmentMaxBytes && active.firstSeq !== this.last + 1) {
      try {
        await this.startSegment(this.last + 1);
      } catch (err) {
        this.log('error', `journal: cannot start a new segment: ${errorMessage(err)}`);
        this.rejectAll(this.takeGroup(), err);
        return;
      }
    }
    const group = this.takeGroup();
    const first = this.last + 1;
    const target = this.activeSegment();
    const at = target.bytes;
    let total = 0;
    try {
      const buffers: Uint8Array[] = [];
      group.forEach((p, i) => {
        buffers.push(
          ...encodeFrame({ type: FRAME_ENTRY, seq: first + i, groupFirstSeq: first, receivedAtMs: p.receivedAtMs, kind: p.kind, meta: p.meta, payload: p.payload }),
        );
        total += p.bytes;
      });
      await writeAllAt(this.fh, buffers, at);
      await this.fh.datasync();
    } catch (err) {
      await this.undoWrite(at, err);
      this.rejectAll(group, err);
      return;
    }
    this.fsyncCount++;
    this.appended += group.length;
    target.bytes = at + total;
    target.lastWriteMs = Date.now();
    this.last = first + group.length - 1;
    if (this.commitListeners.size > 0) {
      const entries = group.map((p, i): JournalEntry => ({ seq: first + i, receivedAtMs: p.receivedAtMs, kind: p.kindText, meta: p.metaValue, payload: p.payload }));
      for (const l of this.commitListeners) {
        try {
          l(entries);
        } catch (err) {
          this.log('error', `journal: commit listener failed: ${errorMessage(err)}`);
        }
      }
    }
    group.forEach((p, i) => p.resolve(first + i));
  }

  /** Takes entries off the queue up to maxGroupBytes (always at least one). */
  private takeGroup(): Pending[] {
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && (n === 0 || bytes + this.queue[n].bytes <= this.maxGroupBytes)) bytes += this.queue[n++].bytes;
    this.queuedBytes -= bytes;
    return this.queue.splice(0, n);
  }

  /** After a failed write+fsync, cuts the file back so no unacknowledged bytes sit before later groups. */
  private async undoWrite(at: number, cause: unknown): Promise<void> {
    try {
      await this.fh.truncate(at);
      await this.fh.datasync();
      this.log('warn', `journal: write failed (${errorMessage(cause)}); the group was rejected and undone`);
    } catch (err) {
      this.state = 'broken';
      this.brokenBy = err;
      this.log('error', `journal: write failed (${errorMessage(cause)}) and could not be undone (${errorMessage(err)}); appends are refused until reopened`);
      this.rejectAll(this.queue.splice(0), this.unavailable());
      this.queuedBytes = 0;
    }
  }

  private rejectAll(group: readonly Pending[], err: unknown): void {
    for (const p of group) p.reject(err);
  }

  // -------------------------------------------------------------------------
  // Segments

  private activeSegment(): Segment {
    return this.segments[this.segments.length - 1];
  }

  /** Makes a new, empty active segment named by the next seq, durable in the directory before use. */
  private async startSegment(firstSeq: number): Promise<void> {
    const file = segmentFile(this.dir, firstSeq);
    const fh = await fsp.open(file, 'wx');
    try {
      await fsyncDir(this.dir);
    } catch (err) {
      await fh.close();
      throw err;
    }
    const previous = this.segments.length > 0 ? this.fh : undefined;
    this.fh = fh;
    this.segments.push({ file, firstSeq, bytes: 0, lastWriteMs: Date.now() });
    await previous?.close();
  }

  private async writeSeal(): Promise<void> {
    const active = this.activeSegment();
    const empty = Buffer.alloc(0);
    const frame = encodeFrame({ type: FRAME_SEAL, seq: this.last, groupFirstSeq: this.last + 1, receivedAtMs: Date.now(), kind: empty, meta: empty, payload: empty });
    try {
      await writeAllAt(this.fh, frame, active.bytes);
      await this.fh.datasync();
      active.bytes += frameBytes(0, 0, 0);
    } catch (err) {
      this.log('warn', `journal: could not write the close seal: ${errorMessage(err)}`);
    }
  }

  private segmentInfos(): SegmentInfo[] {
    return this.segments.map((s, i) => ({
      file: s.file,
      firstSeq: s.firstSeq,
      lastSeq: i < this.segments.length - 1 ? this.segments[i + 1].firstSeq - 1 : this.last,
      bytes: s.bytes,
      lastWriteMs: s.lastWriteMs,
    }));
  }

  private unavailable(): JournalUnavailableError {
    if (this.state === 'broken') return new JournalUnavailableError('journal is unavailable after a failed write', { cause: this.brokenBy });
    return new JournalUnavailableError(`journal is ${this.state}`);
  }
}

function encodeEntryHead(entry: NewJournalEntry): { kind: Buffer; meta: Buffer } {
  if (typeof entry.kind !== 'string' || entry.kind.length === 0) throw new TypeError('journal entry kind must be a non-empty string');
  if (!Number.isFinite(entry.receivedAtMs)) throw new TypeError('journal entry receivedAtMs must be a finite number');
  if (!(entry.payload instanceof Uint8Array)) throw new TypeError('journal entry payload must be a Uint8Array');
  const kind = Buffer.from(entry.kind, 'utf8');
  if (kind.length > MAX_KIND_BYTES) throw new RangeError(`journal entry kind is longer than ${MAX_KIND_BYTES} bytes`);
  const keys = Object.keys(entry.meta);
  for (const k of keys) {
    const v: unknown = entry.meta[k];
    const ok = typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    if (!ok) throw new TypeError(`journal entry meta "${k}" must be a string, a finite number or a boolean`);
  }
  const meta = keys.length === 0 ? Buffer.alloc(0) : Buffer.from(JSON.stringify(entry.meta), 'utf8');
  return { kind, meta };
}

function describeProblem(problem: FrameProblem): string {
  switch (problem) {
    case 'truncated':
      return 'the file ends inside a frame';
    case 'magic':
      return 'no frame starts there';
    case 'length':
      return 'impossible frame length';
    case 'checksum':
      return 'CRC32 mismatch';
    case 'header':
      return 'unreadable frame header';
    case 'sequence':
      return 'sequence number out of order';
  }
}
