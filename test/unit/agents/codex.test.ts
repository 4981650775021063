// The Codex CLI adapter against the quirks of what Codex 0.169 sends
// (TELEMETRY.md §4, test/fixtures/codex): names in `event.name`, a call site in
// LogRecord.eventName, timeUnixNano "0", strings for numbers and booleans,
// decisions and sources in any letter case, the doubled response.completed,
// no prompt id, paths inside apply_patch text, ~1,100 internal spans.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { filesInPatch } from '../../../src/core/agents/applyPatch';
import { CodexAdapter, codexDecision, codexPromptId, readCodexToolInput } from '../../../src/core/agents/codex';
import { filesReadByCommand, joinPath } from '../../../src/core/agents/common';
import type { AgentEvent } from '../../../src/core/model/events';
import type { Attributes, LogRecord, MetricPoint, Resource, Scope, Span } from '../../../src/core/otlp/types';
import { FIXTURES, loadRequests } from '../model/scenarioSupport';

const adapter = new CodexAdapter();
const ctx = { recordKey: 'rk' };
const RESOURCE: Resource = { attributes: { 'service.name': 'codex_exec', 'service.version': '0.169.0', 'host.name': 'devbox' } };
const LOG_SCOPE: Scope = { name: 'codex_otel.log_only', version: '', attributes: {} };
const CONV = '01a20b29-cd0a-7512-8d34-1b58371142ba';

/** A Codex log record as 0.169 sends it: timeUnixNano "0", a call site in eventName, the name in event.name. */
function codexLog(name: string, attributes: Attributes, observed = '1795483618811344766', ids: { traceId?: string; spanId?: string } = {}): LogRecord {
  return {
    resource: RESOURCE,
    scope: LOG_SCOPE,
    timeUnixNano: '0',
    observedTimeUnixNano: observed,
    severityNumber: 9,
    severityText: 'INFO',
    body: null,
    attributes: { 'event.name': `codex.${name}`, 'conversation.id': CONV, 'app.version': '0.169.0', model: 'gpt-5.5', ...attributes },
    flags: 1,
    traceId: ids.traceId ?? '',
    spanId: ids.spanId ?? '',
    eventName: 'event otel/src/events/session_telemetry.rs:1225',
  };
}

function codexSpan(name: string, attributes: Attributes): Span {
  return {
    resource: RESOURCE,
    scope: { name: 'codex_exec', version: '', attributes: {} },
    traceId: '627e1c92fb9e6f841b6bb636d4427c81',
    spanId: '228a742109aaca82',
    parentSpanId: 'c2c2b8c21168e9b7',
    traceState: '',
    name,
    kind: 1,
    startTimeUnixNano: '1795483618859948669',
    endTimeUnixNano: '1795483618959948669',
    attributes,
    events: [],
    links: [],
    status: { code: 0, message: '' },
    flags: 0,
  };
}

function only<T extends AgentEvent['type']>(events: AgentEvent[], type: T): Extract<AgentEvent, { type: T }> {
  const found = events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);
  assert.equal(found.length, 1, `one ${type} in ${events.map((e) => e.type).join(', ')}`);
  return found[0];
}

