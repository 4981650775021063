// One vocabulary for what any coding agent did. Agent adapters translate OTLP
// records into these events; the store merges them into the model (sessions,
// prompts, steps, file touches). Nothing here knows an agent's wire format.
//
// Identity and order, shared by every event:
// - `key` is the event's natural key: the natural key of the record it came from
//   plus its index among that record's events. A retried export carries the same
//   record, so the same keys, and is skipped instead of counted twice.
// - Entities are merged by the agent's own ids (prompt id, request id, tool call
//   id), never by arrival order: a result may come before its decision, a span
//   before its log record, one prompt over many export requests.
// - Order inside a session is (timeMs, sequence). `sequence` is the agent's
//   per-process counter (Claude Code `event.sequence`); it restarts at 0 after
//   `--resume`, so it only breaks ties between events of the same millisecond and
//   the time is what tells one process from the next.

import type { AnyValue } from '../otlp/types';
import type { AgentKind } from './agentKind';

export type { AgentKind } from './agentKind';

export type FileAccess = 'read' | 'write' | 'edit' | 'delete';

export type Decision = 'accept' | 'reject';

/**
 * Who decided a tool call, exactly as the agent reports it. Claude Code: `config`,
 * `hook`, `user_permanent`, `user_temporary`, `user_abort`, `user_reject`, and
 * `unknown` (its spans, when nobody was asked); other agents' values verbatim.
 */
export type DecisionSource = string;

export interface FileRef {
  readonly path: string;
  readonly access: FileAccess;
}

