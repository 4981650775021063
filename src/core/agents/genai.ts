// GitHub Copilot, and any agent following the OpenTelemetry GenAI semantic
// conventions → AgentEvents. Facts from TELEMETRY.md §5–6 and Copilot Chat's
// monitoring docs (docs/monitoring/agent_monitoring.md in vscode-copilot-chat):
//
//   invoke_agent <agent>            a prompt (the root of its trace); gen_ai.conversation.id = session
//     ├── chat <model>              one model request; gen_ai.usage.* tokens
//     ├── execute_tool <tool>       one tool call: gen_ai.tool.name, gen_ai.tool.call.id,
//     │                             gen_ai.tool.call.arguments, github.copilot.tool.parameters.*
//     ├── execute_tool runSubagent
//     │     └── invoke_agent <sub>  the subagent's run: its calls belong to runSubagent
//     └── execute_hook              a hook; github.copilot.hook.decision = pass | approve | block | …
//
// - Prompt ids are the invoke_agent span (`<traceId>:<spanId>`); the rest of
//   the tree finds its prompt through the span it ran in.
// - Semconv `gen_ai.usage.input_tokens` includes cached tokens (reads and
//   writes); the model's buckets are disjoint: input = input − cache_read −
//   cache_creation. No cost is sent: estimated from the price table.
// - A tool call is merged by its execute_tool span (join key), not by the call
//   id, because the subagent run under it names only that span.
// - File paths: `github.copilot.tool.parameters.file_path` with `edit_type`
//   (create → write; update, str_replace, insert → edit), else the arguments of
//   known file tools, and apply_patch envelopes.
// - Copilot's `copilot_chat.edit.*` events (edits the user kept or undid
//   afterwards) are steps with their outcome as an accept/reject decision;
//   a hook's `block` on a call's span refuses that call.
// - Copilot records are recognised by service name; records of any other
//   service go to the generic GenAI adapter, which maps only what has the
//   shape of the conventions and yields nothing for anything else.

import type {
  AgentEvent,
  Decision,
  EventBase,
  FileAccess,
  FileRef,
  HookEvent,
  InputSummary,
  MetricKind,
  ModelRequestSpan,
  PromptSpan,
  PromptStarted,
  SessionSeen,
  ToolDecisionEvent,
  ToolEdit,
  ToolExecutionEvent,
  ToolResultEvent,
  ToolSpanEvent,
} from '../model/events';
import type { AgentKind } from '../model/agentKind';
import { modelGroup } from '../model/modelName';
import type { AnyValue, Attributes, LogRecord, MetricPoint, Span } from '../otlp/types';
import { eventKey, type AgentAdapter, type RecordContext, type RecordSource } from './adapter';
import { editInPatch, editOfTexts, filesInPatch, isPatch } from './applyPatch';
import { bounded, firstInt, firstText, int, num, text } from './attributes';
import {
  asObject,
  decisionIn,
  detailOf,
  field,
  genericEvent,
  make,
  MAX_COMMAND,
  MAX_ERROR,
  MAX_FIELD,
  MAX_TEXT,
  metricEvent,
  parseJson,
  plausiblePath,
  rawDecision,
  tokensFromInclusiveInput,
} from './common';
import { logEventName, logTimeMs, nanosToMs } from './recordFacts';

const COPILOT_SERVICE = /^(?:copilot|github-copilot|github\.copilot)(?:[-_.].*)?$/i;

type Operation = 'invoke_agent' | 'chat' | 'execute_tool' | 'execute_hook';

const OPERATIONS: Readonly<Record<string, Operation>> = {
  invoke_agent: 'invoke_agent',
  chat: 'chat',
  generate_content: 'chat',
  text_completion: 'chat',
  execute_tool: 'execute_tool',
  execute_hook: 'execute_hook',
};

const STANDARD_KEYS = new Set(['event.name', 'event.timestamp', 'session.id', 'gen_ai.conversation.id', 'service.name']);

const EDIT_OUTCOMES: Readonly<Record<string, Decision>> = { accepted: 'accept', accept: 'accept', kept: 'accept', rejected: 'reject', reject: 'reject', undone: 'reject' };

/** Hook decisions on a call: `approve`/`allow` let it run, `block`/`deny` refuse it; `pass` decides nothing. */
const HOOK_DECISIONS: Readonly<Record<string, Decision>> = { approve: 'accept', allow: 'accept', block: 'reject', deny: 'reject' };