describe('Codex records', () => {
  test('the name is the event.name attribute, never the Rust call site in LogRecord.eventName', () => {
    const events = adapter.fromLog(codexLog('tool_decision', { tool_name: 'exec_command', call_id: 'c1', decision: 'approved', source: 'Config' }), ctx);
    assert.deepEqual(events.map((e) => e.type), ['session.seen', 'tool.decision']);
    assert.equal(events[0].sessionId, CONV, 'conversation.id is the session');
  });

  test('timeUnixNano "0": placed at observedTimeUnixNano, whose nanoseconds order records of one millisecond', () => {
    const a = only(adapter.fromLog(codexLog('tool_decision', { call_id: 'c1', decision: 'approved' }, '1795483618886827447'), ctx), 'tool.decision');
    const b = only(adapter.fromLog(codexLog('tool_decision', { call_id: 'c2', decision: 'approved' }, '1795483618886900001'), ctx), 'tool.decision');
    assert.equal(a.timeMs, 1795483618886);
    assert.equal(b.timeMs, a.timeMs);
    assert.deepEqual([a.sequence, b.sequence], [827447, 900001]);
  });

  test('string-typed numbers and booleans are read as numbers and booleans', () => {
    const r = only(
      adapter.fromLog(codexLog('tool_result', { tool_name: 'exec_command', call_id: 'c1', duration_ms: '89', success: 'true', arguments: '{"cmd":"ls"}' }), ctx),
      'tool.result',
    );
    assert.deepEqual([r.durationMs, r.success, r.error], [89, true, null]);
    const p = only(adapter.fromLog(codexLog('user_prompt', { prompt_length: '64', prompt: 'hi' }), ctx), 'prompt.started');
    assert.equal(p.length, 64);
  });

  test('a command exiting non-zero stays a success, as Codex reports it', () => {
    const r = only(
      adapter.fromLog(
        codexLog('tool_result', {
          tool_name: 'exec_command', call_id: 'c', success: 'true', arguments: '{"cmd":"exit 3","workdir":"/w"}',
          output: 'Chunk ID: cc4c8d\nProcess exited with code 3\n',
        }),
        ctx,
      ),
      'tool.result',
    );
    assert.equal(r.success, true);
  });

  test('a failed call keeps its output as the error', () => {
    const r = only(
      adapter.fromLog(
        codexLog('tool_result', {
          tool_name: 'apply_patch', call_id: 'c', success: 'false', arguments: '*** Begin Patch\n*** Update File: missing.txt\n@@\n-a\n+b\n*** End Patch\n',
          output: 'apply_patch verification failed: Failed to read file to update /w/missing.txt',
        }),
        ctx,
      ),
      'tool.result',
    );
    assert.equal(r.success, false);
    assert.match(r.error ?? '', /^apply_patch verification failed/);
    assert.deepEqual(r.files, [{ path: 'missing.txt', access: 'edit' }]);
  });
});

describe('decisions and sources', () => {
  test('approved, approved_for_session, approved_execpolicy_amendment → accept; denied, abort → reject; any letter case', () => {
    for (const raw of ['approved', 'Approved', 'approved_for_session', 'ApprovedForSession', 'APPROVED_EXECPOLICY_AMENDMENT', 'approved_execpolicy_amendment']) {
      assert.equal(codexDecision(raw), 'accept', raw);
    }
    for (const raw of ['denied', 'Denied', 'abort', 'Abort']) assert.equal(codexDecision(raw), 'reject', raw);
    assert.equal(codexDecision('something_new'), null);
  });

  test('the raw decision and the source are kept exactly as sent', () => {
    for (const [decision, source] of [['approved', 'Config'], ['approved_for_session', 'user'], ['Denied', 'AutomatedReviewer'], ['abort', 'automated_reviewer']]) {
      const e = only(adapter.fromLog(codexLog('tool_decision', { tool_name: 'exec_command', call_id: 'c', decision, source }), ctx), 'tool.decision');
      assert.equal(e.rawDecision, decision);
      assert.equal(e.source, source);
      assert.equal(e.decision, codexDecision(decision));
      assert.equal(e.callId, 'c');
    }
  });

  test('an unknown decision is kept raw and decides nothing', () => {
    const e = only(adapter.fromLog(codexLog('tool_decision', { call_id: 'c', decision: 'deferred', source: 'Config' }), ctx), 'tool.decision');
    assert.deepEqual([e.decision, e.rawDecision], [null, 'deferred']);
  });
});

describe('prompts without prompt ids', () => {
  test('the prompt id is the conversation and the record’s nanosecond time: stable for a retried record, distinct per prompt', () => {
    const r = codexLog('user_prompt', { prompt: 'Read notes.txt', prompt_length: '14' }, '1795483618811344766');
    const a = only(adapter.fromLog(r, { recordKey: 'one' }), 'prompt.started');
    const again = only(adapter.fromLog(r, { recordKey: 'other' }), 'prompt.started');
    const next = only(adapter.fromLog(codexLog('user_prompt', { prompt: 'next' }, '1795483700000000001'), ctx), 'prompt.started');
    assert.equal(a.promptId, codexPromptId(CONV, '1795483618811344766', 'one'));
    assert.equal(again.promptId, a.promptId);
    assert.notEqual(next.promptId, a.promptId);
    assert.equal(a.claimsByTime, true, 'later facts of the conversation are attributed by time');
    assert.equal(a.text, 'Read notes.txt');
  });

  test('[REDACTED] (log_user_prompt = false) is no text, marked redacted', () => {
    const p = only(adapter.fromLog(codexLog('user_prompt', { prompt: '[REDACTED]', prompt_length: '29' }), ctx), 'prompt.started');
    assert.deepEqual([p.text, p.redacted, p.length], [null, true, 29]);
  });

  test('facts name no prompt: the store attributes them', () => {
    const e = only(adapter.fromLog(codexLog('tool_decision', { call_id: 'c', decision: 'approved' }), ctx), 'tool.decision');
    assert.equal(e.promptId, null);
  });
});

