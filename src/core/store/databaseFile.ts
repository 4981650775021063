// The life of the sql.js database file: load (or move a bad file aside and start
// fresh), migrate, and write snapshots atomically on a coalesced schedule.
//
// The file is a snapshot, not the source of truth: the journal is. So a
// snapshot may lag (it records which journal seq it includes), a failed
// snapshot is retried later without loss, and a file that does not load is
// moved aside (never overwritten or deleted) and rebuilt from the journal.
//
// sql.js keeps the whole database in memory; export() copies all of it and
// blocks the thread for the copy, so snapshots are coalesced and spaced by
// their own cost. Before sql.js 1.17 export() also closed and reopened the
// connection (prepared statements freed, pragmas reset); this module detects
// that, re-applies pragmas after every export, and tells repositories through
// onDidReopen so cached statements are prepared again.
import fsp from 'node:fs/promises';
import path from 'node:path';
import {
  errnoCode,
  errorMessage,
  fsyncDir,
  moveAside,
  noLog,
  readFileIfExists,
  removeFileIfExists,
  writeFileSynced,
  type Disposable,
  type StoreLogger,
} from './fsUtil';
import { loadSqlJs, type Migration, type SqlDatabase, type SqlStatement } from './sqlJs';

export type { Disposable } from './fsUtil';

export interface DatabaseFileOptions {
  /** e.g. <dataDir>/agent-trail.sqlite */
  readonly path: string;
  /** Ordered, forward-only; versions are positive integers, strictly increasing. */
  readonly migrations: readonly Migration[];
  readonly wasmPath?: string;
  /** Connection settings applied on open and again after every export; defaults to DEFAULT_PRAGMAS. */
  readonly pragmas?: readonly string[];
  /**
   * For processes that only read (the owner writes): a bad file is an error
   * instead of being moved aside, temp files are left alone, nothing is written.
   */
  readonly readOnly?: boolean;
  /** A snapshot is written this long after the first change that needs one. */
  readonly snapshotDelayMs?: number;
  /** And never sooner than this (or ten times the last export's cost) after the previous one. */
  readonly snapshotMinIntervalMs?: number;
  readonly onLog?: StoreLogger;
}

export interface RecoveredFile {
  /** Where the file that failed to load now is, byte for byte. */
  readonly movedTo: string;
  readonly reason: string;
}

export interface SnapshotInfo {
  /** The journal seq the snapshot on disk includes: prune the journal only up to here. */
  readonly durableJournalSeq: number;
  readonly bytes: number;
  /** Time the thread was blocked copying the database. */
  readonly exportMs: number;
  /** Time writing, fsyncing and renaming (asynchronous, off the thread). */
  readonly writeMs: number;
}

export interface DatabaseFileStats {
  readonly snapshots: number;
  readonly snapshotFailures: number;
  readonly dirty: boolean;
  readonly lastSnapshot: SnapshotInfo | null;
}

/** The file was written by a newer Agent Trail; it is left exactly as it is. */
export class DatabaseSchemaTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly fileVersion: number,
    readonly knownVersion: number,
  ) {
    super(`${file} has schema version ${fileVersion}, newer than this version of Agent Trail knows (${knownVersion}); update Agent Trail to open it`);
    this.name = 'DatabaseSchemaTooNewError';
  }
}

/** Read-only open of a file that does not load (a writer would move it aside). */
export class DatabaseUnreadableError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} cannot be loaded: ${reason}`);
    this.name = 'DatabaseUnreadableError';
  }
}

/**
 * In-memory settings only: none of these changes what export() writes.
 * journal_mode stays MEMORY: with OFF a failed batch's savepoint is not rolled
 * back (the ingest relies on it; a unit test shows it). A 16 MiB page cache
 * (the default is 2 MiB) keeps the indexes the queries walk warm in a store of
 * a million records. locking_mode=EXCLUSIVE, synchronous=OFF and other page
 * sizes measured no difference on the ingest (see test/bench/store.ts).
 */
export const DEFAULT_PRAGMAS: readonly string[] = ['PRAGMA journal_mode = MEMORY', 'PRAGMA temp_store = MEMORY', 'PRAGMA cache_size = -16384'];

const DEFAULT_SNAPSHOT_DELAY_MS = 2_000;
const DEFAULT_SNAPSHOT_MIN_INTERVAL_MS = 2_000;
/** Snapshots are spaced at least this many times their blocking cost apart (≤ ~10% of the thread). */
const SNAPSHOT_COST_FACTOR = 10;
const MAX_RETRY_DELAY_MS = 60_000;
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const CORRUPTION = /not a database|malformed|corrupt|unsupported file format|file is encrypted/i;
const APPLIED_SEQ_KEY = 'applied_journal_seq';

const BOOKKEEPING_SQL = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS store_meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);`;

