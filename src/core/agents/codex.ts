// Codex CLI → AgentEvents. Wire facts from TELEMETRY.md §4 and the captures in
// test/fixtures/codex (0.169.0):
// - The event name is the `event.name` attribute (`codex.tool_result`);
//   LogRecord.eventName holds a Rust call site and is never a name.
// - `timeUnixNano` is "0": records are placed at observedTimeUnixNano, whose
//   nanoseconds also order records of one millisecond (the event sequence).
// - Numbers and booleans arrive as strings (`"success": "true"`); a shell
//   command that exits non-zero is still a success (the exit code is only in
//   the output text), and is reported as such.
// - No prompt id: `codex.user_prompt` starts a prompt whose id is derived from
//   the conversation and the record's nanosecond time, and every later fact of
//   the conversation belongs to it until the next one (`claimsByTime`; the
//   store does the attribution, order-free).
// - Tool calls are joined by `call_id` (decision → result → dispatch span).
//   Decisions: approved, approved_for_session, approved_execpolicy_amendment
//   → accept; denied, abort → reject. Sources are kept exactly as sent
//   (`Config`, `AutomatedReviewer`, `user`); all matching is case-free.
// - Tokens: the `response.completed` SSE event is logged twice, once without
//   counts; only the one with counts is a model request. Codex input counts
//   include cached tokens: input = input − cached − cache writes. No cost is
//   sent: the store estimates it from the price table, marked `estimated`.
// - File paths: the headers of the apply_patch text (relative to the session's
//   working directory, which is not an attribute: the `workdir` of shell calls
//   stands in for it), and `cat FILE` commands (relative to their workdir).
// - Traces: ~1,100 internal spans per run. Only tool dispatch spans (`call_id`
//   + `codex.tool.phase` = dispatch) are mapped; every other span is rejected
//   on one attribute lookup.

import type {
  AgentEvent,
  Decision,
  EventBase,
  FileRef,
  InputSummary,
  MetricKind,
  ToolEdit,
  ModelRequest,
  PromptStarted,
  SessionSeen,
  ToolDecisionEvent,
  ToolExecutionEvent,
  ToolResultEvent,
  ToolSpanEvent,
  WorkingDirectorySeen,
} from '../model/events';
import { modelGroup } from '../model/modelName';
import type { Attributes, LogRecord, MetricPoint, Span } from '../otlp/types';
import { eventKey, type AgentAdapter, type RecordContext, type RecordSource } from './adapter';
import { editInPatch, filesInPatch, isPatch } from './applyPatch';
import { bool, bounded, firstText, int, text } from './attributes';
import {
  asObject,
  decisionIn,
  detailOf,
  field,
  filesReadByCommand,
  genericEvent,
  isAbsolutePath,
  joinPath,
  logNanos,
  make,
  MAX_COMMAND,
  MAX_ERROR,
  MAX_FIELD,
  metricEvent,
  normalizedWord,
  parseJson,
  plausiblePath,
  promptContent,
  rawDecision,
  subMillisecond,
  tokensFromInclusiveInput,
} from './common';
import { logEventName, logTimeMs, nanosToMs } from './recordFacts';

const PREFIX = 'codex.';

/** `service.name` is the front end's originator: codex_exec, codex_cli_rs, codex-tui, codex-app-server, … */
const SERVICE = /^codex(?:[_-]|$)/i;

const DECISIONS: Readonly<Record<string, Decision>> = {
  approved: 'accept',
  approvedforsession: 'accept',
  approvedexecpolicyamendment: 'accept',
  accept: 'accept',
  denied: 'reject',
  abort: 'reject',
  reject: 'reject',
};

/** Attributes every Codex event repeats (`log_event!` common fields); left out of generic details. */
const STANDARD_KEYS = new Set([
  'event.name',
  'event.timestamp',
  'conversation.id',
  'app.version',
  'auth_mode',
  'originator',
  'user.account_id',
  'user.email',
  'terminal.type',
  'model',
  'slug',
]);

/** Events Codex documents that the model keeps as plain steps. */
const KNOWN_GENERIC = new Set([
  'conversation_starts',
  'sandbox_outcome',
  'startup_phase',
  'turn_ttft',
  'auth_recovery',
  'plugin_install_elicitation_sent',
  'plugin_install_suggestion',
]);

