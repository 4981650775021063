// The audit trail: every request body kept byte for byte (compressed), one
// compact row per record with its natural key, read back by session and time
// range by decoding the stored bodies again; retried exports are no-ops
// whatever the batches and journal entries; the connection settings keep
// rollbacks working.
import assert from 'node:assert/strict';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, test } from 'node:test';
import { logFacts, metricFacts, spanFacts } from '../../../src/core/agents/recordFacts';
import type { DecodedBatch, LogRecord } from '../../../src/core/otlp/types';
import { DEFAULT_PRAGMAS } from '../../../src/core/store/databaseFile';
import { ingestBatch } from '../../../src/core/store/ingest';
import { KEY_CHARS, RawRecordRepository, recordsOf, serializeRecord, type AnyRecord } from '../../../src/core/store/rawRecordRepository';
import { MIGRATIONS } from '../../../src/core/store/schema';
import { loadSqlJs, type SqlDatabase } from '../../../src/core/store/sqlJs';
import { claudeEvent } from '../agents/records';
import { FIXTURES, freshDb, ingestAll, ingestRequests, loadRequests, readScenario, scenarioDirs, splitRecordByRecord, type CapturedRequest } from './scenarioSupport';

const count = (db: SqlDatabase, sql: string): number => Number(db.exec(sql)[0].values[0][0]);
const logs = (...records: LogRecord[]): DecodedBatch => ({ signal: 'logs', records, rejected: 0, errors: [] });

/** A record as the audit compares it: every field, resource and scope included. */
function comparable(signal: DecodedBatch['signal'], r: AnyRecord): unknown {
  return { fields: JSON.parse(serializeRecord(signal, r)) as unknown, resource: r.resource, scope: r.scope };
}

function factsOf(signal: DecodedBatch['signal'], r: AnyRecord): ReturnType<typeof logFacts> {
  return signal === 'logs' ? logFacts(r as LogRecord) : signal === 'traces' ? spanFacts(r as never) : metricFacts(r as never);
}

