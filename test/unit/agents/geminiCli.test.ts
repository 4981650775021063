// The Gemini CLI adapter against what Gemini CLI 0.61 sends (TELEMETRY.md §3,
// test/fixtures/gemini-cli): names in `event.name` with a sentence as body,
// decision and result in one tool_call event without a call id, the call id on
// the tool_call span, empty AnyValues for undefined attributes, pretty-printed
// function_args, cumulative metrics, policy refusals without a decision.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { GeminiCliAdapter, geminiJoinKey, readGeminiToolInput } from '../../../src/core/agents/geminiCli';
import type { AgentEvent } from '../../../src/core/model/events';
import { decodeJson } from '../../../src/core/otlp/decodeJson';
import type { Attributes, LogRecord, MetricPoint, Resource, Scope, Span } from '../../../src/core/otlp/types';
import { FIXTURES, loadRequests } from '../model/scenarioSupport';

const adapter = new GeminiCliAdapter();
const ctx = { recordKey: 'rk' };
const SESSION = '1721f577-05e1-43ce-8de9-d2113137924d';
const RESOURCE: Resource = { attributes: { 'service.name': 'gemini-cli', 'service.version': 'v20.20.2', 'session.id': SESSION } };
const SCOPE: Scope = { name: 'gemini-cli', version: '', attributes: {} };
const TRACE = '1870ff23aaaabbbbccccddddeeeeffff';
const SCHEDULE_SPAN = 'cea3e61f476849bc';

function geminiLog(name: string, attributes: Attributes, ids: { traceId?: string; spanId?: string } = {}, ms = 1_795_483_650_725): LogRecord {
  return {
    resource: RESOURCE,
    scope: SCOPE,
    timeUnixNano: `${ms}000000`,
    observedTimeUnixNano: `${ms}000000`,
    severityNumber: 9,
    severityText: '',
    body: `A sentence about ${name}.`,
    attributes: { 'session.id': SESSION, 'installation.id': 'inst', interactive: false, 'event.name': `gemini_cli.${name}`, 'event.timestamp': '2026-11-24T01:27:30.724Z', ...attributes },
    flags: 0,
    traceId: ids.traceId ?? '',
    spanId: ids.spanId ?? '',
    eventName: '',
  };
}

const ARGS = '{\n  "file_path": "/home/dev/projects/multi-http-json/notes.txt"\n}';

function toolCall(extra: Attributes, ids = { traceId: TRACE, spanId: SCHEDULE_SPAN }): LogRecord {
  return geminiLog('tool_call', { function_name: 'read_file', duration_ms: 17, success: true, decision: 'accept', prompt_id: SESSION, tool_type: 'native', function_args: ARGS, ...extra }, ids);
}

function toolSpan(tool: string, callId: string, args: Record<string, unknown>, extra: Attributes = {}, parent = SCHEDULE_SPAN): Span {
  return {
    resource: RESOURCE,
    scope: SCOPE,
    traceId: TRACE,
    spanId: 'f612429e9265955c',
    parentSpanId: parent,
    traceState: '',
    name: 'tool_call',
    kind: 1,
    startTimeUnixNano: '1795483650711000000',
    endTimeUnixNano: '1795483650724000000',
    attributes: {
      'gen_ai.tool.name': tool,
      'gen_ai.tool.call_id': callId,
      'gen_ai.conversation.id': SESSION,
      'gen_ai.operation.name': 'tool_call',
      'gen_ai.input.messages': JSON.stringify({ callId, name: tool, args, prompt_id: SESSION, isClientInitiated: false }),
      'gen_ai.output.messages': JSON.stringify({ status: 'success', request: { callId } }),
      ...extra,
    },
    events: [],
    links: [],
    status: { code: 1, message: '' },
    flags: 0,
  };
}

function all<T extends AgentEvent['type']>(events: AgentEvent[], type: T): Array<Extract<AgentEvent, { type: T }>> {
  return events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);
}

