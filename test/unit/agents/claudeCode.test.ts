// The Claude Code adapter against the spellings and types real builds send
// (TELEMETRY.md §1.6–1.9): renamed attributes, strings for numbers and
// booleans, event names in the body or in event.name, spans that carry facts
// the events do not.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClaudeCodeAdapter } from '../../../src/core/agents/claudeCode';
import type { AgentEvent } from '../../../src/core/model/events';
import { claudeEvent, COWORK_RESOURCE, EVENTS_SCOPE, logRecord, metricPoint, span } from './records';

const adapter = new ClaudeCodeAdapter('claude-code');
const ctx = { recordKey: 'rk' };

/** The event a record is about (the first event is always session.seen). */
function only<T extends AgentEvent['type']>(events: AgentEvent[], type: T): Extract<AgentEvent, { type: T }> {
  assert.equal(events[0].type, 'session.seen');
  const found = events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);
  assert.equal(found.length, 1, `one ${type} event in ${events.map((e) => e.type).join(', ')}`);
  return found[0];
}

describe('event names', () => {
  test('body claude_code.<x>, attribute event.name <x>, or either alone', () => {
    const attrs = { tool_name: 'Read', tool_use_id: 't1', decision: 'accept', source: 'config' };
    const both = only(adapter.fromLog(claudeEvent('tool_decision', attrs), ctx), 'tool.decision');
    const bodyOnly = only(adapter.fromLog(logRecord({ 'session.id': 's', ...attrs }, { body: 'claude_code.tool_decision' }), ctx), 'tool.decision');
    const attrOnly = only(adapter.fromLog(logRecord({ 'session.id': 's', 'event.name': 'tool_decision', ...attrs }), ctx), 'tool.decision');
    const prefixedAttr = only(adapter.fromLog(logRecord({ 'session.id': 's', 'event.name': 'claude_code.tool_decision', ...attrs }), ctx), 'tool.decision');
    for (const e of [both, bodyOnly, attrOnly, prefixedAttr]) assert.deepEqual([e.callId, e.decision, e.source], ['t1', 'accept', 'config']);
  });

  test('an unknown event is kept as a generic, unrecognised step; a known minor one as recognised', () => {
    const unknown = only(adapter.fromLog(claudeEvent('brand_new_thing', { detail: 'x' }), ctx), 'generic');
    assert.equal(unknown.name, 'brand_new_thing');
    assert.equal(unknown.recognized, false);
    assert.deepEqual(unknown.attributes, { detail: 'x' });
    const known = only(adapter.fromLog(claudeEvent('permission_mode_changed', { from_mode: 'default', to_mode: 'plan' }), ctx), 'generic');
    assert.equal(known.recognized, true);
  });

  test('a record with no event name yields nothing', () => {
    assert.deepEqual(adapter.fromLog(logRecord({ 'session.id': 's' }, { body: 'a sentence, not a name' }), ctx), []);
  });
});

