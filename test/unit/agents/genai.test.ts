// The GenAI semantic-conventions adapter (GitHub Copilot and any agent that
// follows the conventions) on span trees made by the real OpenTelemetry JS SDK
// and decoded by our decoders. BUILT FROM THE DOCUMENTED SHAPES (TELEMETRY.md
// §5.1, §6): there is no Copilot capture; see ./genaiTrace.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GenAiAdapter, readGenAiToolInput, semconvTokens, spanJoinKey } from '../../../src/core/agents/genai';
import type { AgentEvent } from '../../../src/core/model/events';
import type { LogRecord, Span } from '../../../src/core/otlp/types';
import { buildCopilotTurn, CONVERSATION, PROMPT_TEXT, viaJson, viaProtobuf, WORKSPACE } from './genaiTrace';

const copilot = new GenAiAdapter('copilot');
const generic = new GenAiAdapter('genai');

function spansOf(batch: ReturnType<typeof viaJson>): readonly Span[] {
  assert.ok(batch.signal === 'traces');
  assert.equal(batch.rejected, 0);
  return batch.spans;
}

function eventsOf(adapter: GenAiAdapter, spans: readonly Span[]): AgentEvent[] {
  return spans.flatMap((s, i) => adapter.fromSpan(s, { recordKey: `r${i}` }));
}

function ofType<T extends AgentEvent['type']>(events: AgentEvent[], type: T): Array<Extract<AgentEvent, { type: T }>> {
  return events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);
}