/** Transport chatter: one record per SSE/websocket event or request, nothing to show on its own. */
const TRANSPORT = new Set(['sse_event', 'websocket_event', 'websocket_request', 'websocket_connect', 'api_request']);

/** Codex writes `[REDACTED]` unless `log_user_prompt = true`. */
const REDACTION = ['[REDACTED]', '<REDACTED>'];

const METRICS: Readonly<Record<string, { kind: MetricKind; series: string | null }>> = {
  'codex.turn.token_usage': { kind: 'tokens', series: 'token_type' },
  'codex.tool.call': { kind: 'other', series: 'tool' },
  'codex.api_request': { kind: 'other', series: 'status' },
};
const METRIC_STANDARD_KEYS = new Set(['originator', 'app.version', 'service_name', 'session_source', 'auth_mode']);

const SHELL_TOOLS = new Set(['exec_command', 'shell', 'local_shell', 'container.exec', 'shell_command', 'unified_exec']);

/** Codex's shell tools take `cmd` (a string) or `command` (a string, or argv such as ["bash", "-lc", script]). */
function commandOf(args: Record<string, unknown> | null): string | null {
  if (args === null) return null;
  const cmd = args.cmd ?? args.command;
  if (typeof cmd === 'string') return cmd;
  if (Array.isArray(cmd) && cmd.every((x): x is string => typeof x === 'string')) {
    if (cmd.length === 3 && /(^|\/)(ba|z)?sh$/.test(cmd[0]) && /^-l?c$/.test(cmd[1])) return cmd[2];
    return cmd.join(' ');
  }
  return null;
}

function workdirOf(args: Record<string, unknown> | null): string | null {
  const w = plausiblePath(args?.workdir ?? args?.cwd);
  return w !== null && isAbsolutePath(w) ? w : null;
}

export interface CodexToolInput {
  readonly summary: InputSummary | null;
  readonly files: FileRef[];
  /** The patch's text when it changes one file. */
  readonly edit: ToolEdit | null;
  /** The absolute working directory a shell call ran in. */
  readonly workdir: string | null;
}

/**
 * What a call's `arguments` say: the apply_patch text (freeform, or inside a
 * JSON `input`/`patch`, or a shell call running apply_patch), the shell
 * command and its workdir, MCP server and tool.
 */
export function readCodexToolInput(tool: string | null, argumentsText: string | null, mcpServer: string | null): CodexToolInput {
  const args = argumentsText !== null && argumentsText.trimStart().startsWith('{') ? asObject(parseJson(argumentsText)) : null;
  const patch =
    argumentsText !== null && isPatch(argumentsText)
      ? args !== null
        ? [field(args, 'input', Number.MAX_SAFE_INTEGER), field(args, 'patch', Number.MAX_SAFE_INTEGER), commandOf(args) ?? undefined].find((x) => x !== undefined && isPatch(x)) ?? argumentsText
        : argumentsText
      : null;
  const workdir = workdirOf(args);
  const summary: { -readonly [K in keyof InputSummary]: InputSummary[K] } = {};
  let files: FileRef[] = [];
  let edit: ToolEdit | null = null;
  if (patch !== null) {
    files = filesInPatch(patch);
    edit = editInPatch(patch);
    if (files.length > 0) summary.file = files[0].path;
  }
  const command = commandOf(args);
  if (command !== null && (tool === null || SHELL_TOOLS.has(tool) || patch === null)) {
    summary.command = bounded(command, MAX_COMMAND) ?? undefined;
    if (patch === null) {
      files = filesReadByCommand(command).map((f) => ({ path: workdir !== null ? joinPath(workdir, f) : f, access: 'read' as const }));
      if (files.length === 1) summary.file = files[0].path;
    }
  }
  const description = field(args, 'justification', MAX_FIELD) ?? field(args, 'description', MAX_FIELD);
  if (description !== undefined) summary.description = description;
  if (mcpServer !== null) {
    summary.mcpServer = bounded(mcpServer, MAX_FIELD) ?? undefined;
    if (tool !== null) summary.mcpTool = bounded(tool, MAX_FIELD) ?? undefined;
  }
  const query = field(args, 'query', MAX_FIELD);
  if (query !== undefined) summary.query = query;
  return { summary: Object.keys(summary).length === 0 ? null : summary, files, workdir, edit };
}