/** Disjoint token buckets: `input` excludes cache reads and cache writes. */
export interface TokenCounts {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

/** What is worth showing of a tool's input; every value bounded (tool inputs are untrusted). */
export interface InputSummary {
  readonly command?: string;
  readonly file?: string;
  readonly path?: string;
  readonly pattern?: string;
  readonly url?: string;
  readonly query?: string;
  readonly description?: string;
  readonly subagentType?: string;
  readonly skill?: string;
  readonly mcpServer?: string;
  readonly mcpTool?: string;
}

/** One replacement of an edit: the text replaced and the text written, as the agent sent them. */
export interface EditPart {
  /** Edit/MultiEdit `old_string`; null for Write and NotebookEdit. */
  readonly oldText: string | null;
  /** Edit/MultiEdit `new_string`, Write `content`, NotebookEdit `new_source`. */
  readonly newText: string | null;
  /** Edit/MultiEdit `replace_all`; null where the tool has none. */
  readonly replaceAll: boolean | null;
}

/**
 * The text of a file edit, where the agent sent it (Claude Code: `tool_input`
 * with OTEL_LOG_TOOL_DETAILS). Untrusted model output: shown as text, never
 * interpreted. Each text is cut at 4 KiB here, and Claude Code itself cuts
 * every value at 512 characters, so `truncated` is true when a text was cut or
 * may have been (a value of 512 characters or more).
 */
export interface ToolEdit extends EditPart {
  readonly truncated: boolean;
  /** MultiEdit: every replacement in order (the first is also oldText/newText); absent for one. */
  readonly parts?: readonly EditPart[];
}

export interface EventBase {
  readonly agent: AgentKind;
  readonly key: string;
  /** Null only for records that name no session (e.g. metrics with session ids switched off). */
  readonly sessionId: string | null;
  readonly promptId: string | null;
  /** Milliseconds since the epoch: timeUnixNano, else observedTimeUnixNano, else `event.timestamp`. */
  readonly timeMs: number;
  readonly sequence: number | null;
  readonly traceId: string | null;
  /**
   * The span the fact happened inside: a log record's own span, or a span's
   * parent. It is how span-only facts find their prompt and how a subagent's
   * calls find the call that started the subagent.
   */
  readonly contextSpanId: string | null;
}

export interface SessionSeen extends EventBase {
  readonly type: 'session.seen';
  readonly userId: string | null;
  readonly userEmail: string | null;
  readonly accountId: string | null;
  readonly organizationId: string | null;
  readonly serviceName: string | null;
  readonly serviceVersion: string | null;
  readonly terminalType: string | null;
  /** Folders the user connected (Claude Desktop/Cowork `workspace.host_paths`). */
  readonly workspacePaths: readonly string[];
}

export interface PromptStarted extends EventBase {
  readonly type: 'prompt.started';
  readonly promptId: string;
  /** Null when the agent did not send the text or sent it redacted. */
  readonly text: string | null;
  readonly redacted: boolean;
  readonly length: number | null;
  /** Slash command name when the prompt was a command (`exit`, `compact`, …). */
  readonly commandName: string | null;
  readonly commandSource: string | null;
  /**
   * The agent sends no prompt id on later records (Codex): every fact of the
   * session that names no prompt belongs to the latest such prompt at or
   * before it, by (timeMs, sequence), whatever order the records arrive in.
   */
  readonly claimsByTime?: boolean;
}

/** A user turn as a trace sees it (Claude Code `claude_code.interaction`). */
export interface PromptSpan extends EventBase {
  readonly type: 'prompt.span';
  readonly spanId: string;
  readonly startMs: number;
  readonly durationMs: number | null;
  readonly text: string | null;
  readonly redacted: boolean;
  readonly length: number | null;
}

export interface ModelRequest extends EventBase {
  readonly type: 'model.request';
  readonly requestId: string | null;
  /** The label as sent (`claude-opus-4-8`); `modelGroup` is the normalised name. */
  readonly model: string | null;
  readonly modelGroup: string | null;
  readonly tokens: TokenCounts;
  /** The agent's own cost in integer micro-dollars; null when it sent none. */
  readonly costMicros: number | null;
  readonly durationMs: number | null;
  readonly querySource: string | null;
  /** Subagent (or other attribution) the request was made for. */
  readonly agentName: string | null;
}

/** The same request as a span sees it: the only place a retry that ended in success shows. */
export interface ModelRequestSpan extends EventBase {
  readonly type: 'model.request.span';
  readonly requestId: string | null;
  readonly spanId: string;
  readonly model: string | null;
  readonly modelGroup: string | null;
  readonly tokens: TokenCounts | null;
  readonly attempts: number | null;
  readonly success: boolean | null;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly startMs: number;
  readonly durationMs: number | null;
  /** Set on requests a subagent made. */
  readonly agentId: string | null;
}

export interface ModelResponse extends EventBase {
  readonly type: 'model.response';
  readonly requestId: string | null;
  readonly model: string | null;
  readonly text: string | null;
  readonly redacted: boolean;
  readonly length: number | null;
}

/** A model request that failed for good (after retries): Claude Code `api_error` / `api_retries_exhausted`. */
export interface ApiError extends EventBase {
  readonly type: 'api.error';
  readonly requestId: string | null;
  readonly model: string | null;
  readonly modelGroup: string | null;
  readonly error: string | null;
  readonly statusCode: number | null;
  readonly attempts: number | null;
  readonly durationMs: number | null;
  /** From the retries-exhausted signal rather than the error itself. */
  readonly exhausted: boolean;
}

export interface ToolDecisionEvent extends EventBase {
  readonly type: 'tool.decision';
  readonly callId: string | null;
  readonly tool: string | null;
  readonly decision: Decision | null;
  /** The decision as sent, when it is not plain accept/reject (`approved_for_session`, `auto_accept`). */
  readonly rawDecision: string | null;
  readonly source: DecisionSource | null;
  readonly input: InputSummary | null;
  /** The edit's text where the agent sent it with the decision. */
  readonly edit?: ToolEdit | null;
  /**
   * Merges the parts of one call when the agent does not put its call id on
   * every part (Gemini CLI's tool_call event; GenAI execute_tool spans and the
   * subagent run under them). Parts with the same join key are one call
   * whatever their call ids; unique across sessions.
   */
  readonly joinKey?: string | null;
}

export interface ToolResultEvent extends EventBase {
  readonly type: 'tool.result';
  readonly callId: string | null;
  readonly tool: string | null;
  readonly success: boolean | null;
  readonly durationMs: number | null;
  readonly errorType: string | null;
  readonly error: string | null;
  readonly input: InputSummary | null;
  /** The edit's text (Edit/MultiEdit/Write/NotebookEdit) where the agent sent it. */
  readonly edit?: ToolEdit | null;
  readonly files: readonly FileRef[];
  /** Some versions and agents repeat the decision on the result. */
  readonly decision: Decision | null;
  readonly decisionSource: DecisionSource | null;
  /**
   * Merges the parts of one call when the agent does not put its call id on
   * every part (Gemini CLI's tool_call event; GenAI execute_tool spans and the
   * subagent run under them). Parts with the same join key are one call
   * whatever their call ids; unique across sessions.
   */
  readonly joinKey?: string | null;
}

/** The span around a whole tool call (Claude Code `claude_code.tool`): exists for refused calls too. */
export interface ToolSpanEvent extends EventBase {
  readonly type: 'tool.span';
  readonly callId: string | null;
  readonly tool: string | null;
  readonly spanId: string;
  readonly startMs: number;
  readonly durationMs: number | null;
  readonly fullCommand: string | null;
  readonly files: readonly FileRef[];
  /** Set on calls a subagent made. */
  readonly agentId: string | null;
  /** For calls that start a subagent (Agent/Task): which one. */
  readonly subagentType: string | null;
  /** The edit's text where the span carries the tool's input (detailed tracing). */
  readonly edit?: ToolEdit | null;
  /**
   * Merges the parts of one call when the agent does not put its call id on
   * every part (Gemini CLI's tool_call event; GenAI execute_tool spans and the
   * subagent run under them). Parts with the same join key are one call
   * whatever their call ids; unique across sessions.
   */
  readonly joinKey?: string | null;
}

/** The permission wait inside a tool call (Claude Code `claude_code.tool.blocked_on_user`). */
export interface ToolWaitEvent extends EventBase {
  readonly type: 'tool.wait';
  readonly spanId: string;
  /** The tool span it belongs to; the call id is only on that parent. */
  readonly toolSpanId: string | null;
  readonly decision: Decision | null;
  readonly rawDecision: string | null;
  readonly source: DecisionSource | null;
  readonly waitMs: number | null;
}

/** The run of an approved tool (Claude Code `claude_code.tool.execution`). */
export interface ToolExecutionEvent extends EventBase {
  readonly type: 'tool.execution';
  readonly callId: string | null;
  readonly spanId: string;
  readonly toolSpanId: string | null;
  readonly success: boolean | null;
  readonly durationMs: number | null;
  readonly error: string | null;
  readonly startMs: number;
  /**
   * Merges the parts of one call when the agent does not put its call id on
   * every part (Gemini CLI's tool_call event; GenAI execute_tool spans and the
   * subagent run under them). Parts with the same join key are one call
   * whatever their call ids; unique across sessions.
   */
  readonly joinKey?: string | null;
  /** For a subagent run (a GenAI invoke_agent under the call's span): the agent it ran. */
  readonly subagentType?: string | null;
}

export interface CompactionEvent extends EventBase {
  readonly type: 'compaction';
  readonly trigger: string | null;
  readonly success: boolean | null;
  readonly durationMs: number | null;
  readonly preTokens: number | null;
  readonly postTokens: number | null;
  readonly error: string | null;
}

export interface HookEvent extends EventBase {
  readonly type: 'hook';
  readonly phase: 'registered' | 'start' | 'complete' | 'span';
  readonly hookEvent: string | null;
  readonly hookName: string | null;
  readonly numHooks: number | null;
  readonly numSuccess: number | null;
  readonly numBlocking: number | null;
  readonly durationMs: number | null;
}

export interface SubagentCompleted extends EventBase {
  readonly type: 'subagent.completed';
  readonly agentType: string | null;
  readonly totalTokens: number | null;
  readonly totalToolUses: number | null;
  readonly durationMs: number | null;
  readonly model: string | null;
}

export type MetricKind = 'cost' | 'tokens' | 'lines' | 'edit_decision' | 'active_time' | 'sessions' | 'commits' | 'pull_requests' | 'other';

export type Temporality = 'delta' | 'cumulative' | 'unspecified';

/** A metric data point, kept as a rollup input (never added into the per-request totals). */
export interface MetricEvent extends EventBase {
  readonly type: 'metric';
  readonly name: string;
  readonly metric: MetricKind;
  readonly value: number;
  readonly unit: string;
  readonly temporality: Temporality;
  readonly startMs: number | null;
  /** The point's sub-series: token type, lines added/removed, active time user/cli, decision. */
  readonly series: string | null;
  readonly model: string | null;
  readonly modelGroup: string | null;
  readonly querySource: string | null;
  readonly labels: Readonly<Record<string, string>>;
}

/** Anything else an adapter recognises as its agent's: kept as a step with its attributes (bounded). */
export interface GenericEvent extends EventBase {
  readonly type: 'generic';
  readonly name: string;
  /** False when the adapter does not know this name (a newer agent version). */
  readonly recognized: boolean;
  readonly attributes: Readonly<Record<string, AnyValue>>;
}

/**
 * The directory an agent works in, where it can be derived (Codex: the
 * `workdir` of its shell calls). Paths the agent writes relative to it
 * (Codex apply_patch) are resolved against the session's earliest one.
 */
export interface WorkingDirectorySeen extends EventBase {
  readonly type: 'session.cwd';
  readonly path: string;
}

export type AgentEvent =
  | SessionSeen
  | PromptStarted
  | PromptSpan
  | ModelRequest
  | ModelRequestSpan
  | ModelResponse
  | ApiError
  | ToolDecisionEvent
  | ToolResultEvent
  | ToolSpanEvent
  | ToolWaitEvent
  | ToolExecutionEvent
  | CompactionEvent
  | HookEvent
  | SubagentCompleted
  | MetricEvent
  | GenericEvent
  | WorkingDirectorySeen;

export type AgentEventType = AgentEvent['type'];

/** Session order: time, then the agent's sequence, then the natural key so that ties are stable. */
export function compareEventOrder(a: Pick<EventBase, 'timeMs' | 'sequence' | 'key'>, b: Pick<EventBase, 'timeMs' | 'sequence' | 'key'>): number {
  if (a.timeMs !== b.timeMs) return a.timeMs - b.timeMs;
  const sa = a.sequence ?? Number.MAX_SAFE_INTEGER;
  const sb = b.sequence ?? Number.MAX_SAFE_INTEGER;
  if (sa !== sb) return sa - sb;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
