// Applies AgentEvents to the model tables, inside the caller's transaction
// (one per batch, see ./ingest.ts).
//
// Merge rules are order-free, so any arrival order gives the same model:
// - each column has one source event type that sets it, or a precedence
//   (the api_request event beats the llm_request span for tokens and model);
// - values several sources agree on are merged with MIN (deterministic if they
//   ever disagree); first/last times with MIN/MAX;
// - facts that arrive without a prompt id (spans) carry the span they happened
//   in and are attributed by `resolvePrompts()` once a log record names it;
// - agents that send no prompt id at all (Codex) start prompts that claim the
//   session's facts by time (`claimByTime()`), recomputed after each batch;
// - a call's parts meet by the adapter's join key, else its call id, else its span;
// - paths sent relative to the agent's working directory are resolved against
//   the session's earliest known one (`resolveRelativePaths()`).

import { isAbsolutePath, joinPath } from '../agents/common';
import type { AgentEvent, FileRef } from '../model/events';
import { matchWorkspace } from '../model/workspacePath';
import type { SqlDatabase, SqlStatement, SqlValue } from './sqlJs';
import { utf8 } from './utf8';

const SEP = '\u001f';

const prepared = new WeakMap<SqlDatabase, Map<string, SqlStatement>>();

/** sql.js throws this string for a freed statement (export() before sql.js 1.17 freed them all). */
function isClosedStatement(err: unknown): boolean {
  return String(err).includes('Statement closed');
}

/**
 * Runs a statement prepared once per database and reused across batches:
 * preparing the upserts costs more than running them for a small batch.
 * A statement freed behind our back (an export() that reopened the
 * connection) is prepared again.
 */
export function runPrepared(db: SqlDatabase, sql: string, params: SqlValue[]): void {
  withPrepared(db, sql, (stmt) => stmt.run(params));
}

/** The first row of a cached query, or null. */
export function firstRowPrepared(db: SqlDatabase, sql: string, params: SqlValue[]): SqlValue[] | null {
  return withPrepared(db, sql, (stmt) => {
    try {
      stmt.bind(params);
      return stmt.step() ? stmt.get() : null;
    } finally {
      stmt.reset();
    }
  });
}

export function withPrepared<T>(db: SqlDatabase, sql: string, use: (stmt: SqlStatement) => T): T {
  let cache = prepared.get(db);
  if (!cache) {
    cache = new Map();
    prepared.set(db, cache);
  }
  const stmt = cache.get(sql);
  if (stmt) {
    try {
      return use(stmt);
    } catch (err) {
      if (!isClosedStatement(err)) throw err;
    }
  }
  const fresh = db.prepare(sql);
  cache.set(sql, fresh);
  return use(fresh);
}

/**
 * UTF-8 of short texts (ids, names, models), shared by every batch: a pure
 * function of the text, so safe to keep across transactions. Bounded: emptied
 * when full. Callers must not mutate the arrays (sql.js only copies them).
 */
const encodedText = new Map<string, Uint8Array>();
const ENCODED_TEXT_MAX = 20_000;

/** Sequence placeholder for facts that have none (spans): they sort after same-millisecond events. */
const NO_SEQ = Number.MAX_SAFE_INTEGER;

/** MIN of two values where either may be NULL: deterministic whichever arrives first. */
const least = (col: string, table: string): string => `COALESCE(MIN(${table}.${col}, excluded.${col}), ${table}.${col}, excluded.${col})`;
const greatest = (col: string, table: string): string => `COALESCE(MAX(${table}.${col}, excluded.${col}), ${table}.${col}, excluded.${col})`;

/** (ms, seq) pairs compare lexicographically; the earlier pair wins. */
function earliest(table: string, ms: string, seq: string): string {
  const earlier = `(${table}.${ms} IS NULL OR excluded.${ms} < ${table}.${ms} OR (excluded.${ms} = ${table}.${ms} AND excluded.${seq} < ${table}.${seq}))`;
  return `${ms} = CASE WHEN ${earlier} THEN excluded.${ms} ELSE ${table}.${ms} END, ${seq} = CASE WHEN ${earlier} THEN excluded.${seq} ELSE ${table}.${seq} END`;
}

/** Like earliest(), carrying other columns along with the winning (ms, seq); the least first carried value breaks a tie. */
function earliestOf(table: string, ms: string, seq: string, carried: readonly string[]): string {
  const c = carried[0];
  const earlier = `(${table}.${ms} IS NULL OR excluded.${ms} < ${table}.${ms} OR (excluded.${ms} = ${table}.${ms} AND (excluded.${seq} < ${table}.${seq} OR (excluded.${seq} = ${table}.${seq} AND excluded.${c} < ${table}.${c}))))`;
  return [ms, seq, ...carried].map((col) => `${col} = CASE WHEN ${earlier} THEN excluded.${col} ELSE ${table}.${col} END`).join(', ');
}

const TC = 'tool_calls';
const TC_COMMON = [
  `session_id = ${least('session_id', TC)}`,
  `prompt_id = ${least('prompt_id', TC)}`,
  `call_id = ${least('call_id', TC)}`,
  `tool = ${least('tool', TC)}`,
  `trace_id = ${least('trace_id', TC)}`,
  earliest(TC, 'order_ms', 'order_seq'),
].join(', ');

const MR = 'model_requests';
const MR_COMMON = [
  `session_id = ${least('session_id', MR)}`,
  `prompt_id = ${least('prompt_id', MR)}`,
  `request_id = ${least('request_id', MR)}`,
  `trace_id = ${least('trace_id', MR)}`,
  `context_span_id = ${least('context_span_id', MR)}`,
].join(', ');

/**
 * A prepared INSERT … ON CONFLICT. Columns are listed as `name` (bound as is),
 * `name:t` (text, bound as UTF-8 bytes and cast back: see utf8() for why) or
 * `name=1` (a literal).
 */
interface StatementDef {
  readonly sql: string;
  /** Per bound parameter: true when it is text bound as bytes. */
  readonly text: readonly boolean[];
}

function upsert(table: string, columns: string, conflict: string): StatementDef {
  const cols = columns.trim().split(/\s+/);
  const names: string[] = [];
  const values: string[] = [];
  const text: boolean[] = [];
  for (const col of cols) {
    const literal = /^(\w+)=(\w+)$/.exec(col);
    if (literal) {
      names.push(literal[1]);
      values.push(literal[2]);
      continue;
    }
    const isText = col.endsWith(':t');
    names.push(isText ? col.slice(0, -2) : col);
    values.push(isText ? 'CAST(? AS TEXT)' : '?');
    text.push(isText);
  }
  return { sql: `INSERT INTO ${table} (${names.join(', ')}) VALUES (${values.join(', ')}) ${conflict}`, text };
}

