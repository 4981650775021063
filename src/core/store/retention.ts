// Where the store keeps its files, how long it keeps them, and how to remove
// them all on an explicit request.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, fsyncDir, removeFileIfExists } from './fsUtil';
import { OwnerLock } from './ownerLock';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionPolicy {
  /** Journal segments whose last write is older than this go; model rows older than this may go. */
  readonly maxAgeMs: number;
  /** Oldest journal segments go while the journal is larger than this. */
  readonly maxJournalBytes: number;
}

/** Bounded by default: three months, and a journal of at most 1 GiB. */
export const DEFAULT_RETENTION: RetentionPolicy = Object.freeze({
  maxAgeMs: 90 * DAY_MS,
  maxJournalBytes: 1024 * 1024 * 1024,
});

/** The instant before which data is past retention (for the repositories' own clean-up). */
export function retentionCutoffMs(policy: RetentionPolicy, nowMs: number): number {
  return nowMs - policy.maxAgeMs;
}

// ---------------------------------------------------------------------------
// The data directory

export interface StorePaths {
  readonly dataDir: string;
  /** The sql.js snapshot. */
  readonly database: string;
  /** The write-ahead journal's segment directory. */
  readonly journalDir: string;
  /** The single-writer lock (see ownerLock.ts). */
  readonly ownerLock: string;
}

export const DATABASE_FILE_NAME = 'agent-trail.sqlite';

export function storePaths(dataDir: string): StorePaths {
  return {
    dataDir,
    database: path.join(dataDir, DATABASE_FILE_NAME),
    journalDir: path.join(dataDir, 'journal'),
    ownerLock: path.join(dataDir, 'owner.lock'),
  };
}

// ---------------------------------------------------------------------------
// Which journal segments may go

export interface SegmentInfo {
  readonly file: string;
  readonly firstSeq: number;
  /** Inclusive; firstSeq - 1 for an empty segment. */
  readonly lastSeq: number;
  readonly bytes: number;
  readonly lastWriteMs: number;
}

export interface PruneOptions {
  /**
   * Entries after this seq are kept whatever their age or size: pass the journal
   * seq that the database snapshot ON DISK has applied (DatabaseFile.durableJournalSeq()),
   * never the in-memory one, or a crash would lose what the snapshot lacks.
   */
  readonly keepAfterSeq: number;
  readonly maxAgeMs?: number;
  readonly maxBytes?: number;
}

/**
 * Picks the segments to delete: the oldest first, only as a prefix (never a hole
 * in the middle), never the last (active) segment, never one holding an entry
 * after keepAfterSeq. A segment goes when it is older than maxAgeMs or while the
 * journal is larger than maxBytes; without either limit nothing goes.
 */
export function selectPrunableSegments(segments: readonly SegmentInfo[], options: PruneOptions, nowMs: number): SegmentInfo[] {
  const ordered = [...segments].sort((a, b) => a.firstSeq - b.firstSeq);
  let total = ordered.reduce((sum, s) => sum + s.bytes, 0);
  const out: SegmentInfo[] = [];
  for (let i = 0; i < ordered.length - 1; i++) {
    const s = ordered[i];
    if (s.lastSeq > options.keepAfterSeq) break;
    const tooOld = options.maxAgeMs !== undefined && nowMs - s.lastWriteMs > options.maxAgeMs;
    const tooBig = options.maxBytes !== undefined && total > options.maxBytes;
    if (!tooOld && !tooBig) break;
    out.push(s);
    total -= s.bytes;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Clearing everything

export interface ClearResult {
  readonly removed: readonly string[];
}

/**
 * Removes every piece of recorded data in `dataDir`: the database, its snapshot
 * temp files and moved-aside corrupt copies, and the journal. Only for an
 * explicit user command, and only by the process that owns the directory: pass
 * the lock you hold, or this takes it for the duration (and throws
 * OwnerLockHeldError when a live process owns the store).
 *
 * The database goes first: a crash half-way leaves a journal that rebuilds the
 * data (the user clears again) rather than a database whose applied seq is
 * ahead of a fresh journal (which would hide new entries).
 */
export async function clearAll(dataDir: string, options: { readonly lock?: OwnerLock } = {}): Promise<ClearResult> {
  const paths = storePaths(dataDir);
  const lock = options.lock ?? (await OwnerLock.acquire(dataDir));
  try {
    const removed: string[] = [];
    const dbBase = path.basename(paths.database);
    for (const name of await listDir(dataDir)) {
      if (name === dbBase || name.startsWith(`${dbBase}.tmp-`) || name.startsWith(`${dbBase}.corrupt-`)) {
        const p = path.join(dataDir, name);
        if (await removeFileIfExists(p)) removed.push(p);
      }
    }
    await fsyncDir(dataDir).catch(() => undefined);
    const journalFiles = (await listDir(paths.journalDir)).map((n) => path.join(paths.journalDir, n));
    await fsp.rm(paths.journalDir, { recursive: true, force: true });
    removed.push(...journalFiles);
    await fsyncDir(dataDir).catch(() => undefined);
    return { removed };
  } finally {
    if (!options.lock) await lock.release();
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
}
