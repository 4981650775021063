// Claude Cowork's documented events (TELEMETRY.md §2.1): service.name
// `cowork`, unprefixed event names in `event.name`, no tool_use_id,
// `workspace.host_paths`. BUILT FROM THE DOCUMENTED SHAPES, NOT A CAPTURE:
// Cowork exports from inside its VM and could not be recorded here.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClaudeCoworkAdapter, hostPaths } from '../../../src/core/agents/claudeCowork';
import { AdapterRegistry, defaultAdapters } from '../../../src/core/agents/registry';
import type { AgentEvent } from '../../../src/core/model/events';
import { coworkEvent } from './coworkRecords';
import { COWORK_RESOURCE, EVENTS_SCOPE } from './records';

const adapter = new ClaudeCoworkAdapter();
const ctx = { recordKey: 'rk' };

function only<T extends AgentEvent['type']>(events: AgentEvent[], type: T): Extract<AgentEvent, { type: T }> {
  const found = events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);
  assert.equal(found.length, 1, `one ${type} in ${events.map((e) => e.type).join(', ')}`);
  return found[0];
}

describe('Claude Cowork events', () => {
  test('records of service cowork go to the Cowork adapter, as agent claude-cowork', () => {
    const registry = new AdapterRegistry(defaultAdapters());
    assert.equal(registry.pick({ signal: 'logs', resource: COWORK_RESOURCE, scope: EVENTS_SCOPE })?.agent, 'claude-cowork');
    const events = adapter.fromLog(coworkEvent('user_prompt', { 'prompt.id': 'p1', prompt: 'Tidy the site', prompt_length: '13' }, 1), ctx);
    assert.ok(events.every((e) => e.agent === 'claude-cowork'));
    const p = only(events, 'prompt.started');
    assert.deepEqual([p.promptId, p.text, p.length], ['p1', 'Tidy the site', 13]);
  });

  test('workspace.host_paths: the folders the user connected, as an array or a JSON array in a string', () => {
    const seen = only(adapter.fromLog(coworkEvent('tool_result', { tool_name: 'Read', success: 'true' }, 2), ctx), 'session.seen');
    assert.deepEqual(seen.workspacePaths, ['/Users/dev/Projects/site', '/Users/dev/Notes']);
    const asString = only(
      adapter.fromLog(coworkEvent('tool_result', { 'workspace.host_paths': '["/Users/dev/Projects/site"]', tool_name: 'Read' }, 3), ctx),
      'session.seen',
    );
    assert.deepEqual(asString.workspacePaths, ['/Users/dev/Projects/site']);
    assert.deepEqual(hostPaths('/one/folder'), ['/one/folder']);
    assert.deepEqual(hostPaths('[not json'), []);
    assert.deepEqual(hostPaths(['/ok', 'bad\npath', 7]), ['/ok']);
  });

  test('tool_decision and tool_result carry no call id; the result repeats the decision', () => {
    const d = only(adapter.fromLog(coworkEvent('tool_decision', { 'prompt.id': 'p1', tool_name: 'Edit', decision: 'accept', source: 'user_temporary' }, 4), ctx), 'tool.decision');
    assert.deepEqual([d.callId, d.decision, d.source, d.sequence], [null, 'accept', 'user_temporary', 4]);
    const r = only(
      adapter.fromLog(
        coworkEvent('tool_result', {
          'prompt.id': 'p1', tool_name: 'Edit', success: 'true', duration_ms: '12', decision_type: 'accept', decision_source: 'user_temporary',
          tool_input: JSON.stringify({ file_path: '/Users/dev/Projects/site/index.html', old_string: 'a', new_string: 'b' }),
        }, 5),
        ctx,
      ),
      'tool.result',
    );
    assert.deepEqual([r.callId, r.success, r.decision, r.decisionSource], [null, true, 'accept', 'user_temporary']);
    assert.deepEqual(r.files, [{ path: '/Users/dev/Projects/site/index.html', access: 'edit' }]);
  });

  test('api_error: status_code "undefined" for non-HTTP errors reads as no status', () => {
    const e = only(adapter.fromLog(coworkEvent('api_error', { 'prompt.id': 'p1', model: 'claude-sonnet-4-5', error: 'socket hang up', status_code: 'undefined', attempt: '1' }, 6), ctx), 'api.error');
    assert.deepEqual([e.statusCode, e.error, e.attempts], [null, 'socket hang up', 1]);
  });

  test('api_request carries Cowork’s own cost', () => {
    const r = only(
      adapter.fromLog(coworkEvent('api_request', { 'prompt.id': 'p1', model: 'claude-sonnet-4-5', cost_usd: 0.0123, input_tokens: 100, output_tokens: 20, cache_read_tokens: 0, cache_creation_tokens: 0 }, 7), ctx),
      'model.request',
    );
    assert.equal(r.costMicros, 12300);
  });
});
