// Read side of the agent model: sessions, prompts (the CLI's `prompts --json`
// contract), the ordered steps of a prompt, and files touched. The database
// handle stays inside; callers get plain JSON-ready objects.
//
// A tool call is assembled here from its parts (decision event, result event,
// tool span, permission-wait span, execution span) with fixed precedence:
// the agent's events first, spans where events are silent (a call refused in
// `-p` mode exists only as spans). Cost is the agent's own integer micro-dollars
// where it sent them, else an estimate from the price table, marked so.

import type { AgentKind } from '../model/agentKind';
import { agentReportsCost, isAgentKind } from '../model/agentKind';
import type { FileAccess, InputSummary, TokenCounts, ToolEdit } from '../model/events';
import { modelGroup } from '../model/modelName';
import { BUILTIN_PRICE_TABLE, estimateCostMicros, priceFor, type PriceTable } from '../model/priceTable';
import type {
  CostSource,
  FileSummary,
  FileTouchRef,
  FileTouchView,
  ModelRequestStep,
  PromptDetails,
  PromptFile,
  PromptStep,
  PromptSummary,
  SessionSummary,
  ToolCallSummary,
} from '../model/views';
import type { SqlDatabase, SqlStatement, SqlValue } from './sqlJs';

export interface ModelRepositoryOptions {
  readonly priceTable?: PriceTable;
}

export interface PromptQuery {
  readonly sessionId?: string;
  /** Prompts active at or after this time (ms). */
  readonly fromMs?: number;
  /** Prompts started at or before this time (ms). */
  readonly toMs?: number;
}

export interface FileQuery {
  readonly sessionId?: string;
}

type Row = Record<string, SqlValue>;

const NO_SEQ = Number.MAX_SAFE_INTEGER;

