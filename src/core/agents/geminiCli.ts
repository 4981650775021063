// Gemini CLI → AgentEvents. Wire facts from TELEMETRY.md §3 and the captures
// in test/fixtures/gemini-cli (0.61.0):
// - The event name is the `event.name` attribute (`gemini_cli.tool_call`);
//   the body is a human sentence. Undefined attributes arrive as empty
//   AnyValues, which the decoder drops: they read as absent.
// - `prompt_id` groups a prompt's events (in -p mode it equals the session
//   id; interactively `<session>########<n>`).
// - One `gemini_cli.tool_call` event carries decision and result. It has no
//   call id and no decision source. Decisions: accept, auto_accept ("allow for
//   this session"), modify (edited, then run) → accept; reject → reject.
//   A call refused by a policy rule or an unregistered tool
//   (`tool_not_registered` / `policy_violation`) has no decision: it is shown
//   as rejected and failed.
// - The call id is on the `tool_call` span (`gen_ai.tool.call_id`). The event
//   is logged inside the `schedule_tool_calls` span that is the tool span's
//   parent, so both sides derive one join key: that span, the function name
//   and a digest of the arguments (parallel calls of one function in one
//   batch differ by their arguments). Without trace context the event stands
//   alone as its call.
// - Tokens from `gemini_cli.api_response` (the utility_router calls count
//   too): Gemini's input count includes cached tokens and excludes tool-use
//   prompt tokens; thoughts are billed as output. So input = input − cached +
//   tool, cacheRead = cached, output = output + thoughts. No cost is sent.
// - File paths (absolute) are in `function_args`, pretty-printed JSON.
// - Metrics are cumulative: kept as points with their series labels and start
//   time; the store takes differences per series (never sums them).

import type {
  AgentEvent,
  ApiError,
  Decision,
  EventBase,
  FileAccess,
  FileRef,
  InputSummary,
  MetricKind,
  ModelRequest,
  PromptStarted,
  SessionSeen,
  ToolDecisionEvent,
  ToolEdit,
  ToolExecutionEvent,
  ToolResultEvent,
  ToolSpanEvent,
} from '../model/events';
import { modelGroup } from '../model/modelName';
import type { Attributes, LogRecord, MetricPoint, Span } from '../otlp/types';
import { eventKey, type AgentAdapter, type RecordContext, type RecordSource } from './adapter';
import { editOfTexts } from './applyPatch';
import { bool, bounded, firstInt, firstText, int, text } from './attributes';
import {
  asObject,
  canonicalJson,
  decisionIn,
  detailOf,
  digest,
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
} from './common';
import { logEventName, logTimeMs, nanosToMs } from './recordFacts';

const PREFIX = 'gemini_cli.';
const SERVICES = new Set(['gemini-cli', 'gemini_cli']);

const DECISIONS: Readonly<Record<string, Decision>> = {
  accept: 'accept',
  autoaccept: 'accept',
  modify: 'accept',
  proceedonce: 'accept',
  proceedalways: 'accept',
  reject: 'reject',
  cancel: 'reject',
};

/** Error types of calls a policy refused before they could run. */
const REFUSALS = new Set(['toolnotregistered', 'policyviolation']);

const STANDARD_KEYS = new Set([
  'session.id',
  'installation.id',
  'interactive',
  'auth_type',
  'user.email',
  'event.name',
  'event.timestamp',
  'experiments.ids',
  'prompt_id',
]);

const KNOWN_GENERIC = new Set([
  'config',
  'tool_output_truncated',
  'edit_strategy',
  'edit_correction',
  'file_operation',
  'malformed_json_response',
  'model_routing',
  'chat_compression',
  'chat.invalid_chunk',
  'chat.content_retry',
  'chat.content_retry_failure',
  'conversation_finished',
  'flash_fallback',
  'ripgrep_fallback',
  'web_fetch_fallback_attempt',
  'agent.recovery_attempt',
  'agent.start',
  'agent.finish',
  'extension_install',
  'extension_uninstall',
  'extension_enable',
  'extension_disable',
  'ide_connection',
  'rewind',
  'conseca.verdict',
  'hook_call',
  'tool_output_masking',
  'keychain.availability',
  'startup_stats',
  'slash_command.model',
  'approval_mode_switch',
  'approval_mode_duration',
  'plan_execution',
  'plan.approval_mode_switch',
  'plan.approval_mode_duration',
  'plan.execution',
]);