function hasTokenCounts(a: Attributes): boolean {
  return int(a, 'input_token_count') !== null || int(a, 'output_token_count') !== null;
}

export class CodexAdapter implements AgentAdapter {
  readonly agent = 'codex' as const;

  matches(source: RecordSource): boolean {
    const service = text(source.resource.attributes, 'service.name');
    if (service !== null) return SERVICE.test(service);
    return source.scope.name.startsWith('codex');
  }

  // ── logs ──────────────────────────────────────────────────────────────

  fromLog(record: LogRecord, ctx: RecordContext): AgentEvent[] {
    const rawName = logEventName(record);
    if (rawName === null || !rawName.startsWith(PREFIX)) return [];
    const name = rawName.slice(PREFIX.length);
    const a = record.attributes;
    // Transport chatter is dropped before anything is built.
    if (TRANSPORT.has(name) && !this.isTransportFact(name, a)) return [];
    const sessionId = text(a, 'conversation.id');
    const nanos = logNanos(record);
    const timeMs = logTimeMs(record) ?? 0;
    const sequence = subMillisecond(nanos);
    let index = 0;
    const base = (): EventBase => ({
      agent: this.agent,
      key: eventKey(ctx, index++),
      sessionId,
      promptId: null,
      timeMs,
      sequence,
      traceId: record.traceId || null,
      contextSpanId: record.spanId || null,
    });
    const events: AgentEvent[] = [this.sessionSeen(base(), a, record.resource.attributes)];
    switch (name) {
      case 'user_prompt': {
        const content = promptContent(text(a, 'prompt'), REDACTION);
        events.push(make<PromptStarted>(base(), {
          type: 'prompt.started',
          promptId: codexPromptId(sessionId, nanos, ctx.recordKey),
          text: content.text,
          redacted: content.redacted,
          length: int(a, 'prompt_length'),
          commandName: null,
          commandSource: null,
          claimsByTime: true,
        }));
        break;
      }
      case 'sse_event':
      case 'websocket_event': {
        const model = text(a, 'model');
        events.push(make<ModelRequest>(base(), {
          type: 'model.request',
          requestId: null,
          model,
          modelGroup: modelGroup(model),
          tokens: tokensFromInclusiveInput(
            int(a, 'input_token_count') ?? 0,
            int(a, 'cached_token_count') ?? 0,
            int(a, 'cache_write_token_count') ?? 0,
            // Reasoning tokens are part of the output count (total = input + output).
            int(a, 'output_token_count') ?? 0,
          ),
          costMicros: null,
          durationMs: null,
          querySource: null,
          agentName: null,
        }));
        break;
      }
      case 'api_request':
      case 'websocket_request':
      case 'websocket_connect':
        // A failed attempt (it may be retried): kept as a step, not counted as a request.
        events.push(genericEvent(base(), name, true, detailOf(a, STANDARD_KEYS)));
        break;
      case 'tool_decision': {
        const raw = text(a, 'decision');
        events.push(make<ToolDecisionEvent>(base(), {
          type: 'tool.decision',
          callId: text(a, 'call_id'),
          tool: text(a, 'tool_name'),
          decision: decisionIn(DECISIONS, raw),
          rawDecision: rawDecision(raw),
          source: text(a, 'source'),
          input: null,
        }));
        break;
      }
      case 'tool_result': {
        const tool = text(a, 'tool_name');
        const mcpServer = text(a, 'mcp_server');
        const input = readCodexToolInput(tool, text(a, 'arguments'), mcpServer);
        const success = bool(a, 'success');
        events.push(make<ToolResultEvent>(base(), {
          type: 'tool.result',
          callId: text(a, 'call_id'),
          tool,
          success,
          durationMs: int(a, 'duration_ms'),
          errorType: null,
          error: success === false ? bounded(text(a, 'output'), MAX_ERROR) : null,
          input: input.summary,
          edit: input.edit,
          files: input.files,
          decision: null,
          decisionSource: null,
        }));
        if (input.workdir !== null && tool !== null && SHELL_TOOLS.has(tool)) {
          events.push(make<WorkingDirectorySeen>(base(), { type: 'session.cwd', path: input.workdir }));
        }
        break;
      }
      default:
        events.push(genericEvent(base(), name, KNOWN_GENERIC.has(name), detailOf(a, STANDARD_KEYS)));
    }
    return events;
  }

