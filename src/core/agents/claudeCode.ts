// Claude Code (and Claude Cowork, which runs it inside a VM) → AgentEvents.
// Wire facts from TELEMETRY.md §1–2 and the captures in test/fixtures/claude-code:
// - The event name is the body `claude_code.<x>` and the attribute `event.name`
//   `<x>` (Cowork documents only the latter); both forms are accepted.
// - Attribute names drifted (§1.9): `tool_name ?? name`, `decision_type ?? decision`,
//   `decision_source ?? source`; numbers and booleans come as strings or typed.
// - Some facts exist only in spans (beta): a tool silently refused in `-p` mode
//   (decision reject, source unknown on `tool.blocked_on_user`), retries that ended
//   in success (`attempt` on `llm_request`), the file a refused Edit targeted.
// - Events name the model `claude-opus-4-8`, metrics and spans
//   `claude-opus-4-8[1m]`: the raw label is kept, `modelGroup` strips the suffix.

import type {
  AgentEvent,
  ApiError,
  CompactionEvent,
  Decision,
  EventBase,
  GenericEvent,
  HookEvent,
  InputSummary,
  MetricEvent,
  MetricKind,
  ModelRequest,
  ModelRequestSpan,
  ModelResponse,
  PromptSpan,
  PromptStarted,
  SessionSeen,
  SubagentCompleted,
  Temporality,
  TokenCounts,
  ToolDecisionEvent,
  ToolExecutionEvent,
  ToolResultEvent,
  ToolSpanEvent,
  ToolWaitEvent,
} from '../model/events';
import type { AgentKind } from '../model/agentKind';
import { modelGroup } from '../model/modelName';
import type { AnyValue, Attributes, LogRecord, MetricPoint, Span } from '../otlp/types';
import { TEMPORALITY_CUMULATIVE, TEMPORALITY_DELTA } from '../otlp/types';
import { eventKey, type AgentAdapter, type RecordContext, type RecordSource } from './adapter';
import { bool, bounded, firstInt, firstText, int, jsonObject, num, stringList, text } from './attributes';
import { editOf, filesFromSpanPath, filesFromToolInput, summarizeToolInput } from './claudeCodeTools';
import { logEventName, logTimeMs, nanosToMs } from './recordFacts';

const PREFIX = 'claude_code.';
const REDACTED = '<REDACTED>';
const MAX_TEXT = 64 * 1024;
const MAX_ERROR = 4000;

const CLAUDE_CODE_SERVICES = new Set(['claude-code', 'claude-code-desktop']);
const COWORK_SERVICES = new Set(['cowork']);

/** Attributes every record repeats; left out of generic events' details. */
const STANDARD_KEYS = new Set([
  'session.id',
  'prompt.id',
  'event.name',
  'event.timestamp',
  'event.sequence',
  'user.id',
  'user.email',
  'user.account_uuid',
  'user.account_id',
  'organization.id',
  'terminal.type',
  'app.version',
  'app.entrypoint',
  'workspace.host_paths',
  'anthropic.provider',
  'anthropic.custom_base_url',
]);

/** Events Claude Code documents that the model keeps only as generic steps. */
const KNOWN_GENERIC = new Set([
  'api_refusal',
  'api_request_body',
  'api_response_body',
  'permission_mode_changed',
  'auth',
  'mcp_server_connection',
  'internal_error',
  'plugin_installed',
  'plugin_loaded',
  'skill_activated',
  'at_mention',
  'hook_plugin_metrics',
  'feedback_survey',
  'retention_sweep',
  'managed_settings_resolved',
  'session_start',
]);

/**
 * Completes an event from its base. Object.assign rather than `{ ...base, … }`:
 * V8 (Node 20) takes a slow path for a spread followed by more properties,
 * about 20 µs per event, which alone would cap ingest far below its target.
 */
function make<T extends AgentEvent>(base: EventBase, fields: Omit<T, keyof EventBase> & Partial<Pick<T, keyof EventBase>>): T {
  return Object.assign(base, fields) as T;
}

function stripPrefix(name: string): string {
  return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
}

/** Claude Code writes accept/reject; other spellings seen across agents map onto them, `unknown` means none. */
function decisionOf(raw: string | null): Decision | null {
  if (raw === null) return null;
  switch (raw.trim().toLowerCase()) {
    case 'accept':
    case 'accepted':
    case 'allow':
    case 'allowed':
    case 'approve':
    case 'approved':
      return 'accept';
    case 'reject':
    case 'rejected':
    case 'deny':
    case 'denied':
    case 'block':
    case 'blocked':
      return 'reject';
    default:
      return null;
  }
}