export class DatabaseFile {
  private database: SqlDatabase;
  private sentinel: SqlStatement;
  private readonly statements = new Map<string, SqlStatement>();
  private readonly reopenListeners = new Set<() => void>();
  private readonly snapshotListeners = new Set<(info: SnapshotInfo) => void>();
  private txDepth = 0;
  private dirty = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private durableSeq: number;
  private lastSnapshot: SnapshotInfo | null = null;
  private lastSnapshotEndMs = 0;
  private snapshots = 0;
  private failures = 0;
  private failuresInARow = 0;
  private readonly pragmas: readonly string[];
  private readonly delayMs: number;
  private readonly minIntervalMs: number;
  private readonly log: StoreLogger;

  private constructor(
    private readonly options: DatabaseFileOptions,
    private readonly createDatabase: (bytes?: Uint8Array) => SqlDatabase,
    database: SqlDatabase,
  ) {
    this.database = database;
    this.pragmas = options.pragmas ?? DEFAULT_PRAGMAS;
    this.delayMs = options.snapshotDelayMs ?? DEFAULT_SNAPSHOT_DELAY_MS;
    this.minIntervalMs = options.snapshotMinIntervalMs ?? DEFAULT_SNAPSHOT_MIN_INTERVAL_MS;
    this.log = options.onLog ?? noLog;
    this.sentinel = database.prepare('SELECT 1');
    this.durableSeq = 0;
  }

  /**
   * Loads the file (or starts empty when there is none), migrates it, and
   * reports whether a file that failed to load was moved aside; then the
   * caller rebuilds from the journal (appliedJournalSeq() is 0).
   * Throws DatabaseSchemaTooNewError, leaving the file untouched, when the
   * file's schema is newer than `migrations`.
   */
  static async open(options: DatabaseFileOptions): Promise<{ file: DatabaseFile; recovered: RecoveredFile | null }> {
    const known = checkMigrations(options.migrations);
    const SQL = await loadSqlJs(options.wasmPath);
    const create = (bytes?: Uint8Array): SqlDatabase => new SQL.Database(bytes);
    const target = options.path;
    const log = options.onLog ?? noLog;
    if (!options.readOnly) {
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await removeStaleTempFiles(target, log);
    }

    const bytes = await readFileIfExists(target);
    let database: SqlDatabase;
    let recovered: RecoveredFile | null = null;
    if (bytes === null) {
      database = create();
    } else {
      const loaded = loadDatabase(create, bytes);
      if ('db' in loaded) {
        database = loaded.db;
      } else {
        if (options.readOnly) throw new DatabaseUnreadableError(target, loaded.reason);
        // Moved, never deleted: the user's history may still be salvageable from it.
        const movedTo = await moveAside(target, 'corrupt');
        recovered = { movedTo, reason: loaded.reason };
        log('error', `database: ${target} failed to load (${loaded.reason}); moved to ${movedTo}, rebuilding from the journal`);
        database = create();
      }
    }

    let file: DatabaseFile;
    try {
      const fileVersion = readSchemaVersion(database);
      if (fileVersion > known) throw new DatabaseSchemaTooNewError(target, fileVersion, known);
      file = new DatabaseFile(options, create, database);
      file.applyPragmas();
      const applied = file.migrate();
      file.durableSeq = file.appliedJournalSeq();
      if (bytes === null || recovered || applied > 0) file.dirty = true;
      if (applied > 0) log('info', `database: applied ${applied} migration(s), schema version ${file.schemaVersion()}`);
    } catch (err) {
      database.close();
      throw err;
    }
    if (file.dirty) file.scheduleSnapshot();
    return { file, recovered };
  }