function only<T extends AgentEvent['type']>(events: AgentEvent[], type: T): Extract<AgentEvent, { type: T }> {
  const found = all(events, type);
  assert.equal(found.length, 1, `one ${type} in ${events.map((e) => e.type).join(', ')}`);
  return found[0];
}

describe('Gemini CLI events', () => {
  test('the name is in event.name; the body is a sentence and is ignored', () => {
    const events = adapter.fromLog(geminiLog('user_prompt', { prompt_length: 64, prompt_id: SESSION, prompt: 'Read notes.txt' }), ctx);
    const p = only(events, 'prompt.started');
    assert.deepEqual([p.promptId, p.text, p.length, p.sessionId], [SESSION, 'Read notes.txt', 64, SESSION]);
  });

  test('prompt_id groups a prompt’s events (in -p mode it is the session id)', () => {
    const r = only(adapter.fromLog(geminiLog('api_response', { model: 'gemini-3.8-flash', prompt_id: `${SESSION}########0`, input_token_count: 10 }), ctx), 'model.request');
    assert.equal(r.promptId, `${SESSION}########0`);
  });

  test('api_response tokens: input includes cached and excludes tool-use prompt tokens; thoughts are output', () => {
    const r = only(
      adapter.fromLog(
        geminiLog('api_response', {
          model: 'gemini-3.8-flash', duration_ms: 83, input_token_count: 161, output_token_count: 42, cached_content_token_count: 53,
          thoughts_token_count: 7, tool_token_count: 4, total_token_count: 214, prompt_id: SESSION, status_code: 200, role: 'main',
        }),
        ctx,
      ),
      'model.request',
    );
    assert.deepEqual(r.tokens, { input: 161 - 53 + 4, output: 42 + 7, cacheRead: 53, cacheWrite: 0 });
    assert.deepEqual([r.durationMs, r.querySource, r.costMicros], [83, 'main', null]);
  });

  test('the utility_router call is a model request too (its tokens count)', () => {
    const r = only(adapter.fromLog(geminiLog('api_response', { model: 'gemini-3.5-flash-lite', role: 'utility_router', input_token_count: 167, output_token_count: 20 }), ctx), 'model.request');
    assert.equal(r.querySource, 'utility_router');
    assert.deepEqual(adapter.fromLog(geminiLog('api_request', { model: 'x', prompt_id: SESSION }), ctx), [], 'the request itself says nothing the response does not');
  });

  test('api_error is a failed request', () => {
    const e = only(adapter.fromLog(geminiLog('api_error', { 'error.message': 'quota', model_name: 'gemini-3.8-flash', status_code: 429, duration: 12 }), ctx), 'api.error');
    assert.deepEqual([e.error, e.statusCode, e.model, e.durationMs], ['quota', 429, 'gemini-3.8-flash', 12]);
  });

  test('GenAI semconv operation-detail events are not counted again (api_response is the source)', () => {
    const r = geminiLog('x', { 'gen_ai.usage.input_tokens': 5 });
    assert.deepEqual(adapter.fromLog({ ...r, attributes: { ...r.attributes, 'event.name': 'gen_ai.client.inference.operation.details' } }, ctx), []);
  });

  test('a slash command is a prompt of its own', () => {
    const p = only(adapter.fromLog(geminiLog('slash_command', { command: 'quit', status: 'success' }), ctx), 'prompt.started');
    assert.deepEqual([p.commandName, p.text], ['quit', null]);
    assert.match(p.promptId, /:command:/);
  });

  test('other documented events are recognised steps, without the attributes every record repeats', () => {
    const g = only(adapter.fromLog(geminiLog('model_routing', { decision_model: 'gemini-3.8-flash', classifier_threshold: '90' }), ctx), 'generic');
    assert.deepEqual([g.name, g.recognized, g.attributes.decision_model, g.attributes['session.id']], ['model_routing', true, 'gemini-3.8-flash', undefined]);
    assert.equal(only(adapter.fromLog(geminiLog('brand_new', {}), ctx), 'generic').recognized, false);
  });
});

