// Which adapter claims which records: decided by resource and scope, once per
// export block; records of agents without an adapter yet are claimed by none.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { AdapterRegistry, defaultAdapters } from '../../../src/core/agents/registry';
import type { AgentAdapter, RecordSource } from '../../../src/core/agents/adapter';
import type { Resource, Scope } from '../../../src/core/otlp/types';
import { FIXTURES, loadRequests, scenarioDirs } from '../model/scenarioSupport';
import { CLAUDE_RESOURCE, COWORK_RESOURCE, EVENTS_SCOPE } from './records';

const registry = new AdapterRegistry(defaultAdapters());

function sourcesOf(dir: string): RecordSource[] {
  const out: RecordSource[] = [];
  for (const { batch } of loadRequests(dir)) {
    const records = batch.signal === 'logs' ? batch.records : batch.signal === 'traces' ? batch.spans : batch.points;
    for (const r of records) out.push({ signal: batch.signal, resource: r.resource, scope: r.scope });
  }
  return out;
}

describe('adapter registry', () => {
  test('every record of every Claude Code capture goes to the Claude Code adapter', () => {
    for (const dir of scenarioDirs('claude-code')) {
      const agents = new Set(sourcesOf(dir).map((s) => registry.pick(s)?.agent ?? 'none'));
      assert.deepEqual([...agents], ['claude-code'], path.basename(dir));
    }
  });

  test('every record of every Codex and Gemini CLI capture goes to its agent’s adapter', () => {
    for (const agent of ['codex', 'gemini-cli']) {
      const dirs = scenarioDirs(agent);
      assert.ok(dirs.length > 0, `${agent} fixtures exist in ${FIXTURES}`);
      for (const dir of dirs) {
        const agents = new Set(sourcesOf(dir).map((s) => registry.pick(s)?.agent ?? 'none'));
        assert.deepEqual([...agents], [agent], path.basename(dir));
      }
    }
  });

  test('Cowork and Claude Desktop Code sessions are told apart by service.name', () => {
    const pick = (resource: Resource, scope: Scope = EVENTS_SCOPE): string | undefined => registry.pick({ signal: 'logs', resource, scope })?.agent;
    assert.equal(pick(COWORK_RESOURCE), 'claude-cowork');
    assert.equal(pick(CLAUDE_RESOURCE), 'claude-code');
    assert.equal(pick({ attributes: { 'service.name': 'claude-code-desktop' } }), 'claude-code');
    // No service name: the instrumentation scope is enough for Claude Code.
    assert.equal(pick({ attributes: {} }), 'claude-code');
    // Any other service goes to the generic GenAI adapter, which maps only records shaped by the conventions.
    assert.equal(pick({ attributes: {} }, { name: 'some.other.scope', version: '', attributes: {} }), 'genai');
    assert.equal(pick({ attributes: { 'service.name': 'copilot-chat' } }), 'copilot');
  });

  test('the choice is made once per resource and scope', () => {
    let calls = 0;
    const counting: AgentAdapter = {
      agent: 'genai',
      matches: () => {
        calls++;
        return true;
      },
      fromLog: () => [],
      fromSpan: () => [],
      fromMetric: () => [],
    };
    const r = new AdapterRegistry([counting]);
    const source = { signal: 'logs' as const, resource: CLAUDE_RESOURCE, scope: EVENTS_SCOPE };
    for (let i = 0; i < 100; i++) assert.equal(r.pick(source), counting);
    assert.equal(calls, 1);
    r.pick({ ...source, resource: { attributes: {} } });
    assert.equal(calls, 2);
  });
});