describe('tokens', () => {
  const completed = (extra: Attributes): Attributes => ({ 'event.kind': 'response.completed', duration_ms: '0', ...extra });

  test('response.completed is logged twice: only the one with counts is a model request', () => {
    assert.deepEqual(adapter.fromLog(codexLog('sse_event', completed({})), ctx), []);
    const withCounts = adapter.fromLog(
      codexLog('sse_event', completed({
        input_token_count: '6925', output_token_count: '40', cached_token_count: 3462, cache_write_token_count: 0, reasoning_token_count: 12, tool_token_count: '6965',
      })),
      ctx,
    );
    const r = only(withCounts, 'model.request');
    // Codex's input includes the cached tokens; reasoning is part of the output; tool_token_count (= total, a bug) is ignored.
    assert.deepEqual(r.tokens, { input: 6925 - 3462, output: 40, cacheRead: 3462, cacheWrite: 0 });
    assert.deepEqual([r.model, r.modelGroup, r.costMicros, r.requestId], ['gpt-5.5', 'gpt-5.5', null, null]);
  });

  test('cache writes are part of the input count too', () => {
    const r = only(adapter.fromLog(codexLog('sse_event', completed({ input_token_count: '1000', cached_token_count: '600', cache_write_token_count: '100', output_token_count: '5' })), ctx), 'model.request');
    assert.deepEqual(r.tokens, { input: 300, output: 5, cacheRead: 600, cacheWrite: 100 });
  });

  test('other SSE events and successful API requests are transport chatter: nothing', () => {
    for (const kind of ['response.created', 'response.output_text.delta', 'response.output_item.done']) {
      assert.deepEqual(adapter.fromLog(codexLog('sse_event', { 'event.kind': kind }), ctx), []);
    }
    assert.deepEqual(adapter.fromLog(codexLog('api_request', { duration_ms: '21', 'http.response.status_code': 200, attempt: 0 }), ctx), []);
    const failed = only(adapter.fromLog(codexLog('api_request', { 'http.response.status_code': 500, 'error.message': 'boom', attempt: 1 }), ctx), 'generic');
    assert.equal(failed.name, 'api_request');
  });
});

