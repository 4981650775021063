// ingestBatch beyond the captured scenarios: unknown agents, duplicates,
// transactions, --resume, ordering, estimated cost, files and workspaces.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AgentAdapter } from '../../../src/core/agents/adapter';
import { eventKey } from '../../../src/core/agents/adapter';
import { ClaudeCodeAdapter } from '../../../src/core/agents/claudeCode';
import { AdapterRegistry, defaultAdapters } from '../../../src/core/agents/registry';
import type { AgentEvent, EventBase } from '../../../src/core/model/events';
import { BUILTIN_PRICE_TABLE, estimateCostMicros, priceFor, withOverrides } from '../../../src/core/model/priceTable';
import type { DecodedBatch, LogRecord, Span } from '../../../src/core/otlp/types';
import { ingestBatch } from '../../../src/core/store/ingest';
import { ModelRepository } from '../../../src/core/store/modelRepository';
import { RawRecordRepository, serializeRecord } from '../../../src/core/store/rawRecordRepository';
import type { SqlDatabase } from '../../../src/core/store/sqlJs';
import { claudeEvent, span } from '../agents/records';
import { freshDb, loadRequests, scenarioDirs } from './scenarioSupport';

const logs = (...records: LogRecord[]): DecodedBatch => ({ signal: 'logs', records, rejected: 0, errors: [] });
const spans = (...s: Span[]): DecodedBatch => ({ signal: 'traces', spans: s, rejected: 0, errors: [] });
const meta = { journalSeq: 1, receivedAtMs: 0 };
const count = (db: SqlDatabase, table: string): number => Number(db.exec(`SELECT COUNT(*) FROM ${table}`)[0].values[0][0]);