  /** Which transport records carry a fact: a completed response with its counts, a failed request. */
  private isTransportFact(name: string, a: Attributes): boolean {
    if (name === 'sse_event' || name === 'websocket_event') return text(a, 'event.kind') === 'response.completed' && hasTokenCounts(a);
    const status = int(a, 'http.response.status_code');
    return text(a, 'error.message') !== null || (status !== null && status >= 400) || bool(a, 'success') === false;
  }

  private sessionSeen(base: EventBase, a: Attributes, resource: Attributes): SessionSeen {
    return make<SessionSeen>(base, {
      type: 'session.seen',
      userId: null,
      userEmail: text(a, 'user.email'),
      accountId: text(a, 'user.account_id'),
      organizationId: null,
      serviceName: text(resource, 'service.name'),
      serviceVersion: firstText(resource, 'service.version') ?? text(a, 'app.version'),
      terminalType: text(a, 'terminal.type'),
      workspacePaths: [],
    });
  }

  // ── spans ─────────────────────────────────────────────────────────────

  fromSpan(span: Span, ctx: RecordContext): AgentEvent[] {
    const a = span.attributes;
    // The allow-list: tool dispatch spans. Everything else (fs.*, append_items,
    // handle_responses, …) is internal and leaves on this one lookup.
    if (a['codex.tool.phase'] !== 'dispatch') return [];
    const callId = text(a, 'call_id');
    if (callId === null) return [];
    const sessionId = text(a, 'conversation.id');
    const startMs = nanosToMs(span.startTimeUnixNano) ?? 0;
    const endMs = nanosToMs(span.endTimeUnixNano);
    const durationMs = endMs !== null && endMs >= startMs ? endMs - startMs : null;
    let index = 0;
    const base = (): EventBase => ({
      agent: this.agent,
      key: eventKey(ctx, index++),
      sessionId,
      promptId: null,
      timeMs: startMs,
      sequence: subMillisecond(span.startTimeUnixNano),
      traceId: span.traceId || null,
      contextSpanId: span.parentSpanId || null,
    });
    const events: AgentEvent[] = [
      this.sessionSeen(base(), a, span.resource.attributes),
      make<ToolSpanEvent>(base(), {
        type: 'tool.span',
        callId,
        tool: text(a, 'tool_name') ?? span.name,
        spanId: span.spanId,
        startMs,
        durationMs,
        fullCommand: null,
        files: [],
        agentId: null,
        subagentType: null,
      }),
    ];
    if (bool(a, 'aborted') === true) {
      events.push(make<ToolExecutionEvent>(base(), {
        type: 'tool.execution',
        callId,
        spanId: span.spanId,
        toolSpanId: span.spanId,
        success: false,
        durationMs,
        error: 'aborted',
        startMs,
      }));
    }
    return events;
  }

  // ── metrics ───────────────────────────────────────────────────────────

  fromMetric(point: MetricPoint, ctx: RecordContext): AgentEvent[] {
    const known = METRICS[point.name];
    if (!known) return [];
    return [
      metricEvent(this.agent, point, eventKey(ctx, 0), {
        kind: known.kind,
        seriesKey: known.series,
        sessionId: text(point.attributes, 'conversation.id'),
        modelKeys: ['model'],
        standardKeys: METRIC_STANDARD_KEYS,
      }),
    ];
  }
}

/**
 * Codex names no prompt: the prompt is the conversation plus the nanosecond
 * time of its `codex.user_prompt` record, the same for every retry of that
 * record. Without a time the record's own key stands in.
 */
export function codexPromptId(sessionId: string | null, nanos: string | null, recordKey: string): string {
  return `codex:${sessionId ?? '-'}:${nanos ?? recordKey}`;
}

/** Codex decisions as the model reads them, for any letter case (exported for tests). */
export function codexDecision(raw: string): Decision | null {
  return DECISIONS[normalizedWord(raw)] ?? null;
}