/** Copilot events kept as steps; `decision` marks the ones that say whether the user kept an edit. */
const COPILOT_STEPS: Readonly<Record<string, { decision: boolean }>> = {
  'copilot_chat.edit.feedback': { decision: true },
  'copilot_chat.edit.hunk.action': { decision: true },
  'copilot_chat.inline.done': { decision: true },
  'copilot_chat.edit.survival': { decision: false },
  'copilot_chat.user.feedback': { decision: false },
  'copilot_chat.agent.turn': { decision: false },
  'copilot_chat.cloud.session.invoke': { decision: false },
};

/** Duplicates of what the spans say, or large content: not kept in the model (the raw record keeps them). */
const SKIPPED_EVENTS = new Set(['copilot_chat.tool.call', 'copilot_chat.session.start', 'gen_ai.client.inference.operation.details']);

const METRICS: Readonly<Record<string, { kind: MetricKind; series: string | null }>> = {
  'gen_ai.client.token.usage': { kind: 'tokens', series: 'gen_ai.token.type' },
  'copilot_chat.lines_of_code.count': { kind: 'lines', series: 'type' },
  'copilot_chat.edit.acceptance.count': { kind: 'edit_decision', series: 'copilot_chat.edit.outcome' },
  'copilot_chat.tool.call.count': { kind: 'other', series: 'gen_ai.tool.name' },
};

const READ_TOOLS = new Set(['read_file', 'readFile', 'view', 'Read', 'NotebookRead', 'get_file', 'read']);
const WRITE_TOOLS = new Set(['create_file', 'createFile', 'create', 'Write', 'write_file']);
const EDIT_TOOLS = new Set([
  'replace_string_in_file',
  'multi_replace_string_in_file',
  'insert_edit_into_file',
  'edit_notebook_file',
  'replaceString',
  'str_replace',
  'str_replace_editor',
  'insert',
  'edit',
  'Edit',
  'MultiEdit',
  'NotebookEdit',
  'edit_file',
]);
const EDIT_TYPES: Readonly<Record<string, FileAccess>> = { create: 'write', update: 'edit', str_replace: 'edit', insert: 'edit' };

function operationOf(span: Span): Operation | null {
  const op = text(span.attributes, 'gen_ai.operation.name');
  if (op !== null) return OPERATIONS[op] ?? null;
  const first = span.name.split(' ', 1)[0];
  return OPERATIONS[first] ?? null;
}

/** The user's words: Copilot's `copilot_chat.user_request`, else the last user message of `gen_ai.input.messages`. */
function userText(a: Attributes): string | null {
  const direct = text(a, 'copilot_chat.user_request');
  if (direct !== null) return direct;
  const messages = parseJson(text(a, 'gen_ai.input.messages'), 4 * MAX_TEXT);
  if (!Array.isArray(messages)) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = asObject(messages[i]);
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    const parts = Array.isArray(m.parts) ? m.parts : [];
    const texts = parts.map((p) => asObject(p)).filter((p) => p !== null && (p.type === 'text' || p.type === undefined) && typeof p.content === 'string');
    if (texts.length > 0) return texts.map((p) => p?.content as string).join('\n');
  }
  return null;
}

/** A span's tool arguments: `gen_ai.tool.call.arguments` as a JSON string or a map. */
function argumentsOf(a: Attributes): Record<string, unknown> | null {
  const v = a['gen_ai.tool.call.arguments'];
  if (typeof v === 'string') return asObject(parseJson(v));
  return asObject(v as AnyValue as unknown);
}

function fileAccessOf(tool: string | null, editType: string | null): FileAccess | null {
  if (editType !== null) return EDIT_TYPES[editType] ?? 'edit';
  if (tool === null) return null;
  if (READ_TOOLS.has(tool)) return 'read';
  if (WRITE_TOOLS.has(tool)) return 'write';
  if (EDIT_TOOLS.has(tool)) return 'edit';
  return null;
}

export interface GenAiToolInput {
  readonly summary: InputSummary | null;
  readonly files: FileRef[];
  readonly command: string | null;
  /** The edit's text where the arguments carry it (content capture). */
  readonly edit: ToolEdit | null;
}

