// GitHub Copilot (and any agent following the OpenTelemetry GenAI semantic
// conventions) through ingestBatch into a fresh database. BUILT FROM THE
// DOCUMENTED SHAPES, NOT A CAPTURE: the span trees come from the real
// OpenTelemetry JS SDK with the attributes Copilot documents and sets
// (TELEMETRY.md §5.1), serialised by the SDK's OTLP JSON and protobuf
// serialisers and decoded by ours (see ../agents/genaiTrace.ts).
//
// The model: the root invoke_agent is the prompt (its conversation the
// session); chat spans are requests, with semconv input (cache included)
// split into disjoint buckets and an estimated cost; execute_tool spans are
// calls; a subagent's invoke_agent under `execute_tool runSubagent` makes its
// calls children of runSubagent; a hook's block refuses a call.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILTIN_PRICE_TABLE, estimateCostMicros, priceFor } from '../../../src/core/model/priceTable';
import type { DecodedBatch, Span } from '../../../src/core/otlp/types';
import { buildCopilotTurn, CONVERSATION, PROMPT_TEXT, viaJson, viaProtobuf, WORKSPACE, type BuiltTrace } from '../agents/genaiTrace';
import { freshDb, ingestAll, shuffle, snapshot, type ModelSnapshot } from './scenarioSupport';

function spanBatches(batch: DecodedBatch): DecodedBatch[] {
  assert.ok(batch.signal === 'traces');
  return batch.spans.map((s: Span) => ({ signal: 'traces' as const, spans: [s], rejected: 0, errors: [] }));
}