describe('files', () => {
  test('apply_patch headers: Add → write, Update → edit, Delete → delete, Move to → old path deleted, new one written', () => {
    const patch = [
      '*** Begin Patch',
      '*** Add File: docs/new.md',
      '+hello',
      '*** Update File: src/a.ts',
      '@@',
      '-x',
      '+y',
      '*** Delete File: old.txt',
      '*** Update File: src/b.ts',
      '*** Move to: src/c.ts',
      '@@',
      '-1',
      '+2',
      '*** End Patch',
    ].join('\n');
    assert.deepEqual(filesInPatch(patch), [
      { path: 'docs/new.md', access: 'write' },
      { path: 'src/a.ts', access: 'edit' },
      { path: 'old.txt', access: 'delete' },
      { path: 'src/b.ts', access: 'delete' },
      { path: 'src/c.ts', access: 'write' },
    ]);
  });

  test('patch paths stay as written (relative to the session’s working directory, which the store resolves)', () => {
    const input = readCodexToolInput('apply_patch', '*** Begin Patch\n*** Add File: summary.txt\n+Summary\n*** End Patch\n', null);
    assert.deepEqual(input.files, [{ path: 'summary.txt', access: 'write' }]);
    assert.equal(input.workdir, null);
  });

  test('the patch is found as freeform text, in a JSON input, or in a shell call running apply_patch', () => {
    const patch = '*** Begin Patch\n*** Update File: a.txt\n@@\n-a\n+b\n*** End Patch\n';
    const expected = [{ path: 'a.txt', access: 'edit' }];
    assert.deepEqual(readCodexToolInput('apply_patch', JSON.stringify({ input: patch }), null).files, expected);
    assert.deepEqual(readCodexToolInput('shell', JSON.stringify({ command: ['apply_patch', patch], workdir: '/w' }), null).files, expected);
  });

  test('`cat FILE` reads FILE relative to its workdir; nothing else is guessed from commands', () => {
    assert.deepEqual(readCodexToolInput('exec_command', '{"cmd":"cat notes.txt","workdir":"/home/dev/p","yield_time_ms":10000}', null).files, [
      { path: '/home/dev/p/notes.txt', access: 'read' },
    ]);
    assert.deepEqual(readCodexToolInput('exec_command', '{"cmd":"cat ../x/y.txt /etc/hosts","workdir":"/home/dev/p"}', null).files, [
      { path: '/home/dev/x/y.txt', access: 'read' },
      { path: '/etc/hosts', access: 'read' },
    ]);
    for (const cmd of ['ls -1 && wc -l summary.txt', 'cat a | grep x', 'cat -n a', 'cat > a', 'cat $HOME/a', 'cat "a b"', 'cat *.txt', 'cat', 'exit 3', 'catalog a']) {
      assert.deepEqual(filesReadByCommand(cmd), [], cmd);
    }
    assert.deepEqual(readCodexToolInput('exec_command', '{"cmd":["bash","-lc","cat a.txt"],"workdir":"/w"}', null).files, [{ path: '/w/a.txt', access: 'read' }]);
    assert.deepEqual(readCodexToolInput('exec_command', '{"cmd":"cat notes.txt"}', null).files, [{ path: 'notes.txt', access: 'read' }], 'no workdir: relative');
  });

  test('a shell call reports its absolute workdir as the session’s working directory', () => {
    const events = adapter.fromLog(
      codexLog('tool_result', { tool_name: 'exec_command', call_id: 'c', success: 'true', arguments: '{"cmd":"ls","workdir":"/home/dev/projects/x"}' }),
      ctx,
    );
    assert.equal(only(events, 'session.cwd').path, '/home/dev/projects/x');
    const relative = adapter.fromLog(codexLog('tool_result', { tool_name: 'exec_command', call_id: 'c', arguments: '{"cmd":"ls","workdir":"sub"}' }), ctx);
    assert.equal(relative.filter((e) => e.type === 'session.cwd').length, 0);
  });

  test('the patch’s text is the edit when it changes one file: added content, or each hunk’s old and new lines', () => {
    const add = readCodexToolInput('apply_patch', '*** Begin Patch\n*** Add File: summary.txt\n+Summary: apples\n+and oranges\n*** End Patch\n', null);
    assert.deepEqual(add.edit, { oldText: null, newText: 'Summary: apples\nand oranges', replaceAll: null, truncated: false });
    const update = readCodexToolInput(
      'apply_patch',
      '*** Begin Patch\n*** Update File: a.txt\n@@\n keep\n-old one\n+new one\n@@ def f\n-x\n+y\n*** End Patch\n',
      null,
    );
    assert.deepEqual(update.edit, {
      oldText: 'keep\nold one', newText: 'keep\nnew one', replaceAll: null, truncated: false,
      parts: [
        { oldText: 'keep\nold one', newText: 'keep\nnew one', replaceAll: null },
        { oldText: 'x', newText: 'y', replaceAll: null },
      ],
    });
    const two = readCodexToolInput('apply_patch', '*** Begin Patch\n*** Add File: a\n+1\n*** Add File: b\n+2\n*** End Patch\n', null);
    assert.equal(two.edit, null, 'an edit names no file: several files give none');
    assert.equal(readCodexToolInput('apply_patch', '*** Begin Patch\n*** Delete File: a\n*** End Patch\n', null).edit, null);
    const result = adapter.fromLog(
      codexLog('tool_result', { tool_name: 'apply_patch', call_id: 'c', success: 'true', arguments: '*** Begin Patch\n*** Add File: s.txt\n+hi\n*** End Patch\n' }),
      ctx,
    );
    assert.equal(only(result, 'tool.result').edit?.newText, 'hi');
  });

  test('paths join with . and .. folded', () => {
    assert.equal(joinPath('/a/b', 'c/./d/../e.txt'), '/a/b/c/e.txt');
    assert.equal(joinPath('/a/b/', '/abs.txt'), '/abs.txt');
    assert.equal(joinPath('C:\\work\\p', 'src/x.ts'), 'C:\\work\\p\\src\\x.ts');
  });

  test('an MCP call names its server and tool', () => {
    const input = readCodexToolInput('search', '{"query":"otel"}', 'docs');
    assert.deepEqual(input.summary, { mcpServer: 'docs', mcpTool: 'search', query: 'otel' });
  });
});