/** Edit text in a file tool's arguments: Copilot's camelCase (oldString/newString/content), Claude-style snake_case, or a one-file patch. */
function editOfArgs(tool: string | null, access: FileAccess | null, args: Record<string, unknown> | null, patch: string | undefined): ToolEdit | null {
  if (patch !== undefined) return editInPatch(patch);
  if (args === null || access === null || access === 'read') return null;
  const oldText = args.oldString ?? args.old_string;
  const newText = args.newString ?? args.new_string;
  if (typeof oldText === 'string' || typeof newText === 'string') return editOfTexts(oldText, newText, args.replaceAll ?? args.replace_all);
  const content = args.content ?? args.code;
  return tool !== null && typeof content === 'string' ? editOfTexts(null, content, null) : null;
}

/** Files and summary of an execute_tool span: Copilot's parameter attributes first, then the arguments. */
export function readGenAiToolInput(tool: string | null, a: Attributes): GenAiToolInput {
  const args = argumentsOf(a);
  const editType = text(a, 'github.copilot.tool.parameters.edit_type');
  const summary: { -readonly [K in keyof InputSummary]: InputSummary[K] } = {};
  const files: FileRef[] = [];
  const access = fileAccessOf(tool, editType);
  const path =
    plausiblePath(a['github.copilot.tool.parameters.file_path']) ??
    (access !== null ? (plausiblePath(args?.filePath) ?? plausiblePath(args?.file_path) ?? plausiblePath(args?.path)) : null);
  if (path !== null) {
    summary.file = path;
    if (access !== null) files.push({ path, access });
  }
  const patch = [field(args, 'input', Number.MAX_SAFE_INTEGER), field(args, 'patch', Number.MAX_SAFE_INTEGER)].find((x) => x !== undefined && isPatch(x));
  if (patch !== undefined) for (const f of filesInPatch(patch)) if (!files.some((g) => g.path === f.path && g.access === f.access)) files.push(f);
  const command = bounded(text(a, 'github.copilot.tool.parameters.command') ?? field(args, 'command', MAX_COMMAND) ?? null, MAX_COMMAND);
  if (command !== null) summary.command = command;
  const set = <K extends keyof InputSummary>(key: K, value: InputSummary[K] | undefined | null): void => {
    if (value !== undefined && value !== null && summary[key] === undefined) summary[key] = value;
  };
  set('skill', bounded(text(a, 'github.copilot.tool.parameters.skill_name'), MAX_FIELD));
  set('mcpServer', bounded(text(a, 'github.copilot.tool.parameters.mcp_server_name'), MAX_FIELD));
  set('mcpTool', bounded(text(a, 'github.copilot.tool.parameters.mcp_tool_name'), MAX_FIELD));
  set('description', field(args, 'description', MAX_FIELD) ?? field(args, 'explanation', MAX_FIELD));
  set('query', field(args, 'query', MAX_FIELD));
  set('pattern', field(args, 'pattern', MAX_FIELD) ?? field(args, 'includePattern', MAX_FIELD));
  set('url', field(args, 'url', MAX_FIELD));
  set('subagentType', field(args, 'agentName', MAX_FIELD) ?? field(args, 'subagent_type', MAX_FIELD));
  return { summary: Object.keys(summary).length === 0 ? null : summary, files, command, edit: editOfArgs(tool, access, args, patch) };
}

/** The tool call a span stands for, across the span itself and the subagent run under it. */
export function spanJoinKey(traceId: string, spanId: string): string {
  return `span:${traceId}:${spanId}`;
}

export class GenAiAdapter implements AgentAdapter {
  readonly agent: AgentKind;

  /** `copilot`: GitHub Copilot's services. `genai`: any other service, mapped by the conventions alone (register it last). */
  constructor(agent: 'copilot' | 'genai') {
    this.agent = agent;
  }

  matches(source: RecordSource): boolean {
    if (this.agent === 'genai') return true;
    const service = text(source.resource.attributes, 'service.name');
    if (service !== null) return COPILOT_SERVICE.test(service);
    return /copilot/i.test(source.scope.name);
  }

  private sessionSeen(base: EventBase, resource: Attributes, a: Attributes): SessionSeen {
    return make<SessionSeen>(base, {
      type: 'session.seen',
      userId: text(a, 'enduser.id') ?? text(resource, 'enduser.id'),
      userEmail: null,
      accountId: null,
      organizationId: text(a, 'github.copilot.github.org'),
      serviceName: text(resource, 'service.name'),
      serviceVersion: text(resource, 'service.version'),
      terminalType: null,
      workspacePaths: [],
    });
  }

  // ── spans ─────────────────────────────────────────────────────────────

