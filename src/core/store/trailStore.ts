// The store as the rest of the product sees it: a durable TelemetrySink for the
// listener (journal + fsync before the 200), the model kept current from the
// journal in seq order, and read-only queries. The sql.js handle never leaves.
//
// Order of events for one request: decode (listener) → journal append →
// group fsync → the append resolves → 200. The committed entry then waits for
// the ModelApplier, which ingests it into sql.js (with the entries next to it,
// in one transaction with the last journal seq) as soon as the listener lets
// it: at once when requests are few, within maxModelLagMs under load. So an
// acknowledged batch is on disk, and in the model shortly after; `settled()`
// waits for it, and so do LocalTrailQueries.

import { decodeJson } from '../otlp/decodeJson';
import { decodeProtobuf } from '../otlp/decodeProtobuf';
import { Emitter, type Event } from '../otlp/emitter';
import type { ReceivedRequest, SinkVerdict, TelemetrySink } from '../otlp/sink';
import { STORED } from '../otlp/sink';
import type { DecodedBatch, Signal } from '../otlp/types';
import { SIGNALS } from '../otlp/types';
import { DatabaseFile, type RecoveredFile } from './databaseFile';
import { errorMessage, type StoreLogger } from './fsUtil';
import { ingestBatch, ingestBatches, pruneBefore, rebuildModel, type BatchToIngest, type IngestMeta, type IngestResult, type PruneResult } from './ingest';
import { Journal, JournalUnavailableError, type JournalEntry, type TailRecovery } from './journal';
import { ModelApplier, type ApplierStats } from './modelApplier';
import { ModelRepository } from './modelRepository';
import { RawRecordRepository, type RawRecordQuery, type RawRecordView } from './rawRecordRepository';
import { DEFAULT_RETENTION, retentionCutoffMs, storePaths, type RetentionPolicy } from './retention';
import { MIGRATIONS } from './schema';

export const OTLP_ENTRY_KIND = 'otlp';

export interface TrailStoreOptions {
  readonly dataDir: string;
  readonly wasmPath?: string;
  readonly workspaceRoots?: readonly string[];
  readonly retention?: RetentionPolicy;
  /** Refuse new requests (503 + Retry-After) while this many journal bytes wait for their fsync. */
  readonly maxPendingJournalBytes?: number;
  /** New requests wait while more than this many bytes of acknowledged requests wait for the model (default 128 MiB). */
  readonly maxModelBacklogBytes?: number;
  /** Under load the model may lag the acks by this much before it takes turns with the listener (default 5 s). */
  readonly maxModelLagMs?: number;
  readonly snapshotDelayMs?: number;
  readonly onLog?: StoreLogger;
}

export interface OpenReport {
  /** A database file that did not load and was moved aside (the model was rebuilt from the journal). */
  readonly recoveredDatabase: RecoveredFile | null;
  /** What opening the journal cut from a torn last write. */
  readonly recoveredJournalTail: TailRecovery | null;
  /** Journal entries replayed into the model on open. */
  readonly replayedEntries: number;
}

export interface IngestNotice {
  readonly journalSeq: number;
  readonly signal: Signal;
  readonly result: IngestResult;
}

function isSignal(v: unknown): v is Signal {
  return typeof v === 'string' && (SIGNALS as readonly string[]).includes(v);
}

/** Decodes a journalled request body again (replay, rebuild). */
export function decodeEntry(entry: Pick<JournalEntry, 'meta' | 'payload'>): DecodedBatch {
  const { signal, encoding } = entry.meta;
  if (!isSignal(signal)) throw new Error(`journal entry has no valid signal (${String(signal)})`);
  return encoding === 'protobuf' ? decodeProtobuf(signal, entry.payload) : decodeJson(signal, entry.payload);
}

/** Decoded batches are kept for the applier while the backlog is below this; past it they are decoded again (memory). */
const KEEP_DECODED_BELOW_BYTES = 16 * 1024 * 1024;
/** close() applies what waits for at most this long; the rest is replayed from the journal on the next open. */
const CLOSE_DRAIN_BUDGET_MS = 3_000;

export class TrailStore implements TelemetrySink {
  readonly #file: DatabaseFile;
  readonly #journal: Journal;
  #repo: ModelRepository;
  readonly #log: StoreLogger;
  readonly #options: TrailStoreOptions;
  readonly #applier: ModelApplier;
  /** Batches already decoded by the listener, so the applier does not decode again. */
  readonly #decoded = new WeakMap<Uint8Array, DecodedBatch>();
  readonly #onDidIngest = new Emitter<IngestNotice>();
  #version = 0;
  #closed = false;
  /** Model retention runs a minute after opening, then daily (journal retention follows snapshots). */
  #retentionTimer: NodeJS.Timeout | undefined;

  /** Fires after each journal entry is in the model. */
  readonly onDidIngest: Event<IngestNotice> = this.#onDidIngest.event;

