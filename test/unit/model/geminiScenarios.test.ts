// Every captured Gemini CLI scenario (HTTP JSON, gRPC gzip message bytes),
// ingested into a fresh database, must reconstruct what its scenario.json
// says: the prompt (by prompt_id) and its text, the tool calls in order with
// their call ids (from the tool_call spans), decision (accept/reject, raw
// auto_accept), no decision source (Gemini reports none), success, error,
// files, and the tokens. Then shuffled, split and sent twice: the same model.
//
// How Gemini CLI maps onto the model:
// - Tokens (the CLI's router calls included): Gemini's input count includes
//   the cached tokens and excludes tool-use prompt tokens, thoughts are billed
//   as output. input = input − cached + tool, cacheRead = cached,
//   output = output + thoughts, cacheWrite = 0; total = input + cacheRead + output.
// - No cost is sent: estimated from the price table, marked `estimated`.
// - Decisions: accept as accept; auto_accept ("allow for this session") is an
//   accept whose raw decision is kept. The model keeps a raw decision only when
//   it says more than accept/reject, so the raw decision compared is
//   `rawDecision ?? decision`.
// - Metrics are cumulative: lines added/removed are differences per series.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { BUILTIN_PRICE_TABLE, estimateCostMicros, priceFor } from '../../../src/core/model/priceTable';
import type { PromptSummary } from '../../../src/core/model/views';
import type { DecodedBatch, MetricPoint } from '../../../src/core/otlp/types';
import { rebuildModel } from '../../../src/core/store/ingest';
import { ModelRepository } from '../../../src/core/store/modelRepository';
import {
  freshDb,
  hasBinaryBodies,
  ingestAll,
  ingestRequests,
  loadRequests,
  readScenario,
  scenarioDirs,
  shuffle,
  snapshot,
  splitRecordByRecord,
  type CapturedRequest,
  type ModelSnapshot,
} from './scenarioSupport';

interface GeminiCall {
  readonly tool: string;
  readonly callId: string;
  readonly input: Record<string, unknown>;
  readonly decision: 'accept' | 'reject' | null;
  readonly decisionSource: string | null;
  readonly rawDecision: string | null;
  readonly success: boolean | null;
  readonly error?: { readonly type: string; readonly message: string };
  readonly files: ReadonlyArray<{ readonly path: string; readonly access: string }>;
}

interface GeminiTokens {
  readonly input: number;
  readonly output: number;
  readonly cached: number;
  readonly thoughts: number;
  readonly tool: number;
  readonly total: number;
}

interface GeminiScenario {
  readonly scenario: string;
  readonly workspace: string;
  readonly sessionIds: readonly string[];
  readonly prompts: ReadonlyArray<{
    readonly promptId: string;
    readonly textInTelemetry: string;
    readonly toolCalls: readonly GeminiCall[];
    readonly apiRequests: number;
    readonly tokens: GeminiTokens;
  }>;
  readonly slashCommands: ReadonlyArray<{ readonly command: string; readonly status: string }>;
  readonly tokens: GeminiTokens;
  readonly models: readonly string[];
}

const dirs = scenarioDirs('gemini-cli');

const toModelTokens = (t: GeminiTokens): PromptSummary['tokens'] => ({ input: t.input - t.cached + t.tool, output: t.output + t.thoughts, cacheRead: t.cached, cacheWrite: 0 });

/** Lines the calls changed, from each tool_call event's `metadata` (model_* + user_*): what the lines.changed metric counts. */
function linesFromEvents(requests: readonly CapturedRequest[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const { batch } of requests) {
    if (batch.signal !== 'logs') continue;
    for (const r of batch.records) {
      if (r.attributes['event.name'] !== 'gemini_cli.tool_call' || typeof r.attributes.metadata !== 'string') continue;
      const m = JSON.parse(r.attributes.metadata) as Record<string, number>;
      added += (m.model_added_lines ?? 0) + (m.user_added_lines ?? 0);
      removed += (m.model_removed_lines ?? 0) + (m.user_removed_lines ?? 0);
    }
  }
  return { added, removed };
}

