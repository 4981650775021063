// Every captured Codex CLI scenario (HTTP JSON, HTTP protobuf, gRPC message
// bytes), ingested into a fresh database, must reconstruct what its
// scenario.json says: one prompt per `codex exec` with its text, the tool
// calls in order with decision (accept/reject and the raw `approved`),
// decision source exactly as sent (`Config`), success, files, and the tokens.
// Then the same shuffled record by record, split, and sent twice: the model
// must not change.
//
// How Codex maps onto the model:
// - Prompts: Codex sends no prompt id. The prompt is `codex.user_prompt`
//   (id: conversation + the record's nanosecond time); every later fact of the
//   conversation belongs to it until the next one.
// - Tokens: Codex `input` includes `cachedInput`; the model's buckets are
//   disjoint, so input = input − cachedInput, cacheRead = cachedInput,
//   output = output (reasoning is part of it: total = input + output),
//   cacheWrite = cache_write (0 here). Counted from the `response.completed`
//   SSE events that carry counts (each is logged twice, once without).
// - Cost: none is sent; the estimate from the price table is marked
//   `estimated` with the table's version.
// - Files: scenario.json lists the apply_patch files (absolute; the patch
//   has them relative to the working directory, which the store learns from
//   the shell calls' `workdir`). The adapter also reads `cat FILE` as a read
//   of FILE; scenario.json does not list those, so they are expected here on
//   top of it (READS_FROM_COMMANDS).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { BUILTIN_PRICE_TABLE, estimateCostMicros, priceFor } from '../../../src/core/model/priceTable';
import type { PromptSummary } from '../../../src/core/model/views';
import { ModelRepository } from '../../../src/core/store/modelRepository';
import type { Span } from '../../../src/core/otlp/types';
import { rebuildModel } from '../../../src/core/store/ingest';
import { MIGRATIONS } from '../../../src/core/store/schema';
import { loadSqlJs } from '../../../src/core/store/sqlJs';
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

interface CodexCall {
  readonly tool: string;
  readonly callId: string;
  readonly input: unknown;
  readonly decision: 'accept' | 'reject' | null;
  readonly decisionSource: string | null;
  readonly rawDecision: string | null;
  readonly success: boolean | null;
  readonly error?: { readonly message: string };
  readonly files: ReadonlyArray<{ readonly path: string; readonly access: string; readonly pathInPatch?: string }>;
  readonly emitted: readonly string[];
}

interface CodexTokens {
  readonly input: number;
  readonly cachedInput: number;
  readonly output: number;
  readonly reasoningOutput: number;
  readonly total: number;
}

interface CodexScenario {
  readonly scenario: string;
  readonly workspace: string;
  readonly sessionIds: readonly string[];
  readonly turnIds: readonly string[];
  readonly prompts: ReadonlyArray<{
    readonly promptId: null;
    readonly sessionId: string;
    readonly textInTelemetry: string;
    readonly toolCalls: readonly CodexCall[];
    readonly apiRequests: number;
    readonly tokens: CodexTokens;
  }>;
  readonly tokens: CodexTokens;
  readonly models: readonly string[];
}

const dirs = scenarioDirs('codex');

/** `cat FILE` calls: the adapter reads them as reads of FILE (in the call's workdir); scenario.json lists only patch files. */
const READS_FROM_COMMANDS: Readonly<Record<string, string>> = { call_multi_0: 'notes.txt', call_toolfail_0: 'does-not-exist.txt' };

const toModelTokens = (t: CodexTokens): PromptSummary['tokens'] => ({ input: t.input - t.cachedInput, output: t.output, cacheRead: t.cachedInput, cacheWrite: 0 });

function expectedFiles(s: CodexScenario, c: CodexCall): Array<{ path: string; access: string }> {
  const files = c.files.map((f) => ({ path: f.path, access: f.access }));
  const read = READS_FROM_COMMANDS[c.callId];
  if (read !== undefined) files.push({ path: path.join(s.workspace, read), access: 'read' });
  return files;
}

