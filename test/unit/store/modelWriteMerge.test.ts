// ModelWriteRepository writes two same-key upserts of one batch (a tool call's
// decision and result, a model request's event and response, …) as one
// statement. That must leave exactly the rows, values and rowids that writing
// every upsert as it comes leaves, whatever the order and the values: checked
// here against the unmerged path on every captured scenario, in several orders,
// and on events edited to hit the merge's edge cases.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultRegistry } from '../../../src/core/agents/registry';
import type { AgentEvent } from '../../../src/core/model/events';
import type { DecodedBatch, LogRecord, MetricPoint, Span } from '../../../src/core/otlp/types';
import { ModelWriteRepository } from '../../../src/core/store/modelWriteRepository';
import { RecordKeys, recordsOf } from '../../../src/core/store/rawRecordRepository';
import { MODEL_TABLES } from '../../../src/core/store/schema';
import type { SqlDatabase } from '../../../src/core/store/sqlJs';
import { freshDb, loadRequests, readScenario, scenarioDirs, shuffle } from '../model/scenarioSupport';

const dirs = [...scenarioDirs('claude-code'), ...scenarioDirs('codex'), ...scenarioDirs('gemini-cli')];
const roots = scenarioDirs('claude-code').map((d) => readScenario(d).workspace);

/** Each batch's events, in record order, as ingestBatch derives them. */
function eventsOf(batches: readonly DecodedBatch[]): AgentEvent[][] {
  const registry = defaultRegistry();
  return batches.map((batch) => {
    const keys = new RecordKeys();
    const out: AgentEvent[] = [];
    for (const record of recordsOf(batch)) {
      const adapter = registry.pick({ signal: batch.signal, resource: record.resource, scope: record.scope });
      if (!adapter) continue;
      const ctx = { recordKey: keys.keyOf(batch.signal, record, null) };
      if (batch.signal === 'logs') out.push(...adapter.fromLog(record as LogRecord, ctx));
      else if (batch.signal === 'traces') out.push(...adapter.fromSpan(record as Span, ctx));
      else out.push(...adapter.fromMetric(record as MetricPoint, ctx));
    }
    return out;
  });
}

/** Every model row with its rowid (where the table has one), in rowid/key order. */
function dump(db: SqlDatabase): Record<string, unknown[][]> {
  const out: Record<string, unknown[][]> = {};
  for (const t of MODEL_TABLES) {
    const ddl = String(db.exec('SELECT sql FROM sqlite_master WHERE name = ?', [t])[0].values[0][0]);
    const sql = /WITHOUT ROWID/i.test(ddl) ? `SELECT * FROM ${t} ORDER BY 1, 2, 3` : `SELECT rowid, * FROM ${t} ORDER BY rowid`;
    out[t] = (db.exec(sql)[0]?.values ?? []).map((r) => [...r]);
  }
  return out;
}

/** Applies each batch's events and flushes, merged or not; the model's rows and SQLite's count of row changes. */
async function applied(batches: readonly AgentEvent[][], mergeUpserts: boolean): Promise<{ rows: Record<string, unknown[][]>; changes: number }> {
  const db = await freshDb();
  for (const events of batches) {
    const model = new ModelWriteRepository(db, { workspaceRoots: roots, mergeUpserts });
    for (const e of events) model.apply(e);
    model.flush();
    model.close();
  }
  const changes = Number(db.exec('SELECT total_changes()')[0].values[0][0]);
  const rows = dump(db);
  db.close();
  return { rows, changes };
}

async function assertSameAsUnmerged(batches: readonly AgentEvent[][], label: string): Promise<number> {
  const merged = await applied(batches, true);
  const plain = await applied(batches, false);
  assert.deepEqual(merged.rows, plain.rows, label);
  return plain.changes - merged.changes;
}