describe('the tool_call event: decision and result in one', () => {
  test('accept → decision and result of one call, joined by the schedule span, function and arguments', () => {
    const events = adapter.fromLog(toolCall({}), ctx);
    const d = only(events, 'tool.decision');
    const r = only(events, 'tool.result');
    const key = geminiJoinKey(TRACE, SCHEDULE_SPAN, 'read_file', JSON.parse(ARGS) as Record<string, unknown>, ARGS);
    assert.equal(d.joinKey, key);
    assert.equal(r.joinKey, key);
    assert.deepEqual([d.decision, d.rawDecision, d.source, d.callId], ['accept', null, null, null], 'no call id, no source');
    assert.deepEqual([r.success, r.durationMs, r.files], [true, 17, [{ path: '/home/dev/projects/multi-http-json/notes.txt', access: 'read' }]]);
  });

  test('auto_accept ("allow for this session") and modify are accepts, kept raw; reject is a reject', () => {
    for (const [raw, decision] of [['auto_accept', 'accept'], ['modify', 'accept'], ['reject', 'reject']] as const) {
      const d = only(adapter.fromLog(toolCall({ decision: raw }), ctx), 'tool.decision');
      assert.deepEqual([d.decision, d.rawDecision], [decision, raw === 'reject' ? null : raw]);
    }
  });

  test('an empty decision (sent as an empty AnyValue) means no decision was recorded', () => {
    const body = JSON.stringify({
      resourceLogs: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gemini-cli' } }] },
        scopeLogs: [{
          scope: { name: 'gemini-cli' },
          logRecords: [{
            timeUnixNano: '1795483650725000000',
            body: { stringValue: 'Tool call: read_file. Success: true.' },
            attributes: [
              { key: 'session.id', value: { stringValue: SESSION } },
              { key: 'event.name', value: { stringValue: 'gemini_cli.tool_call' } },
              { key: 'function_name', value: { stringValue: 'read_file' } },
              { key: 'success', value: { boolValue: true } },
              { key: 'decision', value: {} },
              { key: 'mcp_server_name', value: {} },
            ],
          }],
        }],
      }],
    });
    const batch = decodeJson('logs', new TextEncoder().encode(body));
    assert.ok(batch.signal === 'logs');
    const events = adapter.fromLog(batch.records[0], ctx);
    assert.equal(all(events, 'tool.decision').length, 0);
    const r = only(events, 'tool.result');
    assert.equal(r.success, true);
    assert.match(r.joinKey ?? '', /^gemini:record:/, 'without trace context the event is its own call');
  });

  test('policy refusals (tool_not_registered, policy_violation) are rejected, failed calls', () => {
    for (const errorType of ['tool_not_registered', 'policy_violation', 'POLICY_VIOLATION']) {
      const events = adapter.fromLog(toolCall({ decision: undefined as unknown as string, success: false, error: 'Tool "run_shell_command" not found', error_type: errorType }), ctx);
      const d = only(events, 'tool.decision');
      const r = only(events, 'tool.result');
      assert.deepEqual([d.decision, d.rawDecision, r.success, r.errorType], ['reject', null, false, errorType], errorType);
    }
  });

  test('a failed tool keeps its error and type; a shell command exiting 3 is a success, as reported', () => {
    const failed = only(adapter.fromLog(toolCall({ success: false, error: 'File not found: /x', 'error.message': 'File not found: /x', error_type: 'file_not_found' }), ctx), 'tool.result');
    assert.deepEqual([failed.success, failed.error, failed.errorType], [false, 'File not found: /x', 'file_not_found']);
    const shell = only(
      adapter.fromLog(toolCall({ function_name: 'run_shell_command', function_args: '{\n  "command": "cat /nonexistent/file; exit 3",\n  "dir_path": "/w"\n}', metadata: '{"exitCode":3}' }), ctx),
      'tool.result',
    );
    assert.equal(shell.success, true);
    assert.deepEqual(shell.files, [], 'a command list is not a simple read');
  });
});

