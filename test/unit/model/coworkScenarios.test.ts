// Claude Cowork through the store. BUILT FROM THE DOCUMENTED SHAPES, NOT A
// CAPTURE (TELEMETRY.md §2.1): service.name `cowork`, unprefixed event names,
// `event.sequence`, `prompt.id`, `workspace.host_paths`, and no tool_use_id, so
// a decision and its result are two parts nothing links. Within a prompt each
// accepted decision pairs with the next result of the same tool by
// event.sequence; the pairing must not depend on arrival order.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DecodedBatch, LogRecord } from '../../../src/core/otlp/types';
import { coworkEvent } from '../agents/coworkRecords';
import { freshDb, ingestAll, shuffle, snapshot, type ModelSnapshot } from './scenarioSupport';

const SITE = '/Users/dev/Projects/site';

function session(): LogRecord[] {
  const input = (o: Record<string, unknown>): string => JSON.stringify(o);
  let seq = 0;
  const e = (name: string, attrs: Record<string, string | number>): LogRecord => coworkEvent(name, attrs, ++seq);
  return [
    e('user_prompt', { 'prompt.id': 'p1', prompt: 'Tidy the site', prompt_length: '13' }),
    e('api_request', { 'prompt.id': 'p1', model: 'claude-sonnet-4-5', cost_usd: 0.01, input_tokens: 100, output_tokens: 20, cache_read_tokens: 50, cache_creation_tokens: 0, request_id: 'r1' }),
    e('tool_decision', { 'prompt.id': 'p1', tool_name: 'Read', decision: 'accept', source: 'config' }),
    e('tool_result', { 'prompt.id': 'p1', tool_name: 'Read', success: 'true', duration_ms: '3', decision_type: 'accept', decision_source: 'config', tool_input: input({ file_path: `${SITE}/index.html` }) }),
    // Two decisions before either result: Edit (accepted) and Bash (refused, so it never has a result).
    e('tool_decision', { 'prompt.id': 'p1', tool_name: 'Edit', decision: 'accept', source: 'user_temporary' }),
    e('tool_decision', { 'prompt.id': 'p1', tool_name: 'Bash', decision: 'reject', source: 'user_reject' }),
    e('tool_decision', { 'prompt.id': 'p1', tool_name: 'Read', decision: 'accept', source: 'config' }),
    e('tool_result', { 'prompt.id': 'p1', tool_name: 'Edit', success: 'false', duration_ms: '5', error: 'String not found', decision_type: 'accept', decision_source: 'user_temporary', tool_input: input({ file_path: `${SITE}/about.html`, old_string: 'x', new_string: 'y' }) }),
    e('tool_result', { 'prompt.id': 'p1', tool_name: 'Read', success: 'true', duration_ms: '2', decision_type: 'accept', decision_source: 'config', tool_input: input({ file_path: `${SITE}/style.css` }) }),
    e('api_request', { 'prompt.id': 'p1', model: 'claude-sonnet-4-5', cost_usd: 0.02, input_tokens: 200, output_tokens: 40, cache_read_tokens: 0, cache_creation_tokens: 10, request_id: 'r2' }),
    e('user_prompt', { 'prompt.id': 'p2', prompt: 'Now write a README', prompt_length: '18' }),
    e('tool_decision', { 'prompt.id': 'p2', tool_name: 'Write', decision: 'accept', source: 'user_permanent' }),
    e('tool_result', { 'prompt.id': 'p2', tool_name: 'Write', success: 'true', duration_ms: '4', decision_type: 'accept', decision_source: 'user_permanent', tool_input: input({ file_path: `${SITE}/README.md`, content: '# Site' }) }),
    e('api_error', { 'prompt.id': 'p2', model: 'claude-sonnet-4-5', error: 'socket hang up', status_code: 'undefined', attempt: '3', request_id: 'r3' }),
  ];
}

const logs = (records: LogRecord[]): DecodedBatch => ({ signal: 'logs', records, rejected: 0, errors: [] });

function check(snap: ModelSnapshot): void {
  assert.equal(snap.sessions.length, 1);
  const s = snap.sessions[0];
  assert.deepEqual([s.id, s.agent, s.workspace, s.userEmail], ['cowork-session-1', 'claude-cowork', SITE, 'dev@example.com']);
  assert.deepEqual(snap.prompts.map((p) => [p.id, p.text]), [['p1', 'Tidy the site'], ['p2', 'Now write a README']]);
  const [p1, p2] = snap.prompts;
  assert.deepEqual(
    p1.toolCalls.map((c) => [c.tool, c.decision, c.decisionSource, c.success, c.files, c.error]),
    [
      ['Read', 'accept', 'config', true, [`${SITE}/index.html`], null],
      ['Edit', 'accept', 'user_temporary', false, [`${SITE}/about.html`], 'String not found'],
      ['Bash', 'reject', 'user_reject', null, [], null],
      ['Read', 'accept', 'config', true, [`${SITE}/style.css`], null],
    ],
    'each decision with the next result of its tool; the refused Bash alone',
  );
  assert.ok(p1.toolCalls.every((c) => c.callId === null), 'Cowork sends no call id');
  assert.deepEqual(p1.files.map((f) => [f.relativePath ?? f.path, f.access]).sort(), [
    [`${SITE}/about.html`, 'write'],
    [`${SITE}/index.html`, 'read'],
    [`${SITE}/style.css`, 'read'],
  ]);
  assert.deepEqual([p1.costMicros, p1.costSource, p1.apiRequests], [30000, 'agent', 2], 'Cowork reports its own cost');
  assert.deepEqual(p1.tokens, { input: 300, output: 60, cacheRead: 50, cacheWrite: 10 });
  assert.deepEqual(p2.toolCalls.map((c) => [c.tool, c.decisionSource, c.success]), [['Write', 'user_permanent', true]]);
  assert.equal(p2.apiErrors, 1);
  const steps = snap.steps.p1.filter((x) => x.kind === 'tool_call');
  assert.deepEqual(steps.map((x) => (x.kind === 'tool_call' ? x.tool : null)), ['Read', 'Edit', 'Bash', 'Read'], 'a paired call is one step');
}

describe('Claude Cowork through the store (built from the documented shapes)', () => {
  let ordered: ModelSnapshot;

  test('in order: prompts, paired calls, decisions as reported, files, the agent’s cost', async () => {
    const db = await freshDb();
    const r = ingestAll(db, [logs(session())]);
    assert.deepEqual(r[0].byAgent, { 'claude-cowork': 14 });
    ordered = snapshot(db);
    check(ordered);
    db.close();
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    test(`one record per export, shuffled (seed ${seed}): the same pairs`, async () => {
      const db = await freshDb();
      ingestAll(db, shuffle(session().map((r) => logs([r])), seed));
      const snap = snapshot(db);
      check(snap);
      assert.deepEqual(snap, ordered);
      db.close();
    });
  }

  test('sent twice: nothing counts twice', async () => {
    const db = await freshDb();
    ingestAll(db, [logs(session()), logs(session())]);
    assert.deepEqual(snapshot(db), ordered);
    db.close();
  });
});