const METRICS: Readonly<Record<string, { kind: MetricKind; series: string | null }>> = {
  'gemini_cli.token.usage': { kind: 'tokens', series: 'type' },
  'gemini_cli.lines.changed': { kind: 'lines', series: 'type' },
  'gemini_cli.tool.call.count': { kind: 'other', series: 'decision' },
  'gemini_cli.api.request.count': { kind: 'other', series: 'status_code' },
  'gemini_cli.session.count': { kind: 'sessions', series: null },
  'gemini_cli.file.operation.count': { kind: 'other', series: 'operation' },
};

/** Tool → how it uses the file its `file_path` (or `dir_path`) names. */
const FILE_ACCESS: Readonly<Record<string, { key: string; access: FileAccess }>> = {
  read_file: { key: 'file_path', access: 'read' },
  write_file: { key: 'file_path', access: 'write' },
  replace: { key: 'file_path', access: 'edit' },
  edit: { key: 'file_path', access: 'edit' },
  list_directory: { key: 'dir_path', access: 'read' },
  glob: { key: 'dir_path', access: 'read' },
  grep_search: { key: 'dir_path', access: 'read' },
  search_file_content: { key: 'dir_path', access: 'read' },
};

const SHELL_TOOL = 'run_shell_command';

export interface GeminiToolInput {
  readonly summary: InputSummary | null;
  readonly files: FileRef[];
  /** replace: old_string → new_string; write_file: the content. */
  readonly edit: ToolEdit | null;
}

/** What a call's arguments say: its file, its command (and files an unambiguous `cat` reads), patterns, queries. */
export function readGeminiToolInput(tool: string | null, args: Record<string, unknown> | null): GeminiToolInput {
  if (args === null) return { summary: null, files: [], edit: null };
  const summary: { -readonly [K in keyof InputSummary]: InputSummary[K] } = {};
  const files: FileRef[] = [];
  const known = tool === null ? undefined : FILE_ACCESS[tool];
  if (known) {
    const path = plausiblePath(args[known.key]);
    if (path !== null) files.push({ path, access: known.access });
  }
  const filePath = plausiblePath(args.file_path);
  if (filePath !== null) summary.file = filePath;
  const dir = plausiblePath(args.dir_path);
  if (dir !== null) summary.path = dir;
  const command = field(args, 'command', MAX_COMMAND);
  if (command !== undefined) {
    summary.command = command;
    if (tool === SHELL_TOOL) {
      for (const f of filesReadByCommand(command)) files.push({ path: dir !== null && isAbsolutePath(dir) ? joinPath(dir, f) : f, access: 'read' });
    }
  }
  const set = <K extends keyof InputSummary>(key: K, value: InputSummary[K] | undefined): void => {
    if (value !== undefined && summary[key] === undefined) summary[key] = value;
  };
  set('description', field(args, 'description', MAX_FIELD));
  set('pattern', field(args, 'pattern', MAX_FIELD));
  set('url', field(args, 'url', MAX_FIELD));
  set('query', field(args, 'query', MAX_FIELD));
  const edit =
    tool === 'replace' || tool === 'edit'
      ? editOfTexts(args.old_string, args.new_string, args.allow_multiple)
      : tool === 'write_file'
        ? editOfTexts(null, args.content, null)
        : null;
  return { summary: Object.keys(summary).length === 0 ? null : summary, files, edit };
}

/**
 * The key both sides of a call compute: the event names the schedule span it
 * was logged in, the tool span names it as its parent; the function and the
 * arguments tell apart the calls of one schedule.
 */
export function geminiJoinKey(traceId: string, scheduleSpanId: string, tool: string | null, args: Record<string, unknown> | null, rawArgs: string | null): string {
  const argsPart = args !== null ? digest(canonicalJson(args)) : rawArgs !== null ? digest(rawArgs) : '-';
  return `gemini:${traceId}:${scheduleSpanId}:${tool ?? ''}:${argsPart}`;
}

/** input = prompt − cached + tool-use prompt; output = candidates + thoughts. */
function tokensOf(a: Attributes): ModelRequest['tokens'] {
  const input = int(a, 'input_token_count') ?? 0;
  const cached = int(a, 'cached_content_token_count') ?? 0;
  return {
    input: Math.max(0, input - cached) + (int(a, 'tool_token_count') ?? 0),
    output: (int(a, 'output_token_count') ?? 0) + (int(a, 'thoughts_token_count') ?? 0),
    cacheRead: cached,
    cacheWrite: 0,
  };
}