describe('Copilot span trees (real SDK, JSON and protobuf)', () => {
  const built = buildCopilotTurn();
  for (const [label, decode] of [['JSON', viaJson], ['protobuf', viaProtobuf]] as const) {
    test(`${label}: the root invoke_agent is the prompt, with the user's words and the conversation as session`, () => {
      const events = eventsOf(copilot, spansOf(decode(built.spans)));
      const prompts = ofType(events, 'prompt.started');
      assert.equal(prompts.length, 1, 'the subagent’s invoke_agent is not a prompt');
      assert.deepEqual([prompts[0].promptId, prompts[0].text, prompts[0].sessionId], [built.promptId, PROMPT_TEXT, CONVERSATION]);
      const span = ofType(events, 'prompt.span')[0];
      assert.equal(span.promptId, built.promptId, 'the span is registered as the prompt for everything under it');
    });

    test(`${label}: chat spans are model requests with disjoint token buckets (semconv input includes cached tokens)`, () => {
      const requests = ofType(eventsOf(copilot, spansOf(decode(built.spans))), 'model.request.span');
      assert.equal(requests.length, built.requests.length);
      const got = requests.map((r) => ({ model: r.model, tokens: r.tokens })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      const expected = built.requests
        .map((r) => ({ model: r.model, tokens: { input: r.input - r.cacheRead - r.cacheWrite, output: r.output, cacheRead: r.cacheRead, cacheWrite: r.cacheWrite } }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      assert.deepEqual(got, expected);
      assert.ok(requests.every((r) => r.success === true && r.requestId !== null));
    });

    test(`${label}: execute_tool spans are calls keyed by their span; the subagent's run is runSubagent's execution`, () => {
      const spans = spansOf(decode(built.spans));
      const events = eventsOf(copilot, spans);
      const toolSpans = ofType(events, 'tool.span');
      assert.deepEqual(toolSpans.map((s) => s.callId).sort(), built.calls.map((c) => c.callId).sort());
      for (const s of toolSpans) assert.equal(s.joinKey, spanJoinKey(s.traceId ?? '', s.spanId));
      const runSubagent = toolSpans.find((s) => s.tool === 'runSubagent');
      assert.ok(runSubagent);
      const execution = ofType(events, 'tool.execution');
      assert.equal(execution.length, 1);
      assert.deepEqual([execution[0].joinKey, execution[0].subagentType, execution[0].toolSpanId], [runSubagent.joinKey, 'Explore', runSubagent.spanId]);
      assert.equal(execution[0].sessionId, null, 'the call belongs to the caller’s conversation (from its prompt), not the subagent’s');
    });

    test(`${label}: file paths from github.copilot.tool.parameters.file_path with edit_type`, () => {
      const results = ofType(eventsOf(copilot, spansOf(decode(built.spans))), 'tool.result');
      const byCall = new Map(results.map((r) => [r.callId, r.files]));
      for (const c of built.calls) assert.deepEqual(byCall.get(c.callId), c.files, c.callId);
    });

    test(`${label}: a failed tool fails; a hook's block on the span refuses the call`, () => {
      const events = eventsOf(copilot, spansOf(decode(built.spans)));
      const results = new Map(ofType(events, 'tool.result').map((r) => [r.callId, r]));
      for (const c of built.calls) assert.equal(results.get(c.callId)?.success, c.success, c.callId);
      const decisions = ofType(events, 'tool.decision');
      assert.deepEqual(
        decisions.map((d) => [d.callId, d.decision, d.source, d.rawDecision]),
        built.calls.filter((c) => c.decision !== null).map((c) => [c.callId, 'reject', 'hook', 'block']),
      );
      const hook = ofType(events, 'hook');
      assert.deepEqual(hook.map((h) => [h.hookEvent, h.numBlocking]), [['PreToolUse', 1]]);
    });
  }

  test('the invoke_agent span’s own usage (a sum of its chats) is not counted again', () => {
    const events = eventsOf(copilot, spansOf(viaJson(built.spans)));
    const total = ofType(events, 'model.request.span').reduce((n, r) => n + (r.tokens?.input ?? 0), 0);
    assert.ok(total < 99999);
  });

  test('without captureContent: no prompt text and no paths, the calls are still there', () => {
    const bare = buildCopilotTurn({ captureContent: false });
    const events = eventsOf(copilot, spansOf(viaJson(bare.spans)));
    assert.equal(ofType(events, 'prompt.started')[0].text, null);
    assert.ok(ofType(events, 'tool.result').every((r) => r.files.length === 0));
    assert.equal(ofType(events, 'tool.span').length, bare.calls.length);
  });
});

describe('file access of tool calls', () => {
  test('edit_type create → write; update, str_replace, insert → edit; read tools read; unknown tools name no file', () => {
    const files = (tool: string, attrs: Record<string, string>): unknown => readGenAiToolInput(tool, attrs).files;
    const p = `${WORKSPACE}/a.ts`;
    assert.deepEqual(files('create_file', { 'github.copilot.tool.parameters.file_path': p, 'github.copilot.tool.parameters.edit_type': 'create' }), [{ path: p, access: 'write' }]);
    for (const t of ['update', 'str_replace', 'insert']) {
      assert.deepEqual(files('x', { 'github.copilot.tool.parameters.file_path': p, 'github.copilot.tool.parameters.edit_type': t }), [{ path: p, access: 'edit' }], t);
    }
    assert.deepEqual(files('read_file', { 'gen_ai.tool.call.arguments': JSON.stringify({ filePath: p }) }), [{ path: p, access: 'read' }]);
    assert.deepEqual(files('Write', { 'gen_ai.tool.call.arguments': JSON.stringify({ file_path: p }) }), [{ path: p, access: 'write' }]);
    assert.deepEqual(files('mystery_tool', { 'gen_ai.tool.call.arguments': JSON.stringify({ path: p }) }), []);
    const patch = `*** Begin Patch\n*** Update File: ${p}\n@@\n-a\n+b\n*** End Patch`;
    assert.deepEqual(files('apply_patch', { 'gen_ai.tool.call.arguments': JSON.stringify({ input: patch, explanation: 'fix' }) }), [{ path: p, access: 'edit' }]);
  });

  test('the edit’s text from the arguments (content capture)', () => {
    const p = `${WORKSPACE}/a.ts`;
    const edit = (tool: string, args: Record<string, unknown>): unknown => readGenAiToolInput(tool, { 'gen_ai.tool.call.arguments': JSON.stringify(args) }).edit;
    assert.deepEqual(edit('replace_string_in_file', { filePath: p, oldString: 'a', newString: 'b' }), { oldText: 'a', newText: 'b', replaceAll: null, truncated: false });
    assert.deepEqual(edit('create_file', { filePath: p, content: 'hello' }), { oldText: null, newText: 'hello', replaceAll: null, truncated: false });
    assert.deepEqual(edit('apply_patch', { input: `*** Begin Patch\n*** Add File: ${p}\n+hi\n*** End Patch` }), { oldText: null, newText: 'hi', replaceAll: null, truncated: false });
    assert.equal(edit('read_file', { filePath: p }), null);
  });

  test('semconv usage → disjoint buckets', () => {
    assert.deepEqual(
      semconvTokens({ 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.cache_read.input_tokens': 600, 'gen_ai.usage.cache_creation.input_tokens': 100, 'gen_ai.usage.output_tokens': 50 }),
      { input: 300, output: 50, cacheRead: 600, cacheWrite: 100 },
    );
  });
});

describe('agents other than Copilot that follow the conventions', () => {
  test('any service is claimed by the generic adapter, which maps the same shapes as agent genai', () => {
    const built = buildCopilotTurn({ serviceName: 'acme-agent', providerName: 'anthropic', agentName: 'acme', models: { main: 'claude-sonnet-4-5', sub: 'claude-haiku-4-5' } });
    const spans = spansOf(viaProtobuf(built.spans));
    assert.ok(!copilot.matches({ signal: 'traces', resource: spans[0].resource, scope: spans[0].scope }));
    assert.ok(generic.matches({ signal: 'traces', resource: spans[0].resource, scope: spans[0].scope }));
    const events = eventsOf(generic, spans);
    assert.ok(events.every((e) => e.agent === 'genai'));
    assert.equal(ofType(events, 'prompt.started').length, 1);
    assert.equal(ofType(events, 'tool.span').length, built.calls.length);
  });

  test('spans that are not GenAI operations, and logs outside the conventions, yield nothing', () => {
    const built = buildCopilotTurn({ serviceName: 'web-server' });
    const span = { ...spansOf(viaJson(built.spans))[0], name: 'GET /health', attributes: { 'http.route': '/health' } };
    assert.deepEqual(generic.fromSpan(span, { recordKey: 'r' }), []);
    const log: LogRecord = {
      resource: span.resource, scope: span.scope, timeUnixNano: '1', observedTimeUnixNano: '1', severityNumber: 9, severityText: '',
      body: 'hello', attributes: { 'event.name': 'app.started' }, flags: 0, traceId: '', spanId: '', eventName: '',
    };
    assert.deepEqual(generic.fromLog(log, { recordKey: 'r' }), []);
  });
});

describe('Copilot events', () => {
  const event = (name: string, attributes: Record<string, string | boolean | number>): LogRecord => ({
    resource: { attributes: { 'service.name': 'copilot-chat', 'session.id': 'window-1' } },
    scope: { name: 'copilot-chat', version: '', attributes: {} },
    timeUnixNano: '1795483800000000000', observedTimeUnixNano: '0', severityNumber: 9, severityText: '', body: `${name}: x`,
    attributes: { 'event.name': name, ...attributes }, flags: 0, traceId: '', spanId: '', eventName: '',
  });

  test('copilot_chat.edit.* outcomes are steps with an accept/reject decision', () => {
    const cases: Array<[string, Record<string, string | boolean>, string | undefined]> = [
      ['copilot_chat.edit.feedback', { outcome: 'accepted', language_id: 'typescript', request_id: 'req-1' }, 'accept'],
      ['copilot_chat.edit.feedback', { outcome: 'rejected', request_id: 'req-1' }, 'reject'],
      ['copilot_chat.edit.hunk.action', { outcome: 'accepted', lines_added: '3' }, 'accept'],
      ['copilot_chat.inline.done', { accepted: false }, 'reject'],
      ['copilot_chat.edit.feedback', { outcome: 'saved' }, undefined],
    ];
    for (const [name, attrs, decision] of cases) {
      const events = copilot.fromLog(event(name, attrs), { recordKey: 'r' });
      const step = ofType(events, 'generic')[0];
      assert.ok(step, name);
      assert.equal(step.recognized, true);
      assert.equal(step.attributes.decision, decision, `${name} ${JSON.stringify(attrs)}`);
    }
  });

  test('events that repeat the spans (tool.call, inference details) are not kept twice', () => {
    assert.deepEqual(copilot.fromLog(event('copilot_chat.tool.call', { 'gen_ai.tool.name': 'read_file', success: true }), { recordKey: 'r' }), []);
    assert.deepEqual(copilot.fromLog(event('gen_ai.client.inference.operation.details', { 'gen_ai.usage.input_tokens': 10 }), { recordKey: 'r' }), []);
  });

  test('Copilot’s service names', () => {
    for (const s of ['copilot-chat', 'github-copilot', 'copilot-cli', 'Copilot']) {
      assert.ok(copilot.matches({ signal: 'traces', resource: { attributes: { 'service.name': s } }, scope: { name: '', version: '', attributes: {} } }), s);
    }
    assert.ok(!copilot.matches({ signal: 'traces', resource: { attributes: { 'service.name': 'claude-code' } }, scope: { name: '', version: '', attributes: {} } }));
  });
});
