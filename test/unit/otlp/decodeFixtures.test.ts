// The decoders against what the real agents sent (test/fixtures): concrete
// counts and values, one quirk per agent.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJson } from '../../../src/core/otlp/decodeJson';
import { decodeProtobuf } from '../../../src/core/otlp/decodeProtobuf';
import { TEMPORALITY_CUMULATIVE, TEMPORALITY_DELTA, type LogRecord } from '../../../src/core/otlp/types';
import { fixtureBody, logsOf, pointsOf, spansOf } from './helpers';

const names = (records: readonly LogRecord[]): string[] => records.map((r) => String(r.attributes['event.name']));

describe('Claude Code, OTLP/HTTP JSON', () => {
  const dir = 'claude-code/multi-tool-http-json';

  test('logs: 13 events with string-typed numbers next to typed ones', () => {
    const batch = decodeJson('logs', fixtureBody(`${dir}/0001-http-logs.json`));
    assert.equal(batch.rejected, 0);
    const logs = logsOf(batch);
    assert.equal(logs.length, 13);
    assert.deepEqual(names(logs).slice(0, 6), ['user_prompt', 'tool_decision', 'tool_result', 'tool_decision', 'api_request', 'assistant_response']);
    const [prompt, , result, , api] = logs as [LogRecord, LogRecord, LogRecord, LogRecord, LogRecord];
    assert.equal(prompt.body, 'claude_code.user_prompt');
    assert.equal(prompt.resource.attributes['service.name'], 'claude-code');
    assert.equal(prompt.resource.attributes['service.version'], '2.1.197');
    assert.equal(prompt.scope.name, 'com.anthropic.claude_code.events');
    assert.equal(prompt.attributes['session.id'], 'e9af6c73-8e30-49e1-84b3-b8bf99e86453');
    assert.equal(prompt.attributes['prompt.id'], 'ad1a7a67-330e-42c0-9a76-c2df78e43905');
    assert.equal(prompt.attributes['event.sequence'], 0, 'intValue arrives as a JSON number');
    assert.equal(prompt.attributes.prompt_length, '102', 'a number sent as a string stays a string');
    assert.equal(prompt.timeUnixNano, '1795483519613000000');
    assert.equal(prompt.traceId, 'b4e542697cc703a390cdfcb8229428f4');
    assert.equal(prompt.spanId, '0bb7f64c9af65334');
    assert.equal(prompt.flags, 1);
    assert.equal(result.attributes.tool_name, 'TaskCreate');
    assert.equal(result.attributes.tool_use_id, 'toolu_fake_t00_0');
    assert.equal(result.attributes.success, 'true');
    assert.equal(result.attributes.duration_ms, '6');
    assert.equal(api.attributes.model, 'claude-opus-4-8');
    assert.equal(api.attributes.input_tokens, 1894);
    assert.equal(api.attributes.cache_creation_tokens, 17042);
    assert.equal(api.attributes.cost_usd, 0.11775750000000001);
    assert.equal(api.attributes.cost_usd_micros, 117758);
    assert.equal(api.attributes.duration_ms, 201, 'typed here, a string on tool_result');
  });

  test('metrics: delta sums with asDouble values', () => {
    const points = pointsOf(decodeJson('metrics', fixtureBody(`${dir}/0003-http-metrics.json`)));
    assert.equal(points.length, 10);
    assert.ok(points.every((p) => p.type === 'sum' && p.temporality === TEMPORALITY_DELTA && p.isMonotonic));
    const session = points[0];
    assert.equal(session?.name, 'claude_code.session.count');
    assert.equal(session?.value, 1);
    assert.equal(session?.startTimeUnixNano, '1795483519502000000');
    assert.equal(session?.attributes.start_type, 'fresh');
    const cost = points.find((p) => p.name === 'claude_code.cost.usage');
    assert.equal(cost?.value, 0.19570125000000002);
    const tokens = points.filter((p) => p.name === 'claude_code.token.usage').map((p) => p.value);
    assert.deepEqual(tokens, [4782, 184, 49120, 22821]);
  });

  test('traces: beta spans with hex ids', () => {
    const spans = spansOf(decodeJson('traces', fixtureBody(`${dir}/0002-http-traces.json`)));
    assert.ok(spans.length > 0);
    for (const s of spans) {
      assert.match(s.traceId, /^[0-9a-f]{32}$/);
      assert.match(s.spanId, /^[0-9a-f]{16}$/);
    }
    assert.ok(spans.some((s) => s.name === 'claude_code.tool'));
  });
});

