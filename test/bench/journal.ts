// Benchmark: journal group commit (appends/s, entries per fsync, ack latency)
// with 1, 8 and 64 concurrent writers at 4 KiB and 64 KiB; replay speed; and
// the cost of a snapshot, and of loading, for a ~100 MB database.
//
// Part of the bench runner (benchJournal); also runnable alone:
//   npx tsx test/bench/journal.ts
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseFile } from '../../src/core/store/databaseFile';
import { Journal } from '../../src/core/store/journal';

export interface JournalBenchOptions {
  /** How long each writer configuration runs. */
  readonly secondsPerCase?: number;
  /** Approximate size of the snapshot database. */
  readonly snapshotMegabytes?: number;
  readonly log?: (line: string) => void;
}

type Results = Record<string, number | string>;

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function benchAppends(root: string, payloadBytes: number, writers: number, seconds: number, out: Results, log: (l: string) => void): Promise<void> {
  const dir = fs.mkdtempSync(path.join(root, 'journal-'));
  const journal = await Journal.open(dir);
  const payload = crypto.randomBytes(payloadBytes);
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < deadline) {
        const start = performance.now();
        await journal.append({ receivedAtMs: Date.now(), kind: 'otlp', meta: { signal: 'logs', encoding: 'protobuf' }, payload });
        latencies.push(performance.now() - start);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const s = journal.stats();
  latencies.sort((a, b) => a - b);
  const key = `journal.append.${payloadBytes / 1024}KiB.w${writers}`;
  out[`${key}.appendsPerSec`] = round(s.appends / elapsed, 0);
  out[`${key}.entriesPerFsync`] = round(s.appends / Math.max(1, s.fsyncs), 2);
  out[`${key}.MiBPerSec`] = round((s.bytes / elapsed) / 2 ** 20, 1);
  out[`${key}.ackP50Ms`] = round(percentile(latencies, 50), 2);
  out[`${key}.ackP99Ms`] = round(percentile(latencies, 99), 2);
  log(
    `${key}: ${out[`${key}.appendsPerSec`]} appends/s, ${out[`${key}.entriesPerFsync`]} entries/fsync, ${out[`${key}.MiBPerSec`]} MiB/s, ack p50 ${out[`${key}.ackP50Ms`]} ms p99 ${out[`${key}.ackP99Ms`]} ms`,
  );

  if (payloadBytes === 64 * 1024 && writers === 64) {
    const r0 = performance.now();
    let bytes = 0;
    const result = await journal.replay(0, (e) => {
      bytes += e.payload.byteLength;
    });
    const replaySeconds = (performance.now() - r0) / 1000;
    out['journal.replay.entriesPerSec'] = round(result.entries / replaySeconds, 0);
    out['journal.replay.MiBPerSec'] = round(bytes / 2 ** 20 / replaySeconds, 1);
    log(`journal.replay: ${result.entries} entries, ${out['journal.replay.MiBPerSec']} MiB/s (${s.segments} segments)`);
  }
  await journal.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

async function benchSnapshot(root: string, megabytes: number, out: Results, log: (l: string) => void): Promise<void> {
  const dbPath = path.join(root, 'bench.sqlite');
  const migrations = [{ version: 1, name: 'blobs', sql: 'CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL);' }];
  const { file } = await DatabaseFile.open({ path: dbPath, migrations, snapshotDelayMs: 3_600_000 });
  const rows = Math.round((megabytes * 2 ** 20) / 4096);
  file.transaction(() => {
    file.db.run(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${rows}) INSERT INTO blobs (data) SELECT randomblob(4096) FROM c`);
  });
  const runs: { exportMs: number; writeMs: number; bytes: number }[] = [];
  for (let i = 0; i < 3; i++) {
    await file.snapshotNow();
    const last = file.stats().lastSnapshot;
    if (last) runs.push(last);
  }
  await file.close();
  const best = runs.reduce((a, b) => (a.exportMs + a.writeMs <= b.exportMs + b.writeMs ? a : b));
  out['snapshot.dbMiB'] = round(best.bytes / 2 ** 20, 1);
  out['snapshot.exportMs'] = round(best.exportMs, 0);
  out['snapshot.writeFsyncRenameMs'] = round(best.writeMs, 0);
  out['snapshot.totalMs'] = round(best.exportMs + best.writeMs, 0);
  log(`snapshot of ${out['snapshot.dbMiB']} MiB: export (blocks the thread) ${out['snapshot.exportMs']} ms, write+fsync+rename ${out['snapshot.writeFsyncRenameMs']} ms`);

  const o0 = performance.now();
  const { file: reopened } = await DatabaseFile.open({ path: dbPath, migrations, snapshotDelayMs: 3_600_000 });
  out['open.loadAndQuickCheckMs'] = round(performance.now() - o0, 0);
  log(`open of ${out['snapshot.dbMiB']} MiB (read, load, quick_check): ${out['open.loadAndQuickCheckMs']} ms`);
  await reopened.close();
}

export async function benchJournal(options: JournalBenchOptions = {}): Promise<Results> {
  const seconds = options.secondsPerCase ?? 1.5;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const out: Results = { 'env.platform': `${process.platform}-${process.arch}`, 'env.node': process.version, 'env.tmpdir': os.tmpdir() };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-bench-journal-'));
  try {
    for (const payloadBytes of [4 * 1024, 64 * 1024]) {
      for (const writers of [1, 8, 64]) await benchAppends(root, payloadBytes, writers, seconds, out, log);
    }
    await benchSnapshot(root, options.snapshotMegabytes ?? 100, out, log);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return out;
}

if (require.main === module) {
  benchJournal().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