describe('files from function_args', () => {
  test('pretty-printed JSON; absolute paths; access by tool', () => {
    const cases: Array<[string, Record<string, unknown>, Array<{ path: string; access: string }>]> = [
      ['read_file', { file_path: '/p/a.txt' }, [{ path: '/p/a.txt', access: 'read' }]],
      ['write_file', { file_path: '/p/b.txt', content: 'x' }, [{ path: '/p/b.txt', access: 'write' }]],
      ['replace', { file_path: '/p/b.txt', old_string: 'a', new_string: 'b' }, [{ path: '/p/b.txt', access: 'edit' }]],
      ['list_directory', { dir_path: '/p' }, [{ path: '/p', access: 'read' }]],
      ['run_shell_command', { command: 'cat notes.txt', dir_path: '/p' }, [{ path: '/p/notes.txt', access: 'read' }]],
      ['run_shell_command', { command: 'ls -1 && wc -l summary.txt', dir_path: '/p' }, []],
      ['google_web_search', { query: 'otel' }, []],
    ];
    for (const [tool, args, files] of cases) assert.deepEqual(readGeminiToolInput(tool, args).files, files, tool);
    assert.deepEqual(readGeminiToolInput('run_shell_command', { command: 'ls', description: 'List', dir_path: '/p' }).summary, { command: 'ls', description: 'List', path: '/p' });
  });

  test('the edit’s text: replace old_string → new_string, write_file content', () => {
    assert.deepEqual(readGeminiToolInput('replace', { file_path: '/p/b.txt', old_string: 'apples', new_string: 'pears', allow_multiple: false }).edit, {
      oldText: 'apples', newText: 'pears', replaceAll: false, truncated: false,
    });
    assert.deepEqual(readGeminiToolInput('write_file', { file_path: '/p/b.txt', content: 'Summary\n' }).edit, { oldText: null, newText: 'Summary\n', replaceAll: null, truncated: false });
    const long = readGeminiToolInput('write_file', { file_path: '/p/b.txt', content: 'x'.repeat(5000) }).edit;
    assert.deepEqual([long?.newText?.length, long?.truncated], [4096, true]);
    assert.equal(readGeminiToolInput('read_file', { file_path: '/p/a.txt' }).edit, null);
  });
});