describe('ingestBatch', () => {
  test('records no adapter claims are stored raw, counted, and stay out of the model', async () => {
    const db = await freshDb();
    const dir = scenarioDirs('codex')[0];
    // Codex's records, to a registry that knows only Claude Code (the default one claims every record).
    const registry = new AdapterRegistry([new ClaudeCodeAdapter('claude-code')]);
    let received = 0;
    let unknown = 0;
    for (const { batch } of loadRequests(dir)) {
      const r = ingestBatch(db, batch, meta, { registry });
      received += r.received;
      unknown += r.unknownAgent;
      assert.equal(r.events, 0);
      assert.deepEqual(r.byAgent, r.stored > 0 ? { unknown: r.stored } : {});
    }
    assert.ok(received > 0);
    assert.equal(unknown, count(db, 'raw_records'));
    assert.equal(count(db, 'sessions') + count(db, 'prompts') + count(db, 'tool_calls'), 0);
    // The raw index still knows what each record is.
    const stored = new RawRecordRepository(db).read();
    assert.equal(stored.length, unknown);
    const names = new Set(stored.filter((r) => r.signal === 'logs' && r.name?.startsWith('codex.')).map((r) => r.name));
    assert.ok(names.size > 0, 'event names read from the event.name attribute, not the Rust call site');
    assert.ok(stored.some((r) => r.signal === 'logs' && r.sessionId !== null), 'Codex conversation.id is indexed as the session');
    db.close();
  });

  test('the same record twice in one batch, or again under another journal entry, is stored once', async () => {
    const db = await freshDb();
    const r = claudeEvent('api_request', { 'prompt.id': 'p', request_id: 'r1', cost_usd_micros: 100, input_tokens: 1 });
    const first = ingestBatch(db, logs(r, r), meta);
    assert.deepEqual([first.received, first.stored, first.duplicates], [2, 1, 1]);
    const again = ingestBatch(db, logs(r), { journalSeq: 99, receivedAtMs: 123 });
    assert.deepEqual([again.stored, again.duplicates, again.events], [0, 1, 0]);
    assert.equal(new ModelRepository(db).listPrompts()[0].costMicros, 100);
    db.close();
  });

  test('a failing adapter leaves nothing behind; so does a caller’s rollback', async () => {
    const db = await freshDb();
    const failing: AgentAdapter = {
      agent: 'claude-code',
      matches: () => true,
      fromLog: () => {
        throw new Error('adapter bug');
      },
      fromSpan: () => [],
      fromMetric: () => [],
    };
    assert.throws(() => ingestBatch(db, logs(claudeEvent('user_prompt', { 'prompt.id': 'p' })), meta, { registry: new AdapterRegistry([failing]) }), /adapter bug/);
    assert.equal(count(db, 'raw_records'), 0);
    db.run('BEGIN');
    ingestBatch(db, logs(claudeEvent('user_prompt', { 'prompt.id': 'p' })), meta);
    assert.equal(count(db, 'prompts'), 1);
    db.run('ROLLBACK');
    assert.equal(count(db, 'raw_records') + count(db, 'prompts'), 0);
    db.close();
  });

  test('keeps working after the database is exported for a snapshot', async () => {
    const db = await freshDb();
    ingestBatch(db, logs(claudeEvent('api_request', { 'prompt.id': 'p', request_id: 'r1', cost_usd_micros: 1 })), meta);
    const bytes = db.export();
    assert.ok(bytes.length > 0);
    ingestBatch(db, logs(claudeEvent('api_request', { 'prompt.id': 'p', request_id: 'r2', cost_usd_micros: 2 }, { timeMs: 1_795_483_519_999 })), meta);
    assert.equal(new ModelRepository(db).listPrompts()[0].costMicros, 3);
    db.close();
  });

  test('--resume: event.sequence restarts at 0 in the same session; nothing collides and time orders the processes', async () => {
    const db = await freshDb();
    const process1 = [
      claudeEvent('user_prompt', { 'prompt.id': 'p1', prompt: 'first', 'event.sequence': 0 }, { timeMs: 1_000 }),
      claudeEvent('api_request', { 'prompt.id': 'p1', request_id: 'r1', cost_usd_micros: 10, 'event.sequence': 1 }, { timeMs: 1_100 }),
    ];
    const process2 = [
      claudeEvent('user_prompt', { 'prompt.id': 'p2', prompt: 'resumed', 'event.sequence': 0 }, { timeMs: 9_000 }),
      claudeEvent('api_request', { 'prompt.id': 'p2', request_id: 'r2', cost_usd_micros: 20, 'event.sequence': 1 }, { timeMs: 9_100 }),
    ];
    const r = ingestBatch(db, logs(...process2, ...process1), meta);
    assert.equal(r.stored, 4);
    const repo = new ModelRepository(db);
    assert.deepEqual(repo.listPrompts().map((p) => [p.id, p.text, p.costMicros]), [['p1', 'first', 10], ['p2', 'resumed', 20]]);
    assert.equal(repo.listSessions()[0].costMicros, 30);
    db.close();
  });

  test('within one millisecond, event.sequence decides the order of steps', async () => {
    const db = await freshDb();
    const at = 5_000;
    ingestBatch(
      db,
      logs(
        claudeEvent('tool_decision', { 'prompt.id': 'p', tool_use_id: 'b', tool_name: 'Bash', decision: 'accept', source: 'config', 'event.sequence': 7 }, { timeMs: at }),
        claudeEvent('tool_decision', { 'prompt.id': 'p', tool_use_id: 'a', tool_name: 'Read', decision: 'accept', source: 'config', 'event.sequence': 6 }, { timeMs: at }),
        claudeEvent('user_prompt', { 'prompt.id': 'p', 'event.sequence': 5 }, { timeMs: at }),
      ),
      meta,
    );
    assert.deepEqual(new ModelRepository(db).listPrompts()[0].toolCalls.map((c) => c.callId), ['a', 'b']);
    db.close();
  });

  test('a result before its decision, and the span before both, in separate batches, make one call', async () => {
    const db = await freshDb();
    const sess = { 'prompt.id': 'p' };
    ingestBatch(db, spans(span('claude_code.tool', { tool_name: 'Edit', tool_use_id: 't1', file_path: '/w/a.ts' }, { spanId: '00000000000000a1', startMs: 1_000 })), meta);
    ingestBatch(db, logs(claudeEvent('tool_result', { ...sess, tool_name: 'Edit', tool_use_id: 't1', success: 'true', duration_ms: '5' }, { timeMs: 1_020 })), meta);
    ingestBatch(db, logs(claudeEvent('tool_decision', { ...sess, tool_name: 'Edit', tool_use_id: 't1', decision: 'accept', source: 'user_temporary' }, { timeMs: 1_010 })), meta);
    const calls = new ModelRepository(db).listPrompts()[0].toolCalls;
    assert.equal(calls.length, 1);
    assert.deepEqual([calls[0].decision, calls[0].decisionSource, calls[0].success, calls[0].files], ['accept', 'user_temporary', true, ['/w/a.ts']]);
    db.close();
  });

  test('files are made relative to the workspace; a refused call’s file is not a touch of the prompt', async () => {
    const db = await freshDb();
    const roots = ['/w', '/w/nested'];
    const p = { 'prompt.id': 'p' };
    ingestBatch(
      db,
      logs(
        claudeEvent('tool_decision', { ...p, tool_use_id: 'r', tool_name: 'Read', decision: 'accept', source: 'config' }, { timeMs: 1 }),
        claudeEvent('tool_result', { ...p, tool_use_id: 'r', tool_name: 'Read', success: 'true', tool_input: JSON.stringify({ file_path: '/w/nested/x.ts' }) }, { timeMs: 2 }),
        claudeEvent('tool_decision', { ...p, tool_use_id: 'e', tool_name: 'Edit', decision: 'reject', source: 'user_reject' }, { timeMs: 3 }),
      ),
      { ...meta, workspaceRoots: roots },
    );
    ingestBatch(db, spans(span('claude_code.tool', { tool_name: 'Edit', tool_use_id: 'e', file_path: '/w/nested/x.ts' }, { spanId: '00000000000000b1', startMs: 3 })), { ...meta, workspaceRoots: roots });
    const repo = new ModelRepository(db);
    const prompt = repo.listPrompts()[0];
    assert.deepEqual(prompt.files, [{ path: '/w/nested/x.ts', access: 'read', relativePath: 'x.ts' }], 'the most specific root; the refused edit left out');
    assert.deepEqual(prompt.toolCalls.map((c) => c.fileTouches.map((f) => f.access)), [['read'], ['edit']]);
    const touches = repo.touchesForFile('x.ts');
    assert.deepEqual(touches.map((t) => [t.callId, t.access, t.decision]), [['r', 'read', 'accept'], ['e', 'edit', 'reject']]);
    assert.deepEqual(repo.filesTouched().map((f) => [f.path, f.access, f.reads, f.writes, f.refused]), [['/w/nested/x.ts', 'read', 1, 0, 1]]);
    assert.equal(repo.listSessions()[0].workspace, '/w/nested');
    db.close();
  });
});

