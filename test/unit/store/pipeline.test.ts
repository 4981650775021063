// The whole durability pipeline as the store wires it: journal append (ack) ->
// ingest in seq order (onDidCommit) with the applied seq in the same
// transaction -> coalesced snapshots -> prune up to the durable seq; on start,
// replay the journal tail past the snapshot. Proven with a real process killed
// by SIGKILL (snapshots racing the kill must never leave a bad file) and with a
// database file destroyed on disk (rebuilt from the journal).
//
// This file is also the child: with AGENT_TRAIL_PIPELINE_CHILD=<dataDir> it
// runs the pipeline until killed instead of defining tests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DatabaseFile, type RecoveredFile } from '../../../src/core/store/databaseFile';
import { Journal, type JournalEntry } from '../../../src/core/store/journal';
import { storePaths } from '../../../src/core/store/retention';
import type { Migration } from '../../../src/core/store/sqlJs';

const CHILD_ENV = 'AGENT_TRAIL_PIPELINE_CHILD';

const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'received', sql: 'CREATE TABLE received (token TEXT PRIMARY KEY, seq INTEGER NOT NULL, bytes INTEGER NOT NULL);' },
];

interface Store {
  readonly file: DatabaseFile;
  readonly journal: Journal;
  readonly recovered: RecoveredFile | null;
}

/** Idempotent by token, as the real ingest is by record identity: a retried export changes nothing. */
function ingest(file: DatabaseFile, e: JournalEntry): void {
  file.transaction(() => {
    file.statement('INSERT OR IGNORE INTO received (token, seq, bytes) VALUES (?, ?, ?)').run([String(e.meta.token), e.seq, e.payload.byteLength]);
    file.setAppliedJournalSeq(e.seq);
  });
}

async function openStore(dataDir: string, snapshotDelayMs: number): Promise<Store> {
  const paths = storePaths(dataDir);
  const { file, recovered } = await DatabaseFile.open({ path: paths.database, migrations: MIGRATIONS, snapshotDelayMs, snapshotMinIntervalMs: 0 });
  const journal = await Journal.open(paths.journalDir, { seqFloor: file.appliedJournalSeq(), segmentMaxBytes: 128 * 1024 });
  await journal.replay(file.appliedJournalSeq(), (e) => ingest(file, e));
  file.scheduleSnapshot();
  journal.onDidCommit((entries) => {
    for (const e of entries) ingest(file, e);
    file.scheduleSnapshot();
  });
  file.onDidSnapshot((info) => {
    journal.prune({ keepAfterSeq: info.durableJournalSeq, maxBytes: 256 * 1024 }).catch(() => undefined);
  });
  return { file, journal, recovered };
}

async function runChild(dataDir: string): Promise<void> {
  const { journal } = await openStore(dataDir, 15);
  process.stdout.write('ready\n');
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; ; i++) {
        const token = `${process.pid}-${w}-${i}`;
        await journal.append({ receivedAtMs: Date.now(), kind: 'otlp', meta: { token }, payload: crypto.randomBytes(500 + ((w * 131 + i) % 1500)) });
        process.stdout.write(`${token}\n`); // the 200 the agent would get
      }
    }),
  );
}

function runAndKill(dataDir: string, minAcks: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename], { env: { ...process.env, [CHILD_ENV]: dataDir }, stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: string[] = [];
    let buffered = '';
    let killed = false;
    const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line !== 'ready') acked.push(line);
      if (!killed && acked.length >= minAcks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(timeout);
      if (!killed) reject(new Error(`child ended (${signal ?? _code}) after only ${acked.length} acknowledgements`));
      else resolve(acked);
    });
  });
}

if (process.env[CHILD_ENV]) {
  runChild(process.env[CHILD_ENV]).catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
} else {
  test('killed mid-pipeline (snapshots racing the kill), every acknowledged request is in the database after restart', { timeout: 120_000 }, async (t) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-pipeline-'));
    try {
      const acked: string[] = [];
      for (let round = 0; round < 3; round++) acked.push(...(await runAndKill(dataDir, 1500 + round * 500)));

      const store = await openStore(dataDir, 60_000);
      try {
        assert.equal(store.recovered, null, 'an atomic snapshot never leaves a file that fails to load');
        t.diagnostic(`journal: ${JSON.stringify(store.journal.stats())}; snapshot seq on disk ${store.file.durableJournalSeq()}`);
        const rows = new Set(store.file.db.exec('SELECT token FROM received')[0].values.map((r) => String(r[0])));
        const missing = acked.filter((tok) => !rows.has(tok));
        assert.deepEqual(missing, [], 'no acknowledged request lost');
        assert.equal(store.file.appliedJournalSeq(), store.journal.lastSeq, 'the database caught up with the journal');
        assert.ok(store.journal.stats().segments < 20, 'pruning kept the journal bounded');
      } finally {
        await store.journal.close();
        await store.file.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a database file destroyed on disk is moved aside and rebuilt from the journal', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-pipeline-'));
    try {
      const first = await openStore(dataDir, 60_000);
      for (let i = 0; i < 100; i++) await first.journal.append({ receivedAtMs: i, kind: 'otlp', meta: { token: `t${i}` }, payload: Buffer.alloc(64, i) });
      await first.journal.close();
      await first.file.close();
      const dbPath = storePaths(dataDir).database;
      fs.writeFileSync(dbPath, crypto.randomBytes(4096));

      const second = await openStore(dataDir, 60_000);
      try {
        assert.ok(second.recovered && fs.existsSync(second.recovered.movedTo));
        assert.deepEqual(second.file.db.exec('SELECT count(*), min(seq), max(seq) FROM received')[0].values, [[100, 1, 100]]);
        assert.equal(second.file.appliedJournalSeq(), 100);
        assert.equal(await second.journal.append({ receivedAtMs: 0, kind: 'otlp', meta: { token: 'next' }, payload: Buffer.alloc(1) }), 101);
      } finally {
        await second.journal.close();
        await second.file.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
