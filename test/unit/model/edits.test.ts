// The text of file edits, kept per tool call for the editor's line highlights
// and the replay's diffs: Edit/MultiEdit old_string/new_string (replace_all),
// Write content, NotebookEdit new_source — as the agent sent them, bounded.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { editOf, MAX_EDIT_TEXT } from '../../../src/core/agents/claudeCodeTools';
import type { DecodedBatch, LogRecord } from '../../../src/core/otlp/types';
import { ingestBatch, rebuildModel } from '../../../src/core/store/ingest';
import { ModelRepository } from '../../../src/core/store/modelRepository';
import { MODEL_TABLES } from '../../../src/core/store/schema';
import { claudeEvent, span } from '../agents/records';
import { dumpTables, FIXTURES, freshDb, ingestRequests, loadRequests, readScenario, shuffle, snapshot, splitRecordByRecord, ingestAll } from './scenarioSupport';

const logs = (...records: LogRecord[]): DecodedBatch => ({ signal: 'logs', records, rejected: 0, errors: [] });

describe('edit text of tool calls', () => {
  const dir = path.join(FIXTURES, 'claude-code/multi-tool-http-json');
  const scenario = readScenario(dir);
  // scenario.json lists each call's input as the fake model sent it.
  const calls = (JSON.parse(fs.readFileSync(path.join(dir, 'scenario.json'), 'utf8')) as {
    prompts: Array<{ toolCalls: Array<{ callId: string; input: Record<string, unknown> }> }>;
  }).prompts[0].toolCalls;
  const inputs = new Map(calls.map((c) => [c.callId, c]));

  test('multi-tool capture: the Edit and the Write carry their text, in the summary and in the steps; other calls none', async () => {
    const db = await freshDb();
    ingestRequests(db, loadRequests(dir), [scenario.workspace]);
    const repo = new ModelRepository(db);
    const prompt = repo.listPrompts()[0];
    const edit = prompt.toolCalls.find((c) => c.tool === 'Edit');
    const write = prompt.toolCalls.find((c) => c.tool === 'Write');
    assert.ok(edit && write);
    const editInput = inputs.get(edit.callId ?? '')?.input ?? {};
    const writeInput = inputs.get(write.callId ?? '')?.input ?? {};
    assert.deepEqual(edit.edit, { oldText: editInput.old_string, newText: editInput.new_string, replaceAll: false, truncated: false });
    assert.deepEqual(write.edit, { oldText: null, newText: writeInput.content, replaceAll: null, truncated: false });
    for (const c of prompt.toolCalls) if (c.tool !== 'Edit' && c.tool !== 'Write') assert.equal(c.edit, null, `${c.tool} has no edit`);
    const steps = repo.promptSteps(prompt.id);
    const stepEdit = steps.find((s) => s.kind === 'tool_call' && s.callId === edit.callId);
    assert.ok(stepEdit && stepEdit.kind === 'tool_call');
    assert.deepEqual(stepEdit.edit, edit.edit);
    db.close();
  });

  test('the same whatever the order and batching, and after a rebuild', async () => {
    const requests = loadRequests(dir);
    const ordered = await freshDb();
    ingestRequests(ordered, requests, [scenario.workspace]);
    const shuffled = await freshDb();
    ingestAll(shuffled, shuffle(splitRecordByRecord(requests), 5), [scenario.workspace]);
    assert.deepEqual(snapshot(shuffled), snapshot(ordered));
    const before = dumpTables(ordered, MODEL_TABLES);
    rebuildModel(ordered, { workspaceRoots: [scenario.workspace] });
    assert.deepEqual(dumpTables(ordered, MODEL_TABLES), before);
    ordered.close();
    shuffled.close();
  });

  test('the result’s input wins over the decision’s and the span’s, whichever arrives first', async () => {
    const db = await freshDb();
    const p = { 'prompt.id': 'p' };
    const input = (s: string): string => JSON.stringify({ file_path: '/w/a.ts', old_string: 'a', new_string: s });
    ingestBatch(db, { signal: 'traces', spans: [span('claude_code.tool', { tool_name: 'Edit', tool_use_id: 'e', file_path: '/w/a.ts', tool_input: input('from span') }, { spanId: '00000000000000c1', startMs: 1 })], rejected: 0, errors: [] }, { journalSeq: 1, receivedAtMs: 0 });
    assert.equal(new ModelRepository(db).listPrompts().length, 0);
    ingestBatch(db, logs(claudeEvent('tool_decision', { ...p, tool_use_id: 'e', tool_name: 'Edit', decision: 'accept', source: 'config', tool_input: input('from decision') }, { timeMs: 2 })), { journalSeq: 2, receivedAtMs: 0 });
    assert.equal(new ModelRepository(db).listPrompts()[0].toolCalls[0].edit?.newText, 'from decision');
    ingestBatch(db, logs(claudeEvent('tool_result', { ...p, tool_use_id: 'e', tool_name: 'Edit', success: 'true', tool_input: input('from result') }, { timeMs: 3 })), { journalSeq: 3, receivedAtMs: 0 });
    assert.equal(new ModelRepository(db).listPrompts()[0].toolCalls[0].edit?.newText, 'from result');
    db.close();
  });

  describe('editOf', () => {
    test('Edit, Write, NotebookEdit; other tools and inputs without text have none', () => {
      assert.deepEqual(editOf('Edit', { old_string: 'a', new_string: 'b', replace_all: true }), { oldText: 'a', newText: 'b', replaceAll: true, truncated: false });
      assert.deepEqual(editOf('Write', { file_path: '/x', content: 'hello\n' }), { oldText: null, newText: 'hello\n', replaceAll: null, truncated: false });
      assert.deepEqual(editOf('NotebookEdit', { notebook_path: '/n.ipynb', new_source: 'print(1)' }), { oldText: null, newText: 'print(1)', replaceAll: null, truncated: false });
      assert.equal(editOf('Read', { file_path: '/x' }), null);
      assert.equal(editOf('Bash', { command: 'rm -rf /' }), null);
      assert.equal(editOf('Edit', { file_path: '/x' }), null);
      assert.equal(editOf('Edit', { old_string: 1, new_string: { x: 1 } }), null, 'only strings are text');
      assert.equal(editOf(null, { content: 'x' }), null);
      assert.equal(editOf('Write', null), null);
    });

    test('MultiEdit: every replacement, the first also as oldText/newText', () => {
      const e = editOf('MultiEdit', { file_path: '/x', edits: [{ old_string: 'a', new_string: 'b' }, 'junk', { old_string: 'c', new_string: 'd', replace_all: true }] });
      assert.deepEqual(e, {
        oldText: 'a',
        newText: 'b',
        replaceAll: null,
        truncated: false,
        parts: [
          { oldText: 'a', newText: 'b', replaceAll: null },
          { oldText: 'c', newText: 'd', replaceAll: true },
        ],
      });
      assert.equal(editOf('MultiEdit', { edits: [] }), null);
    });

    test('bounded: cut at 4 KiB and marked; a value at Claude Code’s 512-character limit is marked as possibly cut', () => {
      const long = 'x'.repeat(MAX_EDIT_TEXT + 10);
      const cut = editOf('Write', { content: long });
      assert.equal(cut?.newText?.length, MAX_EDIT_TEXT);
      assert.equal(cut?.truncated, true);
      assert.equal(editOf('Edit', { old_string: 'y'.repeat(511), new_string: 'z' })?.truncated, false);
      assert.equal(editOf('Edit', { old_string: 'y'.repeat(512), new_string: 'z' })?.truncated, true);
    });
  });
});