  /**
   * The live sql.js handle. Internal to src/core/store: repositories use it;
   * it must never escape the store package (callers get intention-revealing
   * methods instead). Statements prepared on it directly must be re-prepared
   * when onDidReopen fires; statement() does that for you.
   */
  get db(): SqlDatabase {
    this.assertOpen();
    return this.database;
  }

  get path(): string {
    return this.options.path;
  }

  schemaVersion(): number {
    return readSchemaVersion(this.database);
  }

  /** The last journal seq whose entry is in the database (in memory). */
  appliedJournalSeq(): number {
    const st = this.statement('SELECT value FROM store_meta WHERE key = ?');
    try {
      st.bind([APPLIED_SEQ_KEY]);
      return st.step() ? Number(st.get()[0]) : 0;
    } finally {
      st.reset();
    }
  }

  /**
   * Records that journal entries up to `seq` are in the database. Call it
   * inside the same transaction as the ingest of that entry (see transaction()),
   * so a snapshot never holds one without the other.
   */
  setAppliedJournalSeq(seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`invalid journal seq ${seq}`);
    const current = this.appliedJournalSeq();
    if (seq < current) throw new RangeError(`journal seq must not go backwards (${current} -> ${seq})`);
    const st = this.statement('INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    try {
      st.run([APPLIED_SEQ_KEY, seq]);
    } finally {
      st.reset();
    }
  }

  /**
   * The journal seq included in the snapshot on disk. Journal segments may be
   * pruned only up to here: the in-memory appliedJournalSeq() is not durable.
   */
  durableJournalSeq(): number {
    return this.durableSeq;
  }

  /**
   * Runs `fn` in a transaction (a savepoint when nested): committed when it
   * returns, rolled back when it throws. Synchronous on purpose: a transaction
   * held across an await could be caught open by a snapshot.
   */
  transaction<T>(fn: () => T): T {
    const db = this.db;
    const name = `sp${this.txDepth}`;
    db.exec(this.txDepth === 0 ? 'BEGIN' : `SAVEPOINT ${name}`);
    this.txDepth++;
    try {
      const result = fn();
      if (isThenable(result)) throw new TypeError('transaction() callbacks must be synchronous');
      db.exec(this.txDepth === 1 ? 'COMMIT' : `RELEASE ${name}`);
      return result;
    } catch (err) {
      db.exec(this.txDepth === 1 ? 'ROLLBACK' : `ROLLBACK TO ${name}; RELEASE ${name}`);
      throw err;
    } finally {
      this.txDepth--;
    }
  }

  /**
   * A prepared statement cached by its SQL, prepared again after a reopen.
   * Do not free it; do reset it after use (step/get leave it mid-result).
   */
  statement(sql: string): SqlStatement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  /** Fires after the connection was reopened (statements prepared on it before are gone). */
  onDidReopen(listener: () => void): Disposable {
    this.reopenListeners.add(listener);
    return { dispose: () => this.reopenListeners.delete(listener) };
  }

  /** Fires after each snapshot reached the disk; the moment to prune the journal. */
  onDidSnapshot(listener: (info: SnapshotInfo) => void): Disposable {
    this.snapshotListeners.add(listener);
    return { dispose: () => this.snapshotListeners.delete(listener) };
  }

  /**
   * Marks the database changed. A snapshot follows snapshotDelayMs after the
   * first mark (later marks do not postpone it, so steady load still gets
   * snapshots), spaced by snapshotMinIntervalMs and by ten times the cost of
   * the previous export.
   */
  scheduleSnapshot(): void {
    if (this.closed || this.options.readOnly) return;
    this.dirty = true;
    if (this.timer) return;
    const spacing = Math.max(this.minIntervalMs, (this.lastSnapshot?.exportMs ?? 0) * SNAPSHOT_COST_FACTOR);
    const backoff = this.failuresInARow > 0 ? Math.min(MAX_RETRY_DELAY_MS, this.delayMs * 2 ** this.failuresInARow) : 0;
    const delay = Math.max(this.delayMs, this.lastSnapshotEndMs + spacing - Date.now(), backoff);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.dirty || this.closed) return;
      this.snapshotNow().catch(() => undefined); // logged and rescheduled inside
    }, delay);
    this.timer.unref(); // never keeps a process alive; close() writes the final snapshot
  }

  /**
   * Writes a snapshot now (after any in flight): export, write to
   * <path>.tmp-<pid>, fsync, rename over the file, fsync the directory.
   * On failure the file on disk is unchanged, the error is logged, a retry is
   * scheduled, and the promise rejects.
   */
  snapshotNow(): Promise<void> {
    if (this.options.readOnly) return Promise.reject(new Error('database opened read-only'));
    if (this.closed) return Promise.reject(new Error('database is closed'));
    const run = this.chain.then(() => this.writeSnapshot());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Replaces the contents with an empty, migrated database and snapshots it
   * (explicit "clear all data"). The applied journal seq is kept, so entries
   * already in the journal are not ingested again: clear the journal first.
   */
  async clear(): Promise<void> {
    this.assertOpen();
    if (this.options.readOnly) throw new Error('database opened read-only');
    await this.chain;
    const seq = this.appliedJournalSeq();
    const fresh = this.createDatabase();
    const old = this.database;
    this.freeStatements();
    this.database = fresh;
    this.sentinel = fresh.prepare('SELECT 1');
    old.close();
    this.applyPragmas();
    this.migrate();
    this.setAppliedJournalSeq(seq);
    this.emitReopen();
    await this.snapshotNow();
    this.log('info', `database: cleared ${this.options.path}`);
  }

  stats(): DatabaseFileStats {
    return { snapshots: this.snapshots, snapshotFailures: this.failures, dirty: this.dirty, lastSnapshot: this.lastSnapshot };
  }

  /** Writes a final snapshot if anything changed, then frees the database. Rejects if that snapshot failed (the journal still has the data). */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let failure: unknown;
    if (!this.options.readOnly) {
      await this.chain;
      if (this.dirty) await this.snapshotNow().catch((err: unknown) => (failure = err));
    }
    this.closed = true;
    if (this.timer) clearTimeout(this.timer); // a failed final snapshot schedules a retry
    this.timer = null;
    this.freeStatements();
    this.database.close();
    this.reopenListeners.clear();
    this.snapshotListeners.clear();
    if (failure !== undefined) throw failure;
  }

  // -------------------------------------------------------------------------

  private async writeSnapshot(): Promise<void> {
    if (this.closed) return;
    const target = this.options.path;
    const tmp = `${target}.tmp-${process.pid}`;
    const t0 = performance.now();
    let exported: { bytes: Uint8Array; seq: number };
    try {
      if (this.txDepth > 0) throw new Error('a transaction is open');
      const seq = this.appliedJournalSeq();
      exported = { bytes: this.database.export(), seq };
      this.dirty = false; // marks from here on need another snapshot
    } catch (err) {
      this.afterExport();
      return this.snapshotFailed(err, null);
    }
    this.afterExport();
    const { bytes, seq } = exported;
    const t1 = performance.now();
    try {
      await writeFileSynced(tmp, bytes);
      await fsp.rename(tmp, target);
      await fsyncDir(path.dirname(target));
    } catch (err) {
      this.dirty = true;
      return this.snapshotFailed(err, tmp);
    }
    const info: SnapshotInfo = { durableJournalSeq: seq, bytes: bytes.byteLength, exportMs: t1 - t0, writeMs: performance.now() - t1 };
    this.durableSeq = seq;
    this.lastSnapshot = info;
    this.lastSnapshotEndMs = Date.now();
    this.snapshots++;
    this.failuresInARow = 0;
    for (const l of this.snapshotListeners) {
      try {
        l(info);
      } catch (err) {
        this.log('warn', `database: snapshot listener failed: ${errorMessage(err)}`);
      }
    }
  }

  private async snapshotFailed(err: unknown, tmp: string | null): Promise<never> {
    this.failures++;
    this.failuresInARow++;
    if (tmp) await removeFileIfExists(tmp).catch(() => undefined);
    this.log('warn', `database: snapshot of ${this.options.path} failed (${errorMessage(err)}); the journal still holds the data, retrying later`);
    this.lastSnapshotEndMs = Date.now();
    if (!this.closed) this.scheduleSnapshot();
    throw err;
  }

  /** Re-applies pragmas; if export() reopened the connection (sql.js < 1.17), drops dead statements and tells listeners. */
  private afterExport(): void {
    const reopened = !isUsable(this.sentinel);
    if (reopened) {
      this.statements.clear(); // already freed by sql.js
      this.sentinel = this.database.prepare('SELECT 1');
    }
    this.applyPragmas();
    if (reopened) this.emitReopen();
  }

  private emitReopen(): void {
    for (const l of this.reopenListeners) {
      try {
        l();
      } catch (err) {
        this.log('warn', `database: reopen listener failed: ${errorMessage(err)}`);
      }
    }
  }

  private applyPragmas(): void {
    for (const p of this.pragmas) this.database.exec(p);
  }

  /** Applies the migrations newer than the file, each in its own transaction. Returns how many. */
  private migrate(): number {
    const db = this.database;
    db.exec(BOOKKEEPING_SQL);
    const current = readSchemaVersion(db);
    let applied = 0;
    for (const m of this.options.migrations) {
      if (m.version <= current) continue;
      this.transaction(() => {
        db.exec(m.sql);
        db.run('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)', [m.version, m.name, Date.now()]);
      });
      applied++;
    }
    return applied;
  }

  private freeStatements(): void {
    for (const st of this.statements.values()) st.free();
    this.statements.clear();
    this.sentinel.free();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('database is closed');
  }
}