const CALL = 'key:t session_id:t prompt_id:t agent:t call_id:t tool:t order_ms order_seq trace_id:t';
const REQUEST = 'key:t session_id:t prompt_id:t agent:t request_id:t trace_id:t context_span_id:t';

/*
 * Column groups of a tool call and of a model request, one per source event.
 * Groups are disjoint (a shared column, subagent_type, merges with MIN in
 * both), which is what lets two same-key upserts of one batch be written as
 * one statement (see MERGES).
 */
const TC_DECISION = {
  cols: 'decision:t raw_decision:t decision_source:t decision_ms decision_span_id:t decision_input:t decision_edit:t',
  set: `decision = excluded.decision, raw_decision = excluded.raw_decision, decision_source = excluded.decision_source,
      decision_ms = excluded.decision_ms, decision_span_id = excluded.decision_span_id, decision_input = excluded.decision_input,
      decision_edit = excluded.decision_edit`,
};
const TC_RESULT = {
  cols: `has_result=1 success duration_ms error_type:t error:t result_ms input_summary:t result_decision:t result_decision_source:t
      context_span_id:t edit:t`,
  set: `has_result = 1, success = excluded.success, duration_ms = excluded.duration_ms, error_type = excluded.error_type,
      error = excluded.error, result_ms = excluded.result_ms, input_summary = excluded.input_summary, edit = excluded.edit,
      result_decision = excluded.result_decision, result_decision_source = excluded.result_decision_source,
      context_span_id = ${least('context_span_id', TC)}`,
};
const TC_SPAN = {
  cols: 'span_id:t span_start_ms span_duration_ms full_command:t agent_id:t subagent_type:t context_span_id:t span_edit:t',
  set: `span_id = excluded.span_id, span_start_ms = excluded.span_start_ms, span_duration_ms = excluded.span_duration_ms,
      full_command = excluded.full_command, agent_id = excluded.agent_id, subagent_type = ${least('subagent_type', TC)},
      span_edit = excluded.span_edit,
      context_span_id = ${least('context_span_id', TC)}`,
};
/** Without subagent_type, which it shares with TC_SPAN (a merged statement binds it once). */
const TC_EXECUTION_OWN = {
  cols: 'exec_success exec_duration_ms exec_error:t exec_span_id:t',
  set: `exec_success = excluded.exec_success, exec_duration_ms = excluded.exec_duration_ms,
      exec_error = excluded.exec_error, exec_span_id = excluded.exec_span_id`,
};
const TC_EXECUTION = {
  cols: `${TC_EXECUTION_OWN.cols} subagent_type:t`,
  set: `${TC_EXECUTION_OWN.set}, subagent_type = ${least('subagent_type', TC)}`,
};
const MR_EVENT = {
  cols: `model:t model_group:t time_ms seq duration_ms input_tokens output_tokens cache_read_tokens cache_write_tokens
      cost_micros query_source:t agent_name:t has_event=1`,
  set: `model = excluded.model, model_group = excluded.model_group, time_ms = excluded.time_ms, seq = excluded.seq,
      duration_ms = excluded.duration_ms, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
      cache_read_tokens = excluded.cache_read_tokens, cache_write_tokens = excluded.cache_write_tokens,
      cost_micros = excluded.cost_micros, query_source = excluded.query_source, agent_name = excluded.agent_name, has_event = 1`,
};
const MR_RESPONSE = {
  cols: 'response_text:t response_length response_redacted',
  set: 'response_text = excluded.response_text, response_length = excluded.response_length, response_redacted = excluded.response_redacted',
};

interface ColumnGroup {
  readonly cols: string;
  readonly set: string;
}

const toolCall = (...groups: ColumnGroup[]): StatementDef =>
  upsert(TC, `${CALL} ${groups.map((g) => g.cols).join(' ')}`, `ON CONFLICT(key) DO UPDATE SET ${TC_COMMON}, ${groups.map((g) => g.set).join(', ')}`);
const modelRequest = (...groups: ColumnGroup[]): StatementDef =>
  upsert(MR, `${REQUEST} ${groups.map((g) => g.cols).join(' ')}`, `ON CONFLICT(key) DO UPDATE SET ${MR_COMMON}, ${groups.map((g) => g.set).join(', ')}`);