function checkAgainstScenario(snap: ModelSnapshot, s: CodexScenario): void {
  assert.deepEqual(snap.sessions.map((x) => x.id), [...s.sessionIds], 'sessions');
  assert.equal(snap.prompts.length, s.prompts.length, 'one prompt per codex.user_prompt');
  const prices = priceFor(BUILTIN_PRICE_TABLE, s.models[0]);
  assert.ok(prices, `a price for ${s.models[0]}`);
  for (const [i, expected] of s.prompts.entries()) {
    const p = snap.prompts[i];
    const where = `${s.scenario} prompt ${i}`;
    assert.equal(p.agent, 'codex');
    assert.equal(p.sessionId, expected.sessionId);
    assert.match(p.id, new RegExp(`^codex:${expected.sessionId}:\\d+$`), `${where}: derived id`);
    assert.equal(p.text, expected.textInTelemetry, `${where} text`);
    assert.equal(p.redacted, false);

    assert.deepEqual(
      p.toolCalls.map((c) => ({
        tool: c.tool,
        callId: c.callId,
        decision: c.decision,
        rawDecision: c.rawDecision,
        decisionSource: c.decisionSource,
        success: c.success,
        files: c.fileTouches.map((f) => ({ path: f.path, access: f.access })),
      })),
      expected.toolCalls.map((c) => ({
        tool: c.tool,
        callId: c.callId,
        decision: c.decision,
        rawDecision: c.rawDecision,
        decisionSource: c.decisionSource,
        success: c.success,
        files: expectedFiles(s, c),
      })),
      `${where} tool calls`,
    );
    for (const [j, c] of expected.toolCalls.entries()) {
      const got = p.toolCalls[j];
      if (c.error) assert.equal(got.error, c.error.message, `${c.callId} error`);
      // The edit is the patch's text: its + lines written, its - lines replaced (these patches have no context lines).
      if (c.tool === 'apply_patch' && typeof c.input === 'string') {
        const lines = c.input.split('\n');
        const added = lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1)).join('\n');
        const removed = lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1)).join('\n');
        const adds = c.input.includes('*** Add File:');
        assert.deepEqual(got.edit, { oldText: adds ? null : removed, newText: added, replaceAll: null, truncated: false }, `${c.callId} edit`);
      } else assert.equal(got.edit ?? null, null, `${c.callId} has no edit`);
      for (const f of got.fileTouches) assert.equal(f.relativePath, path.relative(s.workspace, f.path), `${f.path} relative to the workspace`);
      assert.ok(got.durationMs !== null, `${c.callId} duration`);
    }

    const files = new Map<string, 'read' | 'write'>();
    for (const c of expected.toolCalls) {
      if (c.decision === 'reject') continue;
      for (const f of expectedFiles(s, c)) if (files.get(f.path) !== 'write') files.set(f.path, f.access === 'read' ? 'read' : 'write');
    }
    assert.deepEqual(p.files.map((f) => [f.path, f.access]).sort(), [...files.entries()].sort(), `${where} files`);

    assert.deepEqual(p.tokens, toModelTokens(expected.tokens), `${where} tokens`);
    assert.equal(p.apiRequests, expected.apiRequests, `${where} api requests`);
    assert.deepEqual(p.models, [...s.models], `${where} models`);
    assert.equal(p.costSource, 'estimated');
    assert.equal(p.priceTableVersion, BUILTIN_PRICE_TABLE.version);
    assert.ok(p.startedAt < p.endedAt, 'the prompt lasts until its last fact');

    const steps = snap.steps[p.id];
    const requests = steps.filter((x) => x.kind === 'model_request');
    assert.equal(requests.length, expected.apiRequests);
    let micros = 0;
    for (const r of requests) {
      assert.ok(r.kind === 'model_request');
      assert.equal(r.costSource, 'estimated');
      assert.equal(r.costMicros, estimateCostMicros(r.tokens, prices.price));
      micros += r.costMicros;
    }
    assert.equal(p.costMicros, micros, 'the prompt’s cost is the sum of its requests’ estimates');
    assert.ok(p.costMicros > 0);
    assert.deepEqual(
      steps.filter((x) => x.kind === 'tool_call').map((x) => (x.kind === 'tool_call' ? x.callId : null)),
      p.toolCalls.map((c) => c.callId),
      `${where} steps in order`,
    );
    assert.ok(steps.some((x) => x.kind === 'event' && x.name === 'turn_ttft'), 'facts of the turn without a prompt id are in the prompt');
    assert.ok(!steps.some((x) => x.kind === 'event' && x.name === 'conversation_starts'), 'facts before the first prompt are not');
  }
  const session = snap.sessions[0];
  assert.equal(session.agent, 'codex');
  assert.deepEqual(session.tokens, toModelTokens(s.tokens));
  assert.equal(session.costSource, 'estimated');
  assert.equal(session.workspace, s.workspace, 'the root that holds the touched files');
  assert.equal(session.serviceVersion, '0.169.0');
}

