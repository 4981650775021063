// Span trees built with the real OpenTelemetry JS SDK (BasicTracerProvider +
// InMemorySpanExporter), serialised with the SDK's own OTLP serialisers
// (JsonTraceSerializer, ProtobufTraceSerializer) and decoded by our decoders:
// the same path a Copilot export takes into the listener.
//
// BUILT FROM THE DOCUMENTED SHAPES, NOT A CAPTURE: no Copilot capture exists
// in test/fixtures. The attributes are the ones GitHub Copilot Chat documents
// and sets (TELEMETRY.md §5.1; vscode-copilot-chat docs/monitoring/
// agent_monitoring.md and src/platform/otel/common/genAiAttributes.ts):
// invoke_agent → chat / execute_tool, a subagent's invoke_agent nested under
// `execute_tool runSubagent`, an execute_hook that blocks, usage tokens where
// input includes cached tokens.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span as ApiSpan } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { decodeJson } from '../../../src/core/otlp/decodeJson';
import { decodeProtobuf } from '../../../src/core/otlp/decodeProtobuf';
import type { DecodedBatch } from '../../../src/core/otlp/types';

export const CONVERSATION = '5d1a0c52-8f4e-4f3a-9a51-0e6f3e2c7b11';
export const WORKSPACE = '/home/dev/projects/copilot-demo';
export const PROMPT_TEXT = 'Explore the parser, fix the failing test and add a changelog entry.';
/** 2026-11-24T01:30:00Z */
export const T0 = Date.UTC(2026, 10, 24, 1, 30, 0);

export interface ExpectedCall {
  readonly tool: string;
  readonly callId: string;
  readonly success: boolean;
  readonly files: ReadonlyArray<{ readonly path: string; readonly access: string }>;
  readonly parentCallId: string | null;
  readonly subagentType: string | null;
  readonly decision: 'accept' | 'reject' | null;
  readonly decisionSource: string | null;
}

export interface ExpectedRequest {
  readonly model: string;
  /** As sent: input includes cache reads and writes. */
  readonly input: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  readonly output: number;
}

export interface BuiltTrace {
  readonly spans: ReadableSpan[];
  readonly calls: readonly ExpectedCall[];
  readonly requests: readonly ExpectedRequest[];
  readonly promptId: string;
}

export interface TraceOptions {
  /** Copilot Chat's default service name, or another agent's that follows the conventions. */
  readonly serviceName?: string;
  readonly providerName?: string;
  readonly agentName?: string;
  readonly models?: { readonly main: string; readonly sub: string };
  /** captureContent: prompts, arguments and file paths. */
  readonly captureContent?: boolean;
}

/**
 * One agent turn, as Copilot Chat instruments it:
 *
 *   invoke_agent copilot
 *     chat <main>                        asks for read_file + runSubagent
 *     execute_tool read_file             src/parser.ts (read)
 *     execute_tool runSubagent
 *       invoke_agent Explore
 *         chat <sub>
 *         execute_tool file_search
 *         execute_tool read_file         test/parser.test.ts (read)
 *         chat <sub>
 *     chat <main>
 *     execute_tool replace_string_in_file  src/parser.ts (edit, str_replace)
 *     execute_tool run_in_terminal       npm test (fails: exit code 1)
 *     execute_hook                       PreToolUse blocks the next call
 *     execute_tool create_file           CHANGELOG.md — blocked by the hook (span event), never written
 *     chat <main>                        the answer
 */