const SQL = {
  toolDecision: toolCall(TC_DECISION),
  toolResult: toolCall(TC_RESULT),
  toolSpan: toolCall(TC_SPAN),
  toolExecution: toolCall(TC_EXECUTION),
  // Two same-key upserts of one batch in one statement (see MERGES).
  toolDecisionResult: toolCall(TC_DECISION, TC_RESULT),
  toolExecutionSpan: toolCall(TC_EXECUTION_OWN, TC_SPAN),
  modelRequestResponse: modelRequest(MR_EVENT, MR_RESPONSE),
  toolWait: upsert(
    'tool_waits',
    'span_id:t session_id:t tool_span_id:t decision:t raw_decision:t source:t wait_ms time_ms',
    `ON CONFLICT(span_id) DO UPDATE SET session_id = excluded.session_id, tool_span_id = excluded.tool_span_id,
      decision = excluded.decision, raw_decision = excluded.raw_decision, source = excluded.source,
      wait_ms = excluded.wait_ms, time_ms = excluded.time_ms`,
  ),
  // A touch sent relative, resolved against the session's cwd (raw_path keeps what was sent).
  resolvedTouch: upsert(
    'file_touches',
    'call_key:t access:t path:t raw_path:t session_id:t relative_path:t workspace_root:t time_ms',
    `ON CONFLICT(call_key, access, path) DO UPDATE SET time_ms = ${least('time_ms', 'file_touches')},
      session_id = ${least('session_id', 'file_touches')}, raw_path = ${least('raw_path', 'file_touches')}`,
  ),
  fileTouch: upsert(
    'file_touches',
    'call_key:t access:t path:t session_id:t relative_path:t workspace_root:t time_ms',
    `ON CONFLICT(call_key, access, path) DO UPDATE SET time_ms = ${least('time_ms', 'file_touches')},
      session_id = ${least('session_id', 'file_touches')}`,
  ),
  modelRequest: modelRequest(MR_EVENT),
  // The api_request event is authoritative for model, time and duration; an error only fills them in when it is alone.
  apiError: upsert(
    'model_requests',
    `${REQUEST} model:t model_group:t time_ms seq duration_ms api_error=1 error:t status_code error_attempts`,
    `ON CONFLICT(key) DO UPDATE SET ${MR_COMMON},
      model = CASE WHEN ${MR}.has_event = 1 THEN ${MR}.model ELSE ${least('model', MR)} END,
      model_group = CASE WHEN ${MR}.has_event = 1 THEN ${MR}.model_group ELSE ${least('model_group', MR)} END,
      duration_ms = CASE WHEN ${MR}.has_event = 1 THEN ${MR}.duration_ms ELSE ${greatest('duration_ms', MR)} END,
      time_ms = CASE WHEN ${MR}.has_event = 1 THEN ${MR}.time_ms ELSE ${least('time_ms', MR)} END,
      seq = CASE WHEN ${MR}.has_event = 1 THEN ${MR}.seq ELSE ${least('seq', MR)} END,
      api_error = 1, error = ${least('error', MR)}, status_code = ${least('status_code', MR)},
      error_attempts = ${greatest('error_attempts', MR)}`,
  ),
  modelSpan: upsert(
    'model_requests',
    `${REQUEST} span_model:t span_start_ms span_duration_ms span_input_tokens span_output_tokens span_cache_read_tokens
      span_cache_write_tokens span_attempts span_success span_error:t span_status_code agent_id:t`,
    `ON CONFLICT(key) DO UPDATE SET ${MR_COMMON},
      span_model = excluded.span_model, span_start_ms = excluded.span_start_ms, span_duration_ms = excluded.span_duration_ms,
      span_input_tokens = excluded.span_input_tokens, span_output_tokens = excluded.span_output_tokens,
      span_cache_read_tokens = excluded.span_cache_read_tokens, span_cache_write_tokens = excluded.span_cache_write_tokens,
      span_attempts = ${greatest('span_attempts', MR)}, span_success = excluded.span_success,
      span_error = excluded.span_error, span_status_code = excluded.span_status_code, agent_id = ${least('agent_id', MR)}`,
  ),
  modelResponse: modelRequest(MR_RESPONSE),
  promptStarted: upsert(
    'prompts',
    'id:t session_id:t agent:t text:t redacted length command_name:t command_source:t prompt_ms prompt_seq first_ms last_ms claims_by_time',
    `ON CONFLICT(id) DO UPDATE SET session_id = ${least('session_id', 'prompts')}, claims_by_time = MAX(prompts.claims_by_time, excluded.claims_by_time),
      text = excluded.text, redacted = excluded.redacted, length = excluded.length, command_name = excluded.command_name,
      command_source = excluded.command_source, prompt_ms = excluded.prompt_ms, prompt_seq = excluded.prompt_seq,
      first_ms = ${least('first_ms', 'prompts')}, last_ms = ${greatest('last_ms', 'prompts')}`,
  ),
  promptBounds: upsert(
    'prompts',
    'id:t session_id:t agent:t first_ms last_ms',
    `ON CONFLICT(id) DO UPDATE SET session_id = ${least('session_id', 'prompts')},
      first_ms = ${least('first_ms', 'prompts')}, last_ms = ${greatest('last_ms', 'prompts')}`,
  ),
  session: upsert(
    'sessions',
    'id:t agent:t user_id:t user_email:t account_id:t organization_id:t service_name:t service_version:t terminal_type:t workspace:t first_ms last_ms',
    `ON CONFLICT(id) DO UPDATE SET agent = ${least('agent', 'sessions')}, user_id = ${least('user_id', 'sessions')},
      user_email = ${least('user_email', 'sessions')}, account_id = ${least('account_id', 'sessions')},
      organization_id = ${least('organization_id', 'sessions')}, service_name = ${least('service_name', 'sessions')},
      service_version = ${greatest('service_version', 'sessions')}, terminal_type = ${least('terminal_type', 'sessions')},
      workspace = ${least('workspace', 'sessions')}, first_ms = ${least('first_ms', 'sessions')}, last_ms = ${greatest('last_ms', 'sessions')}`,
  ),
  // The earliest working directory by (ms, seq) wins, whatever order they arrive in.
  sessionCwd: upsert('sessions', 'id:t agent:t cwd:t cwd_ms cwd_seq', `ON CONFLICT(id) DO UPDATE SET ${earliestOf('sessions', 'cwd_ms', 'cwd_seq', ['cwd'])}`),
  spanContext: upsert(
    'span_context',
    'span_id:t session_id:t prompt_id:t call_key:t interaction_start_ms interaction_end_ms',
    `ON CONFLICT(span_id) DO UPDATE SET session_id = ${least('session_id', 'span_context')},
      prompt_id = ${least('prompt_id', 'span_context')}, call_key = ${least('call_key', 'span_context')},
      interaction_start_ms = ${least('interaction_start_ms', 'span_context')},
      interaction_end_ms = ${greatest('interaction_end_ms', 'span_context')}`,
  ),
  step: upsert(
    'steps',
    'key:t session_id:t prompt_id:t agent:t kind:t name:t time_ms seq duration_ms success detail:t trace_id:t context_span_id:t',
    'ON CONFLICT(key) DO NOTHING',
  ),
  metric: upsert(
    'metric_points',
    'key:t session_id:t agent:t name:t metric:t series:t model:t model_group:t query_source:t temporality:t start_ms time_ms value labels:t',
    'ON CONFLICT(key) DO NOTHING',
  ),
} as const;

type StatementName = keyof typeof SQL;

/**
 * Two same-key upserts of one batch written as one statement: a tool call's
 * decision and result events (or its execution span and tool span), a model
 * request's event and response. Each writes its own column group (disjoint;
 * subagent_type merges with MIN on both sides); the columns they share merge
 * with MIN (ids) and earliest (ms, seq), which are associative, and `agent` is
 * only ever inserted (the first event's). So the merged values, upserted with
 * both groups' ON CONFLICT rules, leave exactly the row the two upserts leave
 * one after the other, whatever the row held before. Saves a b-tree write per
 * pair, the most expensive part of ingesting a record.
 */