/** The turn's own token totals (the session_task.turn span), as a cross-check of the SSE counts. */
function turnTotals(requests: readonly CapturedRequest[]): CodexTokens | null {
  for (const { batch } of requests) {
    if (batch.signal !== 'traces') continue;
    const turn = batch.spans.find((x: Span) => x.name === 'session_task.turn');
    if (!turn) continue;
    const a = turn.attributes;
    return {
      input: Number(a['codex.turn.token_usage.input_tokens']),
      cachedInput: Number(a['codex.turn.token_usage.cached_input_tokens']),
      output: Number(a['codex.turn.token_usage.output_tokens']),
      reasoningOutput: Number(a['codex.turn.token_usage.reasoning_output_tokens']),
      total: Number(a['codex.turn.token_usage.total_tokens']),
    };
  }
  return null;
}

describe('Codex CLI scenarios', () => {
  test('all 4 captured scenarios are covered', () => {
    assert.equal(dirs.length, 4);
  });

  for (const dir of dirs) {
    const name = path.basename(dir);
    describe(name, () => {
      const s = readScenario(dir) as unknown as CodexScenario;
      const requests = loadRequests(dir);
      const roots = [s.workspace];
      let ordered: ModelSnapshot;

      test('every request decodes; the turn span’s totals agree with the SSE counts', () => {
        assert.ok(requests.length >= 5);
        assert.ok(requests.every((r) => r.batch.rejected === 0));
        assert.deepEqual(turnTotals(requests), s.tokens);
      });

      test('in captured order, the model matches scenario.json', async () => {
        const db = await freshDb();
        const results = ingestRequests(db, requests, roots);
        assert.equal(results.reduce((n, r) => n + r.unknownAgent, 0), 0, 'every record is claimed');
        assert.ok(results.every((r) => Object.keys(r.byAgent).every((a) => a === 'codex')), 'by the Codex adapter');
        ordered = snapshot(db);
        checkAgainstScenario(ordered, s);
        db.close();
      });

      for (const seed of [1, 7, 42]) {
        test(`shuffled (seed ${seed}) and split record by record, the model is identical`, async () => {
          const db = await freshDb();
          ingestAll(db, shuffle(splitRecordByRecord(requests), seed), roots);
          const snap = snapshot(db);
          checkAgainstScenario(snap, s);
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
        checkAgainstScenario(snap, s);
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

      test('logs alone (no traces, no metrics): the same prompt, calls, files and tokens', async () => {
        const db = await freshDb();
        ingestAll(db, requests.filter((r) => r.signal === 'logs').map((r) => r.batch), roots);
        const snap = snapshot(db);
        const p = snap.prompts[0];
        const o = ordered.prompts[0];
        assert.deepEqual([p.id, p.text, p.tokens, p.costMicros], [o.id, o.text, o.tokens, o.costMicros]);
        assert.deepEqual(
          p.toolCalls.map((c) => [c.callId, c.decision, c.success, c.files]),
          o.toolCalls.map((c) => [c.callId, c.decision, c.success, c.files]),
        );
        db.close();
      });

      if (hasBinaryBodies(dir)) {
        test('binary bodies and their readable JSON twin give the same model', async () => {
          const db = await freshDb();
          ingestAll(db, loadRequests(dir, 'decodedJson').map((r) => r.batch), roots);
          assert.deepEqual(snapshot(db), ordered);
          db.close();
        });
      }
    });
  }

  test('a second prompt in the same conversation takes the facts after it, whatever order the records arrive in', async () => {
    // Two exec turns of one conversation: the second run's records, shifted one minute later.
    const dir = dirs.find((d) => path.basename(d) === 'multi-http-json');
    assert.ok(dir);
    const s = readScenario(dir) as unknown as CodexScenario;
    const first = splitRecordByRecord(loadRequests(dir));
    const shift = (nanos: string): string => (nanos === '0' || nanos === '' ? nanos : (BigInt(nanos) + 60_000_000_000n).toString());
    const second = first.map((b) => {
      if (b.signal === 'logs') return { ...b, records: b.records.map((r) => ({ ...r, observedTimeUnixNano: shift(r.observedTimeUnixNano), attributes: { ...r.attributes, ...(r.attributes.call_id ? { call_id: `${String(r.attributes.call_id)}-b` } : {}) } })) };
      if (b.signal === 'traces') return { ...b, spans: b.spans.map((x) => ({ ...x, startTimeUnixNano: shift(x.startTimeUnixNano), endTimeUnixNano: shift(x.endTimeUnixNano), spanId: x.spanId.replace(/^./, 'f'), attributes: { ...x.attributes, ...(x.attributes.call_id ? { call_id: `${String(x.attributes.call_id)}-b` } : {}) } })) };
      return { ...b, points: b.points.map((x) => ({ ...x, timeUnixNano: shift(x.timeUnixNano), startTimeUnixNano: shift(x.startTimeUnixNano) })) };
    });
    const models: Array<ReturnType<ModelRepository['listPrompts']>> = [];
    for (const seed of [0, 3, 11]) {
      const db = await freshDb();
      const all = [...first, ...second];
      ingestAll(db, seed === 0 ? all : shuffle(all, seed), [s.workspace]);
      const prompts = new ModelRepository(db).listPrompts();
      assert.equal(prompts.length, 2);
      assert.deepEqual(prompts[0].toolCalls.map((c) => c.callId), ['call_multi_0', 'call_multi_1', 'call_multi_2', 'call_multi_3']);
      assert.deepEqual(prompts[1].toolCalls.map((c) => c.callId), ['call_multi_0-b', 'call_multi_1-b', 'call_multi_2-b', 'call_multi_3-b']);
      assert.deepEqual(prompts[0].tokens, prompts[1].tokens);
      assert.equal(prompts[0].apiRequests, 5);
      assert.ok(prompts[0].endedAt < prompts[1].startedAt, `${prompts[0].startedAt} ${prompts[0].endedAt} ${prompts[1].startedAt} ${prompts[1].endedAt}`);
      models.push(prompts);
      db.close();
    }
    assert.deepEqual(models[1], models[0]);
    assert.deepEqual(models[2], models[0]);
  });

  test('relative patch paths follow the session’s earliest working directory, whichever arrives first', async () => {
    const dir = dirs.find((d) => path.basename(d) === 'multi-http-json');
    assert.ok(dir);
    const batches = splitRecordByRecord(loadRequests(dir));
    const logs = batches.flatMap((b) => (b.signal === 'logs' ? b.records : []));
    const prompt = logs.find((r) => r.attributes['event.name'] === 'codex.user_prompt');
    assert.ok(prompt);
    // A shell call in another directory, right after the prompt and before every other call.
    const earlier = {
      ...prompt,
      observedTimeUnixNano: (BigInt(prompt.observedTimeUnixNano) + 1000n).toString(),
      attributes: {
        ...prompt.attributes, 'event.name': 'codex.tool_result', tool_name: 'exec_command', call_id: 'call_early', success: 'true', duration_ms: '1',
        arguments: '{"cmd":"pwd","workdir":"/srv/elsewhere"}', output: 'Process exited with code 0\n',
      },
    };
    for (const order of [[...batches, { signal: 'logs' as const, records: [earlier], rejected: 0, errors: [] }], [{ signal: 'logs' as const, records: [earlier], rejected: 0, errors: [] }, ...batches]]) {
      const db = await freshDb();
      ingestAll(db, order, ['/srv/elsewhere']);
      const p = new ModelRepository(db).listPrompts()[0];
      const patched = p.toolCalls.filter((c) => c.tool === 'apply_patch').flatMap((c) => c.fileTouches.map((f) => [f.path, f.relativePath]));
      assert.deepEqual(patched, [['/srv/elsewhere/summary.txt', 'summary.txt'], ['/srv/elsewhere/summary.txt', 'summary.txt']]);
      assert.equal(new ModelRepository(db).listSessions()[0].workspace, '/srv/elsewhere');
      db.close();
    }
  });

  test('a database of schema version 1 migrates and takes Codex records', async () => {
    const dir = dirs.find((d) => path.basename(d) === 'tool-failure');
    assert.ok(dir);
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    const [v1, ...later] = MIGRATIONS;
    db.exec(v1.sql);
    db.run("INSERT INTO sessions (id, agent, first_ms, last_ms) VALUES ('older', 'claude-code', 1, 2)");
    db.run("INSERT INTO prompts (id, session_id, agent, prompt_ms, first_ms, last_ms) VALUES ('older-p', 'older', 'claude-code', 1, 1, 2)");
    for (const m of later) db.exec(m.sql);
    assert.deepEqual(db.exec("SELECT claims_by_time FROM prompts WHERE id = 'older-p'")[0].values, [[0]], 'rows from before keep their meaning');
    const s = readScenario(dir) as unknown as CodexScenario;
    ingestAll(db, loadRequests(dir).map((r) => r.batch), [s.workspace]);
    const p = new ModelRepository(db).listPrompts({ sessionId: s.sessionIds[0] })[0];
    assert.deepEqual(p.toolCalls.map((c) => c.callId), s.prompts[0].toolCalls.map((c) => c.callId));
    assert.equal(new ModelRepository(db).listPrompts({ sessionId: 'older' }).length, 1);
    db.close();
  });

  test('all scenarios in one database: each session reads as it did alone', async () => {
    const together = await freshDb();
    const alone = new Map<string, PromptSummary[]>();
    for (const dir of dirs) {
      const s = readScenario(dir) as unknown as CodexScenario;
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
