// Retention of model rows: pruneBefore(cutoff) removes whole sessions whose
// last activity is older than the cutoff, on both sides (model rows and raw
// records, bodies included), and leaves the rest exactly as it was: the model
// still rebuilds from what remains.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { describe, test } from 'node:test';
import type { DecodedBatch, LogRecord } from '../../../src/core/otlp/types';
import { ingestBatch, pruneBefore, rebuildModel } from '../../../src/core/store/ingest';
import { ModelRepository } from '../../../src/core/store/modelRepository';
import { RawRecordRepository } from '../../../src/core/store/rawRecordRepository';
import { MODEL_TABLES } from '../../../src/core/store/schema';
import type { SqlDatabase } from '../../../src/core/store/sqlJs';
import { claudeEvent } from '../agents/records';
import { dumpTables, freshDb, ingestRequests, loadRequests, readScenario, scenarioDirs } from './scenarioSupport';

const count = (db: SqlDatabase, sql: string, params: unknown[] = []): number => Number(db.exec(sql, params as never)[0].values[0][0]);
const logs = (...records: LogRecord[]): DecodedBatch => ({ signal: 'logs', records, rejected: 0, errors: [] });

describe('pruneBefore', () => {
  test('removes whole idle sessions, model and raw; what stays is unchanged and still rebuilds', async () => {
    const db = await freshDb();
    const roots: string[] = [];
    let seq = 1;
    for (const dir of scenarioDirs('claude-code')) {
      const requests = loadRequests(dir);
      roots.push(readScenario(dir).workspace);
      ingestRequests(db, requests, roots, seq);
      seq += requests.length;
    }
    const repo = new ModelRepository(db);
    const raw = new RawRecordRepository(db);
    const sessions = repo.listSessions().sort((a, b) => Date.parse(a.lastSeen ?? '') - Date.parse(b.lastSeen ?? ''));
    assert.equal(sessions.length, 13);
    const cutoff = (Date.parse(sessions[6].lastSeen ?? '') + Date.parse(sessions[7].firstSeen ?? '')) / 2;
    const pruned = sessions.slice(0, 7).map((s) => s.id);
    const kept = sessions.slice(7).map((s) => s.id);
    const keptBefore = kept.map((id) => ({ prompts: repo.listPrompts({ sessionId: id }), raw: raw.read({ sessionId: id }).map((r) => r.key) }));
    const bodiesBefore = count(db, 'SELECT COUNT(*) FROM raw_bodies');

    const result = pruneBefore(db, cutoff);
    assert.equal(result.sessions, 7);
    assert.ok(result.rawRecords > 0 && result.modelRows > 0 && result.bodies > 0);
    assert.deepEqual(repo.listSessions().map((s) => s.id).sort(), [...kept].sort());
    kept.forEach((id, i) => {
      assert.deepEqual(repo.listPrompts({ sessionId: id }), keptBefore[i].prompts, `${id}: prompts unchanged`);
      assert.deepEqual(raw.read({ sessionId: id }).map((r) => r.key), keptBefore[i].raw, `${id}: raw records unchanged`);
    });
    for (const id of pruned) {
      assert.deepEqual(raw.read({ sessionId: id }), []);
      for (const table of MODEL_TABLES) {
        assert.equal(count(db, `SELECT COUNT(*) FROM ${table} WHERE ${table === 'sessions' ? 'id' : 'session_id'} = ?`, [id]), 0, `${table} of ${id}`);
      }
      assert.equal(count(db, 'SELECT COUNT(*) FROM raw_values WHERE value = ?', [id]), 0, 'its id is gone from the raw index too');
    }
    assert.equal(count(db, 'SELECT COUNT(*) FROM span_context sc WHERE sc.prompt_id IS NOT NULL AND sc.prompt_id NOT IN (SELECT id FROM prompts)'), 0, 'no span context of a pruned prompt');
    assert.ok(count(db, 'SELECT COUNT(*) FROM raw_bodies') < bodiesBefore);
    assert.equal(count(db, 'SELECT COUNT(*) FROM raw_bodies b WHERE NOT EXISTS (SELECT 1 FROM raw_records r WHERE r.body_id = b.id)'), 0, 'no body without records');

    const after = dumpTables(db, MODEL_TABLES);
    assert.equal(rebuildModel(db, { workspaceRoots: roots }).unmatched, 0);
    assert.deepEqual(dumpTables(db, MODEL_TABLES), after, 'the model rebuilds from the raw records that stay');
    assert.equal(pruneBefore(db, cutoff).sessions, 0, 'nothing more to prune');
    db.close();
  });

  test('a body shared with a session that stays is rewritten with only that session’s records', async () => {
    const db = await freshDb();
    const oldSession = (n: number): LogRecord =>
      claudeEvent('api_request', { 'session.id': 'old', 'prompt.id': 'p-old', request_id: `r${n}`, cost_usd_micros: 1 }, { timeMs: 1_000 + n });
    const newSession = (n: number): LogRecord =>
      claudeEvent('api_request', { 'session.id': 'new', 'prompt.id': 'p-new', request_id: `r${n}`, cost_usd_micros: 2 }, { timeMs: 9_000_000 + n });
    ingestBatch(db, logs(oldSession(1), newSession(1), oldSession(2), newSession(2)), { journalSeq: 1, receivedAtMs: 0 });
    ingestBatch(db, logs(oldSession(3)), { journalSeq: 2, receivedAtMs: 0 });
    const raw = new RawRecordRepository(db);
    const newRecords = raw.read({ sessionId: 'new' }).map((r) => ({ key: r.key, record: r.record }));
    const model = dumpTables(db, MODEL_TABLES);

    const result = pruneBefore(db, 5_000_000);
    assert.deepEqual([result.sessions, result.rawRecords, result.bodies, result.rewrittenBodies], [1, 3, 1, 1]);
    assert.deepEqual(raw.read({ sessionId: 'old' }), []);
    assert.deepEqual(raw.read({ sessionId: 'new' }).map((r) => ({ key: r.key, record: r.record })), newRecords);
    const [encoding, body] = db.exec('SELECT encoding, body FROM raw_bodies')[0].values[0];
    assert.equal(encoding, 'records');
    const text = zlib.brotliDecompressSync(body as Uint8Array).toString('utf8');
    assert.ok(!text.includes('"old"') && text.includes('"new"'), 'nothing of the pruned session stays inside the body');
    assert.deepEqual(new ModelRepository(db).listSessions().map((s) => s.id), ['new']);
    assert.notDeepEqual(dumpTables(db, MODEL_TABLES), model);
    const after = dumpTables(db, MODEL_TABLES);
    rebuildModel(db);
    assert.deepEqual(dumpTables(db, MODEL_TABLES), after);
    db.close();
  });

  test('runs inside a caller’s transaction and rolls back with it', async () => {
    const db = await freshDb();
    ingestBatch(db, logs(claudeEvent('user_prompt', { 'prompt.id': 'p' }, { timeMs: 1_000 })), { journalSeq: 1, receivedAtMs: 0 });
    db.run('BEGIN');
    assert.equal(pruneBefore(db, 2_000).sessions, 1);
    db.run('ROLLBACK');
    assert.equal(new ModelRepository(db).listSessions().length, 1);
    assert.equal(new RawRecordRepository(db).read().length, 1);
    db.close();
  });
});