interface Merge {
  readonly merged: StatementName;
  /** The shared leading columns: CALL (tool_calls) or REQUEST (model_requests). */
  readonly prefix: 'call' | 'request';
  /** The merged statement's parameters after the prefix, from each statement's own; null: do not merge. */
  readonly rest: (a: readonly SqlValue[], b: readonly SqlValue[], least: (x: SqlValue, y: SqlValue) => SqlValue | undefined) => SqlValue[] | null;
}

const CALL_COLUMNS = 9;
const REQUEST_COLUMNS = 7;

/** Keyed `first+second` in both orders (either may arrive first); `rest` takes the pair as (a, b). */
const MERGES = new Map<string, Merge & { readonly a: StatementName; readonly b: StatementName }>();
function defineMerge(a: StatementName, b: StatementName, merge: Merge): void {
  MERGES.set(`${a}+${b}`, { ...merge, a, b });
  MERGES.set(`${b}+${a}`, { ...merge, a, b });
}
defineMerge('toolDecision', 'toolResult', {
  merged: 'toolDecisionResult',
  prefix: 'call',
  rest: (d, r) => [...d.slice(CALL_COLUMNS), ...r.slice(CALL_COLUMNS)],
});
defineMerge('toolExecution', 'toolSpan', {
  merged: 'toolExecutionSpan',
  prefix: 'call',
  // exec: … exec_span_id, subagent_type; span: … agent_id, subagent_type, context_span_id, span_edit.
  rest: (e, sp, least) => {
    const subagentType = least(e[CALL_COLUMNS + 4], sp[CALL_COLUMNS + 5]);
    if (subagentType === undefined) return null;
    return [...e.slice(CALL_COLUMNS, CALL_COLUMNS + 4), ...sp.slice(CALL_COLUMNS, CALL_COLUMNS + 5), subagentType, ...sp.slice(CALL_COLUMNS + 6)];
  },
});
defineMerge('modelRequest', 'modelResponse', {
  merged: 'modelRequestResponse',
  prefix: 'request',
  rest: (q, r) => [...q.slice(REQUEST_COLUMNS), ...r.slice(REQUEST_COLUMNS)],
});

interface Upsert {
  readonly name: StatementName;
  readonly params: SqlValue[];
}

/** An upsert of a tool call or model request waiting for the flush; `merged`: it and a second one of the same key, as one. */
interface PendingUpsert extends Upsert {
  merged: Upsert | null;
}

const isNumber = (v: SqlValue): v is number => typeof v === 'number' && !Number.isNaN(v);

/** Prompt attribution for facts that arrived without one: through the span they ran in, or the call that started their subagent. */
function resolveSql(table: string): string {
  const source = `(SELECT COALESCE(sc.prompt_id, parent.prompt_id) FROM span_context sc
      LEFT JOIN tool_calls parent ON parent.key = sc.call_key WHERE sc.span_id = ${table}.context_span_id)`;
  // A part that named no session (GenAI spans under a prompt) takes its prompt's.
  const session = table === 'steps' ? '' : `, session_id = COALESCE(${table}.session_id, (SELECT p.session_id FROM prompts p WHERE p.id = ${source}))`;
  return `UPDATE ${table} SET prompt_id = ${source}${session} WHERE prompt_id IS NULL AND context_span_id IS NOT NULL AND ${source} IS NOT NULL`;
}

const RESOLVE = [resolveSql('tool_calls'), resolveSql('model_requests'), resolveSql('steps')];

/** Touches of calls that named no session (GenAI execute_tool spans), once the call has one from its prompt. */
const SESSIONLESS_TOUCHES = `SELECT ft.call_key, ft.access, ft.path, tc.session_id, ft.workspace_root FROM file_touches ft
  JOIN tool_calls tc ON tc.key = ft.call_key WHERE ft.session_id IS NULL AND tc.session_id IS NOT NULL`;

/** Touches of a session sent relative (path not absolute), or resolved from a relative path before. */
const RELATIVE_TOUCHES = `SELECT call_key, access, path, raw_path, time_ms FROM file_touches
  WHERE session_id = ? AND (raw_path IS NOT NULL OR (substr(path, 1, 1) NOT IN ('/', '\\') AND substr(path, 2, 1) != ':'))`;

/** The session's workspace is the least root that holds a touched file (as the flush's aggregate). */
const SESSION_WORKSPACE = 'UPDATE sessions SET workspace = CASE WHEN workspace IS NULL OR ? < workspace THEN ? ELSE workspace END WHERE id = ?';

/**
 * Time attribution for agents that name no prompt (Codex): a fact of the
 * session without a prompt belongs to the latest claiming prompt at or before
 * it by (ms, seq). Recomputed for the rows a batch may have changed: those
 * without a prompt, and those at or after the batch's earliest fact of the
 * session (?2; a prompt, or a part that moved a call earlier, changes only
 * what comes after it). Such rows belong to the prompt that claimed ?2 before
 * the batch (its time is ?3) or to a later one, so only those prompts' rows
 * are visited: ranges of the (prompt_id, time) indexes, whatever the
 * session's length.
 */
function claimSql(table: string, ms: string, seq: string): string {
  const claimant = `(SELECT p.id FROM prompts p WHERE p.session_id = ${table}.session_id AND p.claims_by_time = 1
      AND (p.prompt_ms < ${ms} OR (p.prompt_ms = ${ms} AND COALESCE(p.prompt_seq, 0) <= COALESCE(${seq}, ${NO_SEQ})))
      ORDER BY p.prompt_ms DESC, COALESCE(p.prompt_seq, 0) DESC, p.id DESC LIMIT 1)`;
  return `UPDATE ${table} SET prompt_id = ${claimant}
    WHERE (prompt_id IS NULL AND session_id = ?1)
      OR (prompt_id IN (SELECT id FROM prompts WHERE session_id = ?1 AND claims_by_time = 1 AND prompt_ms >= ?3) AND ${ms} >= ?2)`;
}

const CLAIMS = [
  claimSql('tool_calls', 'tool_calls.order_ms', 'tool_calls.order_seq'),
  claimSql('model_requests', 'COALESCE(model_requests.time_ms, model_requests.span_start_ms)', 'model_requests.seq'),
  claimSql('steps', 'steps.time_ms', 'steps.seq'),
];

/**
 * A claiming prompt lasts until its last fact (its own record is its only
 * event). Only prompts whose facts the batch may have moved: the one that
 * claimed the batch's earliest time before it (its time is ?2), and every later one.
 */