describe('Claude Code, OTLP/HTTP protobuf', () => {
  const dir = 'claude-code/multi-tool-http-protobuf';

  test('logs: the same events as JSON, ids turned to hex, int64 to numbers', () => {
    const logs = logsOf(decodeProtobuf('logs', fixtureBody(`${dir}/0001-http-logs.pb`)));
    assert.equal(logs.length, 11);
    assert.deepEqual(names(logs), [
      'user_prompt', 'tool_decision', 'tool_result', 'tool_decision', 'api_request', 'assistant_response',
      'tool_result', 'api_request', 'assistant_response', 'tool_decision', 'tool_result',
    ]);
    const first = logs[0] as LogRecord;
    assert.equal(first.body, 'claude_code.user_prompt');
    assert.equal(first.attributes['session.id'], '8ad79908-3a8b-47c0-ba7b-a224bb4cc1ce');
    assert.equal(first.attributes['prompt.id'], 'c177b31f-31ab-4d8e-8b7f-fad3edbc8356');
    assert.equal(first.attributes['event.sequence'], 0);
    assert.equal(first.attributes.prompt_length, '102');
    assert.equal(first.timeUnixNano, '1795483524314000000', 'fixed64 nanoseconds keep every digit');
    assert.equal(first.traceId, '93107d587144e0f08fca6eb0a87568f5');
    assert.equal(first.spanId, '25b3ab7371394fa3');
    assert.equal(first.flags, 1);
  });

  test('the whole run: cost and tool calls add up to the scenario ground truth', () => {
    const logs = ['0001', '0004', '0005'].flatMap((n) => logsOf(decodeProtobuf('logs', fixtureBody(`${dir}/${n}-http-logs.pb`))));
    const cost = logs.filter((r) => r.attributes['event.name'] === 'api_request').reduce((sum, r) => sum + Number(r.attributes.cost_usd), 0);
    assert.equal(Math.round(cost * 1e6) / 1e6, 0.248201);
    // Parallel calls may finish in either order.
    const toolUses = logs.filter((r) => r.attributes['event.name'] === 'tool_result').map((r) => String(r.attributes.tool_use_id));
    assert.deepEqual(toolUses.sort(), ['toolu_fake_t00_0', 'toolu_fake_t00_1', 'toolu_fake_t01_0', 'toolu_fake_t02_0', 'toolu_fake_t03_0', 'toolu_fake_t04_0', 'toolu_fake_t04_1']);
  });

  test('metrics: delta asDouble points', () => {
    const points = pointsOf(decodeProtobuf('metrics', fixtureBody(`${dir}/0003-http-metrics.pb`)));
    assert.equal(points.length, 10);
    assert.ok(points.every((p) => p.temporality === TEMPORALITY_DELTA));
    assert.equal(points.find((p) => p.name === 'claude_code.cost.usage')?.value, 0.195819);
    assert.deepEqual(points.filter((p) => p.name === 'claude_code.token.usage').map((p) => p.value), [4783, 187, 49133, 22826]);
  });
});

describe('Claude Code, OTLP/HTTP protobuf + gzip', () => {
  const dir = 'claude-code/multi-tool-http-protobuf-gzip';

  test('logs and metrics decode after gunzip', () => {
    const logs = logsOf(decodeProtobuf('logs', fixtureBody(`${dir}/0001-http-logs.pb.gz`)));
    assert.equal(logs.length, 11);
    assert.equal(logs[0]?.attributes['session.id'], '48ed774f-6dd1-4959-bd36-32eab49ca61d');
    assert.equal(logs[0]?.traceId, '110ac0da97e5b96769e112395f3bda9a');
    assert.equal(logs[2]?.attributes.tool_name, 'TaskCreate');
    assert.equal(logs[2]?.attributes.duration_ms, '11');
    const points = pointsOf(decodeProtobuf('metrics', fixtureBody(`${dir}/0003-http-metrics.pb.gz`)));
    assert.equal(points.length, 9);
    assert.equal(points.find((p) => p.name === 'claude_code.cost.usage')?.value, 0.169608);
  });
});