export class GeminiCliAdapter implements AgentAdapter {
  readonly agent = 'gemini-cli' as const;

  matches(source: RecordSource): boolean {
    const service = text(source.resource.attributes, 'service.name');
    if (service !== null) return SERVICES.has(service);
    return source.scope.name === 'gemini-cli';
  }

  // ── logs ──────────────────────────────────────────────────────────────

  fromLog(record: LogRecord, ctx: RecordContext): AgentEvent[] {
    const rawName = logEventName(record);
    if (rawName === null || rawName.startsWith('gen_ai.')) return [];
    const name = rawName.startsWith(PREFIX) ? rawName.slice(PREFIX.length) : rawName;
    if (name === 'api_request') return [];
    const a = record.attributes;
    const sessionId = text(a, 'session.id') ?? text(record.resource.attributes, 'session.id');
    const promptId = text(a, 'prompt_id');
    const timeMs = logTimeMs(record) ?? 0;
    let index = 0;
    const base = (): EventBase => ({
      agent: this.agent,
      key: eventKey(ctx, index++),
      sessionId,
      promptId,
      timeMs,
      sequence: null,
      traceId: record.traceId || null,
      contextSpanId: record.spanId || null,
    });
    const events: AgentEvent[] = [this.sessionSeen(base(), a, record.resource.attributes)];
    switch (name) {
      case 'user_prompt': {
        const content = promptContent(text(a, 'prompt'), []);
        events.push(make<PromptStarted>(base(), {
          type: 'prompt.started',
          promptId: promptId ?? `gemini-cli:${sessionId ?? '-'}:${logNanos(record) ?? ctx.recordKey}`,
          text: content.text,
          redacted: content.redacted,
          length: int(a, 'prompt_length'),
          commandName: null,
          commandSource: null,
        }));
        break;
      }
      case 'slash_command': {
        // A command is a prompt of its own, as Claude Code's are; Gemini gives it no prompt id.
        const command = text(a, 'command');
        const sub = text(a, 'subcommand');
        events.push(make<PromptStarted>(base(), {
          type: 'prompt.started',
          promptId: promptId ?? `gemini-cli:${sessionId ?? '-'}:command:${logNanos(record) ?? ctx.recordKey}`,
          text: null,
          redacted: false,
          length: null,
          commandName: command === null ? null : sub === null ? command : `${command} ${sub}`,
          commandSource: 'builtin',
        }));
        break;
      }
      case 'api_response': {
        const model = text(a, 'model');
        events.push(make<ModelRequest>(base(), {
          type: 'model.request',
          requestId: null,
          model,
          modelGroup: modelGroup(model),
          tokens: tokensOf(a),
          costMicros: null,
          durationMs: int(a, 'duration_ms'),
          querySource: text(a, 'role'),
          agentName: null,
        }));
        break;
      }
      case 'api_error': {
        const model = firstText(a, 'model', 'model_name');
        events.push(make<ApiError>(base(), {
          type: 'api.error',
          requestId: null,
          model,
          modelGroup: modelGroup(model),
          error: bounded(firstText(a, 'error.message', 'error'), MAX_ERROR),
          statusCode: int(a, 'status_code'),
          attempts: null,
          durationMs: firstInt(a, 'duration_ms', 'duration'),
          exhausted: false,
        }));
        break;
      }
      case 'tool_call':
        this.toolCall(record, a, base, ctx, events);
        break;
      default:
        events.push(genericEvent(base(), name, rawName.startsWith(PREFIX) && KNOWN_GENERIC.has(name), detailOf(a, STANDARD_KEYS)));
    }
    return events;
  }