const CLAIMED_BOUNDS = `UPDATE prompts SET last_ms = MAX(COALESCE(prompt_ms, first_ms, 0),
    COALESCE((SELECT MAX(COALESCE(tc.result_ms, tc.order_ms)) FROM tool_calls tc WHERE tc.prompt_id = prompts.id), 0),
    COALESCE((SELECT MAX(COALESCE(mr.time_ms, mr.span_start_ms)) FROM model_requests mr WHERE mr.prompt_id = prompts.id), 0),
    COALESCE((SELECT MAX(st.time_ms) FROM steps st WHERE st.prompt_id = prompts.id), 0))
  WHERE session_id = ?1 AND claims_by_time = 1 AND prompt_ms >= ?2`;

const HAS_CLAIMS = 'SELECT 1 FROM prompts WHERE session_id = ? AND claims_by_time = 1 LIMIT 1';

/** The time of the claiming prompt that held `ms` before the batch (0 when none did). */
const CLAIMANT_BEFORE = 'SELECT COALESCE(MAX(prompt_ms), 0) FROM prompts WHERE session_id = ? AND claims_by_time = 1 AND prompt_ms < ?';

function b(v: boolean | null): number | null {
  return v === null ? null : v ? 1 : 0;
}

function json(v: unknown): string | null {
  return v === null || v === undefined ? null : JSON.stringify(v);
}

interface SessionAggregate {
  agent: string;
  userId: string | null;
  userEmail: string | null;
  accountId: string | null;
  organizationId: string | null;
  serviceName: string | null;
  serviceVersion: string | null;
  terminalType: string | null;
  workspace: string | null;
  first: number;
  last: number;
}

interface PromptAggregate {
  sessionId: string | null;
  agent: string;
  first: number;
  last: number;
}

const minStr = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a < b ? a : b);
const maxStr = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a > b ? a : b);

export interface ModelWriteOptions {
  /** Folders files are made relative to (the editor's workspace folders). */
  readonly workspaceRoots?: readonly string[];
  /** false: every upsert is written as it comes, unmerged (tests check merging changes nothing). */
  readonly mergeUpserts?: boolean;
}

export class ModelWriteRepository {
  private readonly sessions = new Map<string, SessionAggregate>();
  private readonly prompts = new Map<string, PromptAggregate>();
  /** span id → prompt id pairs already written in this batch (most records of a prompt share one span). */
  private readonly spanPrompts = new Map<string, string>();
  /** Sessions this batch touched, with the earliest time of their facts in it. */
  private readonly batchSessions = new Map<string, number>();
  private readonly roots: readonly string[];
  /** Workspace matches of the paths seen by this repository (a call's file is touched by several events). */
  private readonly matches = new Map<string, ReturnType<typeof matchWorkspace>>();
  /**
   * Upserts of tool_calls and model_requests by key, written at the flush in
   * the order their keys first came (so new rows get the same rowids as when
   * written at once); two of one key merge when MERGES allows (see Merge).
   */
  private readonly pendingCalls = new Map<string, PendingUpsert>();
  private readonly pendingRequests = new Map<string, PendingUpsert>();
  private readonly mergeUpserts: boolean;

  constructor(
    private readonly db: SqlDatabase,
    options: ModelWriteOptions = {},
  ) {
    this.roots = options.workspaceRoots ?? [];
    this.mergeUpserts = options.mergeUpserts ?? true;
  }

  private run(name: StatementName, params: SqlValue[]): void {
    const def: StatementDef = SQL[name];
    if (params.length !== def.text.length) throw new Error(`${name}: ${params.length} values for ${def.text.length} parameters`);
    for (let i = 0; i < params.length; i++) {
      const v = params[i];
      if (typeof v === 'string' && def.text[i]) params[i] = this.bytes(v);
    }
    runPrepared(this.db, def.sql, params);
  }

  /** Queues an upsert of a tool call or model request (params[0] is its key); see pendingCalls. */
  private defer(pending: Map<string, PendingUpsert>, name: StatementName, params: SqlValue[]): void {
    if (!this.mergeUpserts) return this.run(name, params);
    const key = params[0] as string;
    const p = pending.get(key);
    if (p === undefined) {
      pending.set(key, { name, params, merged: null });
      return;
    }
    if (p.merged === null) {
      p.merged = this.merge(p, { name, params });
      if (p.merged !== null) return;
    }
    // Not mergeable (the same event twice, a third part): everything queued so far is written first, in order.
    this.writePending(pending);
    pending.set(key, { name, params, merged: null });
  }

  private writePending(pending: Map<string, PendingUpsert>): void {
    for (const p of pending.values()) {
      const u = p.merged ?? p;
      this.run(u.name, u.params);
    }
    pending.clear();
  }

  /** The one statement equivalent to `first` then `second` (see Merge); null when they do not merge. */
  private merge(first: Upsert, second: Upsert): Upsert | null {
    const merge = MERGES.get(`${first.name}+${second.name}`);
    if (merge === undefined) return null;
    const f = first.params;
    const s = second.params;
    const least = (x: SqlValue, y: SqlValue): SqlValue | undefined => this.leastText(x, y);
    const head: SqlValue[] = [f[0]];
    const n = merge.prefix === 'call' ? CALL_COLUMNS : REQUEST_COLUMNS;
    for (let i = 1; i < n; i++) {
      if (i === 3) {
        head.push(f[3]); // agent: inserted by the first upsert, never updated
        continue;
      }
      if (merge.prefix === 'call' && (i === 6 || i === 7)) continue; // (order_ms, order_seq) below
      const v = least(f[i], s[i]);
      if (v === undefined) return null;
      head.push(v);
    }
    if (merge.prefix === 'call') {
      // earliest(): the second's (ms, seq) replaces the first's only when strictly earlier.
      const [fMs, fSeq, sMs, sSeq] = [f[6], f[7], s[6], s[7]];
      if (!isNumber(fMs) || !isNumber(fSeq) || !isNumber(sMs) || !isNumber(sSeq)) return null;
      const earlier = sMs < fMs || (sMs === fMs && sSeq < fSeq);
      head.splice(6, 0, earlier ? sMs : fMs, earlier ? sSeq : fSeq);
    }
    const rest = first.name === merge.a ? merge.rest(f, s, least) : merge.rest(s, f, least);
    return rest === null ? null : { name: merge.merged, params: [...head, ...rest] };
  }