describe('raw records', () => {
  const gzipDir = path.join(FIXTURES, 'claude-code/multi-tool-http-protobuf-gzip');

  test('keep every request body byte for byte, compressed, one row per request', async () => {
    const db = await freshDb();
    const requests = loadRequests(gzipDir);
    ingestRequests(db, requests, [], 41);
    const rows = db.exec('SELECT journal_seq, signal, encoding, compression, byte_length, body FROM raw_bodies ORDER BY id')[0].values;
    assert.equal(rows.length, requests.length);
    let stored = 0;
    let raw = 0;
    rows.forEach(([seq, signal, encoding, compression, length, body], i) => {
      const r = requests[i];
      assert.deepEqual([seq, signal, encoding, compression, length], [41 + i, r.signal, 'protobuf', 'br', r.body.bytes.byteLength]);
      const bytes = zlib.brotliDecompressSync(body as Uint8Array);
      assert.ok(Buffer.from(r.body.bytes).equals(bytes), `${r.file}: the body as it arrived`);
      stored += (body as Uint8Array).byteLength;
      raw += bytes.byteLength;
    });
    assert.ok(stored < raw, 'compressed');
    const records = requests.reduce((n, r) => n + recordsOf(r.batch).length, 0);
    assert.equal(count(db, 'SELECT COUNT(*) FROM raw_records'), records);
    assert.equal(count(db, `SELECT COUNT(*) FROM raw_records WHERE length(key) = ${KEY_CHARS}`), records);
    db.close();
  });

  test('read a session back: its records decoded from the stored bodies, oldest first, where they arrived', async () => {
    const db = await freshDb();
    const bySession = new Map<string, Array<{ key: unknown; seq: number }>>();
    let seq = 1;
    const all: CapturedRequest[] = [];
    for (const dir of scenarioDirs('claude-code')) {
      const requests = loadRequests(dir);
      ingestRequests(db, requests, [readScenario(dir).workspace], seq);
      requests.forEach((r, i) => {
        for (const record of recordsOf(r.batch)) {
          const f = factsOf(r.signal, record);
          if (f.sessionId === null) continue;
          const list = bySession.get(f.sessionId) ?? [];
          list.push({ key: comparable(r.signal, record), seq: seq + i });
          bySession.set(f.sessionId, list);
        }
      });
      all.push(...requests);
      seq += requests.length;
    }
    const repo = new RawRecordRepository(db);
    const scenario = readScenario(path.join(FIXTURES, 'claude-code/multi-tool-http-json'));
    const sessionId = scenario.sessionIds[0];
    const read = repo.read({ sessionId });
    const expected = bySession.get(sessionId) ?? [];
    assert.equal(read.length, expected.length);
    assert.ok(read.length > 40);
    for (const v of read) {
      assert.equal(v.sessionId, sessionId);
      assert.equal(v.agent, 'claude-code');
      assert.ok(v.record !== null);
      assert.equal(v.encoding, 'json');
      const match = expected.find((e) => JSON.stringify(e.key) === JSON.stringify(comparable(v.signal, v.record as AnyRecord)));
      assert.ok(match, `${v.key} is one of the session's records`);
      assert.equal(v.journalSeq, match.seq, 'and says which journal entry it arrived in');
      assert.equal(v.timeMs, factsOf(v.signal, v.record as AnyRecord).timeMs);
    }
    const times = read.map((v) => v.timeMs ?? 0);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'oldest first');
    assert.ok(read.some((v) => v.name === 'user_prompt' && v.promptId === scenario.prompts[0].promptId));
    assert.equal(repo.read({ sessionId, limit: 5 }).length, 5);
    assert.deepEqual(repo.read({ sessionId: 'no-such-session' }), []);
    db.close();
  });

  test('read a time range: a range of keys, across sessions; with a session, both', async () => {
    const db = await freshDb();
    const requests = scenarioDirs('claude-code').flatMap((d) => loadRequests(d));
    ingestRequests(db, requests);
    const repo = new RawRecordRepository(db);
    const everything = repo.read({ limit: 100_000 });
    assert.equal(everything.length, count(db, 'SELECT COUNT(*) FROM raw_records'));
    const timed = everything.filter((v) => v.timeMs !== null).map((v) => v.timeMs as number);
    const from = timed[Math.floor(timed.length / 3)];
    const to = timed[Math.floor((2 * timed.length) / 3)];
    const range = repo.read({ fromMs: from, toMs: to, limit: 100_000 });
    assert.deepEqual(
      range.map((v) => v.key),
      everything.filter((v) => v.timeMs !== null && v.timeMs >= from && v.timeMs <= to).map((v) => v.key),
    );
    const sessionId = range[0].sessionId;
    assert.ok(sessionId !== null);
    assert.deepEqual(
      repo.read({ sessionId, fromMs: from, toMs: to }).map((v) => v.key),
      range.filter((v) => v.sessionId === sessionId).map((v) => v.key),
    );
    db.close();
  });

  test('a retried export is a no-op: the same records again, split differently, under other journal entries', async () => {
    const db = await freshDb();
    const requests = loadRequests(path.join(FIXTURES, 'claude-code/multi-tool-http-json'));
    ingestRequests(db, requests);
    const before = ['raw_bodies', 'raw_records', 'raw_values', 'raw_body_sessions'].map((t) => count(db, `SELECT COUNT(*) FROM ${t}`));
    const again = ingestRequests(db, requests, [], 100);
    assert.equal(again.reduce((n, r) => n + r.stored, 0), 0);
    const split = ingestAll(db, splitRecordByRecord(requests).reverse());
    assert.equal(split.reduce((n, r) => n + r.stored, 0), 0);
    const after = ['raw_bodies', 'raw_records', 'raw_values', 'raw_body_sessions'].map((t) => count(db, `SELECT COUNT(*) FROM ${t}`));
    assert.deepEqual(after, before, 'no body, record or value added');
    db.close();
  });

  test('records that share every id but differ in content are different records; a body with one new record is kept', async () => {
    const db = await freshDb();
    const a = claudeEvent('tool_result', { 'prompt.id': 'p', tool_use_id: 't', tool_name: 'Bash', success: 'true', 'event.sequence': 3 });
    const b = claudeEvent('tool_result', { 'prompt.id': 'p', tool_use_id: 't', tool_name: 'Bash', success: 'false', 'event.sequence': 3 });
    const first = ingestBatch(db, logs(a), { journalSeq: 1, receivedAtMs: 0 });
    const second = ingestBatch(db, logs(a, b), { journalSeq: 2, receivedAtMs: 0 });
    assert.deepEqual([first.stored, second.stored, second.duplicates], [1, 1, 1]);
    assert.equal(count(db, 'SELECT COUNT(*) FROM raw_bodies'), 2);
    const read = new RawRecordRepository(db).read().sort((x, y) => x.journalSeq - y.journalSeq);
    assert.deepEqual(read.map((v) => [v.journalSeq, v.index, (v.record as LogRecord).attributes.success]), [[1, 0, 'true'], [2, 1, 'false']]);
    db.close();
  });

  test('a body whose records were all stored before is not kept', async () => {
    const db = await freshDb();
    const r = claudeEvent('api_request', { 'prompt.id': 'p', request_id: 'r1', cost_usd_micros: 5 });
    ingestBatch(db, logs(r), { journalSeq: 1, receivedAtMs: 0 });
    ingestBatch(db, logs(r, r), { journalSeq: 2, receivedAtMs: 0 });
    assert.deepEqual(db.exec('SELECT journal_seq FROM raw_bodies')[0].values, [[1]]);
    db.close();
  });
});

describe('connection settings', () => {
  test('DEFAULT_PRAGMAS keep savepoint rollback working (a failed batch leaves nothing); journal_mode=OFF would not', async () => {
    const SQL = await loadSqlJs();
    const outcome = (pragmas: readonly string[]): number => {
      const db = new SQL.Database();
      for (const p of pragmas) db.exec(p);
      for (const m of MIGRATIONS) db.exec(m.sql);
      db.run('BEGIN');
      db.run('SAVEPOINT batch');
      ingestBatch(db, logs(claudeEvent('user_prompt', { 'prompt.id': 'p' })), { journalSeq: 1, receivedAtMs: 0 });
      db.run('ROLLBACK TO batch');
      db.run('RELEASE batch');
      db.run('COMMIT');
      const left = count(db, 'SELECT COUNT(*) FROM raw_records') + count(db, 'SELECT COUNT(*) FROM prompts');
      db.close();
      return left;
    };
    assert.equal(outcome(DEFAULT_PRAGMAS), 0);
    assert.ok(outcome(['PRAGMA journal_mode = OFF']) > 0, 'without a rollback journal the savepoint is not undone');
  });
});
