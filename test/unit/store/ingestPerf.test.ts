// Guards the store's size per record, which decides whether a million records
// fit in sql.js (the whole database lives in memory and every snapshot copies
// it): realistic Claude Code traffic (test/bench/store.ts) must stay compact.
// Sizes do not depend on the machine's load, unlike timings (those are in the
// benchmark: `npx tsx test/bench/store.ts`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingestBatch } from '../../../src/core/store/ingest';
import { ClaudeTraffic, synthesize } from '../../bench/store';
import { freshDb } from '../model/scenarioSupport';

test('realistic Claude Code traffic takes under 450 bytes a record, raw side under 150', async () => {
  const traffic = new ClaudeTraffic({ runId: 'size' });
  const db = await freshDb();
  const roots = Array.from({ length: traffic.repoCount }, (_, i) => ClaudeTraffic.root(i));
  let records = 0;
  let seq = 0;
  for (const r of synthesize(traffic, { prompts: 200, batchSize: 200, senders: 4 }).flat()) {
    ingestBatch(db, r.decode(), { journalSeq: ++seq, receivedAtMs: 0, workspaceRoots: roots, body: { bytes: r.body, encoding: 'json' } });
    records += r.records;
  }
  const total = db.export().byteLength;
  for (const t of ['raw_bodies', 'raw_records', 'raw_values', 'raw_body_sessions']) db.run(`DELETE FROM ${t}`);
  db.run('VACUUM');
  const modelOnly = db.export().byteLength;
  db.close();
  assert.ok(records > 10_000);
  const perRecord = total / records;
  const rawPerRecord = (total - modelOnly) / records;
  assert.ok(perRecord < 450, `${perRecord.toFixed(0)} bytes a record`);
  assert.ok(rawPerRecord < 150, `raw side: ${rawPerRecord.toFixed(0)} bytes a record (compressed body + key row)`);
});