  /**
   * MIN of two text values as SQLite computes it (least()): NULL yields to the
   * other; texts compare by their UTF-8 bytes (BINARY collation), which is not
   * JS string order past U+FFFF. Undefined for a value that is not text.
   */
  private leastText(x: SqlValue, y: SqlValue): SqlValue | undefined {
    if (x === null) return typeof y === 'string' || y === null ? y : undefined;
    if (typeof x !== 'string') return undefined;
    if (y === null || y === x) return x;
    if (typeof y !== 'string') return undefined;
    return Buffer.compare(this.bytes(x), this.bytes(y)) <= 0 ? x : y;
  }

  /** UTF-8 of a text value; ids repeat within and across batches, so short ones are encoded once. */
  private bytes(text: string): Uint8Array {
    if (text.length > 256) return utf8(text);
    let b = encodedText.get(text);
    if (!b) {
      if (encodedText.size >= ENCODED_TEXT_MAX) encodedText.clear();
      b = utf8(text);
      encodedText.set(text, b);
    }
    return b;
  }

  apply(event: AgentEvent): void {
    this.noteBounds(event);
    switch (event.type) {
      case 'session.seen':
        return this.sessionSeen(event);
      case 'prompt.started':
        this.run('promptStarted', [
          event.promptId, event.sessionId, event.agent, event.text, b(event.redacted), event.length,
          event.commandName, event.commandSource, event.timeMs, event.sequence, event.timeMs, event.timeMs, event.claimsByTime === true ? 1 : 0,
        ]);
        return;
      case 'prompt.span':
        this.run('spanContext', [event.spanId, event.sessionId, event.promptId, null, event.startMs, event.startMs + (event.durationMs ?? 0)]);
        return;
      case 'model.request':
        this.defer(this.pendingRequests, 'modelRequest', [
          this.requestKey(event.sessionId, event.requestId, event.key), event.sessionId, event.promptId, event.agent, event.requestId,
          event.traceId, event.contextSpanId, event.model, event.modelGroup, event.timeMs, event.sequence ?? NO_SEQ,
          event.durationMs, event.tokens.input, event.tokens.output, event.tokens.cacheRead, event.tokens.cacheWrite,
          event.costMicros, event.querySource, event.agentName,
        ]);
        return;
      case 'api.error':
        this.defer(this.pendingRequests, 'apiError', [
          this.requestKey(event.sessionId, event.requestId, event.key), event.sessionId, event.promptId, event.agent, event.requestId,
          event.traceId, event.contextSpanId, event.model, event.modelGroup, event.timeMs, event.sequence ?? NO_SEQ,
          event.durationMs, event.error, event.statusCode, event.attempts,
        ]);
        return;
      case 'model.request.span': {
        const t = event.tokens;
        this.defer(this.pendingRequests, 'modelSpan', [
          this.requestKey(event.sessionId, event.requestId, event.key), event.sessionId, event.promptId, event.agent, event.requestId,
          event.traceId, event.contextSpanId, event.model, event.startMs, event.durationMs,
          t?.input ?? null, t?.output ?? null, t?.cacheRead ?? null, t?.cacheWrite ?? null,
          event.attempts, b(event.success), event.error, event.statusCode, event.agentId,
        ]);
        return;
      }
      case 'model.response':
        this.defer(this.pendingRequests, 'modelResponse', [
          this.requestKey(event.sessionId, event.requestId, event.key), event.sessionId, event.promptId, event.agent, event.requestId,
          event.traceId, event.contextSpanId, event.text, event.length, b(event.redacted),
        ]);
        return;
      case 'tool.decision': {
        const key = this.callKey(event.sessionId, event.callId, null, event.key, event.joinKey);
        this.defer(this.pendingCalls, 'toolDecision', [
          key, event.sessionId, event.promptId, event.agent, event.callId, event.tool, event.timeMs, event.sequence ?? NO_SEQ,
          event.traceId, event.decision, event.rawDecision, event.source, event.timeMs, event.contextSpanId, json(event.input),
          json(event.edit),
        ]);
        return;
      }
      case 'tool.result': {
        const key = this.callKey(event.sessionId, event.callId, null, event.key, event.joinKey);
        this.defer(this.pendingCalls, 'toolResult', [
          key, event.sessionId, event.promptId, event.agent, event.callId, event.tool, event.timeMs, event.sequence ?? NO_SEQ,
          event.traceId, b(event.success), event.durationMs, event.errorType, event.error, event.timeMs, json(event.input),
          event.decision, event.decisionSource, event.contextSpanId, json(event.edit),
        ]);
        this.touches(key, event.sessionId, event.files, event.timeMs);
        return;
      }
      case 'tool.span': {
        const key = this.callKey(event.sessionId, event.callId, event.spanId, event.key, event.joinKey);
        this.defer(this.pendingCalls, 'toolSpan', [
          key, event.sessionId, event.promptId, event.agent, event.callId, event.tool, event.startMs, NO_SEQ, event.traceId,
          event.spanId, event.startMs, event.durationMs, event.fullCommand, event.agentId, event.subagentType, event.contextSpanId,
          json(event.edit),
        ]);
        this.touches(key, event.sessionId, event.files, event.startMs);
        return;
      }
      case 'tool.execution': {
        const key = this.callKey(event.sessionId, event.callId, event.toolSpanId, event.key, event.joinKey);
        // A subagent's records name this span: it is how they find the call that started them.
        this.defer(this.pendingCalls, 'toolExecution', [
          key, event.sessionId, event.promptId, event.agent, event.callId, null, event.startMs, NO_SEQ, event.traceId,
          b(event.success), event.durationMs, event.error, event.spanId, event.subagentType ?? null,
        ]);
        this.run('spanContext', [event.spanId, event.sessionId, null, key, null, null]);
        return;
      }
      case 'tool.wait':
        this.run('toolWait', [
          event.spanId, event.sessionId, event.toolSpanId, event.decision, event.rawDecision, event.source, event.waitMs, event.timeMs,
        ]);
        return;
      case 'compaction':
        return this.step(event, 'compaction', 'compaction', event.durationMs, event.success, {
          trigger: event.trigger, preTokens: event.preTokens, postTokens: event.postTokens, error: event.error,
        });
      case 'hook':
        return this.step(event, 'hook', `hook_${event.phase}`, event.durationMs, null, {
          hookEvent: event.hookEvent, hookName: event.hookName, numHooks: event.numHooks,
          numSuccess: event.numSuccess, numBlocking: event.numBlocking,
        });
      case 'subagent.completed':
        return this.step(event, 'subagent', 'subagent_completed', event.durationMs, null, {
          agentType: event.agentType, totalTokens: event.totalTokens, totalToolUses: event.totalToolUses, model: event.model,
        });
      case 'generic':
        return this.step(event, 'event', event.name, null, null, { recognized: event.recognized, attributes: event.attributes });
      case 'metric':
        this.run('metric', [
          event.key, event.sessionId, event.agent, event.name, event.metric, event.series, event.model, event.modelGroup,
          event.querySource, event.temporality, event.startMs, event.timeMs, event.value, json(event.labels),
        ]);
        return;
      case 'session.cwd':
        if (event.sessionId !== null) this.run('sessionCwd', [event.sessionId, event.agent, event.path, event.timeMs, event.sequence ?? NO_SEQ]);
        return;
    }
  }

