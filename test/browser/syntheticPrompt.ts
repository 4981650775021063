// A made-up prompt of any size, shaped like Claude Code's: model requests with
// tokens and cost, tool calls (reads, edits, shell, searches) with decisions
// from config, hooks and the user, some refused, some failing, some inside a
// subagent, an API error now and then. Deterministic (seeded), so benchmark
// runs compare. Also the hostile prompt: agent text that tries to be markup.
import type { PromptDetails, PromptStep, ToolCallStep } from '../../src/core/model/views';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORKSPACE = '/home/dev/projects/big';
const FILES = ['src/index.ts', 'src/server/http.ts', 'src/server/routes.ts', 'src/db/schema.sql', 'test/http.test.ts', 'README.md', 'package.json', 'src/util/strings.ts'];
const COMMANDS = ['npm test', 'npm run build', 'git status --short', 'node scripts/check.mjs', 'ls -la src', 'grep -rn TODO src'];

function toolCall(base: { key: string; at: string; timeMs: number }, fields: Partial<ToolCallStep>): ToolCallStep {
  return {
    kind: 'tool_call',
    ...base,
    tool: 'Read',
    callId: `toolu_${base.key}`,
    decision: 'accept',
    decisionSource: 'config',
    success: true,
    files: [],
    fileTouches: [],
    rawDecision: null,
    startedAt: base.at,
    durationMs: 12,
    waitMs: 1,
    errorType: null,
    error: null,
    input: null,
    parentCallId: null,
    subagentType: null,
    ...fields,
  };
}

export function syntheticPrompt(steps: number, seed = 42, promptId = `synthetic-${steps}`): PromptDetails {
  const r = rng(seed);
  const start = Date.UTC(2026, 10, 24, 9, 0, 0);
  let t = start;
  const out: PromptStep[] = [];
  let costMicros = 0;
  const tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  let toolCalls = 0;
  let subagentUntil = -1;
  let subagentCall: string | null = null;
  for (let i = 0; i < steps; i++) {
    t += Math.floor(r() * 900) + 5;
    const at = new Date(t).toISOString();
    const key = `s${i}`;
    const base = { key, at, timeMs: t };
    const inSub = i <= subagentUntil;
    const roll = r();
    if (roll < 0.34) {
      const tk = { input: Math.floor(r() * 3000), output: Math.floor(r() * 800), cacheRead: Math.floor(r() * 40000), cacheWrite: Math.floor(r() * 4000) };
      const c = Math.floor(tk.input * 15 + tk.output * 75 + tk.cacheRead * 1.5 + tk.cacheWrite * 18.75) / 1;
      const micros = Math.round(c / 1);
      costMicros += micros;
      tokens.input += tk.input;
      tokens.output += tk.output;
      tokens.cacheRead += tk.cacheRead;
      tokens.cacheWrite += tk.cacheWrite;
      out.push({
        kind: 'model_request',
        ...base,
        requestId: `req_${i}`,
        model: 'claude-opus-4-8',
        modelGroup: 'claude-opus-4-8',
        tokens: tk,
        costMicros: micros,
        costSource: 'agent',
        durationMs: Math.floor(r() * 4000) + 200,
        attempts: r() < 0.01 ? 3 : 1,
        querySource: inSub ? 'agent:general-purpose' : 'repl_main_thread',
        agentName: inSub ? 'general-purpose' : null,
        responseLength: null,
        responseText: null,
      });
      continue;
    }
    if (roll < 0.345) {
      out.push({ kind: 'api_error', ...base, requestId: `req_err_${i}`, model: 'claude-opus-4-8', error: 'Overloaded', statusCode: 529, attempts: 2 });
      continue;
    }
    toolCalls++;
    const file = `${WORKSPACE}/${FILES[Math.floor(r() * FILES.length)]}`;
    const rel = file.slice(WORKSPACE.length + 1);
    const kind = r();
    const parent = inSub ? subagentCall : null;
    const sub = inSub ? 'general-purpose' : null;
    if (!inSub && kind < 0.01) {
      subagentCall = `toolu_${key}`;
      subagentUntil = i + 20;
      out.push(toolCall(base, { tool: 'Agent', input: { description: 'Inspect the module', subagentType: 'general-purpose' }, durationMs: 20000 }));
      continue;
    }
    if (kind < 0.4) {
      out.push(toolCall(base, { tool: 'Read', input: { file }, files: [file], fileTouches: [{ path: file, relativePath: rel, access: 'read' }], parentCallId: parent, subagentType: sub }));
    } else if (kind < 0.6) {
      const rejected = r() < 0.1;
      const source = rejected ? (r() < 0.5 ? 'user_reject' : 'hook') : r() < 0.3 ? 'user_temporary' : 'config';
      out.push(
        toolCall(base, {
          tool: 'Edit',
          input: { file },
          files: [file],
          fileTouches: [{ path: file, relativePath: rel, access: 'edit' }],
          decision: rejected ? 'reject' : 'accept',
          decisionSource: source,
          success: rejected ? null : true,
          waitMs: source.startsWith('user') ? Math.floor(r() * 5000) : 2,
          parentCallId: parent,
          subagentType: sub,
        }),
      );
    } else if (kind < 0.85) {
      const failed = r() < 0.08;
      out.push(
        toolCall(base, {
          tool: 'Bash',
          input: { command: COMMANDS[Math.floor(r() * COMMANDS.length)], description: 'Run a command' },
          success: !failed,
          errorType: failed ? 'exit code 1' : null,
          error: failed ? 'Error: command failed with exit code 1' : null,
          durationMs: Math.floor(r() * 8000) + 20,
          parentCallId: parent,
          subagentType: sub,
        }),
      );
    } else {
      out.push(toolCall(base, { tool: 'Grep', input: { pattern: 'function\\s+\\w+', path: `${WORKSPACE}/src` }, parentCallId: parent, subagentType: sub }));
    }
  }
  const summary = out.filter((s): s is ToolCallStep => s.kind === 'tool_call');
  return {
    id: promptId,
    sessionId: 'synthetic-session',
    agent: 'claude-code',
    text: `Refactor the HTTP server into routes and keep every test passing (${steps} steps).`,
    redacted: false,
    length: null,
    command: null,
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(t).toISOString(),
    costUsd: costMicros / 1e6,
    costMicros,
    costSource: 'agent',
    priceTableVersion: null,
    tokens,
    models: ['claude-opus-4-8'],
    apiRequests: out.filter((s) => s.kind === 'model_request').length,
    apiErrors: out.filter((s) => s.kind === 'api_error').length,
    retries: 0,
    files: [],
    toolCalls: summary.slice(0, toolCalls),
    steps: out,
  };
}

