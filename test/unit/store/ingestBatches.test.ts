// ingestBatches (what the ModelApplier uses for a group of journal entries)
// must give the same model and audit trail as ingesting the batches one by
// one, whatever the grouping; and a group is all or nothing, so the store can
// fall back to one by one and isolate a bad entry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentAdapter } from '../../../src/core/agents/adapter';
import { AdapterRegistry, defaultAdapters } from '../../../src/core/agents/registry';
import { ingestBatch, ingestBatches, type BatchToIngest } from '../../../src/core/store/ingest';
import { MODEL_TABLES } from '../../../src/core/store/schema';
import { dumpTables, freshDb, loadRequests, scenarioDirs, snapshot, type CapturedRequest } from '../model/scenarioSupport';

const RAW_TABLES = ['raw_bodies', 'raw_records', 'raw_values', 'raw_body_sessions'];

function items(requests: readonly CapturedRequest[]): BatchToIngest[] {
  return requests.map((r, i) => ({ batch: r.batch, meta: { journalSeq: i + 1, receivedAtMs: 1_700_000_000_000 + i, body: r.body } }));
}

for (const agent of ['claude-code', 'codex', 'gemini-cli']) {
  for (const dir of scenarioDirs(agent)) {
    const name = `${agent}/${dir.split('/').pop()}`;
    test(`${name}: grouped ingest equals one by one (groups of 2, 3 and all)`, async () => {
      const requests = loadRequests(dir);
      const one = await freshDb();
      for (const item of items(requests)) ingestBatch(one, item.batch, item.meta);
      const expected = { model: snapshot(one), raw: dumpTables(one, RAW_TABLES) };
      one.close();
      for (const size of [2, 3, requests.length]) {
        const db = await freshDb();
        const all = items(requests);
        const results = [];
        for (let at = 0; at < all.length; at += size) results.push(...ingestBatches(db, all.slice(at, at + size)));
        assert.equal(results.length, requests.length);
        assert.deepEqual(snapshot(db), expected.model, `groups of ${size}: the model`);
        assert.deepEqual(dumpTables(db, RAW_TABLES), expected.raw, `groups of ${size}: the audit trail`);
        db.close();
      }
    });
  }
}

test('a group is all or nothing: a batch that throws leaves no trace of the others', async () => {
  const requests = loadRequests(scenarioDirs('claude-code')[0]);
  const poison = requests[requests.length - 1].batch;
  // Claude Code's adapter, failing on the last request's records only.
  const adapters = defaultAdapters().map((a): AgentAdapter => {
    if (a.agent !== 'claude-code') return a;
    const fail = <T>(pass: () => T, record: object): T => {
      const inPoison =
        (poison.signal === 'logs' && (poison.records as readonly object[]).includes(record)) ||
        (poison.signal === 'traces' && (poison.spans as readonly object[]).includes(record)) ||
        (poison.signal === 'metrics' && (poison.points as readonly object[]).includes(record));
      if (inPoison) throw new Error('adapter bug');
      return pass();
    };
    return {
      agent: a.agent,
      matches: (s) => a.matches(s),
      fromLog: (r, ctx) => fail(() => a.fromLog(r, ctx), r),
      fromSpan: (s, ctx) => fail(() => a.fromSpan(s, ctx), s),
      fromMetric: (p, ctx) => fail(() => a.fromMetric(p, ctx), p),
    };
  });
  const registry = new AdapterRegistry(adapters);
  const db = await freshDb();
  assert.throws(() => ingestBatches(db, items(requests), { registry }), /adapter bug/);
  for (const t of [...MODEL_TABLES, ...RAW_TABLES]) {
    assert.deepEqual(db.exec(`SELECT COUNT(*) FROM ${t}`)[0].values[0][0], 0, `${t} is empty after the rollback`);
  }
  // One by one, only the bad batch fails.
  let failed = 0;
  for (const item of items(requests)) {
    try {
      ingestBatch(db, item.batch, item.meta, { registry });
    } catch {
      failed++;
    }
  }
  assert.equal(failed, 1);
  assert.ok(Number(db.exec('SELECT COUNT(*) FROM prompts')[0].values[0][0]) > 0);
  db.close();
});