  /** Writes what was aggregated over the batch and attributes span-only facts to prompts. */
  flush(): void {
    this.writePending(this.pendingCalls);
    this.writePending(this.pendingRequests);
    for (const sessionId of this.batchSessions.keys()) this.resolveRelativePaths(sessionId);
    for (const [id, s] of this.sessions) {
      const seen = s.first <= s.last;
      this.run('session', [
        id, s.agent, s.userId, s.userEmail, s.accountId, s.organizationId, s.serviceName, s.serviceVersion,
        s.terminalType, s.workspace, seen ? s.first : null, seen ? s.last : null,
      ]);
    }
    for (const [id, p] of this.prompts) this.run('promptBounds', [id, p.sessionId, p.agent, p.first, p.last]);
    for (const [spanId, promptId] of this.spanPrompts) this.run('spanContext', [spanId, null, promptId, null, null, null]);
    this.sessions.clear();
    this.prompts.clear();
    this.spanPrompts.clear();
    this.resolvePrompts();
    this.fillTouchSessions();
    for (const [sessionId, fromMs] of this.batchSessions) this.claimByTime(sessionId, fromMs);
    this.batchSessions.clear();
  }

  /** Attributes the session's facts without a prompt to its claiming prompts by time (Codex); nothing for other agents. */
  private claimByTime(sessionId: string, fromMs: number): void {
    if (firstRowPrepared(this.db, HAS_CLAIMS, [sessionId]) === null) return;
    const claimant = Number(firstRowPrepared(this.db, CLAIMANT_BEFORE, [sessionId, fromMs])?.[0] ?? 0);
    for (const sql of CLAIMS) runPrepared(this.db, sql, [sessionId, fromMs, claimant]);
    runPrepared(this.db, CLAIMED_BOUNDS, [sessionId, claimant]);
  }

  /**
   * Paths the agent sent relative to its working directory (Codex apply_patch)
   * are resolved once the session's cwd is known, and again if an earlier cwd
   * turns up later (raw_path keeps what was sent): the same whatever order
   * records arrive in.
   */
  private resolveRelativePaths(sessionId: string): void {
    const row = firstRowPrepared(this.db, 'SELECT cwd FROM sessions WHERE id = ?', [sessionId]);
    const cwd = row === null ? null : row[0];
    if (typeof cwd !== 'string' || !isAbsolutePath(cwd)) return;
    for (const [callKey, access, path, rawPath, timeMs] of this.all(RELATIVE_TOUCHES, [sessionId])) {
      const raw = typeof rawPath === 'string' ? rawPath : String(path);
      if (isAbsolutePath(raw)) continue;
      const resolved = joinPath(cwd, raw);
      if (resolved === path) continue;
      runPrepared(this.db, 'DELETE FROM file_touches WHERE call_key = ? AND access = ? AND path = ?', [callKey, access, path]);
      const match = matchWorkspace(resolved, this.roots);
      this.run('resolvedTouch', [String(callKey), String(access), resolved, raw, sessionId, match?.relativePath ?? null, match?.root ?? null, timeMs]);
      if (match) runPrepared(this.db, SESSION_WORKSPACE, [match.root, match.root, sessionId]);
    }
  }

  /** Gives touches the session their call got from its prompt, and that session the touched workspace. */
  private fillTouchSessions(): void {
    for (const [callKey, access, path, sessionId, root] of this.all(SESSIONLESS_TOUCHES, [])) {
      runPrepared(this.db, 'UPDATE file_touches SET session_id = ? WHERE call_key = ? AND access = ? AND path = ?', [sessionId, callKey, access, path]);
      if (root !== null) runPrepared(this.db, SESSION_WORKSPACE, [root, root, sessionId]);
    }
  }

  private all(sql: string, params: SqlValue[]): SqlValue[][] {
    return withPrepared(this.db, sql, (stmt) => {
      const out: SqlValue[][] = [];
      try {
        stmt.bind(params);
        while (stmt.step()) out.push(stmt.get());
      } finally {
        stmt.reset();
      }
      return out;
    });
  }

  /** A subagent's call is attributed through its parent call, so repeat while a pass still finds something. */
  private resolvePrompts(): void {
    for (let pass = 0; pass < 4; pass++) {
      let changed = 0;
      for (const sql of RESOLVE) {
        runPrepared(this.db, sql, []);
        changed += this.db.getRowsModified();
      }
      if (changed === 0) return;
    }
  }

  close(): void {
    // Nothing held: the text cache is shared (see encodedText).
  }

  /** Ids of the sessions the model has seen activity of at or after `ms`. */
  sessionsActiveSince(ms: number): Set<string> {
    const rows = this.db.exec('SELECT id FROM sessions WHERE last_ms >= ?', [ms])[0]?.values ?? [];
    return new Set(rows.map((r) => String(r[0])));
  }

  /** Ids of the sessions whose last activity is before `ms`. */
  sessionsIdleSince(ms: number): string[] {
    const rows = this.db.exec('SELECT id FROM sessions WHERE last_ms < ?', [ms])[0]?.values ?? [];
    return rows.map((r) => String(r[0]));
  }