describe('cost where the agent sends none', () => {
  /** A stand-in for an agent that reports tokens but no cost (Codex, Gemini CLI, Copilot). */
  const tokensOnly: AgentAdapter = {
    agent: 'genai',
    matches: (s) => s.resource.attributes['service.name'] === 'tokens-only-agent',
    fromLog: (record, ctx) => {
      const base = (i: number): EventBase => ({
        agent: 'genai', key: eventKey(ctx, i), sessionId: 's', promptId: 'p', timeMs: 1000 + i, sequence: null, traceId: null, contextSpanId: null,
      });
      const events: AgentEvent[] = [
        Object.assign(base(0), { type: 'prompt.started' as const, promptId: 'p', text: 'hi', redacted: false, length: 2, commandName: null, commandSource: null }),
        Object.assign(base(1), {
          type: 'model.request' as const, requestId: String(record.attributes.id), model: 'gpt-5-codex', modelGroup: 'gpt-5-codex',
          tokens: { input: 1000, output: 200, cacheRead: 5000, cacheWrite: 0 }, costMicros: null, durationMs: 10, querySource: null, agentName: null,
        }),
      ];
      return events;
    },
    fromSpan: () => [],
    fromMetric: () => [],
  };
  const registry = new AdapterRegistry([tokensOnly, ...defaultAdapters()]);
  const record = (id: string): LogRecord => ({ ...claudeEvent('x', { id }), resource: { attributes: { 'service.name': 'tokens-only-agent' } } });

  test('is estimated from the price table, per request, and marked so', async () => {
    const db = await freshDb();
    ingestBatch(db, logs(record('a'), record('b')), meta, { registry });
    const price = priceFor(BUILTIN_PRICE_TABLE, 'gpt-5-codex');
    assert.ok(price);
    const each = estimateCostMicros({ input: 1000, output: 200, cacheRead: 5000, cacheWrite: 0 }, price.price);
    const prompt = new ModelRepository(db).listPrompts()[0];
    assert.deepEqual([prompt.costSource, prompt.costMicros, prompt.priceTableVersion], ['estimated', 2 * each, BUILTIN_PRICE_TABLE.version]);
    assert.equal(prompt.costUsd, (2 * each) / 1e6);
    const overridden = withOverrides(BUILTIN_PRICE_TABLE, { prices: { 'gpt-5*': { input: 0, output: 0, cacheRead: 0 } } });
    assert.equal(new ModelRepository(db, { priceTable: overridden }).listPrompts()[0].costMicros, 0, 'user prices apply without re-ingesting');
    db.close();
  });
});

describe('raw record serialisation', () => {
  test('keeps every field of the decoded record except its resource and scope (stored apart)', () => {
    for (const agent of ['claude-code', 'codex', 'gemini-cli']) {
      for (const { batch } of loadRequests(scenarioDirs(agent)[0])) {
        const records = batch.signal === 'logs' ? batch.records : batch.signal === 'traces' ? batch.spans : batch.points;
        for (const r of records.slice(0, 20)) {
          const stored = JSON.parse(serializeRecord(batch.signal, r)) as Record<string, unknown>;
          const expected = Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'resource' && k !== 'scope'));
          assert.deepEqual(stored, JSON.parse(JSON.stringify(expected)), `${agent} ${batch.signal}`);
        }
      }
    }
  });
});