describe('version drift (TELEMETRY.md §1.9)', () => {
  test('old tool_result: `name` instead of tool_name, no tool_use_id, typed values', () => {
    const e = only(adapter.fromLog(claudeEvent('tool_result', { name: 'Edit', success: true, duration_ms: 33 }), ctx), 'tool.result');
    assert.equal(e.tool, 'Edit');
    assert.equal(e.callId, null);
    assert.equal(e.success, true);
    assert.equal(e.durationMs, 33);
  });

  test('2.1.x tool_result: strings for numbers and booleans', () => {
    const ok = only(adapter.fromLog(claudeEvent('tool_result', { tool_name: 'Bash', success: 'true', duration_ms: '7' }), ctx), 'tool.result');
    assert.equal(ok.success, true);
    assert.equal(ok.durationMs, 7);
    const failed = only(adapter.fromLog(claudeEvent('tool_result', { tool_name: 'Bash', success: 'false', error_type: 'ShellError' }), ctx), 'tool.result');
    assert.equal(failed.success, false);
    assert.equal(failed.errorType, 'ShellError');
  });

  test('decision_type/decision_source win over decision/source; the old names still work', () => {
    const newer = only(
      adapter.fromLog(claudeEvent('tool_result', { tool_name: 'Write', decision_type: 'accept', decision_source: 'user_temporary', decision: 'x', source: 'y' }), ctx),
      'tool.result',
    );
    assert.deepEqual([newer.decision, newer.decisionSource], ['accept', 'user_temporary']);
    const older = only(adapter.fromLog(claudeEvent('tool_result', { tool_name: 'Write', decision: 'accept', source: 'config' }), ctx), 'tool.result');
    assert.deepEqual([older.decision, older.decisionSource], ['accept', 'config']);
    const decision = only(adapter.fromLog(claudeEvent('tool_decision', { tool_name: 'Bash', decision: 'reject', source: 'user_reject' }), ctx), 'tool.decision');
    assert.deepEqual([decision.decision, decision.source], ['reject', 'user_reject']);
  });

  test('prompt_length as a string or a number; prompt or prompt_text; no prompt.id gets a derived id', () => {
    const a = only(adapter.fromLog(claudeEvent('user_prompt', { 'prompt.id': 'p1', prompt_length: '29', prompt: 'hi' }), ctx), 'prompt.started');
    assert.deepEqual([a.promptId, a.length, a.text, a.redacted], ['p1', 29, 'hi', false]);
    const b = only(adapter.fromLog(claudeEvent('user_prompt', { 'prompt.id': 'p2', prompt_length: 29, prompt_text: 'hello' }), ctx), 'prompt.started');
    assert.deepEqual([b.length, b.text], [29, 'hello']);
    const old = only(adapter.fromLog(claudeEvent('user_prompt', { prompt_length: 5, prompt: '<REDACTED>' }), ctx), 'prompt.started');
    assert.equal(old.promptId, 'derived:rk');
    assert.deepEqual([old.text, old.redacted], [null, true]);
  });

  test('an event.sequence that restarted (after --resume) is kept as sent; time orders processes', () => {
    const first = adapter.fromLog(claudeEvent('user_prompt', { 'prompt.id': 'p1', 'event.sequence': 0 }, { timeMs: 1000 }), ctx)[1];
    const resumed = adapter.fromLog(claudeEvent('user_prompt', { 'prompt.id': 'p2', 'event.sequence': 0 }, { timeMs: 9000 }), ctx)[1];
    assert.equal(first.sequence, 0);
    assert.equal(resumed.sequence, 0);
    assert.ok(first.timeMs < resumed.timeMs);
  });
});

describe('time', () => {
  test('timeUnixNano, else observedTimeUnixNano, else event.timestamp', () => {
    const base = { 'prompt.id': 'p', 'event.timestamp': '2026-11-24T01:25:19.613Z' };
    assert.equal(adapter.fromLog(claudeEvent('user_prompt', base, { timeMs: 1234 }), ctx)[1].timeMs, 1234);
    assert.equal(adapter.fromLog(claudeEvent('user_prompt', base, { timeMs: 0, observedMs: 5678 }), ctx)[1].timeMs, 5678);
    assert.equal(adapter.fromLog(claudeEvent('user_prompt', base, { timeMs: 0 }), ctx)[1].timeMs, Date.parse('2026-11-24T01:25:19.613Z'));
  });
});

describe('model requests and cost', () => {
  test('cost_usd_micros is taken as is; cost_usd alone is rounded without float noise', () => {
    const both = only(adapter.fromLog(claudeEvent('api_request', { model: 'claude-opus-4-8', cost_usd: 0.0262005, cost_usd_micros: 26201 }), ctx), 'model.request');
    assert.equal(both.costMicros, 26201);
    // 0.0262005 × 1e6 is 26200.499999999996 in doubles; the agent's own integer is 26201.
    const usdOnly = only(adapter.fromLog(claudeEvent('api_request', { model: 'claude-opus-4-8', cost_usd: 0.0262005 }), ctx), 'model.request');
    assert.equal(usdOnly.costMicros, 26201);
    const none = only(adapter.fromLog(claudeEvent('api_request', { model: 'x' }), ctx), 'model.request');
    assert.equal(none.costMicros, null);
  });

  test('tokens as numbers or strings; the model label is kept raw and grouped without its [1m] suffix', () => {
    const e = only(
      adapter.fromLog(
        claudeEvent('api_request', { model: 'claude-opus-4-8[1m]', input_tokens: '10', output_tokens: 2, cache_read_tokens: 3, cache_creation_tokens: '4', request_id: 'r1' }),
        ctx,
      ),
      'model.request',
    );
    assert.deepEqual(e.tokens, { input: 10, output: 2, cacheRead: 3, cacheWrite: 4 });
    assert.equal(e.model, 'claude-opus-4-8[1m]');
    assert.equal(e.modelGroup, 'claude-opus-4-8');
    assert.equal(e.requestId, 'r1');
  });

  test('api_error and api_retries_exhausted describe the same failed request', () => {
    const err = only(adapter.fromLog(claudeEvent('api_error', { request_id: 'r3', status_code: 500, attempt: 3, error: 'boom' }), ctx), 'api.error');
    assert.deepEqual([err.requestId, err.statusCode, err.attempts, err.exhausted], ['r3', 500, 3, false]);
    const ex = only(adapter.fromLog(claudeEvent('api_retries_exhausted', { request_id: 'r3', status_code: '500', total_attempts: '3' }), ctx), 'api.error');
    assert.deepEqual([ex.requestId, ex.statusCode, ex.attempts, ex.exhausted], ['r3', 500, 3, true]);
    // Cowork sends status_code "undefined" for non-HTTP errors.
    const cowork = only(adapter.fromLog(claudeEvent('api_error', { status_code: 'undefined' }), ctx), 'api.error');
    assert.equal(cowork.statusCode, null);
  });

  test('retries show only as attempt on the llm_request span', () => {
    const e = only(adapter.fromSpan(span('claude_code.llm_request', { request_id: 'r3', attempt: 3, success: true, model: 'claude-opus-4-8[1m]' }, { spanId: '1111111111111111' }), ctx), 'model.request.span');
    assert.deepEqual([e.requestId, e.attempts, e.success, e.modelGroup], ['r3', 3, true, 'claude-opus-4-8']);
  });
});