function checkMigrations(migrations: readonly Migration[]): number {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isSafeInteger(m.version) || m.version <= previous) {
      throw new Error(`migrations must have positive, strictly increasing integer versions (${m.version} after ${previous})`);
    }
    previous = m.version;
  }
  return previous;
}

function readSchemaVersion(db: SqlDatabase): number {
  const exists = db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (exists.length === 0) return 0;
  const rows = db.exec('SELECT MAX(version) FROM schema_migrations');
  const v = rows[0]?.values[0]?.[0];
  return typeof v === 'number' ? v : 0;
}

/** A database, or why these bytes are not one. Errors that are not about the bytes propagate. */
function loadDatabase(create: (bytes: Uint8Array) => SqlDatabase, bytes: Buffer): { db: SqlDatabase } | { reason: string } {
  if (bytes.length === 0) return { reason: 'the file is empty' };
  if (bytes.length < 100 || !bytes.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER)) {
    return { reason: 'not a SQLite database (bad header)' };
  }
  let db: SqlDatabase | undefined;
  try {
    db = create(bytes);
    const rows = db.exec('PRAGMA quick_check');
    const first = rows[0]?.values[0]?.[0];
    if (first !== 'ok') {
      db.close();
      return { reason: `quick_check: ${String(first).slice(0, 300)}` };
    }
    return { db };
  } catch (err) {
    db?.close();
    const message = errorMessage(err);
    if (CORRUPTION.test(message)) return { reason: message };
    throw err;
  }
}

/** Temp files are half-written snapshots from a crash between write and rename: never the real copy. */
async function removeStaleTempFiles(target: string, log: StoreLogger): Promise<void> {
  const dir = path.dirname(target);
  const prefix = `${path.basename(target)}.tmp-`;
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw err;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const p = path.join(dir, name);
    const st = await fsp.stat(p).catch(() => null);
    if (!st?.isFile()) continue;
    await removeFileIfExists(p);
    log('info', `database: removed an unfinished snapshot ${p}`);
  }
}

function isUsable(st: SqlStatement): boolean {
  try {
    st.bind([]);
    st.reset();
    return true;
  } catch {
    return false;
  }
}

function isThenable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