  private constructor(file: DatabaseFile, journal: Journal, options: TrailStoreOptions) {
    this.#file = file;
    this.#journal = journal;
    this.#options = options;
    this.#log = options.onLog ?? (() => undefined);
    this.#repo = new ModelRepository(file.db);
    // clear() swaps the connection: queries must follow it, not keep the closed one.
    file.onDidReopen(() => {
      this.#repo = new ModelRepository(file.db);
    });
    this.#applier = new ModelApplier({
      apply: (entries) => this.#apply(entries),
      maxBacklogBytes: options.maxModelBacklogBytes,
      maxLagMs: options.maxModelLagMs,
      onLog: this.#log,
    });
  }

  static async open(options: TrailStoreOptions): Promise<{ store: TrailStore; report: OpenReport }> {
    const paths = storePaths(options.dataDir);
    const log = options.onLog ?? (() => undefined);
    const { file, recovered } = await DatabaseFile.open({
      path: paths.database,
      migrations: MIGRATIONS,
      wasmPath: options.wasmPath,
      snapshotDelayMs: options.snapshotDelayMs,
      onLog: log,
    });
    let journal: Journal;
    try {
      journal = await Journal.open(paths.journalDir, { seqFloor: file.appliedJournalSeq(), onLog: log });
    } catch (err) {
      await file.close().catch(() => undefined);
      throw err;
    }
    const store = new TrailStore(file, journal, options);
    const replay = await journal.replay(file.appliedJournalSeq(), (entry) => store.#apply([entry]));
    if (replay.entries > 0) file.scheduleSnapshot();
    journal.onDidCommit((entries) => {
      // The acks go out after this returns; the model follows (see ModelApplier).
      if (store.#applier.pendingBytes > KEEP_DECODED_BELOW_BYTES) for (const e of entries) store.#decoded.delete(e.payload);
      store.#applier.enqueue(entries);
    });
    file.onDidSnapshot((info) => {
      void store.#prune(info.durableJournalSeq);
    });
    store.#scheduleRetention(60_000);
    if (recovered) log('warn', `database file did not load (${recovered.reason}); moved to ${recovered.movedTo} and rebuilt from the journal`);
    return {
      store,
      report: { recoveredDatabase: recovered, recoveredJournalTail: journal.recoveredTail, replayedEntries: replay.entries },
    };
  }

  /** Read-only queries over the model. */
  get queries(): ModelRepository {
    return this.#repo;
  }

  /** Increases with every ingested entry: readers compare it to know when to refresh. */
  get dataVersion(): number {
    return this.#version;
  }

  get lastJournalSeq(): number {
    return this.#journal.lastSeq;
  }

  /**
   * TelemetrySink: resolves 'stored' once the body is fsynced (the model
   * follows). While the model is too far behind, the request waits for it
   * first: backpressure by delay, so exporters slow down instead of retrying.
   */
  async accept(request: ReceivedRequest): Promise<SinkVerdict> {
    const pendingLimit = this.#options.maxPendingJournalBytes ?? 256 * 1024 * 1024;
    if (this.#journal.stats().pendingBytes > pendingLimit) {
      return { kind: 'busy', retryAfterSeconds: 2, reason: 'the journal is behind' };
    }
    this.#applier.noteRequest();
    if (this.#applier.overLimit) await this.#applier.whenBelowLimit();
    this.#decoded.set(request.body, request.batch);
    try {
      await this.#journal.append({
        kind: OTLP_ENTRY_KIND,
        receivedAtMs: request.receivedAtMs,
        meta: { signal: request.signal, encoding: request.encoding, transport: request.transport },
        payload: request.body,
      });
      return STORED;
    } catch (err) {
      if (err instanceof JournalUnavailableError) {
        return { kind: 'busy', retryAfterSeconds: 5, reason: err.message };
      }
      throw err;
    }
  }

  /**
   * Resolves once every request acknowledged so far is in the model (queries
   * answer from the model: call this to read what was just sent).
   */
  settled(): Promise<void> {
    return this.#applier.settled();
  }

  /**
   * Ingests entries in ONE transaction and, when they all decode, one model
   * flush (ingestBatches: parts of a call that arrived in different requests
   * merge). If that fails, it is rolled back and the entries are ingested one
   * by one, so a bad entry is rolled back alone, logged and skipped: it would
   * fail again on every start.
   */
  #apply(entries: readonly JournalEntry[]): void {
    if (entries.length === 0) return;
    const notices: IngestNotice[] = [];
    this.#file.transaction(() => {
      const items: Array<BatchToIngest & { readonly entry: JournalEntry }> = [];
      for (const entry of entries) {
        try {
          items.push({ entry, batch: this.#decoded.get(entry.payload) ?? decodeEntry(entry), meta: this.#metaOf(entry) });
        } catch (err) {
          this.#log('error', `journal entry ${entry.seq} could not be ingested: ${errorMessage(err)}`);
        }
      }
      let results: IngestResult[] | null = null;
      if (items.length > 1) {
        try {
          results = ingestBatches(this.#file.db, items);
        } catch {
          results = null; // rolled back: isolate the bad entry below
        }
      }
      if (results !== null) {
        items.forEach((item, i) => notices.push({ journalSeq: item.entry.seq, signal: item.batch.signal, result: results[i] }));
      } else {
        for (const item of items) {
          try {
            notices.push({ journalSeq: item.entry.seq, signal: item.batch.signal, result: ingestBatch(this.#file.db, item.batch, item.meta) });
          } catch (err) {
            this.#log('error', `journal entry ${item.entry.seq} could not be ingested: ${errorMessage(err)}`);
          }
        }
      }
      this.#file.setAppliedJournalSeq(entries[entries.length - 1].seq);
    });
    for (const n of notices) {
      this.#version++;
      this.#onDidIngest.fire(n);
    }
    this.#file.scheduleSnapshot();
  }

  #metaOf(entry: JournalEntry): IngestMeta {
    return {
      journalSeq: entry.seq,
      receivedAtMs: entry.receivedAtMs,
      workspaceRoots: this.#options.workspaceRoots,
      // The verbatim request body is what the audit trail keeps.
      body: { bytes: entry.payload, encoding: entry.meta.encoding === 'protobuf' ? 'protobuf' : 'json' },
    };
  }

  #scheduleRetention(delayMs: number): void {
    this.#retentionTimer = setTimeout(() => {
      if (this.#closed) return;
      try {
        const r = this.pruneExpired();
        if (r.sessions > 0) this.#log('info', `retention removed ${r.sessions} sessions idle for longer than the retention period`);
      } catch (err) {
        this.#log('warn', `retention failed: ${errorMessage(err)}`);
      }
      this.#scheduleRetention(24 * 60 * 60 * 1000);
    }, delayMs);
    this.#retentionTimer.unref();
  }

  async #prune(durableSeq: number): Promise<void> {
    const retention = this.#options.retention ?? DEFAULT_RETENTION;
    try {
      await this.#journal.prune({ keepAfterSeq: durableSeq, maxAgeMs: retention.maxAgeMs, maxBytes: retention.maxJournalBytes });
    } catch (err) {
      this.#log('warn', `journal prune failed: ${errorMessage(err)}`);
    }
  }

  /** Removes whole sessions idle since before the retention cutoff (model and raw records). */
  pruneExpired(nowMs: number = Date.now()): PruneResult {
    const cutoff = retentionCutoffMs(this.#options.retention ?? DEFAULT_RETENTION, nowMs);
    const result = this.#file.transaction(() => pruneBefore(this.#file.db, cutoff));
    this.#version++;
    this.#file.scheduleSnapshot();
    return result;
  }

  /** The audit trail: records as received, decoded again from the stored bodies. */
  readRawRecords(query: RawRecordQuery = {}): RawRecordView[] {
    return new RawRecordRepository(this.#file.db).read(query);
  }

  /** Re-derives the model from the raw records (after an adapter fix, say). */
  rebuildModel(): void {
    this.#applier.drain();
    this.#file.transaction(() => rebuildModel(this.#file.db, { workspaceRoots: this.#options.workspaceRoots }));
    this.#version++;
    this.#file.scheduleSnapshot();
  }

  /** Removes every record, the model and the journal. Explicit user action only. */
  async clear(): Promise<void> {
    const release = this.#applier.hold();
    try {
      await this.#journal.clear();
      // Entries acknowledged before the clear and not applied yet go with it; the
      // database records them as done, so the next open does not look for them.
      const dropped = this.#applier.discardThrough(this.#journal.stats().firstSeq - 1);
      await this.#file.clear();
      if (dropped > this.#file.appliedJournalSeq()) this.#file.setAppliedJournalSeq(dropped);
    } finally {
      release();
    }
    this.#version++;
  }

  async snapshotNow(): Promise<void> {
    await this.#file.snapshotNow();
  }

  stats(): { journal: ReturnType<Journal['stats']>; appliedSeq: number; durableSeq: number; model: ApplierStats } {
    return {
      journal: this.#journal.stats(),
      appliedSeq: this.#file.appliedJournalSeq(),
      durableSeq: this.#file.durableJournalSeq(),
      model: this.#applier.stats(),
    };
  }

  /**
   * Flushes: waits for pending appends, applies what waits for the model (for
   * at most a few seconds: the rest is replayed from the journal on the next
   * open), writes the final snapshot.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retentionTimer);
    await this.#journal.close();
    const left = this.#applier.drain(CLOSE_DRAIN_BUDGET_MS);
    if (left > 0) this.#log('info', `${left} journal entries are not in the model yet; they are applied on the next open`);
    this.#applier.dispose();
    await this.#file.close();
    this.#onDidIngest.dispose();
  }
}