describe('tools and files', () => {
  const result = (tool: string, input: unknown): ReturnType<typeof only<'tool.result'>> =>
    only(adapter.fromLog(claudeEvent('tool_result', { tool_name: tool, tool_input: JSON.stringify(input) }), ctx), 'tool.result');

  test('files come from tool_input with the tool’s access; Bash commands are not guessed', () => {
    assert.deepEqual(result('Read', { file_path: '/w/a.ts' }).files, [{ path: '/w/a.ts', access: 'read' }]);
    assert.deepEqual(result('Write', { file_path: '/w/b.md', content: 'x' }).files, [{ path: '/w/b.md', access: 'write' }]);
    assert.deepEqual(result('Edit', { file_path: '/w/a.ts', old_string: 'a', new_string: 'b' }).files, [{ path: '/w/a.ts', access: 'edit' }]);
    assert.deepEqual(result('MultiEdit', { file_path: '/w/a.ts', edits: [] }).files, [{ path: '/w/a.ts', access: 'edit' }]);
    assert.deepEqual(result('NotebookEdit', { notebook_path: '/w/n.ipynb' }).files, [{ path: '/w/n.ipynb', access: 'edit' }]);
    assert.deepEqual(result('Grep', { pattern: 'foo', path: '/w/src' }).files, [{ path: '/w/src', access: 'read' }]);
    assert.deepEqual(result('Glob', { pattern: '**/*.ts' }).files, []);
    assert.deepEqual(result('Bash', { command: 'rm -rf /w/x' }).files, []);
    assert.deepEqual(result('mcp__srv__tool', { file_path: '/w/a.ts' }).files, []);
  });

  test('tool inputs are untrusted: bad JSON is ignored, long values are cut, odd paths dropped', () => {
    const bad = only(adapter.fromLog(claudeEvent('tool_result', { tool_name: 'Read', tool_input: '{"file_path": "/w/a' }), ctx), 'tool.result');
    assert.deepEqual(bad.files, []);
    assert.equal(bad.input, null);
    const long = result('Bash', { command: 'x'.repeat(10_000), description: 'd'.repeat(5_000) });
    assert.ok((long.input?.command?.length ?? 0) <= 2001);
    assert.ok((long.input?.description?.length ?? 0) <= 501);
    assert.deepEqual(result('Read', { file_path: '/w/a\n/w/b' }).files, []);
    assert.deepEqual(result('Read', { file_path: 42 }).files, []);
  });

  test('the input summary keeps what is worth showing', () => {
    assert.deepEqual(result('Bash', { command: 'node test.js', description: 'Run tests' }).input, { command: 'node test.js', description: 'Run tests' });
    assert.deepEqual(result('Grep', { pattern: 'greet', path: '/w' }).input, { pattern: 'greet', path: '/w' });
    const decision = only(
      adapter.fromLog(claudeEvent('tool_decision', { tool_name: 'Bash', tool_parameters: JSON.stringify({ full_command: 'git status', bash_command: 'git' }) }), ctx),
      'tool.decision',
    );
    assert.deepEqual(decision.input, { command: 'git status' });
  });

  test('the claude_code.tool span carries the file a refused call targeted', () => {
    const e = only(
      adapter.fromSpan(span('claude_code.tool', { tool_name: 'Write', file_path: '/w/CHANGELOG.md', tool_use_id: 't9', duration_ms: 2 }, { spanId: '2222222222222222', parentSpanId: '1111111111111111' }), ctx),
      'tool.span',
    );
    assert.deepEqual([e.callId, e.tool, e.files, e.contextSpanId], ['t9', 'Write', [{ path: '/w/CHANGELOG.md', access: 'write' }], '1111111111111111']);
  });

  test('tool.blocked_on_user: decision and source; `unknown` is no decision', () => {
    const refused = only(adapter.fromSpan(span('claude_code.tool.blocked_on_user', { decision: 'reject', source: 'unknown', duration_ms: 1165 }, { spanId: '3333333333333333', parentSpanId: '2222222222222222' }), ctx), 'tool.wait');
    assert.deepEqual([refused.decision, refused.source, refused.waitMs, refused.toolSpanId], ['reject', 'unknown', 1165, '2222222222222222']);
    const silent = only(adapter.fromSpan(span('claude_code.tool.blocked_on_user', { decision: 'unknown', source: 'unknown' }, { spanId: '4444444444444444' }), ctx), 'tool.wait');
    assert.equal(silent.decision, null);
  });

  test('tool.execution: success typed on spans, or the span status', () => {
    const ok = only(adapter.fromSpan(span('claude_code.tool.execution', { tool_use_id: 't1', success: true }, { spanId: '5555555555555555' }), ctx), 'tool.execution');
    assert.equal(ok.success, true);
    const failed = only(adapter.fromSpan(span('claude_code.tool.execution', { tool_use_id: 't1' }, { spanId: '6666666666666666', status: 2 }), ctx), 'tool.execution');
    assert.equal(failed.success, false);
  });
});

