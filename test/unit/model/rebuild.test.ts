// The model is derived from the raw records only: emptying it and deriving it
// again (decoding the stored request bodies: JSON, protobuf, normalised
// records) must give back exactly the same rows and the same answers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rebuildModel } from '../../../src/core/store/ingest';
import { MODEL_TABLES } from '../../../src/core/store/schema';
import type { SqlDatabase } from '../../../src/core/store/sqlJs';
import { dumpTables, freshDb, ingestAll, ingestRequests, loadRequests, readScenario, scenarioDirs, shuffle, snapshot, splitRecordByRecord } from './scenarioSupport';

const claudeDirs = scenarioDirs('claude-code');
const otherDirs = [...scenarioDirs('codex'), ...scenarioDirs('gemini-cli')];
const roots = claudeDirs.map((d) => readScenario(d).workspace);

/** Every capture with its wire bodies (JSON, protobuf, gzip and gRPC bodies decompressed), as from the journal. */
async function everythingIngested(): Promise<{ db: SqlDatabase; unknown: number }> {
  const db = await freshDb();
  let unknown = 0;
  let seq = 1;
  for (const dir of claudeDirs) {
    const requests = loadRequests(dir);
    ingestRequests(db, requests, roots, seq);
    seq += requests.length;
  }
  for (const dir of otherDirs) {
    const requests = loadRequests(dir);
    for (const r of ingestRequests(db, requests, roots, seq)) unknown += r.unknownAgent;
    seq += requests.length;
  }
  return { db, unknown };
}

const rawCount = (db: SqlDatabase): number => Number(db.exec('SELECT COUNT(*) FROM raw_records')[0].values[0][0]);

describe('rebuildModel', () => {
  test('reproduces every model row and every answer from the raw records', async () => {
    const { db, unknown } = await everythingIngested();
    const before = { tables: dumpTables(db, MODEL_TABLES), answers: snapshot(db) };
    assert.ok(before.answers.prompts.length >= 15, 'the model is not empty');
    const raw = rawCount(db);

    const encodings = db.exec('SELECT DISTINCT encoding FROM raw_bodies ORDER BY encoding')[0].values.flat();
    assert.deepEqual(encodings, ['json', 'protobuf'], 'bodies are kept as they arrived');

    const result = rebuildModel(db, { workspaceRoots: roots });
    assert.equal(result.records, raw);
    assert.equal(result.unmatched, 0);
    assert.equal(unknown, 0, 'Codex and Gemini records are claimed by their adapters');
    assert.equal(result.unknownAgent, 0);
    assert.ok(before.answers.sessions.some((s) => s.agent === 'codex') && before.answers.sessions.some((s) => s.agent === 'gemini-cli'));
    assert.equal(rawCount(db), raw, 'raw records are left alone');
    assert.deepEqual(dumpTables(db, MODEL_TABLES), before.tables);
    assert.deepEqual(snapshot(db), before.answers);
    db.close();
  });

  test('repairs a damaged model', async () => {
    const { db } = await everythingIngested();
    const before = dumpTables(db, MODEL_TABLES);
    db.run("DELETE FROM tool_calls WHERE tool = 'Read'");
    db.run('UPDATE model_requests SET cost_micros = cost_micros + 1');
    db.run('DELETE FROM prompts');
    assert.notDeepEqual(dumpTables(db, MODEL_TABLES), before);
    rebuildModel(db, { workspaceRoots: roots });
    assert.deepEqual(dumpTables(db, MODEL_TABLES), before);
    db.close();
  });

  test('a model built from shuffled single-record batches rebuilds to the same rows as an ordered one', async () => {
    const ordered = await freshDb();
    const shuffled = await freshDb();
    for (const dir of claudeDirs) {
      const requests = loadRequests(dir);
      ingestAll(ordered, requests.map((r) => r.batch), roots);
      ingestAll(shuffled, shuffle(splitRecordByRecord(requests), 3), roots);
    }
    rebuildModel(shuffled, { workspaceRoots: roots });
    assert.deepEqual(dumpTables(shuffled, MODEL_TABLES), dumpTables(ordered, MODEL_TABLES));
    ordered.close();
    shuffled.close();
  });

  test('runs inside a caller’s transaction and rolls back with it', async () => {
    const { db } = await everythingIngested();
    const before = dumpTables(db, MODEL_TABLES);
    db.run('BEGIN');
    rebuildModel(db, { workspaceRoots: [] });
    db.run('ROLLBACK');
    assert.deepEqual(dumpTables(db, MODEL_TABLES), before);
    db.close();
  });
});