/** The raw decision, kept only when it says more than accept/reject. */
function rawDecisionOf(raw: string | null): string | null {
  if (raw === null) return null;
  const s = raw.trim().toLowerCase();
  return s === 'accept' || s === 'reject' ? null : raw;
}

/** Prompt and response text: absent or `<REDACTED>` means not sent. */
function contentOf(value: string | null): { text: string | null; redacted: boolean } {
  if (value === null) return { text: null, redacted: false };
  if (value === REDACTED) return { text: null, redacted: true };
  return { text: bounded(value, MAX_TEXT), redacted: false };
}

function tokensOf(a: Attributes): TokenCounts {
  return {
    input: int(a, 'input_tokens') ?? 0,
    output: int(a, 'output_tokens') ?? 0,
    cacheRead: int(a, 'cache_read_tokens') ?? 0,
    cacheWrite: int(a, 'cache_creation_tokens') ?? 0,
  };
}

function hasTokens(a: Attributes): boolean {
  return ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_creation_tokens'].some((k) => num(a, k) !== null);
}

/** `cost_usd_micros` is the agent's exact integer; `cost_usd` (a double) is the fallback, rounded without float noise. */
function costMicrosOf(a: Attributes): number | null {
  const micros = int(a, 'cost_usd_micros');
  if (micros !== null) return micros;
  const usd = num(a, 'cost_usd');
  return usd === null ? null : Math.round(Number((usd * 1e6).toPrecision(12)));
}

/** HTTP status as a number; Cowork sends `"undefined"` for non-HTTP errors. */
function statusOf(a: Attributes): number | null {
  return int(a, 'status_code');
}

const GENERIC_MAX_KEYS = 40;
const GENERIC_MAX_STRING = 1000;

function boundedValue(v: AnyValue, depth: number): AnyValue {
  if (typeof v === 'string') return bounded(v, GENERIC_MAX_STRING);
  if (v === null || typeof v !== 'object') return v;
  if (depth >= 2) return null;
  if (Array.isArray(v)) return (v as readonly AnyValue[]).slice(0, 20).map((x) => boundedValue(x, depth + 1));
  const out: Record<string, AnyValue> = {};
  for (const [k, x] of Object.entries(v as { readonly [key: string]: AnyValue }).slice(0, GENERIC_MAX_KEYS)) out[k] = boundedValue(x, depth + 1);
  return out;
}

/** The record's own attributes (minus the standard ones), bounded for storage. */
function detailOf(a: Attributes): Record<string, AnyValue> {
  const out: Record<string, AnyValue> = {};
  let n = 0;
  for (const [k, v] of Object.entries(a)) {
    if (STANDARD_KEYS.has(k)) continue;
    if (n++ >= GENERIC_MAX_KEYS) break;
    out[k] = boundedValue(v, 0);
  }
  return out;
}

const METRIC_KINDS: Readonly<Record<string, MetricKind>> = {
  'cost.usage': 'cost',
  'token.usage': 'tokens',
  'lines_of_code.count': 'lines',
  'code_edit_tool.decision': 'edit_decision',
  'active_time.total': 'active_time',
  'session.count': 'sessions',
  'commit.count': 'commits',
  'pull_request.count': 'pull_requests',
};

/** The attribute that splits each metric into series. */
const METRIC_SERIES: Readonly<Record<MetricKind, string | null>> = {
  cost: null,
  tokens: 'type',
  lines: 'type',
  edit_decision: 'decision',
  active_time: 'type',
  sessions: 'start_type',
  commits: null,
  pull_requests: null,
  other: 'type',
};

function temporalityOf(t: number): Temporality {
  return t === TEMPORALITY_DELTA ? 'delta' : t === TEMPORALITY_CUMULATIVE ? 'cumulative' : 'unspecified';
}

export class ClaudeCodeAdapter implements AgentAdapter {
  readonly agent: AgentKind;
  private readonly services: ReadonlySet<string>;

  /** One class for both products: Cowork is Claude Code inside a VM, told apart by `service.name`. */
  constructor(agent: 'claude-code' | 'claude-cowork') {
    this.agent = agent;
    this.services = agent === 'claude-cowork' ? COWORK_SERVICES : CLAUDE_CODE_SERVICES;
  }

