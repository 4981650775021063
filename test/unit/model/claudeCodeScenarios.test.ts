// Every captured Claude Code scenario, ingested into a fresh database, must
// reconstruct what its scenario.json says happened: prompts, tool calls in order
// with decision, decision source, success and files, tokens, and the agent's
// cost to the micro-dollar. Then the same again shuffled record by record, and
// with every export sent twice: the model must not change.
//
// Cost: the prompt's cost is the sum of the agent's per-request
// `cost_usd_micros` (exact integers), so it is compared with `costUsdMicros`.
// `costUsd` is a sum of doubles that Claude rounds per request; it may differ
// from the micro sum by rounding, so it is only checked to within half a
// micro-dollar per request.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { PromptSummary, ToolCallSummary } from '../../../src/core/model/views';
import {
  expectedRetries,
  filesAreLogged,
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
  visibleCalls,
  type ModelSnapshot,
  type Scenario,
} from './scenarioSupport';
import { ModelRepository } from '../../../src/core/store/modelRepository';

const dirs = scenarioDirs('claude-code');

const writeAccess = (access: string): 'read' | 'write' => (access === 'read' ? 'read' : 'write');

function checkAgainstScenario(snap: ModelSnapshot, s: Scenario): void {
  assert.deepEqual(snap.sessions.map((x) => x.id).sort(), [...s.sessionIds].sort(), 'sessions');
  const slashIds = new Set(s.slashCommands.map((c) => c.promptId));
  const prompts = snap.prompts.filter((p) => !slashIds.has(p.id));
  assert.deepEqual(prompts.map((p) => p.id), s.prompts.map((p) => p.promptId), 'prompt ids in order');

  for (const cmd of s.slashCommands) {
    const p = snap.prompts.find((x) => x.id === cmd.promptId);
    assert.ok(p, `slash command ${cmd.command} has its own prompt`);
    assert.equal(p.command, cmd.command.replace(/^\//, ''));
  }

  const byId = new Map<string, PromptSummary>(prompts.map((p) => [p.id, p]));
  const models = new Set<string>();
  for (const expected of s.prompts) {
    const p = byId.get(expected.promptId);
    assert.ok(p);
    const where = `prompt ${expected.promptId}`;
    const redacted = expected.textInTelemetry === '<REDACTED>';
    assert.equal(p.text, redacted ? null : expected.textInTelemetry, `${where} text`);
    assert.equal(p.redacted, redacted, `${where} redacted`);
    assert.equal(p.agent, 'claude-code');
    assert.equal(p.sessionId, s.sessionIds[0]);

    const calls = visibleCalls(expected);
    assert.deepEqual(
      p.toolCalls.map((c) => ({
        tool: c.tool,
        callId: c.callId,
        decision: c.decision,
        decisionSource: c.decisionSource,
        success: c.success,
        files: c.fileTouches.map((f) => ({ path: f.path, access: f.access })),
      })),
      calls.map((c) => ({
        tool: c.tool,
        callId: c.callId,
        decision: c.decision,
        decisionSource: c.decisionSource,
        success: c.success,
        files: filesAreLogged(s) ? c.files.map((f) => ({ path: f.path, access: f.access })) : [],
      })),
      `${where} tool calls`,
    );
    for (const [i, c] of calls.entries()) {
      const got: ToolCallSummary = p.toolCalls[i];
      assert.equal(got.parentCallId, c.subagent?.parentCallId ?? null, `${c.callId} parent call`);
      assert.equal(got.subagentType, c.subagent?.agentType ?? null, `${c.callId} subagent type`);
      assert.deepEqual(got.files, [...new Set(got.fileTouches.map((f) => f.path))]);
      for (const f of got.fileTouches) assert.equal(f.relativePath, path.relative(s.workspace, f.path), `${f.path} relative to the workspace`);
    }

    const expectedFiles = new Map<string, 'read' | 'write'>();
    if (filesAreLogged(s)) {
      for (const c of calls) {
        if (c.decision === 'reject') continue;
        for (const f of c.files) if (expectedFiles.get(f.path) !== 'write') expectedFiles.set(f.path, writeAccess(f.access));
      }
    }
    assert.deepEqual(
      p.files.map((f) => [f.path, f.access]).sort(),
      [...expectedFiles.entries()].sort(),
      `${where} files (refused calls left out, edits as writes)`,
    );

    assert.deepEqual(
      p.tokens,
      { input: expected.tokens.input, output: expected.tokens.output, cacheRead: expected.tokens.cacheRead, cacheWrite: expected.tokens.cacheCreation },
      `${where} tokens`,
    );
    assert.equal(p.costMicros, expected.costUsdMicros, `${where} cost in micro-dollars`);
    assert.ok(Math.abs(p.costUsd - expected.costUsd) <= expected.apiRequests * 0.5e-6 + 1e-12, `${where} cost ${p.costUsd} vs ${expected.costUsd}`);
    assert.equal(p.costSource, 'agent');
    assert.equal(p.apiRequests, expected.apiRequests, `${where} api requests`);
    assert.equal(p.apiErrors, expected.apiErrors, `${where} api errors`);
    assert.equal(p.retries, expectedRetries(s, expected), `${where} retries`);
    assert.ok(p.startedAt <= p.endedAt);
    for (const m of p.models) models.add(m);

    // Steps: the tool calls appear in the same order as in the summary.
    const stepCalls = snap.steps[p.id].filter((x) => x.kind === 'tool_call').map((x) => (x.kind === 'tool_call' ? x.callId : null));
    assert.deepEqual(stepCalls, p.toolCalls.map((c) => c.callId), `${where} steps order`);
  }
  assert.deepEqual([...models].sort(), [...s.models].sort(), 'models');

  const session = snap.sessions[0];
  assert.deepEqual(session.tokens, { input: s.tokens.input, output: s.tokens.output, cacheRead: s.tokens.cacheRead, cacheWrite: s.tokens.cacheCreation });
  assert.equal(session.costMicros, s.costUsdMicros, 'session cost in micro-dollars');
  assert.equal(session.workspace, snap.files.length > 0 ? s.workspace : null, 'workspace: the root that holds the touched files');

  for (const e of s.apiErrors) {
    const errors = snap.steps[e.promptId].filter((x) => x.kind === 'api_error');
    assert.equal(errors.length, 1, 'one terminal api error');
    const step = errors[0];
    assert.ok(step.kind === 'api_error');
    const exhausted = s.apiRetriesExhausted.find((x) => x.promptId === e.promptId);
    assert.equal(step.statusCode, e.statusCode);
    assert.equal(step.error, e.error);
    assert.equal(step.attempts, Math.max(e.attempt, exhausted?.totalAttempts ?? 0));
  }
}

describe('Claude Code scenarios', () => {
  test('all 13 captured scenarios are covered', () => {
    assert.equal(dirs.length, 13);
  });

  for (const dir of dirs) {
    const name = path.basename(dir);
    describe(name, () => {
      const s = readScenario(dir);
      const requests = loadRequests(dir);
      const roots = [s.workspace];

      test('decoded requests carry every payload the scenario lists', () => {
        assert.ok(requests.length > 0);
        assert.equal(requests.every((r) => r.batch.rejected === 0), true);
      });

      let ordered: ModelSnapshot;

      test('in captured order, the model matches scenario.json', async () => {
        const db = await freshDb();
        const results = ingestRequests(db, requests, roots);
        assert.equal(results.reduce((n, r) => n + r.unknownAgent, 0), 0, 'every record is Claude Code');
        ordered = snapshot(db);
        checkAgainstScenario(ordered, s);
        db.close();
      });

      for (const seed of [1, 7, 42]) {
        test(`shuffled (seed ${seed}) and split record by record, the model is identical`, async () => {
          const db = await freshDb();
          const batches = shuffle(splitRecordByRecord(requests), seed);
          assert.ok(batches.length > requests.length);
          ingestAll(db, batches, roots);
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
          assert.equal(again.duplicates, first.received, `${r.file} duplicates`);
          assert.equal(again.events, 0);
        }
        // and the whole run replayed once more, split differently
        const replay = ingestAll(db, splitRecordByRecord(requests), roots);
        assert.equal(replay.reduce((n, r) => n + r.stored, 0), 0);
        const snap = snapshot(db);
        checkAgainstScenario(snap, s);
        assert.deepEqual(snap, ordered);
        db.close();
      });

      if (hasBinaryBodies(dir)) {
        test('protobuf wire bytes and their readable JSON twin give the same model', async () => {
          const db = await freshDb();
          ingestRequests(db, loadRequests(dir, 'decodedJson'), roots);
          const fromJson = snapshot(db);
          checkAgainstScenario(fromJson, s);
          assert.deepEqual(fromJson, ordered);
          db.close();
        });

        test('a record has the same natural key in protobuf and in JSON: the JSON twin of a protobuf export is a retry', async () => {
          const db = await freshDb();
          ingestRequests(db, requests, roots);
          const again = ingestRequests(db, loadRequests(dir, 'decodedJson'), roots, 1000);
          assert.equal(again.reduce((n, r) => n + r.stored, 0), 0);
          assert.equal(again.reduce((n, r) => n + r.duplicates, 0), again.reduce((n, r) => n + r.received, 0));
          assert.deepEqual(snapshot(db), ordered);
          db.close();
        });
      }
    });
  }

  test('all scenarios in one database: each session reads as it did alone', async () => {
    const together = await freshDb();
    const alone = new Map<string, PromptSummary[]>();
    for (const dir of dirs) {
      const s = readScenario(dir);
      const batches = loadRequests(dir).map((r) => r.batch);
      ingestAll(together, batches, [s.workspace]);
      const db = await freshDb();
      ingestAll(db, batches, [s.workspace]);
      alone.set(s.sessionIds[0], new ModelRepository(db).listPrompts());
      db.close();
    }
    const repo = new ModelRepository(together);
    assert.equal(repo.listSessions().length, dirs.length);
    for (const [sessionId, prompts] of alone) assert.deepEqual(repo.listPrompts({ sessionId }), prompts, sessionId);
    together.close();
  });
});