export const HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">';
export const HOSTILE_SCRIPT = '</script><script>window.__pwned=2</script>';

/** A prompt whose text, tool input, error and file path try to be markup. */
export function hostilePrompt(): PromptDetails {
  const start = Date.UTC(2026, 10, 24, 10, 0, 0);
  const text = `Please run ${HOSTILE_IMG} and ${HOSTILE_SCRIPT} <!-- & \u2028 \u2029 done`;
  const at = (ms: number): { at: string; timeMs: number } => ({ at: new Date(start + ms).toISOString(), timeMs: start + ms });
  const evilPath = `/tmp/evil/${HOSTILE_IMG}.js`;
  const steps: PromptStep[] = [
    {
      kind: 'model_request',
      key: 'h0',
      ...at(100),
      requestId: 'req_h0',
      model: 'claude-opus-4-8',
      modelGroup: 'claude-opus-4-8',
      tokens: { input: 10, output: 20, cacheRead: 0, cacheWrite: 0 },
      costMicros: 1234,
      costSource: 'agent',
      durationMs: 90,
      attempts: 1,
      querySource: null,
      agentName: null,
      responseLength: 40,
      responseText: `Sure: ${HOSTILE_SCRIPT}`,
    },
    toolCall(
      { key: 'h1', ...at(200) },
      {
        tool: 'Bash',
        input: { command: `echo '${HOSTILE_IMG}' ${HOSTILE_SCRIPT}`, description: HOSTILE_IMG },
        success: false,
        errorType: HOSTILE_SCRIPT,
        error: `bash: ${HOSTILE_IMG}: command not found`,
      },
    ),
    toolCall(
      { key: 'h2', ...at(300) },
      { tool: 'Write', input: { file: evilPath }, files: [evilPath], fileTouches: [{ path: evilPath, relativePath: null, access: 'write' }], decision: 'reject', decisionSource: 'unknown', success: null },
    ),
  ];
  return {
    id: 'hostile-prompt',
    sessionId: 'hostile-session',
    agent: 'claude-code',
    text,
    redacted: false,
    length: text.length,
    command: null,
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(start + 400).toISOString(),
    costUsd: 0.001234,
    costMicros: 1234,
    costSource: 'agent',
    priceTableVersion: null,
    tokens: { input: 10, output: 20, cacheRead: 0, cacheWrite: 0 },
    models: ['claude-opus-4-8'],
    apiRequests: 1,
    apiErrors: 0,
    retries: 0,
    files: [],
    toolCalls: steps.filter((s): s is ToolCallStep => s.kind === 'tool_call'),
    steps,
  };
}