describe('metrics', () => {
  test('delta sums with their series, raw model label and normalised group', () => {
    const tokens = only(adapter.fromMetric(metricPoint('claude_code.token.usage', 4782, { model: 'claude-opus-4-8[1m]', type: 'input', query_source: 'main' }), ctx), 'metric');
    assert.deepEqual([tokens.metric, tokens.series, tokens.value, tokens.temporality, tokens.model, tokens.modelGroup], ['tokens', 'input', 4782, 'delta', 'claude-opus-4-8[1m]', 'claude-opus-4-8']);
    const lines = only(adapter.fromMetric(metricPoint('claude_code.lines_of_code.count', 5, { type: 'added' }), ctx), 'metric');
    assert.deepEqual([lines.metric, lines.series], ['lines', 'added']);
    const decision = only(adapter.fromMetric(metricPoint('claude_code.code_edit_tool.decision', 1, { decision: 'reject', source: 'hook', tool_name: 'Edit' }), ctx), 'metric');
    assert.deepEqual([decision.metric, decision.series, decision.labels.source], ['edit_decision', 'reject', 'hook']);
    const other = only(adapter.fromMetric(metricPoint('claude_code.something_new', 1, {}, 2), ctx), 'metric');
    assert.deepEqual([other.metric, other.temporality], ['other', 'cumulative']);
  });
});

describe('Claude Cowork', () => {
  test('service.name cowork is claimed by the Cowork variant only; unprefixed names without tool_use_id work', () => {
    const cowork = new ClaudeCodeAdapter('claude-cowork');
    const source = { signal: 'logs' as const, resource: COWORK_RESOURCE, scope: EVENTS_SCOPE };
    assert.equal(cowork.matches(source), true);
    assert.equal(adapter.matches(source), false);
    const events = cowork.fromLog(
      logRecord({ 'session.id': 'c1', 'prompt.id': 'p', 'event.name': 'tool_result', tool_name: 'Read', success: 'true', decision_type: 'accept', decision_source: 'user_permanent' }, { resource: COWORK_RESOURCE }),
      ctx,
    );
    const e = only(events, 'tool.result');
    assert.equal(e.agent, 'claude-cowork');
    assert.deepEqual([e.callId, e.decision, e.decisionSource, e.success], [null, 'accept', 'user_permanent', true]);
  });

  test('workspace.host_paths names the session’s workspace', () => {
    const seen = adapter.fromLog(claudeEvent('user_prompt', { 'prompt.id': 'p', 'workspace.host_paths': ['/Users/me/proj'] }), ctx)[0];
    assert.ok(seen.type === 'session.seen');
    assert.deepEqual(seen.workspacePaths, ['/Users/me/proj']);
  });
});

describe('event keys', () => {
  test('derived from the record key, distinct per event of a record', () => {
    const events = adapter.fromLog(claudeEvent('api_request', { model: 'm' }), { recordKey: 'abc' });
    assert.deepEqual(events.map((e) => e.key), ['abc#0', 'abc#1']);
  });
});