describe('the tool_call span', () => {
  test('carries the call id, under the same join key as the event', () => {
    const args = JSON.parse(ARGS) as Record<string, unknown>;
    const events = adapter.fromSpan(toolSpan('read_file', 'read_file__read_file_1795483650643_0', args), ctx);
    const s = only(events, 'tool.span');
    const x = only(events, 'tool.execution');
    const fromLog = only(adapter.fromLog(toolCall({}), ctx), 'tool.result');
    assert.equal(s.callId, 'read_file__read_file_1795483650643_0');
    assert.equal(s.joinKey, fromLog.joinKey);
    assert.equal(x.joinKey, fromLog.joinKey);
    assert.equal(s.promptId, SESSION, 'the prompt id is inside the span’s input message');
    assert.equal(x.success, true, 'from the response status, not the span status');
    assert.deepEqual(s.files, [{ path: '/home/dev/projects/multi-http-json/notes.txt', access: 'read' }]);
  });

  test('parallel calls of one function in one schedule are told apart by their arguments', () => {
    const a = only(adapter.fromSpan(toolSpan('read_file', 'r1', { file_path: '/p/a' }), ctx), 'tool.span');
    const b = only(adapter.fromSpan(toolSpan('read_file', 'r2', { file_path: '/p/b' }), ctx), 'tool.span');
    assert.notEqual(a.joinKey, b.joinKey);
    // Key order and whitespace do not matter.
    const spaced = geminiJoinKey(TRACE, SCHEDULE_SPAN, 'replace', { new_string: 'b', file_path: '/p', old_string: 'a' }, null);
    assert.equal(spaced, geminiJoinKey(TRACE, SCHEDULE_SPAN, 'replace', { file_path: '/p', old_string: 'a', new_string: 'b' }, null));
  });

  test('a failed tool: the response says error while the span status is OK', () => {
    const span = toolSpan('read_file', 'r1', { file_path: '/p/a' }, { 'gen_ai.output.messages': JSON.stringify({ status: 'error' }) });
    assert.equal(only(adapter.fromSpan(span, ctx), 'tool.execution').success, false);
  });

  test('llm_call, schedule_tool_calls, user_prompt and system_prompt spans add nothing', () => {
    for (const name of ['llm_call', 'schedule_tool_calls', 'user_prompt', 'system_prompt', 'agent_call']) {
      const span = { ...toolSpan('x', 'y', {}), name, attributes: { 'gen_ai.operation.name': name, 'gen_ai.conversation.id': SESSION } };
      assert.deepEqual(adapter.fromSpan(span, ctx), [], name);
    }
  });

  test('in every captured scenario, each tool_call event and its span compute the same join key', () => {
    for (const scenario of ['multi-http-json', 'multi-grpc', 'tool-failure', 'interactive-approve']) {
      const keys = { log: new Set<string>(), span: new Set<string>() };
      for (const { batch } of loadRequests(path.join(FIXTURES, 'gemini-cli', scenario))) {
        if (batch.signal === 'logs') for (const r of batch.records) for (const e of adapter.fromLog(r, ctx)) if (e.type === 'tool.result') keys.log.add(e.joinKey ?? '');
        if (batch.signal === 'traces') for (const s of batch.spans) for (const e of adapter.fromSpan(s, ctx)) if (e.type === 'tool.span') keys.span.add(e.joinKey ?? '');
      }
      assert.ok(keys.log.size >= 3);
      assert.deepEqual([...keys.log].sort(), [...keys.span].sort(), scenario);
    }
  });
});

describe('cumulative metrics', () => {
  const point = (name: string, value: number, attributes: Attributes, startMs: number, timeMs: number): MetricPoint => ({
    resource: RESOURCE, scope: SCOPE, name, description: '', unit: '', type: 'sum', temporality: 2, isMonotonic: true,
    startTimeUnixNano: `${startMs}000000`, timeUnixNano: `${timeMs}000000`, attributes: { 'session.id': SESSION, 'installation.id': 'i', ...attributes },
    value, count: null, sum: null, min: null, max: null, bucketCounts: [], explicitBounds: [],
  });

  test('are kept as cumulative points with their series labels (sorted) and start time, never as deltas', () => {
    const [e] = adapter.fromMetric(point('gemini_cli.lines.changed', 3, { type: 'added', function_name: 'write_file' }, 1000, 5000), ctx);
    assert.ok(e.type === 'metric');
    assert.deepEqual([e.metric, e.series, e.value, e.temporality, e.startMs, e.sessionId], ['lines', 'added', 3, 'cumulative', 1000, SESSION]);
    assert.deepEqual(Object.keys(e.labels), ['function_name', 'type'], 'labels in sorted order, standard attributes left out');
  });

  test('only the series the model reads are kept', () => {
    assert.equal(adapter.fromMetric(point('gemini_cli.token.usage', 167, { model: 'gemini-3.5-flash-lite', type: 'input' }, 1, 2), ctx).length, 1);
    assert.deepEqual(adapter.fromMetric(point('gemini_cli.startup.duration', 205, { phase: 'cli_startup' }, 1, 2), ctx), []);
  });
});

describe('which records are Gemini CLI’s', () => {
  test('service.name gemini-cli, or the scope when there is none', () => {
    assert.ok(adapter.matches({ signal: 'logs', resource: RESOURCE, scope: SCOPE }));
    assert.ok(adapter.matches({ signal: 'logs', resource: { attributes: {} }, scope: SCOPE }));
    assert.ok(!adapter.matches({ signal: 'logs', resource: { attributes: { 'service.name': 'codex_exec' } }, scope: SCOPE }));
  });
});