  fromSpan(span: Span, ctx: RecordContext): AgentEvent[] {
    const op = operationOf(span);
    if (op === null) return [];
    const a = span.attributes;
    const startMs = nanosToMs(span.startTimeUnixNano) ?? 0;
    const endMs = nanosToMs(span.endTimeUnixNano);
    const durationMs = endMs !== null && endMs >= startMs ? endMs - startMs : null;
    const failed = span.status.code === 2;
    const errorText = failed ? bounded(span.status.message || text(a, 'error.type'), MAX_ERROR) : null;
    const root = span.parentSpanId === '';
    const promptId = op === 'invoke_agent' && root ? `${span.traceId}:${span.spanId}` : null;
    // The prompt's conversation is the session (else the resource's session.id). Everything under the
    // prompt takes its session from the prompt (the store fills it in): execute_tool spans name no
    // conversation, and a subagent's spans name the subagent's own.
    const sessionId = promptId !== null ? (text(a, 'gen_ai.conversation.id') ?? text(span.resource.attributes, 'session.id')) : null;
    let index = 0;
    const base = (timeMs = startMs): EventBase => ({
      agent: this.agent,
      key: eventKey(ctx, index++),
      sessionId,
      promptId,
      timeMs,
      sequence: null,
      traceId: span.traceId || null,
      contextSpanId: span.parentSpanId || null,
    });
    const events: AgentEvent[] = [this.sessionSeen(base(), span.resource.attributes, a)];
    switch (op) {
      case 'invoke_agent': {
        if (promptId !== null) {
          const words = userText(a);
          const content = bounded(words, MAX_TEXT);
          events.push(make<PromptStarted>(base(), {
            type: 'prompt.started',
            promptId,
            text: content,
            redacted: false,
            length: words === null ? null : words.length,
            commandName: null,
            commandSource: null,
          }));
          // Placed at the span's end: the prompt and its session last until then.
          events.push(make<PromptSpan>(base(endMs ?? startMs), {
            type: 'prompt.span',
            spanId: span.spanId,
            startMs,
            durationMs,
            text: content,
            redacted: false,
            length: words === null ? null : words.length,
          }));
        } else {
          // A subagent: its run is the execution of the call whose span it runs under.
          events.push(make<ToolExecutionEvent>(base(), {
            type: 'tool.execution',
            callId: null,
            spanId: span.spanId,
            toolSpanId: span.parentSpanId,
            success: !failed,
            durationMs,
            error: errorText,
            startMs,
            joinKey: spanJoinKey(span.traceId, span.parentSpanId),
            subagentType: bounded(text(a, 'gen_ai.agent.name'), MAX_FIELD),
          }));
        }
        break;
      }
      case 'chat': {
        const model = firstText(a, 'gen_ai.response.model', 'gen_ai.request.model');
        const input = int(a, 'gen_ai.usage.input_tokens');
        const output = int(a, 'gen_ai.usage.output_tokens');
        events.push(make<ModelRequestSpan>(base(), {
          type: 'model.request.span',
          requestId: text(a, 'gen_ai.response.id'),
          spanId: span.spanId,
          model,
          modelGroup: modelGroup(model),
          tokens:
            input === null && output === null
              ? null
              : tokensFromInclusiveInput(
                  input ?? 0,
                  int(a, 'gen_ai.usage.cache_read.input_tokens') ?? 0,
                  int(a, 'gen_ai.usage.cache_creation.input_tokens') ?? 0,
                  output ?? 0,
                ),
          attempts: null,
          success: !failed,
          statusCode: int(a, 'http.response.status_code'),
          error: errorText,
          startMs,
          durationMs,
          agentId: null,
        }));
        break;
      }
      case 'execute_tool': {
        const tool = text(a, 'gen_ai.tool.name') ?? (span.name.startsWith('execute_tool ') ? span.name.slice('execute_tool '.length) : null);
        const callId = text(a, 'gen_ai.tool.call.id');
        const input = readGenAiToolInput(tool, a);
        const joinKey = spanJoinKey(span.traceId, span.spanId);
        events.push(make<ToolSpanEvent>(base(), {
          type: 'tool.span',
          callId,
          tool,
          spanId: span.spanId,
          startMs,
          durationMs,
          fullCommand: input.command,
          files: [],
          agentId: null,
          subagentType: input.summary?.subagentType ?? null,
          joinKey,
        }));
        for (const e of span.events) {
          const decision = decisionIn(HOOK_DECISIONS, text(e.attributes, 'github.copilot.hook.decision'));
          if (decision === null) continue;
          events.push(make<ToolDecisionEvent>(base(nanosToMs(e.timeUnixNano) ?? startMs), {
            type: 'tool.decision',
            callId,
            tool,
            decision,
            rawDecision: rawDecision(text(e.attributes, 'github.copilot.hook.decision')),
            source: 'hook',
            input: null,
            joinKey,
          }));
          break;
        }
        events.push(make<ToolResultEvent>(base(endMs ?? startMs), {
          type: 'tool.result',
          callId,
          tool,
          success: !failed,
          durationMs,
          errorType: failed ? text(a, 'error.type') : null,
          error: errorText,
          input: input.summary,
          edit: input.edit,
          files: input.files,
          decision: null,
          decisionSource: null,
          joinKey,
        }));
        break;
      }
      case 'execute_hook': {
        const decision = text(a, 'github.copilot.hook.decision');
        const result = text(a, 'copilot_chat.hook_result_kind');
        events.push(make<HookEvent>(base(), {
          type: 'hook',
          phase: 'span',
          hookEvent: firstText(a, 'copilot_chat.hook_type', 'github.copilot.hook.type'),
          // The hook's verdict stands in for its name (the command is content, gated).
          hookName: decision,
          numHooks: 1,
          numSuccess: result === null ? (failed ? 0 : null) : result === 'success' ? 1 : 0,
          numBlocking: decision === null ? null : decisionIn(HOOK_DECISIONS, decision) === 'reject' ? 1 : 0,
          durationMs: durationMs ?? (num(a, 'github.copilot.hook.duration') === null ? null : Math.round((num(a, 'github.copilot.hook.duration') ?? 0) * 1000)),
        }));
        break;
      }
    }
    return events;
  }

