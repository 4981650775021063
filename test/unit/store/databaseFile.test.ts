// The database file on real disk: migrations, refusal of a newer schema, bad
// files moved aside, atomic and coalesced snapshots, statements across exports.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  DatabaseFile,
  DatabaseSchemaTooNewError,
  DatabaseUnreadableError,
  type DatabaseFileOptions,
} from '../../../src/core/store/databaseFile';
import type { StoreLogLevel } from '../../../src/core/store/fsUtil';
import { loadSqlJs, type Migration, type SqlStatement } from '../../../src/core/store/sqlJs';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDbPath(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-db-'));
  dirs.push(d);
  return path.join(d, 'agent-trail.sqlite');
}

const M1: Migration = { version: 1, name: 'events', sql: 'CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT); CREATE TABLE trail (step INTEGER);' + 'INSERT INTO trail VALUES (1);' };
const M2: Migration = { version: 2, name: 'events.kind', sql: 'ALTER TABLE events ADD COLUMN kind TEXT; INSERT INTO trail VALUES (2);' };
const M3: Migration = { version: 3, name: 'events index', sql: 'CREATE INDEX events_kind ON events (kind); INSERT INTO trail VALUES (3);' };

function options(file: string, migrations: readonly Migration[], extra: Partial<DatabaseFileOptions> = {}): DatabaseFileOptions {
  return { path: file, migrations, snapshotDelayMs: 60_000, ...extra };
}

function column(file: DatabaseFile, sql: string): unknown[] {
  return (file.db.exec(sql)[0]?.values ?? []).map((r) => r[0]);
}

function siblings(file: string): string[] {
  return fs.readdirSync(path.dirname(file)).sort();
}

test('migrations apply in order, each once, and the version is recorded', async () => {
  const file = tempDbPath();
  const { file: db1, recovered } = await DatabaseFile.open(options(file, [M1, M2]));
  assert.equal(recovered, null);
  assert.equal(db1.schemaVersion(), 2);
  assert.deepEqual(column(db1, 'SELECT step FROM trail'), [1, 2]);
  await db1.close(); // final snapshot

  const { file: db2 } = await DatabaseFile.open(options(file, [M1, M2, M3]));
  assert.equal(db2.schemaVersion(), 3);
  assert.deepEqual(column(db2, 'SELECT step FROM trail'), [1, 2, 3], 'only the new migration ran');
  assert.deepEqual(column(db2, 'SELECT name FROM schema_migrations ORDER BY version'), ['events', 'events.kind', 'events index']);
  await db2.close();

  await assert.rejects(DatabaseFile.open(options(file, [M2, M1])), /strictly increasing/);
});

test('a failing migration leaves the file untouched and the error visible', async () => {
  const file = tempDbPath();
  await (await DatabaseFile.open(options(file, [M1]))).file.close();
  const before = fs.readFileSync(file);
  const bad: Migration = { version: 2, name: 'broken', sql: 'INSERT INTO trail VALUES (2); CREATE TABLE nope (' };
  await assert.rejects(DatabaseFile.open(options(file, [M1, bad])), /syntax error|incomplete input/);
  assert.ok(fs.readFileSync(file).equals(before));
  const { file: db } = await DatabaseFile.open(options(file, [M1]));
  assert.deepEqual(column(db, 'SELECT step FROM trail'), [1], 'the failed migration was rolled back');
  await db.close();
});

test('a database with a newer schema is refused and left byte-identical', async () => {
  const file = tempDbPath();
  await (await DatabaseFile.open(options(file, [M1, M2, M3]))).file.close();
  const before = fs.readFileSync(file);
  const listing = siblings(file);

  await assert.rejects(DatabaseFile.open(options(file, [M1, M2])), (err: unknown) => {
    assert.ok(err instanceof DatabaseSchemaTooNewError);
    assert.equal(err.fileVersion, 3);
    assert.equal(err.knownVersion, 2);
    assert.match(err.message, /newer than this version of Agent Trail knows/);
    return true;
  });
  assert.ok(fs.readFileSync(file).equals(before), 'same bytes');
  assert.deepEqual(siblings(file), listing, 'nothing moved, nothing created');
});