function checkAgainstScenario(snap: ModelSnapshot, s: GeminiScenario, lines: { added: number; removed: number }): void {
  assert.deepEqual(snap.sessions.map((x) => x.id), [...s.sessionIds], 'sessions');
  const commands = snap.prompts.filter((p) => p.command !== null);
  assert.deepEqual(commands.map((p) => `/${p.command ?? ''}`), s.slashCommands.map((c) => c.command), 'slash commands are prompts of their own');
  const prompts = snap.prompts.filter((p) => p.command === null);
  assert.deepEqual(prompts.map((p) => p.id), s.prompts.map((p) => p.promptId), 'prompt ids in order');
  const models = new Set<string>();
  for (const [i, expected] of s.prompts.entries()) {
    const p = prompts[i];
    const where = `${s.scenario} prompt ${expected.promptId}`;
    assert.equal(p.agent, 'gemini-cli');
    assert.equal(p.sessionId, s.sessionIds[0]);
    assert.equal(p.text, expected.textInTelemetry, `${where} text`);
    assert.deepEqual(
      p.toolCalls.map((c) => ({
        tool: c.tool,
        callId: c.callId,
        decision: c.decision,
        rawDecision: c.rawDecision ?? c.decision,
        decisionSource: c.decisionSource,
        success: c.success,
        errorType: c.errorType,
        error: c.error,
        files: c.fileTouches.map((f) => ({ path: f.path, access: f.access })),
      })),
      expected.toolCalls.map((c) => ({
        tool: c.tool,
        callId: c.callId,
        decision: c.decision,
        rawDecision: c.rawDecision,
        decisionSource: c.decisionSource,
        success: c.success,
        errorType: c.error?.type ?? null,
        error: c.error?.message ?? null,
        files: c.files.map((f) => ({ path: f.path, access: f.access })),
      })),
      `${where} tool calls`,
    );
    for (const c of p.toolCalls) for (const f of c.fileTouches) assert.equal(f.relativePath, path.relative(s.workspace, f.path));
    // The edit's text from function_args: replace old_string → new_string, write_file content.
    assert.deepEqual(
      p.toolCalls.map((c) => c.edit ?? null),
      expected.toolCalls.map((c) =>
        c.tool === 'replace'
          ? { oldText: c.input.old_string, newText: c.input.new_string, replaceAll: null, truncated: false }
          : c.tool === 'write_file'
            ? { oldText: null, newText: c.input.content, replaceAll: null, truncated: false }
            : null,
      ),
      `${where} edits`,
    );
    const files = new Map<string, 'read' | 'write'>();
    for (const c of expected.toolCalls) {
      if (c.decision === 'reject') continue;
      for (const f of c.files) if (files.get(f.path) !== 'write') files.set(f.path, f.access === 'read' ? 'read' : 'write');
    }
    assert.deepEqual(p.files.map((f) => [f.path, f.access]).sort(), [...files.entries()].sort(), `${where} files`);

    assert.deepEqual(p.tokens, toModelTokens(expected.tokens), `${where} tokens`);
    const t = p.tokens;
    assert.equal(t.input + t.cacheRead + t.output, expected.tokens.total, `${where} total`);
    assert.equal(p.apiRequests, expected.apiRequests, `${where} api requests (router calls included)`);
    assert.equal(p.costSource, 'estimated');
    assert.equal(p.priceTableVersion, BUILTIN_PRICE_TABLE.version);
    let micros = 0;
    for (const step of snap.steps[p.id]) {
      if (step.kind !== 'model_request') continue;
      const price = priceFor(BUILTIN_PRICE_TABLE, step.modelGroup);
      assert.ok(price, `a price for ${step.model}`);
      assert.equal(step.costSource, 'estimated');
      assert.equal(step.costMicros, estimateCostMicros(step.tokens, price.price));
      micros += step.costMicros;
    }
    assert.equal(p.costMicros, micros);
    assert.ok(p.costMicros > 0);
    assert.deepEqual(
      snap.steps[p.id].filter((x) => x.kind === 'tool_call').map((x) => (x.kind === 'tool_call' ? x.callId : null)),
      p.toolCalls.map((c) => c.callId),
    );
    for (const m of p.models) models.add(m);
  }
  assert.deepEqual([...models].sort(), [...s.models].sort(), 'models');
  const session = snap.sessions[0];
  assert.equal(session.agent, 'gemini-cli');
  assert.deepEqual(session.tokens, toModelTokens(s.tokens));
  assert.equal(session.workspace, s.workspace);
  assert.deepEqual([session.linesAdded, session.linesRemoved], [lines.added, lines.removed], 'lines from the cumulative metric, as differences');
}