  // ── logs ──────────────────────────────────────────────────────────────

  fromLog(record: LogRecord, ctx: RecordContext): AgentEvent[] {
    const name = logEventName(record);
    if (name === null || SKIPPED_EVENTS.has(name)) return [];
    const step = COPILOT_STEPS[name];
    const ours = step !== undefined || name.startsWith('copilot_chat.') || name.startsWith('github.copilot.');
    // The generic adapter keeps nothing it cannot read by the conventions.
    if (!ours || (this.agent === 'genai' && step === undefined)) return [];
    const a = record.attributes;
    const base = (i: number): EventBase => ({
      agent: this.agent,
      key: eventKey(ctx, i),
      sessionId: firstText(a, 'gen_ai.conversation.id', 'copilot_chat.chat_session_id'),
      promptId: null,
      timeMs: logTimeMs(record) ?? 0,
      sequence: null,
      traceId: record.traceId || null,
      contextSpanId: record.spanId || null,
    });
    const detail = detailOf(a, STANDARD_KEYS);
    if (step?.decision) {
      const outcome = text(a, 'outcome') ?? text(a, 'copilot_chat.edit.outcome');
      const accepted = a.accepted;
      const decision =
        decisionIn(EDIT_OUTCOMES, outcome) ?? (accepted === true || accepted === 'true' ? 'accept' : accepted === false || accepted === 'false' ? 'reject' : null);
      if (decision !== null) detail.decision = decision;
    }
    return [this.sessionSeen(base(0), record.resource.attributes, a), genericEvent(base(1), name, step !== undefined, detail)];
  }

  // ── metrics ───────────────────────────────────────────────────────────

  fromMetric(point: MetricPoint, ctx: RecordContext): AgentEvent[] {
    const known = METRICS[point.name];
    if (!known || (this.agent === 'genai' && !point.name.startsWith('gen_ai.'))) return [];
    return [
      metricEvent(this.agent, point, eventKey(ctx, 0), {
        kind: known.kind,
        seriesKey: known.series,
        sessionId: text(point.attributes, 'gen_ai.conversation.id'),
        modelKeys: ['gen_ai.response.model', 'gen_ai.request.model'],
        standardKeys: STANDARD_KEYS,
      }),
    ];
  }
}

/** Exported for tests: `gen_ai.usage.*` of a chat span as the model's disjoint buckets. */
export function semconvTokens(a: Attributes): ReturnType<typeof tokensFromInclusiveInput> {
  return tokensFromInclusiveInput(
    firstInt(a, 'gen_ai.usage.input_tokens') ?? 0,
    int(a, 'gen_ai.usage.cache_read.input_tokens') ?? 0,
    int(a, 'gen_ai.usage.cache_creation.input_tokens') ?? 0,
    int(a, 'gen_ai.usage.output_tokens') ?? 0,
  );
}