describe('Codex CLI', () => {
  test('JSON logs: "0" timestamps, call-site eventName, string intValue, empty ids', () => {
    const logs = logsOf(decodeJson('logs', fixtureBody('codex/multi-http-json/0002-http-logs.json')));
    assert.equal(logs.length, 44);
    const first = logs[0] as LogRecord;
    assert.equal(first.timeUnixNano, '0');
    assert.equal(first.observedTimeUnixNano, '1795483618584353342');
    assert.equal(first.eventName, 'event otel/src/events/session_telemetry.rs:703');
    assert.equal(first.attributes['event.name'], 'codex.conversation_starts');
    assert.equal(first.body, null);
    assert.equal(first.severityNumber, 9);
    assert.equal(first.severityText, 'INFO');
    assert.equal(first.attributes['auth.env_codex_api_key_enabled'], true);
    assert.equal(first.scope.name, 'codex_otel.log_only');
    const api = logs[4] as LogRecord;
    assert.equal(api.attributes['event.name'], 'codex.api_request');
    assert.equal(api.attributes['http.response.status_code'], 200, 'intValue "200" (a JSON string) becomes a number');
    assert.equal(api.attributes.attempt, 0);
    assert.equal(api.attributes.duration_ms, '21');
    const sse = logs[5] as LogRecord;
    assert.equal(sse.traceId, '', 'empty ids stay empty');
    assert.equal(sse.spanId, '');
    assert.equal(logs.filter((r) => r.traceId === '').length, 28);
  });

  test('protobuf logs: the same quirks through the binary encoding', () => {
    const logs = logsOf(decodeProtobuf('logs', fixtureBody('codex/multi-http-protobuf/0002-http-logs.pb')));
    assert.equal(logs.length, 44);
    const prompt = logs[3] as LogRecord;
    assert.equal(prompt.attributes['event.name'], 'codex.user_prompt');
    assert.equal(prompt.attributes['conversation.id'], '01a20b29-dc67-7903-9bd4-bc2c3e7ed304');
    assert.equal(prompt.attributes.prompt_length, '64');
    assert.equal(prompt.timeUnixNano, '0');
    assert.equal(prompt.observedTimeUnixNano, '1795483622739296021');
    assert.equal(prompt.eventName, 'event otel/src/events/session_telemetry.rs:1200');
    assert.equal(logs.filter((r) => r.traceId === '').length, 28);
    const results = logs.filter((r) => r.attributes['event.name'] === 'codex.tool_result');
    assert.deepEqual(results.map((r) => r.attributes.call_id), ['call_multi_0', 'call_multi_1', 'call_multi_2']);
    assert.deepEqual(results.map((r) => r.attributes.success), ['true', 'true', 'true']);
    const decisions = logs.filter((r) => r.attributes['event.name'] === 'codex.tool_decision');
    assert.deepEqual(decisions.map((r) => [r.attributes.decision, r.attributes.source]), Array(4).fill(['approved', 'Config']));
  });

  test('protobuf traces: 512 spans in one request', () => {
    const spans = spansOf(decodeProtobuf('traces', fixtureBody('codex/multi-http-protobuf/0001-http-traces.pb')));
    assert.equal(spans.length, 512);
    assert.ok(spans.every((s) => /^[0-9a-f]{32}$/.test(s.traceId) && /^[0-9a-f]{16}$/.test(s.spanId)));
  });
});

describe('Gemini CLI, OTLP/HTTP JSON', () => {
  const dir = 'gemini-cli/multi-http-json';

  test('logs: empty {} values are dropped, integers are numbers', () => {
    const logs = logsOf(decodeJson('logs', fixtureBody(`${dir}/0003-http-logs.json`)));
    assert.equal(logs.length, 37);
    const config = logs[0] as LogRecord;
    assert.equal(config.attributes['event.name'], 'gemini_cli.config');
    assert.ok(!('mcp_tools' in config.attributes), 'an empty AnyValue is absent');
    assert.ok(!('mcp_tools_count' in config.attributes));
    const calls = logs.filter((r) => r.attributes['event.name'] === 'gemini_cli.tool_call');
    assert.deepEqual(calls.map((r) => r.attributes.function_name), ['read_file', 'write_file', 'replace', 'run_shell_command']);
    assert.deepEqual(calls.map((r) => r.attributes.duration_ms), [17, 14, 17, 102]);
    assert.ok(calls.every((r) => r.attributes.decision === 'accept' && r.attributes.success === true));
    assert.ok(calls.every((r) => !('mcp_server_name' in r.attributes) && !('start_time' in r.attributes)));
    assert.equal(calls[0]?.attributes.prompt_id, '1721f577-05e1-43ce-8de9-d2113137924d');
  });

  test('metrics: cumulative sums (asInt) and histograms', () => {
    const points = pointsOf(decodeJson('metrics', fixtureBody(`${dir}/0001-http-metrics.json`)));
    assert.equal(points.length, 44);
    assert.ok(points.every((p) => p.temporality === TEMPORALITY_CUMULATIVE));
    const tokens = points.filter((p) => p.name === 'gemini_cli.token.usage');
    assert.equal(tokens.length, 10);
    assert.equal(tokens[0]?.value, 167);
    assert.equal(tokens[0]?.attributes.type, 'input');
    assert.equal(tokens[0]?.attributes.model, 'gemini-3.5-flash-lite');
    assert.equal(tokens[0]?.startTimeUnixNano, '1795483650609000000');
    assert.equal(tokens[1]?.value, 20);
    const latency = points.find((p) => p.name === 'gemini_cli.tool.call.latency');
    assert.equal(latency?.type, 'histogram');
    assert.equal(latency?.value, null);
    assert.equal(latency?.count, 1);
    assert.equal(latency?.sum, 17);
    assert.deepEqual(latency?.bucketCounts, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(latency?.explicitBounds.slice(0, 4), [0, 5, 10, 25]);
    assert.equal(latency?.attributes.function_name, 'read_file');
  });
});