describe('Gemini CLI scenarios', () => {
  test('all 4 captured scenarios are covered', () => {
    assert.equal(dirs.length, 4);
  });

  for (const dir of dirs) {
    const name = path.basename(dir);
    describe(name, () => {
      const s = readScenario(dir) as unknown as GeminiScenario;
      const requests = loadRequests(dir);
      const roots = [s.workspace];
      const lines = linesFromEvents(requests);
      let ordered: ModelSnapshot;

      test('in captured order, the model matches scenario.json', async () => {
        assert.ok(requests.every((r) => r.batch.rejected === 0));
        const db = await freshDb();
        const results = ingestRequests(db, requests, roots);
        assert.equal(results.reduce((n, r) => n + r.unknownAgent, 0), 0);
        assert.ok(results.every((r) => Object.keys(r.byAgent).every((a) => a === 'gemini-cli')), 'by the Gemini CLI adapter');
        ordered = snapshot(db);
        checkAgainstScenario(ordered, s, lines);
        db.close();
      });

      for (const seed of [1, 7, 42]) {
        test(`shuffled (seed ${seed}) and split record by record, the model is identical`, async () => {
          const db = await freshDb();
          ingestAll(db, shuffle(splitRecordByRecord(requests), seed), roots);
          const snap = snapshot(db);
          checkAgainstScenario(snap, s, lines);
          assert.deepEqual(snap, ordered);
          db.close();
        });
      }

      test('every batch sent twice (retried export): nothing counts twice', async () => {
        const db = await freshDb();
        for (const r of requests) {
          const first = ingestAll(db, [r.batch], roots)[0];
          const again = ingestAll(db, [r.batch], roots)[0];
          assert.equal(again.stored, 0, `${r.file} stored again`);
          assert.equal(again.duplicates, first.received);
        }
        assert.equal(ingestAll(db, splitRecordByRecord(requests), roots).reduce((n, r) => n + r.stored, 0), 0);
        const snap = snapshot(db);
        checkAgainstScenario(snap, s, lines);
        assert.deepEqual(snap, ordered);
        db.close();
      });

      test('rebuilt from the stored request bodies, the model is identical', async () => {
        const db = await freshDb();
        ingestRequests(db, shuffle(requests, 9), roots);
        rebuildModel(db, { workspaceRoots: roots });
        assert.deepEqual(snapshot(db), ordered);
        db.close();
      });

      test('logs alone (no traces): the same calls, without the call ids only the spans carry', async () => {
        const db = await freshDb();
        ingestAll(db, requests.filter((r) => r.signal === 'logs').map((r) => r.batch), roots);
        const p = new ModelRepository(db).listPrompts().filter((x) => x.command === null)[0];
        const o = ordered.prompts.filter((x) => x.command === null)[0];
        assert.deepEqual(p.toolCalls.map((c) => c.callId), o.toolCalls.map(() => null));
        assert.deepEqual(
          p.toolCalls.map((c) => [c.tool, c.decision, c.rawDecision, c.success, c.files]),
          o.toolCalls.map((c) => [c.tool, c.decision, c.rawDecision, c.success, c.files]),
        );
        assert.deepEqual(p.tokens, o.tokens);
        db.close();
      });

      if (hasBinaryBodies(dir)) {
        test('gRPC message bytes (gzip) and their readable JSON twin give the same model', async () => {
          const db = await freshDb();
          ingestAll(db, loadRequests(dir, 'decodedJson').map((r) => r.batch), roots);
          assert.deepEqual(snapshot(db), ordered);
          db.close();
        });
      }
    });
  }

  test('cumulative metrics: a later export of the same series replaces, a restart adds; values are never summed', async () => {
    const dir = dirs.find((d) => path.basename(d) === 'multi-http-json');
    assert.ok(dir);
    const s = readScenario(dir) as unknown as GeminiScenario;
    const requests = loadRequests(dir);
    const metrics = requests.find((r) => r.signal === 'metrics');
    assert.ok(metrics && metrics.batch.signal === 'metrics');
    const later = (b: Extract<DecodedBatch, { signal: 'metrics' }>, dt: bigint, add: number, restart: boolean): DecodedBatch => ({
      ...b,
      points: b.points.map((p: MetricPoint) => ({
        ...p,
        timeUnixNano: (BigInt(p.timeUnixNano) + dt).toString(),
        startTimeUnixNano: restart ? (BigInt(p.timeUnixNano) + dt - 1_000_000n).toString() : p.startTimeUnixNano,
        value: p.value === null ? null : p.value + add,
      })),
    });
    const base = linesFromEvents(requests);
    const series = metrics.batch.points.filter((p) => p.name === 'gemini_cli.lines.changed');
    const addedSeries = series.filter((p) => p.attributes.type === 'added').length;
    const removedSeries = series.filter((p) => p.attributes.type === 'removed').length;
    const orders: DecodedBatch[][] = [
      [metrics.batch, later(metrics.batch, 10_000_000_000n, 2, false)],
      [later(metrics.batch, 10_000_000_000n, 2, false), metrics.batch],
    ];
    const results: Array<[number, number]> = [];
    for (const batches of orders) {
      const db = await freshDb();
      ingestAll(db, [...requests.filter((r) => r.signal !== 'metrics').map((r) => r.batch), ...batches], [s.workspace]);
      const session = new ModelRepository(db).listSessions()[0];
      results.push([session.linesAdded, session.linesRemoved]);
      db.close();
    }
    // Each series grew by 2 since the first export: the total grows by 2 per series, whatever the arrival order.
    assert.deepEqual(results, [
      [base.added + 2 * addedSeries, base.removed + 2 * removedSeries],
      [base.added + 2 * addedSeries, base.removed + 2 * removedSeries],
    ]);
    // A restarted process (new start time) counts from zero again: its values add.
    const db = await freshDb();
    ingestAll(db, [...requests.map((r) => r.batch), later(metrics.batch, 20_000_000_000n, 0, true)], [s.workspace]);
    const session = new ModelRepository(db).listSessions()[0];
    assert.deepEqual([session.linesAdded, session.linesRemoved], [2 * base.added, 2 * base.removed]);
    db.close();
    // Series are told apart by all their labels, not only by type: two tools' "added" series that started
    // in the same millisecond are two series.
    const sameStart: DecodedBatch = {
      ...metrics.batch,
      points: metrics.batch.points.map((p) => (p.name === 'gemini_cli.lines.changed' ? { ...p, startTimeUnixNano: series[0].startTimeUnixNano } : p)),
    };
    const db2 = await freshDb();
    ingestAll(db2, [...requests.filter((r) => r.signal !== 'metrics').map((r) => r.batch), sameStart], [s.workspace]);
    const s2 = new ModelRepository(db2).listSessions()[0];
    assert.deepEqual([s2.linesAdded, s2.linesRemoved], [base.added, base.removed]);
    db2.close();
  });

  test('all scenarios in one database: each session reads as it did alone', async () => {
    const together = await freshDb();
    const alone = new Map<string, PromptSummary[]>();
    for (const dir of dirs) {
      const s = readScenario(dir) as unknown as GeminiScenario;
      const batches = loadRequests(dir).map((r) => r.batch);
      ingestAll(together, batches, [s.workspace]);
      const db = await freshDb();
      ingestAll(db, batches, [s.workspace]);
      alone.set(s.sessionIds[0], new ModelRepository(db).listPrompts());
      db.close();
    }
    const repo = new ModelRepository(together);
    for (const [sessionId, prompts] of alone) assert.deepEqual(repo.listPrompts({ sessionId }), prompts, sessionId);
    together.close();
  });
});