  matches(source: RecordSource): boolean {
    const service = text(source.resource.attributes, 'service.name');
    if (service !== null) return this.services.has(service);
    // No service name: only the instrumentation scope can tell, and it does not tell Cowork apart.
    return this.agent === 'claude-code' && source.scope.name.startsWith('com.anthropic.claude_code');
  }

  // ── logs ──────────────────────────────────────────────────────────────

  fromLog(record: LogRecord, ctx: RecordContext): AgentEvent[] {
    const rawName = logEventName(record);
    if (rawName === null) return [];
    const name = stripPrefix(rawName);
    const a = record.attributes;
    const sessionId = text(a, 'session.id');
    const promptId = text(a, 'prompt.id');
    const timeMs = logTimeMs(record) ?? 0;
    const sequence = int(a, 'event.sequence');
    let index = 0;
    const base = (): EventBase => ({
      agent: this.agent,
      key: eventKey(ctx, index++),
      sessionId,
      promptId,
      timeMs,
      sequence,
      traceId: record.traceId || null,
      contextSpanId: record.spanId || null,
    });
    const events: AgentEvent[] = [this.sessionSeen(base(), a, record.resource.attributes)];
    const event = this.logEvent(name, a, base(), ctx);
    if (event) events.push(event);
    return events;
  }

  private sessionSeen(base: EventBase, a: Attributes, resource: Attributes): AgentEvent {
    return make<SessionSeen>(base, {
      type: 'session.seen',
      userId: text(a, 'user.id'),
      userEmail: text(a, 'user.email'),
      accountId: firstText(a, 'user.account_uuid', 'user.account_id'),
      organizationId: text(a, 'organization.id'),
      serviceName: text(resource, 'service.name'),
      serviceVersion: text(resource, 'service.version'),
      terminalType: text(a, 'terminal.type'),
      workspacePaths: stringList(a, 'workspace.host_paths'),
    });
  }