  /**
   * Deletes every model row of these sessions (whole sessions: no half prompt
   * stays), and rows that name no session whose time is before `sessionlessBeforeMs`.
   * Returns how many rows were deleted.
   */
  deleteSessions(sessionIds: readonly string[], sessionlessBeforeMs: number): number {
    const db = this.db;
    const ids = JSON.stringify(sessionIds);
    const inSessions = '(SELECT value FROM json_each(?1))';
    let rows = 0;
    const run = (sql: string, params: SqlValue[]): void => {
      db.run(sql, params);
      rows += db.getRowsModified();
    };
    // Span context first: rows written from log records carry the prompt but no session, execution spans the call.
    run(
      `DELETE FROM span_context WHERE session_id IN ${inSessions}
         OR prompt_id IN (SELECT id FROM prompts WHERE session_id IN ${inSessions})
         OR call_key IN (SELECT key FROM tool_calls WHERE session_id IN ${inSessions})`,
      [ids],
    );
    run(`DELETE FROM file_touches WHERE session_id IN ${inSessions} OR call_key IN (SELECT key FROM tool_calls WHERE session_id IN ${inSessions})`, [ids]);
    for (const table of ['prompts', 'model_requests', 'tool_calls', 'tool_waits', 'steps', 'metric_points']) {
      run(`DELETE FROM ${table} WHERE session_id IN ${inSessions}`, [ids]);
    }
    run(`DELETE FROM sessions WHERE id IN ${inSessions}`, [ids]);
    // Rows of no session, by their own time.
    const before = sessionlessBeforeMs;
    for (const [table, time] of [
      ['prompts', 'last_ms'],
      ['model_requests', 'COALESCE(time_ms, span_start_ms)'],
      ['tool_calls', 'order_ms'],
      ['tool_waits', 'time_ms'],
      ['file_touches', 'time_ms'],
      ['steps', 'time_ms'],
      ['metric_points', 'time_ms'],
    ] as const) {
      run(`DELETE FROM ${table} WHERE session_id IS NULL AND ${time} < ?`, [before]);
    }
    run('DELETE FROM span_context WHERE session_id IS NULL AND prompt_id IS NULL AND call_key IS NULL', []);
    return rows;
  }

  private requestKey(sessionId: string | null, requestId: string | null, eventKey: string): string {
    return requestId === null ? eventKey : `${sessionId ?? ''}${SEP}req${SEP}${requestId}`;
  }

  /**
   * A call is its call id; spans without one are keyed by the tool span so their parts still meet.
   * An adapter's join key (Gemini CLI, GenAI spans) names the call across all its parts and wins.
   */
  private callKey(sessionId: string | null, callId: string | null, toolSpanId: string | null, eventKey: string, joinKey?: string | null): string {
    if (joinKey !== undefined && joinKey !== null) return `join${SEP}${joinKey}`;
    if (callId !== null) return `${sessionId ?? ''}${SEP}call${SEP}${callId}`;
    if (toolSpanId !== null) return `${sessionId ?? ''}${SEP}span${SEP}${toolSpanId}`;
    return eventKey;
  }

  private touches(callKey: string, sessionId: string | null, files: readonly FileRef[], timeMs: number): void {
    for (const f of files) {
      let match = this.matches.get(f.path);
      if (match === undefined) {
        match = matchWorkspace(f.path, this.roots);
        this.matches.set(f.path, match);
      }
      this.run('fileTouch', [callKey, f.access, f.path, sessionId, match?.relativePath ?? null, match?.root ?? null, timeMs]);
      if (match && sessionId !== null) {
        const s = this.sessionAggregate(sessionId, null);
        if (s) s.workspace = minStr(s.workspace, match.root);
      }
    }
  }

  private step(
    event: AgentEvent,
    kind: 'compaction' | 'hook' | 'subagent' | 'event',
    name: string,
    durationMs: number | null,
    success: boolean | null,
    detail: Record<string, unknown>,
  ): void {
    this.run('step', [
      event.key, event.sessionId, event.promptId, event.agent, kind, name, event.timeMs, event.sequence ?? NO_SEQ,
      durationMs, b(success), JSON.stringify(detail), event.traceId, event.contextSpanId,
    ]);
  }

  private sessionAggregate(sessionId: string, agent: string | null): SessionAggregate | null {
    let s = this.sessions.get(sessionId);
    if (!s) {
      if (agent === null) return null;
      s = {
        agent, userId: null, userEmail: null, accountId: null, organizationId: null, serviceName: null,
        serviceVersion: null, terminalType: null, workspace: null, first: Number.MAX_SAFE_INTEGER, last: 0,
      };
      this.sessions.set(sessionId, s);
    }
    return s;
  }

  private sessionSeen(e: Extract<AgentEvent, { type: 'session.seen' }>): void {
    if (e.sessionId === null) return;
    const s = this.sessionAggregate(e.sessionId, e.agent);
    if (!s) return;
    s.userId = minStr(s.userId, e.userId);
    s.userEmail = minStr(s.userEmail, e.userEmail);
    s.accountId = minStr(s.accountId, e.accountId);
    s.organizationId = minStr(s.organizationId, e.organizationId);
    s.serviceName = minStr(s.serviceName, e.serviceName);
    s.serviceVersion = maxStr(s.serviceVersion, e.serviceVersion);
    s.terminalType = minStr(s.terminalType, e.terminalType);
    if (e.workspacePaths.length > 0) s.workspace = minStr(s.workspace, e.workspacePaths[0]);
  }

  /** First/last times of sessions and prompts, and which prompt a log record's span belongs to. */
  private noteBounds(e: AgentEvent): void {
    const t = e.timeMs;
    if (e.sessionId !== null && e.type !== 'metric') {
      const known = this.batchSessions.get(e.sessionId);
      if (known === undefined || t < known) this.batchSessions.set(e.sessionId, t);
    }
    if (e.sessionId !== null && t > 0) {
      const s = this.sessionAggregate(e.sessionId, e.agent);
      if (s) {
        if (t < s.first) s.first = t;
        if (t > s.last) s.last = t;
      }
    }
    if (e.promptId === null || e.type === 'session.seen') return;
    let p = this.prompts.get(e.promptId);
    if (!p) {
      p = { sessionId: e.sessionId, agent: e.agent, first: t, last: t };
      this.prompts.set(e.promptId, p);
    } else {
      if (t < p.first) p.first = t;
      if (t > p.last) p.last = t;
      p.sessionId = minStr(p.sessionId, e.sessionId);
    }
    if (e.contextSpanId !== null && e.type !== 'metric') {
      const known = this.spanPrompts.get(e.contextSpanId);
      this.spanPrompts.set(e.contextSpanId, known === undefined ? e.promptId : (minStr(known, e.promptId) ?? e.promptId));
    }
  }
}