for (const [label, makeBytes] of [
  ['random bytes', async () => crypto.randomBytes(20_000)],
  ['an empty file', async () => Buffer.alloc(0)],
  ['a truncated SQLite file', truncatedSqlite],
  ['a SQLite file with damaged pages', damagedSqlite],
] as const) {
  test(`${label} is moved aside (original bytes kept) and a fresh database is created`, async () => {
    const file = tempDbPath();
    const bad = await makeBytes();
    fs.writeFileSync(file, bad);
    const logs: string[] = [];
    const { file: db, recovered } = await DatabaseFile.open(options(file, [M1, M2], { onLog: (level, m) => logs.push(`${level} ${m}`) }));
    assert.ok(recovered, 'reported as recovered');
    assert.match(path.basename(recovered.movedTo), /^agent-trail\.sqlite\.corrupt-\d{8}T\d{6}_\d{3}Z$/);
    assert.ok(fs.readFileSync(recovered.movedTo).equals(bad), 'the original bytes exist at the new name');
    assert.ok(recovered.reason.length > 0);
    assert.ok(logs.some((l) => l.startsWith('error') && l.includes(recovered.movedTo)));
    assert.equal(db.appliedJournalSeq(), 0, 'the caller rebuilds from the journal');
    assert.equal(db.schemaVersion(), 2);
    assert.equal(fs.existsSync(file), false, 'nothing written at the old name until a snapshot');
    await db.close();
    const { file: again, recovered: none } = await DatabaseFile.open(options(file, [M1, M2]));
    assert.equal(none, null, 'the fresh snapshot loads');
    await again.close();
  });
}

test('read-only open of a bad file throws and moves nothing', async () => {
  const file = tempDbPath();
  fs.writeFileSync(file, crypto.randomBytes(5000));
  const listing = siblings(file);
  await assert.rejects(DatabaseFile.open(options(file, [M1], { readOnly: true })), DatabaseUnreadableError);
  assert.deepEqual(siblings(file), listing);
});

test('snapshots are atomic: no temp file left, a stale one from a crash is removed and ignored', async () => {
  const file = tempDbPath();
  const { file: db } = await DatabaseFile.open(options(file, [M1]));
  db.db.run("INSERT INTO events (body) VALUES ('first')");
  await db.snapshotNow();
  assert.deepEqual(siblings(file), ['agent-trail.sqlite']);
  await db.close();

  // A crash between write and rename leaves <db>.tmp-<pid> (possibly half-written) beside the last good file.
  const stale = `${file}.tmp-999999`;
  fs.writeFileSync(stale, crypto.randomBytes(3000));
  const { file: reopened, recovered } = await DatabaseFile.open(options(file, [M1]));
  assert.equal(recovered, null);
  assert.deepEqual(column(reopened, 'SELECT body FROM events'), ['first']);
  assert.equal(fs.existsSync(stale), false);
  await reopened.close();
});

test('a failed snapshot changes nothing on disk, is logged, and succeeds on retry', async () => {
  const file = tempDbPath();
  const logs: Array<[StoreLogLevel, string]> = [];
  const { file: db } = await DatabaseFile.open(options(file, [M1], { onLog: (l, m) => logs.push([l, m]) }));
  await db.snapshotNow();
  const before = fs.readFileSync(file);
  db.db.run("INSERT INTO events (body) VALUES ('second')");
  db.scheduleSnapshot();

  const tmp = `${file}.tmp-${process.pid}`;
  fs.mkdirSync(tmp); // the temp file cannot be created: like a full or read-only disk
  await assert.rejects(db.snapshotNow());
  assert.ok(fs.readFileSync(file).equals(before), 'the last good snapshot is untouched');
  assert.equal(db.stats().snapshotFailures, 1);
  assert.equal(db.stats().dirty, true);
  assert.ok(logs.some(([l, m]) => l === 'warn' && m.includes('snapshot') && m.includes('retrying')));

  fs.rmdirSync(tmp);
  await db.snapshotNow();
  assert.equal(db.stats().dirty, false);
  await db.close();
  const { file: reopened } = await DatabaseFile.open(options(file, [M1]));
  assert.deepEqual(column(reopened, 'SELECT body FROM events'), ['second']);
  await reopened.close();
});