function str(row: Row, col: string): string | null {
  const v = row[col];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

function num(row: Row, col: string): number | null {
  const v = row[col];
  return typeof v === 'number' ? v : null;
}

function flag(row: Row, col: string): boolean | null {
  const v = num(row, col);
  return v === null ? null : v !== 0;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

function agentOf(row: Row): AgentKind {
  const a = str(row, 'agent');
  return a !== null && isAgentKind(a) ? a : 'unknown';
}

const ZERO_TOKENS: TokenCounts = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

function addTokens(a: TokenCounts, b: TokenCounts): TokenCounts {
  return { input: a.input + b.input, output: a.output + b.output, cacheRead: a.cacheRead + b.cacheRead, cacheWrite: a.cacheWrite + b.cacheWrite };
}

/** One model request as the views need it, whichever of event, span and error reported it. */
interface RequestFacts {
  readonly key: string;
  /** A request that returned (api_request event, or a successful span when the event is missing). */
  readonly counted: boolean;
  /** A request that failed for good (api_error, or a failed span alone). */
  readonly failed: boolean;
  readonly requestId: string | null;
  readonly model: string | null;
  readonly modelGroup: string | null;
  readonly tokens: TokenCounts;
  readonly agentCostMicros: number | null;
  readonly timeMs: number | null;
  readonly seq: number;
  readonly durationMs: number | null;
  readonly attempts: number | null;
  readonly row: Row;
}

function requestFacts(row: Row): RequestFacts {
  const hasEvent = flag(row, 'has_event') === true;
  const apiError = flag(row, 'api_error') === true;
  const spanSuccess = flag(row, 'span_success');
  const spanTokens = num(row, 'span_input_tokens') !== null || num(row, 'span_output_tokens') !== null;
  const tokens: TokenCounts = hasEvent
    ? {
        input: num(row, 'input_tokens') ?? 0,
        output: num(row, 'output_tokens') ?? 0,
        cacheRead: num(row, 'cache_read_tokens') ?? 0,
        cacheWrite: num(row, 'cache_write_tokens') ?? 0,
      }
    : spanTokens && !apiError
      ? {
          input: num(row, 'span_input_tokens') ?? 0,
          output: num(row, 'span_output_tokens') ?? 0,
          cacheRead: num(row, 'span_cache_read_tokens') ?? 0,
          cacheWrite: num(row, 'span_cache_write_tokens') ?? 0,
        }
      : ZERO_TOKENS;
  const spanStart = num(row, 'span_start_ms');
  const spanEnd = spanStart === null ? null : spanStart + (num(row, 'span_duration_ms') ?? 0);
  const model = str(row, 'model') ?? str(row, 'span_model');
  const attempts = [num(row, 'span_attempts'), num(row, 'error_attempts')].filter((x): x is number => x !== null);
  return {
    key: str(row, 'key') ?? '',
    counted: !apiError && (hasEvent || spanSuccess === true),
    failed: apiError || (!hasEvent && spanSuccess === false),
    requestId: str(row, 'request_id'),
    model,
    modelGroup: str(row, 'model_group') ?? modelGroup(model),
    tokens,
    agentCostMicros: hasEvent ? num(row, 'cost_micros') : null,
    // Events are logged when the request ends; a span-only request is placed at its end too.
    timeMs: hasEvent || apiError ? (num(row, 'time_ms') ?? spanEnd) : spanEnd,
    seq: hasEvent || apiError ? (num(row, 'seq') ?? NO_SEQ) : NO_SEQ,
    durationMs: num(row, 'duration_ms') ?? num(row, 'span_duration_ms'),
    attempts: attempts.length > 0 ? Math.max(...attempts) : null,
    row,
  };
}

/** Sums request costs exactly (integer micro-dollars) and remembers whether any part was estimated. */
class CostTally {
  micros = 0;
  private estimated = false;
  private agentFigures = 0;
  unpricedTokens = 0;

  constructor(private readonly prices: PriceTable) {}

  /** Adds one request; returns its cost and where the figure came from. */
  add(r: RequestFacts): { micros: number; source: CostSource } {
    if (!r.counted) return { micros: 0, source: 'agent' };
    if (r.agentCostMicros !== null) {
      this.micros += r.agentCostMicros;
      this.agentFigures++;
      return { micros: r.agentCostMicros, source: 'agent' };
    }
    this.estimated = true;
    const match = priceFor(this.prices, r.modelGroup);
    if (match === null) {
      this.unpricedTokens += r.tokens.input + r.tokens.output + r.tokens.cacheRead + r.tokens.cacheWrite;
      return { micros: 0, source: 'estimated' };
    }
    const micros = estimateCostMicros(r.tokens, match.price);
    this.micros += micros;
    return { micros, source: 'estimated' };
  }

  source(agent: AgentKind): CostSource {
    if (this.estimated) return 'estimated';
    if (this.agentFigures > 0) return 'agent';
    // Nothing was spent: the figure is as good as the agent's own if it reports costs at all.
    return agentReportsCost(agent) ? 'agent' : 'estimated';
  }

  priceTableVersion(): string | null {
    return this.estimated ? this.prices.version : null;
  }
}

interface Decided {
  readonly decision: 'accept' | 'reject' | null;
  readonly source: string | null;
  readonly raw: string | null;
}

function asDecision(v: string | null): 'accept' | 'reject' | null {
  return v === 'accept' || v === 'reject' ? v : null;
}

/**
 * The decision event wins; then a decision repeated on the result; then the
 * permission-wait span (the only trace of a call refused without asking).
 * The span's `unknown` source is kept when the span is all there is.
 * `call` is a row of CALL_SQL: the call's columns plus its wait as `w_*`.
 */
function resolveDecision(call: Row): Decided {
  const waitDecision = asDecision(str(call, 'w_decision'));
  const waitSource = str(call, 'w_source');
  const knownWaitSource = waitSource === 'unknown' ? null : waitSource;
  const logged = asDecision(str(call, 'decision'));
  if (logged !== null) {
    return { decision: logged, source: str(call, 'decision_source') ?? str(call, 'result_decision_source') ?? knownWaitSource, raw: str(call, 'raw_decision') };
  }
  const onResult = asDecision(str(call, 'result_decision'));
  if (onResult !== null) return { decision: onResult, source: str(call, 'result_decision_source') ?? knownWaitSource, raw: null };
  if (waitDecision !== null) return { decision: waitDecision, source: waitSource, raw: str(call, 'w_raw_decision') };
  return { decision: null, source: null, raw: str(call, 'raw_decision') };
}

/** The result event's verdict; the execution span's where the event is missing; null when the tool never ran. */
function successOf(call: Row): boolean | null {
  return (flag(call, 'has_result') === true ? flag(call, 'success') : null) ?? flag(call, 'exec_success');
}

const isWrite = (a: FileAccess): boolean => a !== 'read';

/** Read statements, prepared once per database and reused by every call (preparing CALL_SQL costs more than running it for one file). */
const readStatements = new WeakMap<SqlDatabase, Map<string, { stmt: SqlStatement; names: string[] }>>();

/**
 * Reads inside one savepoint (one lock and one journal check instead of one
 * per statement), with statements prepared once per database and reset after
 * each use. A statement freed behind our back (an export() that reopened the
 * connection, before sql.js 1.17) is prepared again.
 */
class Reader {
  private readonly cache: Map<string, { stmt: SqlStatement; names: string[] }>;

  constructor(private readonly db: SqlDatabase) {
    let cache = readStatements.get(db);
    if (!cache) {
      cache = new Map();
      readStatements.set(db, cache);
    }
    this.cache = cache;
    db.run('SAVEPOINT model_read');
  }

  all(sql: string, params: SqlValue[] = []): Row[] {
    let cached = this.cache.get(sql);
    if (cached) {
      try {
        cached.stmt.bind(params);
      } catch (err) {
        if (!String(err).includes('Statement closed')) throw err;
        cached = undefined;
      }
    }
    if (!cached) {
      const stmt = this.db.prepare(sql);
      cached = { stmt, names: stmt.getColumnNames() };
      this.cache.set(sql, cached);
      stmt.bind(params);
    }
    const { stmt, names } = cached;
    const rows: Row[] = [];
    try {
      // get() + names read once: getAsObject() decodes every column name again on every row.
      while (stmt.step()) {
        const values = stmt.get();
        const row: Row = {};
        for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
        rows.push(row);
      }
    } finally {
      stmt.reset();
    }
    return rows;
  }

  one(sql: string, params: SqlValue[] = []): Row | null {
    return this.all(sql, params)[0] ?? null;
  }

  close(): void {
    this.db.run('RELEASE model_read');
  }
}

function groupBy(rows: readonly Row[], col: string): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const row of rows) {
    const k = str(row, col);
    if (k === null) continue;
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/**
 * Tool calls with their permission wait (`w_*`: by the tool span, else by the
 * decision event's span) and, for calls made inside a subagent, the call that
 * started it (`parent_*`, through the span the call ran in).
 */
const CALL_COLUMNS = [
  'key', 'session_id', 'prompt_id', 'call_id', 'tool', 'order_ms', 'order_seq', 'decision', 'raw_decision', 'decision_source',
  'result_decision', 'result_decision_source', 'has_result', 'success', 'exec_success', 'duration_ms', 'exec_duration_ms',
  'span_duration_ms', 'error_type', 'error', 'exec_error', 'input_summary', 'decision_input', 'full_command', 'edit', 'decision_edit',
  'span_edit', 'span_id', 'exec_span_id',
].map((c) => `tc.${c}`).join(', ');

/** Request columns the views read (the response text only for steps). */
const REQUEST_COLUMNS = [
  'key', 'session_id', 'prompt_id', 'request_id', 'model', 'model_group', 'time_ms', 'seq', 'duration_ms', 'input_tokens',
  'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'cost_micros', 'query_source', 'agent_name', 'has_event',
  'api_error', 'error', 'status_code', 'error_attempts', 'span_attempts', 'span_success', 'span_error', 'span_status_code',
  'span_model', 'span_start_ms', 'span_duration_ms', 'span_input_tokens', 'span_output_tokens', 'span_cache_read_tokens',
  'span_cache_write_tokens', 'response_length',
].join(', ');

const CALL_SQL = (where: string): string => `
  SELECT ${CALL_COLUMNS},
    w.decision AS w_decision, w.raw_decision AS w_raw_decision, w.source AS w_source, w.wait_ms AS w_wait_ms,
    parent.call_id AS parent_call_id, parent.subagent_type AS parent_subagent_type,
    parent.input_summary AS parent_input_summary, parent.decision_input AS parent_decision_input
  FROM tool_calls tc
  LEFT JOIN tool_waits w ON w.span_id = COALESCE(
    (SELECT w1.span_id FROM tool_waits w1 WHERE w1.tool_span_id = tc.span_id ORDER BY w1.span_id LIMIT 1),
    (SELECT w2.span_id FROM tool_waits w2 WHERE w2.span_id = tc.decision_span_id))
  LEFT JOIN span_context sc ON sc.span_id = tc.context_span_id
  LEFT JOIN tool_calls parent ON parent.key = sc.call_key AND parent.key != tc.key
  WHERE ${where}
  ORDER BY tc.order_ms, tc.order_seq, tc.key`;

/**
 * The touches of one file, by the path as sent or relative to its workspace:
 * two index searches (file_touches_path covers every column read) rather than
 * an OR, which would look each touch up again by its primary key.
 */
const TOUCHES_OF_PATH = `(
  SELECT call_key, access, path, time_ms, session_id, relative_path FROM file_touches WHERE path = ?1
  UNION ALL
  SELECT call_key, access, path, time_ms, session_id, relative_path FROM file_touches WHERE relative_path = ?1 AND path != ?1
) ft`;

/**
 * File touches with what the views say of their call: one statement, and only
 * the call columns resolveDecision() and successOf() read (the decoded text of
 * every row is most of a read's cost).
 */
const TOUCH_SQL = (where: string, from = 'file_touches ft'): string => `
  SELECT ft.path, ft.relative_path, ft.access, ft.time_ms, ft.session_id,
    tc.key, tc.prompt_id, tc.call_id, tc.tool, tc.decision, tc.raw_decision, tc.decision_source, tc.result_decision,
    tc.result_decision_source, tc.has_result, tc.success, tc.exec_success,
    w.decision AS w_decision, w.raw_decision AS w_raw_decision, w.source AS w_source
  FROM ${from}
  LEFT JOIN tool_calls tc ON tc.key = ft.call_key
  LEFT JOIN tool_waits w ON w.span_id = COALESCE(
    (SELECT w1.span_id FROM tool_waits w1 WHERE w1.tool_span_id = tc.span_id ORDER BY w1.span_id LIMIT 1),
    (SELECT w2.span_id FROM tool_waits w2 WHERE w2.span_id = tc.decision_span_id))
  WHERE ${where}
  ORDER BY ft.time_ms, ft.path, ft.call_key, ft.access`;

const FILES_SQL = (callWhere: string): string => `
  SELECT ft.call_key, ft.path, ft.relative_path, ft.access, MIN(ft.time_ms) AS time_ms
  FROM file_touches ft WHERE ft.call_key IN (SELECT tc.key FROM tool_calls tc WHERE ${callWhere})
  GROUP BY ft.call_key, ft.path, ft.access ORDER BY ft.call_key, MIN(ft.time_ms), ft.path, ft.access`;

interface CallView {
  readonly summary: ToolCallSummary;
  readonly timeMs: number | null;
  readonly seq: number;
  readonly key: string;
  /** A part with no call id and no span (Claude Cowork, Claude Code before tool_use_id): its decision alone, or its result alone. */
  readonly lone: 'decision' | 'result' | null;
}

function toolCallView(row: Row, files: readonly Row[]): CallView {
  const decided = resolveDecision(row);
  const parentCallId = str(row, 'parent_call_id');
  const parentInput = parseJson<InputSummary>(str(row, 'parent_input_summary')) ?? parseJson<InputSummary>(str(row, 'parent_decision_input'));
  const input = parseJson<InputSummary>(str(row, 'input_summary')) ?? parseJson<InputSummary>(str(row, 'decision_input'));
  const fullCommand = str(row, 'full_command');
  const touches: FileTouchRef[] = files.map((f) => ({
    path: str(f, 'path') ?? '',
    relativePath: str(f, 'relative_path'),
    access: (str(f, 'access') ?? 'read') as FileAccess,
  }));
  const key = str(row, 'key') ?? '';
  const timeMs = num(row, 'order_ms');
  const unlinked = str(row, 'call_id') === null && str(row, 'span_id') === null && str(row, 'exec_span_id') === null;
  const hasResult = flag(row, 'has_result') === true;
  const hasDecision = str(row, 'decision') !== null;
  return {
    key,
    timeMs,
    lone: !unlinked ? null : hasDecision && !hasResult ? 'decision' : hasResult && !hasDecision ? 'result' : null,
    seq: num(row, 'order_seq') ?? NO_SEQ,
    summary: {
      tool: str(row, 'tool'),
      callId: str(row, 'call_id'),
      decision: decided.decision,
      decisionSource: decided.source,
      success: successOf(row),
      files: [...new Set(touches.map((t) => t.path))],
      fileTouches: touches,
      rawDecision: decided.raw,
      startedAt: iso(timeMs),
      durationMs: num(row, 'duration_ms') ?? num(row, 'exec_duration_ms') ?? num(row, 'span_duration_ms'),
      waitMs: num(row, 'w_wait_ms'),
      errorType: str(row, 'error_type'),
      error: str(row, 'error') ?? str(row, 'exec_error'),
      input: input ?? (fullCommand !== null ? { command: fullCommand } : null),
      parentCallId,
      subagentType: str(row, 'parent_subagent_type') ?? parentInput?.subagentType ?? null,
      // The result's copy of the input first (it is what ran), then the decision's, then the span's.
      edit: parseJson<ToolEdit>(str(row, 'edit')) ?? parseJson<ToolEdit>(str(row, 'decision_edit')) ?? parseJson<ToolEdit>(str(row, 'span_edit')),
    },
  };
}

/**
 * Calls whose parts carry no call id (Claude Cowork documents none) arrive as a
 * decision and a result that nothing links. Within a prompt, each accepted
 * decision is paired with the next result of the same tool in event.sequence
 * order (then time), so the pairing is the same whatever order the records
 * arrived in. A refused decision has no result; a result with no decision
 * before it stays alone. The pair reads as one call: the decision's time,
 * decision and source, the result's outcome, input, files and edit.
 */
export function pairLoneParts<T extends Pick<CallView, 'summary' | 'timeMs' | 'seq' | 'key' | 'lone'>>(calls: readonly T[]): T[] {
  const ordered = calls
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.lone !== null)
    .sort((a, b) => a.c.seq - b.c.seq || (a.c.timeMs ?? 0) - (b.c.timeMs ?? 0) || (a.c.key < b.c.key ? -1 : a.c.key > b.c.key ? 1 : 0));
  const waiting = new Map<string, number[]>();
  const merged = new Map<number, T>();
  const absorbed = new Set<number>();
  for (const { c, i } of ordered) {
    const tool = c.summary.tool ?? '';
    if (c.lone === 'decision') {
      if (c.summary.decision === 'reject') continue;
      const queue = waiting.get(tool);
      if (queue) queue.push(i);
      else waiting.set(tool, [i]);
      continue;
    }
    const d = waiting.get(tool)?.shift();
    if (d === undefined) continue;
    const decision = calls[d];
    const r = c.summary;
    merged.set(d, {
      ...decision,
      lone: null,
      summary: {
        ...decision.summary,
        success: r.success,
        files: r.files,
        fileTouches: r.fileTouches,
        durationMs: r.durationMs ?? decision.summary.durationMs,
        errorType: r.errorType,
        error: r.error,
        input: r.input ?? decision.summary.input,
        edit: r.edit ?? decision.summary.edit,
        decisionSource: decision.summary.decisionSource ?? r.decisionSource,
      },
    });
    absorbed.add(i);
  }
  return calls.flatMap((c, i) => (absorbed.has(i) ? [] : [merged.get(i) ?? c]));
}

/** What one set of prompts needs, fetched in a handful of statements rather than several per prompt. */
interface PromptRows {
  readonly requests: Map<string, Row[]>;
  readonly calls: Map<string, CallView[]>;
  readonly interactionEnd: Map<string, number>;
}

export class ModelRepository {
  readonly #db: SqlDatabase;
  readonly #prices: PriceTable;

  constructor(db: SqlDatabase, options: ModelRepositoryOptions = {}) {
    this.#db = db;
    this.#prices = options.priceTable ?? BUILTIN_PRICE_TABLE;
  }

  private read<T>(work: (r: Reader) => T): T {
    const reader = new Reader(this.#db);
    try {
      return work(reader);
    } finally {
      reader.close();
    }
  }

  // ── sessions ──────────────────────────────────────────────────────────

  listSessions(): SessionSummary[] {
    return this.read((r) => {
      const requests = groupBy(r.all(`SELECT ${REQUEST_COLUMNS} FROM model_requests WHERE session_id IS NOT NULL`), 'session_id');
      const counts = new Map<string, { prompts: number; calls: number }>();
      // One pass over prompts and calls each (no per-session subquery: tool_calls has no session index).
      for (const row of r.all(`SELECT session_id, SUM(prompts) AS prompts, SUM(calls) AS calls FROM (
          SELECT session_id, COUNT(*) AS prompts, 0 AS calls FROM prompts WHERE session_id IS NOT NULL GROUP BY session_id
          UNION ALL
          SELECT session_id, 0, COUNT(*) FROM tool_calls WHERE session_id IS NOT NULL GROUP BY session_id
        ) GROUP BY session_id`)) {
        counts.set(str(row, 'session_id') ?? '', { prompts: num(row, 'prompts') ?? 0, calls: num(row, 'calls') ?? 0 });
      }
      const lines = this.lines(r);
      return r.all('SELECT * FROM sessions ORDER BY last_ms DESC, id').map((s) => {
        const id = str(s, 'id') ?? '';
        const agent = agentOf(s);
        const tally = new CostTally(this.#prices);
        let tokens = ZERO_TOKENS;
        let apiRequests = 0;
        let apiErrors = 0;
        const models = new Set<string>();
        for (const row of requests.get(id) ?? []) {
          const req = requestFacts(row);
          tally.add(req);
          if (req.counted) {
            apiRequests++;
            tokens = addTokens(tokens, req.tokens);
            if (req.modelGroup !== null) models.add(req.modelGroup);
          }
          if (req.failed) apiErrors++;
        }
        return {
          id,
          agent,
          userId: str(s, 'user_id'),
          userEmail: str(s, 'user_email'),
          workspace: str(s, 'workspace'),
          serviceVersion: str(s, 'service_version'),
          models: [...models].sort(),
          firstSeen: iso(num(s, 'first_ms')),
          lastSeen: iso(num(s, 'last_ms')),
          prompts: counts.get(id)?.prompts ?? 0,
          toolCalls: counts.get(id)?.calls ?? 0,
          apiRequests,
          apiErrors,
          tokens,
          costMicros: tally.micros,
          costUsd: tally.micros / 1e6,
          costSource: tally.source(agent),
          linesAdded: lines.get(`${id}\u001fadded`) ?? 0,
          linesRemoved: lines.get(`${id}\u001fremoved`) ?? 0,
        };
      });
    });
  }

  /**
   * Lines of code per session and series. Delta points add up. Cumulative
   * points (Gemini CLI) are turned into differences first: per series (name,
   * labels, start time) in time order, each point minus the one before it (a
   * drop is a restart and counts from zero). Cumulative values are never summed.
   */
  private lines(r: Reader): Map<string, number> {
    const out = new Map<string, number>();
    const rows = r.all(
      `SELECT session_id, series, SUM(delta) AS total FROM (
         SELECT session_id, series, value AS delta FROM metric_points WHERE metric = 'lines' AND temporality != 'cumulative'
         UNION ALL
         SELECT session_id, series, CASE WHEN prev IS NULL OR value < prev THEN value ELSE value - prev END FROM (
           SELECT session_id, series, value,
             LAG(value) OVER (PARTITION BY session_id, name, labels, start_ms ORDER BY time_ms, key) AS prev
           FROM metric_points WHERE metric = 'lines' AND temporality = 'cumulative')
       ) GROUP BY session_id, series`,
    );
    for (const row of rows) out.set(`${str(row, 'session_id') ?? ''}\u001f${str(row, 'series') ?? ''}`, num(row, 'total') ?? 0);
    return out;
  }

  // ── prompts ───────────────────────────────────────────────────────────

  listPrompts(query: PromptQuery = {}): PromptSummary[] {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (query.sessionId !== undefined) {
      where.push('p.session_id = ?');
      params.push(query.sessionId);
    }
    if (query.fromMs !== undefined) {
      where.push('p.last_ms >= ?');
      params.push(query.fromMs);
    }
    if (query.toMs !== undefined) {
      where.push('p.first_ms <= ?');
      params.push(query.toMs);
    }
    return this.read((r) => this.prompts(r, where.length > 0 ? where.join(' AND ') : '1 = 1', params).map((x) => x.summary));
  }

  promptDetails(promptId: string): PromptDetails | null {
    return this.read((r) => {
      const found = this.prompts(r, 'p.id = ?', [promptId])[0];
      return found ? { ...found.summary, steps: this.steps(r, promptId, found.calls) } : null;
    });
  }

  /** Everything that happened for one prompt, in order. */
  promptSteps(promptId: string): PromptStep[] {
    return this.read((r) => this.steps(r, promptId, this.callViews(r, 'tc.prompt_id = ?', [promptId]).get(promptId) ?? []));
  }

  private callViews(r: Reader, callWhere: string, params: SqlValue[]): Map<string, CallView[]> {
    const files = groupBy(r.all(FILES_SQL(callWhere), params), 'call_key');
    const out = new Map<string, CallView[]>();
    for (const row of r.all(CALL_SQL(callWhere), params)) {
      const promptId = str(row, 'prompt_id');
      if (promptId === null) continue;
      const view = toolCallView(row, files.get(str(row, 'key') ?? '') ?? []);
      const list = out.get(promptId);
      if (list) list.push(view);
      else out.set(promptId, [view]);
    }
    for (const [promptId, list] of out) if (list.some((c) => c.lone !== null)) out.set(promptId, pairLoneParts(list));
    return out;
  }

  private promptRows(r: Reader, where: string, params: SqlValue[]): PromptRows {
    const inPrompts = `IN (SELECT p.id FROM prompts p WHERE ${where})`;
    const interactionEnd = new Map<string, number>();
    const ends = `SELECT prompt_id, MAX(interaction_end_ms) AS end_ms FROM span_context
      WHERE interaction_end_ms IS NOT NULL AND prompt_id ${inPrompts} GROUP BY prompt_id`;
    for (const row of r.all(ends, params)) {
      const end = num(row, 'end_ms');
      if (end !== null) interactionEnd.set(str(row, 'prompt_id') ?? '', end);
    }
    return {
      requests: groupBy(r.all(`SELECT ${REQUEST_COLUMNS} FROM model_requests WHERE prompt_id ${inPrompts}`, params), 'prompt_id'),
      calls: this.callViews(r, `tc.prompt_id ${inPrompts}`, params),
      interactionEnd,
    };
  }

  private prompts(r: Reader, where: string, params: SqlValue[]): Array<{ summary: PromptSummary; calls: CallView[] }> {
    const rows = this.promptRows(r, where, params);
    return r
      .all(`SELECT p.* FROM prompts p WHERE ${where} ORDER BY COALESCE(p.prompt_ms, p.first_ms), COALESCE(p.prompt_seq, ${NO_SEQ}), p.id`, params)
      .map((p) => {
        const id = str(p, 'id') ?? '';
        const calls = rows.calls.get(id) ?? [];
        return { summary: this.promptSummary(p, rows.requests.get(id) ?? [], calls, rows.interactionEnd.get(id) ?? null), calls };
      });
  }

  private promptSummary(p: Row, requestRows: readonly Row[], calls: readonly CallView[], interactionEnd: number | null): PromptSummary {
    const agent = agentOf(p);
    const tally = new CostTally(this.#prices);
    let tokens = ZERO_TOKENS;
    let apiRequests = 0;
    let apiErrors = 0;
    let retries = 0;
    let lastEnd = num(p, 'last_ms');
    const models = new Set<string>();
    for (const row of requestRows) {
      const req = requestFacts(row);
      tally.add(req);
      if (req.counted) {
        apiRequests++;
        tokens = addTokens(tokens, req.tokens);
        if (req.modelGroup !== null) models.add(req.modelGroup);
      }
      if (req.failed) apiErrors++;
      if (req.counted || req.failed) {
        if (req.attempts !== null && req.attempts > 1) retries += req.attempts - 1;
        if (req.timeMs !== null && (lastEnd === null || req.timeMs > lastEnd)) lastEnd = req.timeMs;
      }
    }
    const started = num(p, 'prompt_ms') ?? num(p, 'first_ms') ?? 0;
    const ended = Math.max(started, lastEnd ?? started, interactionEnd ?? started);
    return {
      id: str(p, 'id') ?? '',
      sessionId: str(p, 'session_id'),
      agent,
      text: str(p, 'text'),
      redacted: flag(p, 'redacted') === true,
      length: num(p, 'length'),
      command: str(p, 'command_name'),
      startedAt: new Date(started).toISOString(),
      endedAt: new Date(ended).toISOString(),
      costUsd: tally.micros / 1e6,
      costMicros: tally.micros,
      costSource: tally.source(agent),
      priceTableVersion: tally.priceTableVersion(),
      tokens,
      models: [...models].sort(),
      apiRequests,
      apiErrors,
      retries,
      files: promptFiles(calls),
      toolCalls: calls.map((c) => c.summary),
    };
  }

  private steps(r: Reader, promptId: string, calls: readonly CallView[]): PromptStep[] {
    const ordered: Array<{ timeMs: number | null; seq: number; key: string; step: PromptStep }> = [];
    const tally = new CostTally(this.#prices);
    for (const row of r.all(`SELECT ${REQUEST_COLUMNS}, response_text FROM model_requests WHERE prompt_id = ?`, [promptId])) {
      const req = requestFacts(row);
      if (!req.counted && !req.failed) continue;
      const at = iso(req.timeMs);
      if (req.failed) {
        ordered.push({
          timeMs: req.timeMs,
          seq: req.seq,
          key: req.key,
          step: {
            key: req.key,
            at,
            timeMs: req.timeMs,
            kind: 'api_error',
            requestId: req.requestId,
            model: req.model,
            error: str(row, 'error') ?? str(row, 'span_error'),
            statusCode: num(row, 'status_code') ?? num(row, 'span_status_code'),
            attempts: req.attempts,
          },
        });
        continue;
      }
      const cost = tally.add(req);
      const step: ModelRequestStep = {
        key: req.key,
        at,
        timeMs: req.timeMs,
        kind: 'model_request',
        requestId: req.requestId,
        model: req.model,
        modelGroup: req.modelGroup,
        tokens: req.tokens,
        costMicros: cost.micros,
        costSource: cost.source,
        durationMs: req.durationMs,
        attempts: req.attempts,
        querySource: str(row, 'query_source'),
        agentName: str(row, 'agent_name'),
        responseLength: num(row, 'response_length'),
        responseText: str(row, 'response_text'),
      };
      ordered.push({ timeMs: req.timeMs, seq: req.seq, key: req.key, step });
    }
    for (const call of calls) {
      ordered.push({ timeMs: call.timeMs, seq: call.seq, key: call.key, step: Object.assign({ kind: 'tool_call' as const, key: call.key, at: iso(call.timeMs), timeMs: call.timeMs }, call.summary) });
    }
    for (const row of r.all('SELECT * FROM steps WHERE prompt_id = ?', [promptId])) {
      const key = str(row, 'key') ?? '';
      const timeMs = num(row, 'time_ms');
      const kind = str(row, 'kind');
      ordered.push({
        timeMs,
        seq: num(row, 'seq') ?? NO_SEQ,
        key,
        step: {
          key,
          at: iso(timeMs),
          timeMs,
          kind: kind === 'compaction' || kind === 'hook' || kind === 'subagent' ? kind : 'event',
          name: str(row, 'name') ?? '',
          durationMs: num(row, 'duration_ms'),
          success: flag(row, 'success'),
          detail: parseJson<Record<string, unknown>>(str(row, 'detail')),
        },
      });
    }
    ordered.sort((a, b) => (a.timeMs ?? 0) - (b.timeMs ?? 0) || a.seq - b.seq || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return ordered.map((o) => o.step);
  }

  // ── files ─────────────────────────────────────────────────────────────

  /** Every path touched (optionally in one session), with how often it was read, written, or refused. */
  filesTouched(query: FileQuery = {}): FileSummary[] {
    return this.read((r) => {
      const byPath = new Map<string, { relativePath: string | null; reads: number; writes: number; refused: number; first: number | null; last: number | null }>();
      const touches = query.sessionId !== undefined ? this.touches(r, 'ft.session_id = ?', [query.sessionId]) : this.touches(r, '1 = 1', []);
      for (const t of touches) {
        let agg = byPath.get(t.path);
        if (!agg) {
          agg = { relativePath: t.relativePath, reads: 0, writes: 0, refused: 0, first: null, last: null };
          byPath.set(t.path, agg);
        }
        if (t.decision === 'reject') agg.refused++;
        else if (isWrite(t.access)) agg.writes++;
        else agg.reads++;
        const ms = t.at === null ? null : Date.parse(t.at);
        if (ms !== null) {
          agg.first = agg.first === null ? ms : Math.min(agg.first, ms);
          agg.last = agg.last === null ? ms : Math.max(agg.last, ms);
        }
      }
      return [...byPath.entries()]
        .map(([path, a]) => ({
          path,
          relativePath: a.relativePath,
          access: a.writes > 0 ? ('write' as const) : ('read' as const),
          reads: a.reads,
          writes: a.writes,
          refused: a.refused,
          firstAt: iso(a.first),
          lastAt: iso(a.last),
        }))
        .sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    });
  }

  /** Every touch of one file, matched by the path as sent or relative to its workspace, oldest first. */
  touchesForFile(path: string): FileTouchView[] {
    return this.read((r) => this.touches(r, '1 = 1', [path], TOUCHES_OF_PATH));
  }

  private touches(r: Reader, where: string, params: SqlValue[], from?: string): FileTouchView[] {
    return r
      .all(TOUCH_SQL(where, from), params)
      .map((t) => {
        const call = str(t, 'key') === null ? null : t;
        return {
          path: str(t, 'path') ?? '',
          relativePath: str(t, 'relative_path'),
          access: (str(t, 'access') ?? 'read') as FileAccess,
          at: iso(num(t, 'time_ms')),
          sessionId: str(t, 'session_id'),
          promptId: call ? str(call, 'prompt_id') : null,
          callId: call ? str(call, 'call_id') : null,
          tool: call ? str(call, 'tool') : null,
          decision: call ? resolveDecision(call).decision : null,
          success: call ? successOf(call) : null,
        };
      });
  }
}

/** The prompt's files: paths of calls that were not refused; edits and deletes count as writes. */
function promptFiles(calls: readonly CallView[]): PromptFile[] {
  const files = new Map<string, { access: 'read' | 'write'; relativePath: string | null }>();
  for (const { summary } of calls) {
    if (summary.decision === 'reject') continue;
    for (const t of summary.fileTouches) {
      const access = isWrite(t.access) ? 'write' : 'read';
      const known = files.get(t.path);
      if (!known) files.set(t.path, { access, relativePath: t.relativePath });
      else if (access === 'write') known.access = 'write';
    }
  }
  return [...files.entries()].map(([path, f]) => ({ path, access: f.access, relativePath: f.relativePath }));
}