function allInOne(batches: readonly DecodedBatch[]): DecodedBatch[] {
  const bySignal = new Map<string, DecodedBatch>();
  for (const b of batches) {
    const known = bySignal.get(b.signal);
    if (!known) bySignal.set(b.signal, b);
    else if (known.signal === 'logs' && b.signal === 'logs') bySignal.set(b.signal, { ...known, records: [...known.records, ...b.records] });
    else if (known.signal === 'traces' && b.signal === 'traces') bySignal.set(b.signal, { ...known, spans: [...known.spans, ...b.spans] });
    else if (known.signal === 'metrics' && b.signal === 'metrics') bySignal.set(b.signal, { ...known, points: [...known.points, ...b.points] });
  }
  return [...bySignal.values()];
}

type Edit = (e: AgentEvent, i: number) => AgentEvent[];

/**
 * Edits that make a pair's shared columns disagree: ids whose JS order is not
 * their UTF-8 (SQLite) order, NULL against text, equal times with other
 * sequences, times out of order; and the same event twice with other values
 * (the later one wins, so it must not merge).
 */
const EDITS: Record<string, Edit> = {
  idsOutOfJsOrder: (e, i) => {
    if (e.type !== 'tool.decision' && e.type !== 'tool.result' && e.type !== 'model.request' && e.type !== 'model.response') return [e];
    // U+1F600 sorts before U+FFFF in UTF-16 (a surrogate), after it in UTF-8.
    const high = e.type === 'tool.decision' || e.type === 'model.request' ? '\u{1F600}' : '\uFFFF';
    return [{ ...e, traceId: `${e.traceId ?? ''}${high}`, contextSpanId: i % 3 === 0 ? null : `${high}span`, promptId: i % 4 === 0 ? null : e.promptId }];
  },
  timesAndSequences: (e, i) => {
    if (e.type === 'tool.decision' || e.type === 'tool.result') return [{ ...e, timeMs: 1_700_000_000_000, sequence: i % 3 === 0 ? null : 1000 - i }];
    if (e.type === 'tool.span' || e.type === 'tool.execution') return [{ ...e, startMs: e.startMs - (i % 5) * 1000 }];
    return [e];
  },
  repeated: (e, i) => {
    if (e.type === 'tool.result') return [e, { ...e, success: !e.success, durationMs: i }];
    if (e.type === 'model.response') return [e, { ...e, length: (e.length ?? 0) + 1 }];
    if (e.type === 'tool.decision' && i % 2 === 0) return [e, e];
    return [e];
  },
};

describe('merged upserts', () => {
  test('give every scenario the rows and rowids that unmerged writes give, in any order', async () => {
    let saved = 0;
    for (const dir of dirs) {
      const batches = loadRequests(dir).map((r) => r.batch);
      const name = dir.split('/').slice(-2).join('/');
      saved += await assertSameAsUnmerged(eventsOf(batches), `${name}: captured order`);
      const reversed = eventsOf(batches).map((events) => [...events].reverse());
      saved += await assertSameAsUnmerged(reversed, `${name}: each batch reversed`);
      for (const seed of [1, 2, 3]) {
        const one = eventsOf(allInOne(batches)).map((events) => shuffle(events, seed));
        saved += await assertSameAsUnmerged(one, `${name}: one batch per signal, shuffled (${seed})`);
      }
    }
    assert.ok(saved > 100, `merging saved ${saved} row writes`);
  });

  for (const [label, edit] of Object.entries(EDITS)) {
    test(`give the same rows when the pair disagrees: ${label}`, async () => {
      for (const dir of scenarioDirs('claude-code')) {
        const batches = allInOne(loadRequests(dir).map((r) => r.batch));
        const edited = eventsOf(batches).map((events) => events.flatMap((e, i) => edit(e, i)));
        await assertSameAsUnmerged(edited, `${dir}: ${label}`);
        await assertSameAsUnmerged(edited.map((events) => [...events].reverse()), `${dir}: ${label}, reversed`);
      }
    });
  }
});