describe('spans', () => {
  test('tool dispatch spans become the call’s span, joined by call_id', () => {
    const events = adapter.fromSpan(
      codexSpan('exec_command', {
        tool_name: 'exec_command', 'conversation.id': CONV, 'turn.id': 't1', call_id: 'call_multi_0', 'codex.tool.phase': 'dispatch', aborted: false,
      }),
      ctx,
    );
    const s = only(events, 'tool.span');
    assert.deepEqual([s.callId, s.tool, s.sessionId, s.durationMs, s.startMs, s.sequence], ['call_multi_0', 'exec_command', CONV, 100, 1795483618859, 948669]);
    assert.equal(events.filter((e) => e.type === 'tool.execution').length, 0);
  });

  test('an aborted dispatch failed', () => {
    const events = adapter.fromSpan(codexSpan('apply_patch', { call_id: 'c', 'conversation.id': CONV, 'codex.tool.phase': 'dispatch', aborted: 'true' }), ctx);
    assert.equal(only(events, 'tool.execution').success, false);
  });

  test('internal spans are ignored: every span of a captured run that is not a tool dispatch yields nothing, quickly', () => {
    const dir = path.join(FIXTURES, 'codex', 'multi-http-json');
    const spans = loadRequests(dir).flatMap((r) => (r.batch.signal === 'traces' ? r.batch.spans : []));
    assert.ok(spans.length > 1000, `${spans.length} spans`);
    const started = performance.now();
    let mapped = 0;
    for (let round = 0; round < 10; round++) {
      for (const s of spans) if (adapter.fromSpan(s, ctx).length > 0) mapped++;
    }
    const perRun = (performance.now() - started) / 10;
    assert.equal(mapped / 10, 4, 'the four tool dispatch spans');
    assert.ok(perRun < 50, `${perRun.toFixed(2)} ms for ${spans.length} spans`);
  });
});

describe('records that are not events', () => {
  test('the exporter’s own DEBUG record has no event name: nothing', () => {
    const r: LogRecord = { ...codexLog('x', {}), attributes: {}, body: 'flushing OTEL metrics', scope: { name: 'codex_otel::metrics::client', version: '', attributes: {} } };
    assert.deepEqual(adapter.fromLog(r, ctx), []);
  });

  test('documented events are recognised steps; unknown codex.* events are kept, unrecognised', () => {
    const known = only(adapter.fromLog(codexLog('conversation_starts', { approval_policy: 'never', sandbox_policy: 'danger-full-access' }), ctx), 'generic');
    assert.deepEqual([known.name, known.recognized, known.attributes.approval_policy], ['conversation_starts', true, 'never']);
    assert.equal(known.attributes['conversation.id'], undefined, 'common fields are left out');
    const unknown = only(adapter.fromLog(codexLog('brand_new', { x: '1' }), ctx), 'generic');
    assert.equal(unknown.recognized, false);
  });

  test('metrics: token usage and tool calls are kept, the ~190 internal series are not', () => {
    const point = (name: string, attributes: Attributes): MetricPoint => ({
      resource: RESOURCE, scope: { name: 'codex', version: '', attributes: {} }, name, description: '', unit: '', type: 'histogram', temporality: 1, isMonotonic: false,
      startTimeUnixNano: '1795483619264000000', timeUnixNano: '1795483619336000000', attributes, value: null, count: 1, sum: 36456, min: null, max: null, bucketCounts: [], explicitBounds: [],
    });
    const m = adapter.fromMetric(point('codex.turn.token_usage', { token_type: 'total', model: 'gpt-5.5', originator: 'codex_exec' }), ctx);
    assert.equal(m.length, 1);
    const e = m[0];
    assert.ok(e.type === 'metric');
    assert.deepEqual([e.metric, e.series, e.value, e.temporality, e.labels.originator], ['tokens', 'total', 36456, 'delta', undefined]);
    assert.deepEqual(adapter.fromMetric(point('codex.sqlite.init.count', {}), ctx), []);
  });
});

describe('which records are Codex’s', () => {
  test('service.name of every front end', () => {
    const match = (service: string): boolean => adapter.matches({ signal: 'logs', resource: { attributes: { 'service.name': service } }, scope: LOG_SCOPE });
    for (const s of ['codex_exec', 'codex_cli_rs', 'codex-tui', 'codex-app-server', 'codex_vscode', 'Codex_Exec']) assert.ok(match(s), s);
    for (const s of ['claude-code', 'gemini-cli', 'codexfoo', 'my-codex']) assert.ok(!match(s), s);
  });
});