function check(snap: ModelSnapshot, built: BuiltTrace, agent: 'copilot' | 'genai'): void {
  assert.deepEqual(snap.sessions.map((s) => s.id), [CONVERSATION], 'one session: the prompt’s conversation');
  assert.equal(snap.prompts.length, 1, 'the subagent’s invoke_agent is not a prompt of its own');
  const p = snap.prompts[0];
  assert.deepEqual([p.id, p.agent, p.sessionId, p.text], [built.promptId, agent, CONVERSATION, PROMPT_TEXT]);
  assert.deepEqual(
    p.toolCalls.map((c) => ({
      tool: c.tool,
      callId: c.callId,
      success: c.success,
      decision: c.decision,
      decisionSource: c.decisionSource,
      files: c.fileTouches.map((f) => ({ path: f.path, access: f.access })),
      parentCallId: c.parentCallId,
      subagentType: c.subagentType,
    })),
    built.calls.map((c) => ({
      tool: c.tool,
      callId: c.callId,
      success: c.success,
      decision: c.decision,
      decisionSource: c.decisionSource,
      files: c.files,
      parentCallId: c.parentCallId,
      subagentType: c.subagentType,
    })),
    'tool calls in order',
  );
  const runSubagent = p.toolCalls.find((c) => c.tool === 'runSubagent');
  assert.equal(runSubagent?.success, true);
  assert.ok((runSubagent?.durationMs ?? 0) > 0);
  assert.deepEqual(p.toolCalls.find((c) => c.tool === 'replace_string_in_file')?.edit, { oldText: 'a', newText: 'b', replaceAll: null, truncated: false });
  const terminal = p.toolCalls.find((c) => c.tool === 'run_in_terminal');
  assert.deepEqual([terminal?.error, terminal?.errorType, terminal?.input?.command], ['Command exited with code 1', 'ToolError', 'npm test']);

  // Refused calls leave their files out of the prompt's; edits count as writes.
  assert.deepEqual(p.files.map((f) => [f.path, f.access, f.relativePath]).sort(), [
    [`${WORKSPACE}/src/parser.ts`, 'write', 'src/parser.ts'],
    [`${WORKSPACE}/test/parser.test.ts`, 'read', 'test/parser.test.ts'],
  ]);

  const expectedTokens = built.requests.reduce(
    (t, r) => ({ input: t.input + r.input - r.cacheRead - r.cacheWrite, output: t.output + r.output, cacheRead: t.cacheRead + r.cacheRead, cacheWrite: t.cacheWrite + r.cacheWrite }),
    { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
  );
  assert.deepEqual(p.tokens, expectedTokens, 'disjoint buckets from semconv usage (input includes cached tokens)');
  assert.equal(p.apiRequests, built.requests.length, 'the subagent’s requests count in the prompt');
  assert.deepEqual(p.models, [...new Set(built.requests.map((r) => r.model))].sort());
  assert.equal(p.costSource, 'estimated');
  assert.equal(p.priceTableVersion, BUILTIN_PRICE_TABLE.version);
  const expectedCost = built.requests.reduce((n, r) => {
    const price = priceFor(BUILTIN_PRICE_TABLE, r.model);
    assert.ok(price, r.model);
    return n + estimateCostMicros({ input: r.input - r.cacheRead - r.cacheWrite, output: r.output, cacheRead: r.cacheRead, cacheWrite: r.cacheWrite }, price.price);
  }, 0);
  assert.equal(p.costMicros, expectedCost);

  const steps = snap.steps[p.id];
  assert.deepEqual(
    steps.filter((x) => x.kind === 'tool_call').map((x) => (x.kind === 'tool_call' ? x.callId : null)),
    p.toolCalls.map((c) => c.callId),
  );
  assert.equal(steps.filter((x) => x.kind === 'model_request').length, built.requests.length);
  assert.ok(steps.filter((x) => x.kind === 'model_request').every((x) => x.kind === 'model_request' && x.costSource === 'estimated'));
  const hook = steps.find((x) => x.kind === 'hook');
  assert.ok(hook && hook.kind === 'hook');
  assert.deepEqual([hook.detail?.hookEvent, hook.detail?.numBlocking], ['PreToolUse', 1]);
  assert.ok(p.startedAt < p.endedAt);

  const session = snap.sessions[0];
  assert.deepEqual([session.agent, session.prompts, session.toolCalls, session.apiRequests, session.costSource], [agent, 1, built.calls.length, built.requests.length, 'estimated']);
  assert.deepEqual(session.tokens, expectedTokens);
  assert.equal(session.workspace, WORKSPACE);
}

describe('GitHub Copilot span trees through the store (built from the documented shapes)', () => {
  const built = buildCopilotTurn();
  const roots = [WORKSPACE];
  let ordered: ModelSnapshot;

  test('OTLP/JSON export, in order', async () => {
    const db = await freshDb();
    const results = ingestAll(db, [viaJson(built.spans)], roots);
    assert.deepEqual(results[0].byAgent, { copilot: built.spans.length });
    ordered = snapshot(db);
    check(ordered, built, 'copilot');
    db.close();
  });

  test('OTLP/protobuf export: the same model', async () => {
    const db = await freshDb();
    ingestAll(db, [viaProtobuf(built.spans)], roots);
    assert.deepEqual(snapshot(db), ordered);
    db.close();
  });

  for (const seed of [1, 7, 42]) {
    test(`one span per export, shuffled (seed ${seed}): the same model`, async () => {
      const db = await freshDb();
      ingestAll(db, shuffle(spanBatches(viaJson(built.spans)), seed), roots);
      const snap = snapshot(db);
      check(snap, built, 'copilot');
      assert.deepEqual(snap, ordered);
      db.close();
    });
  }

  test('every export sent twice: nothing counts twice', async () => {
    const db = await freshDb();
    for (const b of spanBatches(viaProtobuf(built.spans))) {
      ingestAll(db, [b], roots);
      assert.equal(ingestAll(db, [b], roots)[0].stored, 0);
    }
    assert.deepEqual(snapshot(db), ordered);
    db.close();
  });

  test('another agent following the conventions reads the same way, as agent genai', async () => {
    const other = buildCopilotTurn({ serviceName: 'acme-agent', providerName: 'anthropic', agentName: 'acme', models: { main: 'claude-sonnet-4-5', sub: 'claude-haiku-4-5' } });
    const db = await freshDb();
    const results = ingestAll(db, shuffle(spanBatches(viaProtobuf(other.spans)), 5), roots);
    assert.ok(results.every((r) => Object.keys(r.byAgent).every((a) => a === 'genai')));
    check(snapshot(db), other, 'genai');
    db.close();
  });
});