  private logEvent(name: string, a: Attributes, base: EventBase, ctx: RecordContext): AgentEvent | null {
    switch (name) {
      case 'user_prompt': {
        const content = contentOf(firstText(a, 'prompt', 'prompt_text'));
        return make<PromptStarted>(base, {
          type: 'prompt.started',
          // Builds before prompt.id (mid 2025) still get one prompt per user_prompt.
          promptId: base.promptId ?? `derived:${ctx.recordKey}`,
          text: content.text,
          redacted: content.redacted,
          length: int(a, 'prompt_length'),
          commandName: text(a, 'command_name'),
          commandSource: text(a, 'command_source'),
        });
      }
      case 'api_request': {
        const model = text(a, 'model');
        return make<ModelRequest>(base, {
          type: 'model.request',
          requestId: text(a, 'request_id'),
          model,
          modelGroup: modelGroup(model),
          tokens: tokensOf(a),
          costMicros: costMicrosOf(a),
          durationMs: int(a, 'duration_ms'),
          querySource: text(a, 'query_source'),
          agentName: text(a, 'agent.name'),
        });
      }
      case 'api_error':
      case 'api_retries_exhausted': {
        const requestId = text(a, 'request_id');
        const exhausted = name === 'api_retries_exhausted';
        // Without a request id the exhaustion notice cannot be merged with its error: keep it as a plain step.
        if (exhausted && requestId === null) return this.generic(base, name, a, true);
        const model = text(a, 'model');
        return make<ApiError>(base, {
          type: 'api.error',
          requestId,
          model,
          modelGroup: modelGroup(model),
          error: bounded(text(a, 'error'), MAX_ERROR),
          statusCode: statusOf(a),
          attempts: firstInt(a, 'attempt', 'total_attempts'),
          durationMs: firstInt(a, 'duration_ms', 'total_retry_duration_ms'),
          exhausted,
        });
      }
      case 'assistant_response': {
        const content = contentOf(text(a, 'response'));
        return make<ModelResponse>(base, {
          type: 'model.response',
          requestId: text(a, 'request_id'),
          model: text(a, 'model'),
          text: content.text,
          redacted: content.redacted,
          length: int(a, 'response_length'),
        });
      }
      case 'tool_decision': {
        const raw = firstText(a, 'decision_type', 'decision');
        const tool = firstText(a, 'tool_name', 'name');
        const input = jsonObject(text(a, 'tool_input'));
        return make<ToolDecisionEvent>(base, {
          type: 'tool.decision',
          callId: firstText(a, 'tool_use_id', 'gen_ai.tool.call.id'),
          tool,
          decision: decisionOf(raw),
          rawDecision: rawDecisionOf(raw),
          source: firstText(a, 'decision_source', 'source'),
          input: summarizeToolInput(input, jsonObject(text(a, 'tool_parameters'))),
          edit: editOf(tool, input),
        });
      }
      case 'tool_result': {
        const tool = firstText(a, 'tool_name', 'name');
        const input = jsonObject(text(a, 'tool_input'));
        const summary: InputSummary | null = summarizeToolInput(input, jsonObject(text(a, 'tool_parameters')));
        return make<ToolResultEvent>(base, {
          type: 'tool.result',
          callId: firstText(a, 'tool_use_id', 'gen_ai.tool.call.id'),
          tool,
          success: bool(a, 'success'),
          durationMs: int(a, 'duration_ms'),
          errorType: text(a, 'error_type'),
          error: bounded(text(a, 'error'), MAX_ERROR),
          input: summary,
          files: filesFromToolInput(tool, input),
          decision: decisionOf(firstText(a, 'decision_type', 'decision')),
          decisionSource: firstText(a, 'decision_source', 'source'),
          edit: editOf(tool, input),
        });
      }
      case 'compaction':
        return make<CompactionEvent>(base, {
          type: 'compaction',
          trigger: text(a, 'trigger'),
          success: bool(a, 'success'),
          durationMs: int(a, 'duration_ms'),
          preTokens: int(a, 'pre_tokens'),
          postTokens: int(a, 'post_tokens'),
          error: bounded(text(a, 'error'), MAX_ERROR),
        });
      case 'hook_registered':
      case 'hook_execution_start':
      case 'hook_execution_complete':
        return make<HookEvent>(base, {
          type: 'hook',
          phase: name === 'hook_registered' ? 'registered' : name === 'hook_execution_start' ? 'start' : 'complete',
          hookEvent: text(a, 'hook_event'),
          hookName: firstText(a, 'hook_name', 'hook_matcher'),
          numHooks: int(a, 'num_hooks'),
          numSuccess: int(a, 'num_success'),
          numBlocking: int(a, 'num_blocking'),
          durationMs: firstInt(a, 'total_duration_ms', 'duration_ms'),
        });
      case 'subagent_completed':
        return make<SubagentCompleted>(base, {
          type: 'subagent.completed',
          agentType: text(a, 'agent_type'),
          totalTokens: int(a, 'total_tokens'),
          totalToolUses: int(a, 'total_tool_uses'),
          durationMs: int(a, 'duration_ms'),
          model: firstText(a, 'final_model', 'model'),
        });
      default:
        return this.generic(base, name, a, KNOWN_GENERIC.has(name));
    }
  }

  private generic(base: EventBase, name: string, a: Attributes, recognized: boolean): AgentEvent {
    return make<GenericEvent>(base, { type: 'generic', name, recognized, attributes: detailOf(a) });
  }

  // ── spans (beta tracing) ──────────────────────────────────────────────