  private toolCall(record: LogRecord, a: Attributes, base: () => EventBase, ctx: RecordContext, events: AgentEvent[]): void {
    const tool = text(a, 'function_name');
    const rawArgs = text(a, 'function_args');
    const args = asObject(parseJson(rawArgs));
    const joinKey = record.spanId ? geminiJoinKey(record.traceId, record.spanId, tool, args, rawArgs) : `gemini:record:${ctx.recordKey}`;
    const input = readGeminiToolInput(tool, args);
    const raw = text(a, 'decision');
    const errorType = firstText(a, 'error_type', 'error.type');
    const refused = errorType !== null && REFUSALS.has(normalizedWord(errorType));
    const decision = decisionIn(DECISIONS, raw) ?? (refused ? 'reject' : null);
    if (decision !== null || raw !== null) {
      events.push(make<ToolDecisionEvent>(base(), {
        type: 'tool.decision',
        callId: null,
        tool,
        decision,
        rawDecision: rawDecision(raw),
        source: null,
        input: input.summary,
        joinKey,
      }));
    }
    events.push(make<ToolResultEvent>(base(), {
      type: 'tool.result',
      callId: null,
      tool,
      success: refused ? false : bool(a, 'success'),
      durationMs: int(a, 'duration_ms'),
      errorType,
      error: bounded(firstText(a, 'error', 'error.message'), MAX_ERROR),
      input: input.summary,
      edit: input.edit,
      files: input.files,
      decision: null,
      decisionSource: null,
      joinKey,
    }));
  }

  private sessionSeen(base: EventBase, a: Attributes, resource: Attributes): SessionSeen {
    return make<SessionSeen>(base, {
      type: 'session.seen',
      userId: text(a, 'installation.id'),
      userEmail: text(a, 'user.email'),
      accountId: null,
      organizationId: null,
      serviceName: text(resource, 'service.name'),
      // service.version is the Node.js version (v20.20.2), not the CLI's: kept as sent.
      serviceVersion: text(resource, 'service.version'),
      terminalType: null,
      workspacePaths: [],
    });
  }

  // ── spans ─────────────────────────────────────────────────────────────

  fromSpan(span: Span, ctx: RecordContext): AgentEvent[] {
    const a = span.attributes;
    if ((text(a, 'gen_ai.operation.name') ?? span.name) !== 'tool_call') return [];
    const tool = text(a, 'gen_ai.tool.name');
    const callId = firstText(a, 'gen_ai.tool.call_id', 'gen_ai.tool.call.id');
    const request = asObject(parseJson(text(a, 'gen_ai.input.messages')));
    const args = asObject(request?.args);
    const response = asObject(parseJson(text(a, 'gen_ai.output.messages')));
    const status = field(response, 'status', 50);
    const sessionId = text(a, 'gen_ai.conversation.id') ?? text(span.resource.attributes, 'session.id');
    const promptId = field(request, 'prompt_id', MAX_FIELD) ?? null;
    const startMs = nanosToMs(span.startTimeUnixNano) ?? 0;
    const endMs = nanosToMs(span.endTimeUnixNano);
    const durationMs = endMs !== null && endMs >= startMs ? endMs - startMs : null;
    const joinKey = span.parentSpanId ? geminiJoinKey(span.traceId, span.parentSpanId, tool, args, null) : null;
    let index = 0;
    const base = (): EventBase => ({
      agent: this.agent,
      key: eventKey(ctx, index++),
      sessionId,
      promptId,
      timeMs: startMs,
      sequence: null,
      traceId: span.traceId || null,
      contextSpanId: span.parentSpanId || null,
    });
    const input = readGeminiToolInput(tool, args);
    return [
      this.sessionSeen(base(), a, span.resource.attributes),
      make<ToolSpanEvent>(base(), {
        type: 'tool.span',
        callId,
        tool,
        spanId: span.spanId,
        startMs,
        durationMs,
        fullCommand: tool === SHELL_TOOL ? (field(args, 'command', MAX_COMMAND) ?? null) : null,
        files: input.files,
        agentId: null,
        subagentType: null,
        edit: input.edit,
        joinKey,
      }),
      // Registers the span as the call's, for records logged inside it (file_operation).
      make<ToolExecutionEvent>(base(), {
        type: 'tool.execution',
        callId,
        spanId: span.spanId,
        toolSpanId: span.spanId,
        // The span's status is OK even for failed tools; the response's status says how it went.
        success: status === 'success' ? true : status === 'error' || status === 'cancelled' ? false : null,
        durationMs,
        error: null,
        startMs,
        joinKey,
      }),
    ];
  }

  // ── metrics ───────────────────────────────────────────────────────────

  fromMetric(point: MetricPoint, ctx: RecordContext): AgentEvent[] {
    const known = METRICS[point.name];
    if (!known) return [];
    return [
      metricEvent(this.agent, point, eventKey(ctx, 0), {
        kind: known.kind,
        seriesKey: known.series,
        sessionId: text(point.attributes, 'session.id') ?? text(point.resource.attributes, 'session.id'),
        modelKeys: ['model'],
        standardKeys: STANDARD_KEYS,
      }),
    ];
  }
}