test('100 scheduleSnapshot() calls in a burst produce one export', async () => {
  const file = tempDbPath();
  const { file: db } = await DatabaseFile.open(options(file, [M1], { snapshotDelayMs: 50, snapshotMinIntervalMs: 0 }));
  await db.snapshotNow();
  const exportSpy = countExports(db);
  for (let i = 0; i < 100; i++) {
    db.db.run('INSERT INTO events (body) VALUES (?)', [`e${i}`]);
    db.scheduleSnapshot();
  }
  assert.equal(exportSpy.count, 0, 'nothing is written synchronously');
  await waitFor(() => !db.stats().dirty);
  await sleep(300); // room for a wrongly scheduled second export
  assert.equal(exportSpy.count, 1);

  db.scheduleSnapshot(); // a later change gets its own snapshot
  await waitFor(() => !db.stats().dirty);
  await sleep(300);
  assert.equal(exportSpy.count, 2);
  await db.close();
  assert.equal(exportSpy.count, 2, 'close does not export again when nothing changed');
});

test('under steady load a snapshot still comes (later marks do not postpone it)', async () => {
  const file = tempDbPath();
  const { file: db } = await DatabaseFile.open(options(file, [M1], { snapshotDelayMs: 100, snapshotMinIntervalMs: 0 }));
  await db.snapshotNow();
  const exportSpy = countExports(db);
  const until = Date.now() + 600;
  while (Date.now() < until) {
    db.db.run("INSERT INTO events (body) VALUES ('x')");
    db.scheduleSnapshot();
    await sleep(10);
  }
  // A debounce would have written nothing while the marks kept coming.
  assert.ok(exportSpy.count >= 1 && exportSpy.count <= 6, `${exportSpy.count} exports in 600 ms of marks at a 100 ms delay`);
  await db.close();
});

test('the applied journal seq lives in the ingest transaction and becomes durable with a snapshot', async () => {
  const file = tempDbPath();
  const { file: db } = await DatabaseFile.open(options(file, [M1]));
  const seen: number[] = [];
  db.onDidSnapshot((info) => seen.push(info.durableJournalSeq));
  db.transaction(() => {
    db.db.run("INSERT INTO events (body) VALUES ('a')");
    db.setAppliedJournalSeq(5);
  });
  assert.throws(() =>
    db.transaction(() => {
      db.db.run("INSERT INTO events (body) VALUES ('b')");
      db.setAppliedJournalSeq(7);
      throw new Error('ingest failed');
    }),
  );
  assert.equal(db.appliedJournalSeq(), 5, 'rolled back with the failed ingest');
  assert.deepEqual(column(db, 'SELECT body FROM events'), ['a']);
  assert.throws(() => db.setAppliedJournalSeq(4), /backwards/);
  assert.equal(db.durableJournalSeq(), 0, 'not durable before a snapshot');
  await db.snapshotNow();
  assert.equal(db.durableJournalSeq(), 5);
  assert.deepEqual(seen, [5]);
  await db.close();

  const { file: reopened } = await DatabaseFile.open(options(file, [M1]));
  assert.equal(reopened.appliedJournalSeq(), 5);
  assert.equal(reopened.durableJournalSeq(), 5);
  await reopened.close();
});