export function buildCopilotTurn(options: TraceOptions = {}): BuiltTrace {
  const serviceName = options.serviceName ?? 'copilot-chat';
  const provider = options.providerName ?? 'github';
  const agentName = options.agentName ?? 'copilot';
  const models = options.models ?? { main: 'gpt-4o', sub: 'gpt-4.1' };
  const capture = options.captureContent ?? true;
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': '0.36.2', 'session.id': 'window-7f3c' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = tracerProvider.getTracer('copilot-chat', '0.36.2');
  const calls: ExpectedCall[] = [];
  const requests: ExpectedRequest[] = [];
  let t = T0;
  const at = (ms: number): Date => new Date(ms);

  const start = (name: string, parent: ApiSpan | null, kind: SpanKind, attributes: Attributes, ms: number): ApiSpan =>
    tracer.startSpan(name, { kind, attributes, startTime: at(ms) }, parent === null ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent));

  const root = start('invoke_agent ' + agentName, null, SpanKind.INTERNAL, {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.provider.name': provider,
    'gen_ai.agent.name': agentName,
    'gen_ai.conversation.id': CONVERSATION,
    'gen_ai.request.model': models.main,
    'github.copilot.agent.type': 'builtin',
    ...(capture
      ? {
          'copilot_chat.user_request': PROMPT_TEXT,
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: PROMPT_TEXT }] }]),
        }
      : {}),
  }, t);

  let responseCounter = 0;
  const chat = (parent: ApiSpan, model: string, usage: { input: number; cacheRead: number; cacheWrite: number; output: number }): void => {
    t += 10;
    const s = start(`chat ${model}`, parent, SpanKind.CLIENT, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': provider,
      'gen_ai.request.model': model,
      'gen_ai.conversation.id': CONVERSATION,
      'gen_ai.request.max_tokens': 4096,
      'copilot_chat.request.max_prompt_tokens': 128000,
      'server.address': 'api.githubcopilot.com',
    }, t);
    t += 400;
    s.setAttributes({
      'gen_ai.response.id': `chatcmpl-${++responseCounter}`,
      'gen_ai.response.model': `${model}-2024-11-20`,
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.usage.input_tokens': usage.input,
      'gen_ai.usage.output_tokens': usage.output,
      'gen_ai.usage.cache_read.input_tokens': usage.cacheRead,
      ...(usage.cacheWrite > 0 ? { 'gen_ai.usage.cache_creation.input_tokens': usage.cacheWrite } : {}),
      'copilot_chat.time_to_first_token': 120,
    });
    s.setStatus({ code: SpanStatusCode.OK });
    s.end(at(t));
    requests.push({ model: `${model}-2024-11-20`, ...usage });
  };

  let callCounter = 0;
  const tool = (
    parent: ApiSpan,
    name: string,
    params: { file?: string; editType?: string; command?: string; args?: Record<string, unknown> },
    outcome: { error?: string; hookBlock?: boolean } = {},
    expected: Partial<ExpectedCall> = {},
    body?: (span: ApiSpan) => void,
  ): void => {
    t += 10;
    const callId = `call_${String(++callCounter).padStart(2, '0')}`;
    const s = start(`execute_tool ${name}`, parent, SpanKind.INTERNAL, {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': name,
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.id': callId,
      'gen_ai.tool.description': `The ${name} tool`,
      ...(params.editType !== undefined ? { 'github.copilot.tool.parameters.edit_type': params.editType } : {}),
      ...(capture && params.file !== undefined ? { 'github.copilot.tool.parameters.file_path': params.file } : {}),
      ...(capture && params.command !== undefined ? { 'github.copilot.tool.parameters.command': params.command } : {}),
      ...(capture && params.args !== undefined ? { 'gen_ai.tool.call.arguments': JSON.stringify(params.args) } : {}),
    }, t);
    if (outcome.hookBlock) {
      s.addEvent('github.copilot.hook.end', { 'github.copilot.hook.type': 'preToolUse', 'github.copilot.hook.decision': 'block' }, at(t + 1));
    }
    body?.(s);
    t += 30;
    if (outcome.error !== undefined || outcome.hookBlock) {
      s.setAttribute('error.type', outcome.hookBlock ? 'HookBlocked' : 'ToolError');
      s.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error ?? 'Blocked by PreToolUse hook' });
    } else {
      s.setStatus({ code: SpanStatusCode.OK });
    }
    s.end(at(t));
    calls.push({
      tool: name,
      callId,
      success: outcome.error === undefined && !outcome.hookBlock,
      files: [],
      parentCallId: null,
      subagentType: null,
      decision: outcome.hookBlock ? 'reject' : null,
      decisionSource: outcome.hookBlock ? 'hook' : null,
      ...expected,
    });
  };

  chat(root, models.main, { input: 5200, cacheRead: 4096, cacheWrite: 0, output: 180 });
  tool(root, 'read_file', { file: `${WORKSPACE}/src/parser.ts`, args: { filePath: `${WORKSPACE}/src/parser.ts`, startLine: 1, endLine: 200 } }, {}, {
    files: capture ? [{ path: `${WORKSPACE}/src/parser.ts`, access: 'read' }] : [],
  });
  // The subagent's calls are recorded before runSubagent itself ends; runSubagent is the third call started.
  const subagentCalls: ExpectedCall[] = [];
  // subagentType names the agent a call ran inside: null for runSubagent itself, Explore for its children.
  tool(root, 'runSubagent', { args: { prompt: 'Find the failing parser test', description: 'Explore tests' } }, {}, {}, (runSubagent) => {
    const runCallId = `call_${String(callCounter).padStart(2, '0')}`;
    t += 5;
    const sub = start('invoke_agent Explore', runSubagent, SpanKind.INTERNAL, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': provider,
      'gen_ai.agent.name': 'Explore',
      'gen_ai.conversation.id': `${CONVERSATION}-sub`,
      'gen_ai.request.model': models.sub,
      'github.copilot.agent.type': 'builtin',
    }, t);
    const before = calls.length;
    chat(sub, models.sub, { input: 3000, cacheRead: 0, cacheWrite: 1024, output: 90 });
    tool(sub, 'file_search', { args: { query: '**/parser.test.ts' } }, {}, { parentCallId: runCallId, subagentType: 'Explore' });
    tool(sub, 'read_file', { file: `${WORKSPACE}/test/parser.test.ts`, args: { filePath: `${WORKSPACE}/test/parser.test.ts` } }, {}, {
      files: capture ? [{ path: `${WORKSPACE}/test/parser.test.ts`, access: 'read' }] : [],
      parentCallId: runCallId,
      subagentType: 'Explore',
    });
    chat(sub, models.sub, { input: 3400, cacheRead: 3000, cacheWrite: 0, output: 60 });
    t += 5;
    sub.setStatus({ code: SpanStatusCode.OK });
    sub.end(at(t));
    subagentCalls.push(...calls.splice(before));
  });
  // Calls in start order: runSubagent (pushed when it ended) comes before its subagent's calls.
  calls.push(...subagentCalls);
  chat(root, models.main, { input: 6100, cacheRead: 5120, cacheWrite: 0, output: 240 });
  tool(root, 'replace_string_in_file', {
    file: `${WORKSPACE}/src/parser.ts`,
    editType: 'str_replace',
    args: { filePath: `${WORKSPACE}/src/parser.ts`, oldString: 'a', newString: 'b' },
  }, {}, { files: capture ? [{ path: `${WORKSPACE}/src/parser.ts`, access: 'edit' }] : [] });
  tool(root, 'run_in_terminal', { command: 'npm test', args: { command: 'npm test', explanation: 'Run the tests', isBackground: false } }, { error: 'Command exited with code 1' });
  t += 10;
  const hook = start('execute_hook', root, SpanKind.INTERNAL, {
    'gen_ai.operation.name': 'execute_hook',
    'copilot_chat.hook_type': 'PreToolUse',
    'copilot_chat.hook_result_kind': 'error',
    'github.copilot.hook.decision': 'block',
  }, t);
  t += 15;
  hook.end(at(t));
  tool(root, 'create_file', { file: `${WORKSPACE}/CHANGELOG.md`, editType: 'create', args: { filePath: `${WORKSPACE}/CHANGELOG.md`, content: '## 1.2.1' } }, { hookBlock: true }, {
    files: capture ? [{ path: `${WORKSPACE}/CHANGELOG.md`, access: 'write' }] : [],
  });
  chat(root, models.main, { input: 6400, cacheRead: 6100, cacheWrite: 0, output: 120 });
  t += 10;
  root.setAttributes({ 'gen_ai.usage.input_tokens': 99999, 'gen_ai.usage.output_tokens': 99999, 'copilot_chat.turn_count': 3 });
  root.setStatus({ code: SpanStatusCode.OK });
  root.end(at(t));

  const spans = exporter.getFinishedSpans();
  const rootSpan = spans.find((s) => s.parentSpanContext === undefined);
  if (!rootSpan) throw new Error('no root span');
  return { spans, calls, requests, promptId: `${rootSpan.spanContext().traceId}:${rootSpan.spanContext().spanId}` };
}

/** The spans as an OTLP/JSON export body, decoded by our JSON decoder. */
export function viaJson(spans: readonly ReadableSpan[]): DecodedBatch {
  const body = JsonTraceSerializer.serializeRequest([...spans]);
  if (!body) throw new Error('JsonTraceSerializer returned nothing');
  return decodeJson('traces', body);
}

/** The spans as an OTLP/protobuf export body, decoded by our protobuf decoder. */
export function viaProtobuf(spans: readonly ReadableSpan[]): DecodedBatch {
  const body = ProtobufTraceSerializer.serializeRequest([...spans]);
  if (!body) throw new Error('ProtobufTraceSerializer returned nothing');
  return decodeProtobuf('traces', body);
}