  fromSpan(span: Span, ctx: RecordContext): AgentEvent[] {
    const a = span.attributes;
    const startMs = nanosToMs(span.startTimeUnixNano) ?? 0;
    const endMs = nanosToMs(span.endTimeUnixNano);
    const sessionId = firstText(a, 'session.id', 'gen_ai.conversation.id');
    const promptId = text(a, 'prompt.id');
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
    const durationMs = int(a, 'duration_ms') ?? (endMs !== null && endMs >= startMs ? endMs - startMs : null);
    const failed = span.status.code === 2;
    const events: AgentEvent[] = [this.sessionSeen(base(), a, span.resource.attributes)];
    const b = base();
    switch (stripPrefix(span.name)) {
      case 'interaction': {
        const content = contentOf(text(a, 'user_prompt'));
        events.push(make<PromptSpan>(b, {
          type: 'prompt.span',
          spanId: span.spanId,
          startMs,
          durationMs: int(a, 'interaction.duration_ms') ?? durationMs,
          text: content.text,
          redacted: content.redacted,
          length: int(a, 'user_prompt_length'),
        }));
        break;
      }
      case 'llm_request': {
        const model = firstText(a, 'model', 'gen_ai.request.model');
        events.push(make<ModelRequestSpan>(b, {
          type: 'model.request.span',
          requestId: firstText(a, 'request_id', 'gen_ai.response.id'),
          spanId: span.spanId,
          model,
          modelGroup: modelGroup(model),
          tokens: hasTokens(a) ? tokensOf(a) : null,
          attempts: int(a, 'attempt') ?? (span.events.filter((e) => e.name === 'gen_ai.request.attempt').length || null),
          success: bool(a, 'success') ?? (failed ? false : null),
          statusCode: statusOf(a),
          error: bounded(text(a, 'error'), MAX_ERROR),
          startMs,
          durationMs,
          agentId: text(a, 'agent_id'),
        }));
        break;
      }
      case 'tool': {
        const tool = firstText(a, 'tool_name', 'gen_ai.tool.name', 'name');
        const output = span.events.find((e) => e.name === 'tool.output');
        const filePath = text(a, 'file_path') ?? (output ? text(output.attributes, 'file_path') : null);
        events.push(make<ToolSpanEvent>(b, {
          type: 'tool.span',
          callId: firstText(a, 'tool_use_id', 'gen_ai.tool.call.id'),
          tool,
          spanId: span.spanId,
          startMs,
          durationMs,
          fullCommand: bounded(text(a, 'full_command'), 2000),
          files: filesFromSpanPath(tool, filePath),
          agentId: text(a, 'agent_id'),
          subagentType: text(a, 'subagent_type'),
          edit: editOf(tool, jsonObject(text(a, 'tool_input'))),
        }));
        break;
      }
      case 'tool.blocked_on_user': {
        const raw = firstText(a, 'decision_type', 'decision');
        events.push(make<ToolWaitEvent>(b, {
          type: 'tool.wait',
          spanId: span.spanId,
          toolSpanId: span.parentSpanId || null,
          decision: decisionOf(raw),
          rawDecision: rawDecisionOf(raw),
          source: firstText(a, 'decision_source', 'source'),
          waitMs: durationMs,
        }));
        break;
      }
      case 'tool.execution':
        events.push(make<ToolExecutionEvent>(b, {
          type: 'tool.execution',
          callId: firstText(a, 'tool_use_id', 'gen_ai.tool.call.id'),
          spanId: span.spanId,
          toolSpanId: span.parentSpanId || null,
          success: bool(a, 'success') ?? (failed ? false : null),
          durationMs,
          error: bounded(text(a, 'error'), MAX_ERROR),
          startMs,
        }));
        break;
      case 'hook':
        events.push(make<HookEvent>(b, {
          type: 'hook',
          phase: 'span',
          hookEvent: text(a, 'hook_event'),
          hookName: text(a, 'hook_name'),
          numHooks: int(a, 'num_hooks'),
          numSuccess: int(a, 'num_success'),
          numBlocking: int(a, 'num_blocking'),
          durationMs,
        }));
        break;
      default:
        events.push(this.generic(b, span.name, a, false));
    }
    return events;
  }

  // ── metrics ───────────────────────────────────────────────────────────

  fromMetric(point: MetricPoint, ctx: RecordContext): AgentEvent[] {
    const a = point.attributes;
    const name = stripPrefix(point.name);
    const metric = METRIC_KINDS[name] ?? 'other';
    const seriesKey = METRIC_SERIES[metric];
    const labels: Record<string, string> = {};
    let n = 0;
    for (const [k, v] of Object.entries(a)) {
      if (STANDARD_KEYS.has(k) || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) continue;
      if (n++ >= 20) break;
      labels[k] = bounded(String(v), 200) ?? '';
    }
    const model = text(a, 'model');
    const sessionId = text(a, 'session.id');
    const timeMs = nanosToMs(point.timeUnixNano) ?? nanosToMs(point.startTimeUnixNano) ?? 0;
    let index = 0;
    const base = (): EventBase => ({
      agent: this.agent,
      key: eventKey(ctx, index++),
      sessionId,
      promptId: null,
      timeMs,
      sequence: null,
      traceId: null,
      contextSpanId: null,
    });
    return [
      this.sessionSeen(base(), a, point.resource.attributes),
      make<MetricEvent>(base(), {
        type: 'metric',
        name: point.name,
        metric,
        value: point.value ?? point.sum ?? 0,
        unit: point.unit,
        temporality: temporalityOf(point.temporality),
        startMs: nanosToMs(point.startTimeUnixNano),
        series: seriesKey === null ? null : text(a, seriesKey),
        model,
        modelGroup: modelGroup(model),
        querySource: text(a, 'query_source'),
        labels,
      }),
    ];
  }
}