test('prepared statements stay usable across snapshots', async () => {
  const file = tempDbPath();
  const { file: db } = await DatabaseFile.open(options(file, [M1]));
  const count = db.statement('SELECT count(*) FROM events');
  const insert = db.db.prepare('INSERT INTO events (body) VALUES (?)');
  insert.run(['one']);
  await db.snapshotNow();
  insert.run(['two']); // sql.js >= 1.17 keeps the connection across export()
  assert.ok(count.step());
  assert.equal(count.get()[0], 2);
  count.reset();
  insert.free();
  await db.close();
});

test('when export() reopens the connection (sql.js < 1.17), the reopen hook fires and cached statements are prepared again', async () => {
  const SQL = await loadSqlJs();
  const proto = SQL.Database.prototype;
  const realPrepare = proto.prepare;
  const live = new Set<SqlStatement>();
  proto.prepare = function (this: InstanceType<typeof SQL.Database>, ...args: Parameters<typeof realPrepare>) {
    const st = realPrepare.apply(this, args);
    live.add(st);
    return st;
  };
  try {
    const file = tempDbPath();
    const { file: db } = await DatabaseFile.open(options(file, [M1]));
    // Emulate the old export(): every prepared statement is freed and connection settings reset.
    const realExport = db.db.export.bind(db.db);
    db.db.export = () => {
      const bytes = realExport();
      for (const st of live) st.free();
      live.clear();
      db.db.exec('PRAGMA journal_mode = DELETE');
      return bytes;
    };
    let reopens = 0;
    db.onDidReopen(() => reopens++);
    const before = db.statement('SELECT count(*) FROM events');
    db.db.run("INSERT INTO events (body) VALUES ('x')");
    await db.snapshotNow();
    assert.equal(reopens, 1);
    assert.throws(() => before.bind([]), /Statement closed/, 'the old statement really is gone');
    const after = db.statement('SELECT count(*) FROM events');
    assert.notEqual(after, before, 'prepared again');
    assert.ok(after.step());
    assert.equal(after.get()[0], 1);
    after.reset();
    db.setAppliedJournalSeq(3); // the store's own cached statements work too
    assert.equal(db.appliedJournalSeq(), 3);
    assert.equal(column(db, 'PRAGMA journal_mode')[0], 'memory', 'pragmas re-applied');
    await db.close();
  } finally {
    proto.prepare = realPrepare;
  }
});

test('clear() empties the database, keeps the applied seq, and snapshots', async () => {
  const file = tempDbPath();
  const { file: db } = await DatabaseFile.open(options(file, [M1, M2]));
  let reopens = 0;
  db.onDidReopen(() => reopens++);
  db.transaction(() => {
    db.db.run("INSERT INTO events (body) VALUES ('secret')");
    db.setAppliedJournalSeq(9);
  });
  await db.clear();
  assert.equal(reopens, 1);
  assert.deepEqual(column(db, 'SELECT count(*) FROM events'), [0]);
  assert.equal(db.appliedJournalSeq(), 9);
  assert.equal(db.schemaVersion(), 2);
  assert.equal(fs.readFileSync(file).includes(Buffer.from('secret')), false, 'gone from disk too');
  await db.close();
});

function countExports(db: DatabaseFile): { count: number } {
  const spy = { count: 0 };
  const real = db.db.export.bind(db.db);
  db.db.export = () => {
    spy.count++;
    return real();
  };
  return spy;
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(10);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function sqliteBytes(): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.exec(
    'CREATE TABLE x (a TEXT); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000) INSERT INTO x SELECT hex(randomblob(200)) FROM c; CREATE INDEX xa ON x (a);',
  );
  const bytes = db.export();
  db.close();
  return bytes;
}

async function truncatedSqlite(): Promise<Buffer> {
  const bytes = await sqliteBytes();
  return Buffer.from(bytes.subarray(0, Math.floor(bytes.length / 2)));
}

async function damagedSqlite(): Promise<Buffer> {
  const bytes = Buffer.from(await sqliteBytes());
  for (let i = 8192; i < bytes.length; i += 37) bytes[i] ^= 0x5a;
  return bytes;
}
