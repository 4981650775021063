// The replay's view model: a prompt's steps (PromptDetails from the model
// repository) turned into timeline rows with their offset, duration, readable
// summary, decision and outcome labels and cost, plus the running cost and
// tokens as prefix sums, served in pages. Pure: the panel host and the CLI's
// HTML report both build it; nothing here knows vscode, the DOM or Node.

import type { OtherStep, PromptDetails, PromptStep, PromptSummary, SessionSummary, ToolCallStep } from '../model/views';
import { formatCount, oneLine, tokenLine } from './format';
import type {
  CostSeries,
  PromptHeader,
  PromptListItem,
  PromptOverview,
  ReplayAccess,
  ReplayTokens,
  SessionView,
  StepFile,
  StepIcon,
  StepMark,
  StepOutcome,
  StepPage,
  StepRow,
} from './replayTypes';
import { rowLabel } from './rowLabel';

/** Rows per page the webview may ask for at once. */
export const MAX_PAGE_SIZE = 500;
/** A prompt that ended this recently may still be running: the panel follows it live. */
export const LIVE_WINDOW_MS = 2 * 60 * 1000;

const MAX_SUMMARY = 400;
const MAX_ERROR = 2000;
const MAX_RESPONSE = 8000;

const AGENT_LABELS: Readonly<Record<string, string>> = {
  'claude-code': 'Claude Code',
  'claude-cowork': 'Claude Cowork',
  codex: 'Codex CLI',
  'gemini-cli': 'Gemini CLI',
  copilot: 'GitHub Copilot',
  genai: 'GenAI agent',
};

export function agentLabelOf(agent: string): string {
  return AGENT_LABELS[agent] ?? 'Agent';
}

const ZERO: ReplayTokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** The edit a call sent (ToolCallSummary.edit where the store has it): what a diff shows. */
export interface StepEdit {
  readonly stepKey: string;
  readonly path: string;
  readonly oldText: string | null;
  readonly newText: string | null;
  readonly truncated: boolean;
}

/** Read defensively: `edit` is optional on tool calls (only where the agent sent the text). */
function editOf(step: ToolCallStep): { oldText: string | null; newText: string | null; truncated: boolean } | null {
  const value: unknown = (step as { readonly edit?: unknown }).edit;
  if (value === null || typeof value !== 'object') return null;
  const e = value as Record<string, unknown>;
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const oldText = text(e.oldText);
  const newText = text(e.newText);
  if (oldText === null && newText === null) return null;
  return { oldText, newText, truncated: e.truncated === true };
}

// ── tools ────────────────────────────────────────────────────────────────

const TOOL_ICONS: Readonly<Record<string, StepIcon>> = {
  Read: 'read',
  NotebookRead: 'read',
  read_file: 'read',
  read_many_files: 'read',
  Write: 'write',
  write_file: 'write',
  Edit: 'edit',
  MultiEdit: 'edit',
  NotebookEdit: 'edit',
  replace: 'edit',
  apply_patch: 'edit',
  Bash: 'shell',
  BashOutput: 'shell',
  KillShell: 'shell',
  KillBash: 'shell',
  shell: 'shell',
  exec_command: 'shell',
  run_shell_command: 'shell',
  Grep: 'search',
  Glob: 'search',
  LS: 'search',
  glob: 'search',
  search_file_content: 'search',
  list_directory: 'search',
  WebFetch: 'web',
  WebSearch: 'web',
  web_fetch: 'web',
  google_web_search: 'web',
  Agent: 'agent',
  Task: 'agent',
  TaskCreate: 'task',
  TaskUpdate: 'task',
  TaskList: 'task',
  TaskGet: 'task',
  TodoWrite: 'task',
  TodoRead: 'task',
};

export function toolIcon(tool: string | null): StepIcon {
  if (tool === null) return 'tool';
  const known = TOOL_ICONS[tool];
  if (known) return known;
  const t = tool.toLowerCase();
  if (/edit|replace|patch/.test(t)) return 'edit';
  if (/write|create_file/.test(t)) return 'write';
  if (/read|view|cat/.test(t)) return 'read';
  if (/bash|shell|exec|command|terminal/.test(t)) return 'shell';
  if (/grep|glob|search|find|list/.test(t)) return 'search';
  if (/web|fetch|url|http/.test(t)) return 'web';
  if (/agent/.test(t)) return 'agent';
  return 'tool';
}

const SOURCE_LABELS: Readonly<Record<string, string>> = {
  config: 'config',
  hook: 'hook',
  user_permanent: 'user (always allow)',
  user_temporary: 'user (this time)',
  user_reject: 'user',
  user_abort: 'user (aborted)',
};

/** "accepted by config", "rejected by hook", "rejected without asking (source unknown)". */
export function decisionLabel(decision: 'accept' | 'reject' | null, source: string | null): string | null {
  if (decision === null) return null;
  const verb = decision === 'accept' ? 'accepted' : 'rejected';
  if (source === null) return verb;
  if (source === 'unknown') return decision === 'reject' ? 'rejected without asking (source unknown)' : 'accepted (source unknown)';
  return `${verb} by ${SOURCE_LABELS[source] ?? source}`;
}

const isUserSource = (source: string | null): boolean => source !== null && source.startsWith('user');

/** The tool's input in one line, and a second line (a description) where there is one. */
function toolSummary(step: ToolCallStep, rel: (path: string) => string): { summary: string; detail: string | null } {
  const i = step.input ?? {};
  const description = i.description !== undefined ? oneLine(i.description, MAX_SUMMARY) : null;
  const file = i.file ?? i.path;
  if (i.command !== undefined) return { summary: oneLine(i.command, MAX_SUMMARY), detail: description };
  if (i.pattern !== undefined) return { summary: oneLine(file !== undefined ? `${i.pattern}  in ${rel(file)}` : i.pattern, MAX_SUMMARY), detail: description };
  if (file !== undefined) return { summary: oneLine(rel(file), MAX_SUMMARY), detail: description };
  if (i.url !== undefined) return { summary: oneLine(i.url, MAX_SUMMARY), detail: description };
  if (i.query !== undefined) return { summary: oneLine(i.query, MAX_SUMMARY), detail: description };
  if (i.mcpServer !== undefined || i.mcpTool !== undefined) {
    return { summary: oneLine([i.mcpServer, i.mcpTool].filter((x) => x !== undefined).join(' › '), MAX_SUMMARY), detail: description };
  }
  if (i.skill !== undefined) return { summary: oneLine(i.skill, MAX_SUMMARY), detail: description };
  if (i.subagentType !== undefined) return { summary: oneLine(i.subagentType, MAX_SUMMARY), detail: description };
  if (description !== null) return { summary: description, detail: null };
  const first = step.files[0];
  return { summary: first !== undefined ? oneLine(rel(first), MAX_SUMMARY) : '', detail: null };
}

function toolOutcome(step: ToolCallStep): { outcome: StepOutcome; label: string } {
  if (step.decision === 'reject') return { outcome: 'refused', label: 'did not run' };
  if (step.success === true) return { outcome: 'ok', label: 'succeeded' };
  if (step.success === false) return { outcome: 'failed', label: step.errorType ? `failed: ${oneLine(step.errorType, 80)}` : 'failed' };
  return { outcome: 'no_result', label: 'no result reported' };
}

function stepFiles(step: ToolCallStep): StepFile[] {
  const seen = new Set<string>();
  const out: StepFile[] = [];
  for (const t of step.fileTouches) {
    const k = `${t.path}\u0000${t.access}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ path: t.path, relativePath: t.relativePath, access: t.access as ReplayAccess });
  }
  if (out.length === 0) for (const path of step.files) out.push({ path, relativePath: null, access: 'read' });
  return out;
}

// ── other steps ──────────────────────────────────────────────────────────

function humanize(name: string): string {
  const text = name.replace(/[_.]+/g, ' ').trim();
  return text.length > 0 ? text[0].toUpperCase() + text.slice(1) : 'Event';
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const numOf = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);


interface RowBase {
  title: string;
  summary: string;
  detail: string | null;
  icon: StepIcon;
  depth: number;
  outcome: StepOutcome;
  outcomeLabel: string;
  error: string | null;
}

function otherRow(step: OtherStep): RowBase {
  const d = step.detail ?? {};
  const attrs = (typeof d.attributes === 'object' && d.attributes !== null ? d.attributes : {}) as Record<string, unknown>;
  const outcome: StepOutcome = step.success === true ? 'ok' : step.success === false ? 'failed' : 'info';
  switch (step.kind) {
    case 'hook': {
      const blocking = numOf(d.numBlocking);
      const hookName = str(d.hookName) ?? str(d.hookEvent) ?? step.name;
      return {
        title: 'Hook',
        summary: oneLine(hookName, MAX_SUMMARY),
        detail: step.name === 'hook_start' ? 'started' : blocking !== null && blocking > 0 ? `${blocking} blocking` : humanize(step.name),
        icon: 'hook',
        depth: 0,
        outcome: blocking !== null && blocking > 0 ? 'failed' : outcome,
        outcomeLabel: blocking !== null && blocking > 0 ? 'blocked the call' : step.name === 'hook_start' ? 'started' : outcome === 'failed' ? 'failed' : 'done',
        error: null,
      };
    }
    case 'subagent': {
      const tools = numOf(d.totalToolUses);
      const tokens = numOf(d.totalTokens);
      const parts = [tools !== null ? `${tools} tool use${tools === 1 ? '' : 's'}` : null, tokens !== null ? `${formatCount(tokens)} tokens` : null].filter((x) => x !== null);
      return {
        title: 'Subagent',
        summary: oneLine(`${str(d.agentType) ?? 'subagent'} ${humanize(step.name).toLowerCase().replace(/^subagent /, '')}`, MAX_SUMMARY),
        detail: parts.length > 0 ? parts.join(' · ') : null,
        icon: 'agent',
        depth: 0,
        outcome: outcome === 'info' ? 'ok' : outcome,
        outcomeLabel: outcome === 'failed' ? 'failed' : 'finished',
        error: null,
      };
    }
    case 'compaction':
      return { title: 'Compaction', summary: humanize(step.name), detail: null, icon: 'compaction', depth: 0, outcome, outcomeLabel: outcome === 'failed' ? 'failed' : 'done', error: null };
    default: {
      const error = str(attrs.error) ?? str(d.error);
      const failed = /error|exhausted|fail/i.test(step.name) || outcome === 'failed';
      const attempts = numOf(attrs.total_attempts);
      return {
        title: humanize(step.name),
        summary: error !== null ? oneLine(error, MAX_SUMMARY) : '',
        detail: attempts !== null ? `${attempts} attempts` : null,
        icon: failed ? 'error' : 'event',
        depth: 0,
        outcome: failed ? 'failed' : outcome,
        outcomeLabel: failed ? 'failed' : 'event',
        error: error !== null ? error.slice(0, MAX_ERROR) : null,
      };
    }
  }
}

// ── the prompt ───────────────────────────────────────────────────────────

export interface ReplayOptions {
  /** Now, for deciding whether the prompt may still be live. */
  readonly nowMs?: number;
}

/** One prompt's replay: header, running totals, rows built on demand and kept. */
export class PromptReplay {
  readonly header: PromptHeader;
  readonly stepCount: number;
  readonly live: boolean;
  readonly #steps: readonly PromptStep[];
  readonly #rows: Array<StepRow | undefined>;
  readonly #startMs: number;
  readonly #cost: Float64Array;
  readonly #tokens: { input: Float64Array; output: Float64Array; cacheRead: Float64Array; cacheWrite: Float64Array };
  readonly #relative = new Map<string, string>();
  readonly #paths = new Set<string>();
  #overview: PromptOverview | undefined;

  constructor(details: PromptDetails, options: ReplayOptions = {}) {
    const steps = details.steps;
    this.#steps = steps;
    this.stepCount = steps.length;
    this.#rows = new Array<StepRow | undefined>(steps.length);
    const started = Date.parse(details.startedAt);
    const ended = Date.parse(details.endedAt);
    this.#startMs = Number.isFinite(started) ? started : 0;
    const n = steps.length;
    this.#cost = new Float64Array(n);
    this.#tokens = { input: new Float64Array(n), output: new Float64Array(n), cacheRead: new Float64Array(n), cacheWrite: new Float64Array(n) };
    let cost = 0;
    let input = 0;
    let output = 0;
    let cacheRead = 0;
    let cacheWrite = 0;
    let toolCalls = 0;
    let rejected = 0;
    let failed = 0;
    let lastStepMs = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const s = steps[i];
      if (s.kind === 'model_request') {
        cost += s.costMicros;
        input += s.tokens.input;
        output += s.tokens.output;
        cacheRead += s.tokens.cacheRead;
        cacheWrite += s.tokens.cacheWrite;
      } else if (s.kind === 'tool_call') {
        toolCalls++;
        if (s.decision === 'reject') rejected++;
        else if (s.success === false) failed++;
        for (const t of s.fileTouches) {
          this.#paths.add(t.path);
          if (t.relativePath !== null) this.#relative.set(t.path, t.relativePath);
        }
        for (const p of s.files) this.#paths.add(p);
      } else if (s.kind === 'api_error') {
        failed++;
      }
      if (s.timeMs !== null && s.timeMs > lastStepMs) lastStepMs = s.timeMs;
      this.#cost[i] = cost;
      this.#tokens.input[i] = input;
      this.#tokens.output[i] = output;
      this.#tokens.cacheRead[i] = cacheRead;
      this.#tokens.cacheWrite[i] = cacheWrite;
    }
    const endMs = Math.max(Number.isFinite(ended) ? ended : this.#startMs, lastStepMs);
    this.live = options.nowMs !== undefined && options.nowMs - endMs <= LIVE_WINDOW_MS;
    this.header = {
      id: details.id,
      sessionId: details.sessionId,
      agent: details.agent,
      agentLabel: agentLabelOf(details.agent),
      text: details.text,
      redacted: details.redacted,
      command: details.command,
      startedAt: details.startedAt,
      endedAt: details.endedAt,
      durationMs: Math.max(0, endMs - this.#startMs),
      costMicros: details.costMicros,
      costEstimated: details.costSource === 'estimated',
      priceTableVersion: details.priceTableVersion,
      tokens: details.tokens,
      models: details.models,
      apiRequests: details.apiRequests,
      apiErrors: details.apiErrors,
      retries: details.retries,
      toolCalls,
      rejected,
      failed,
      files: details.files,
    };
  }

  /** The running cost (micro-dollars) after step `index` (0 before the first, the total after the last). */
  runningCostAt(index: number): number {
    if (this.stepCount === 0 || index < 0) return 0;
    return this.#cost[Math.min(index, this.stepCount - 1)];
  }

  runningTokensAt(index: number): ReplayTokens {
    if (this.stepCount === 0 || index < 0) return ZERO;
    const i = Math.min(index, this.stepCount - 1);
    const t = this.#tokens;
    return { input: t.input[i], output: t.output[i], cacheRead: t.cacheRead[i], cacheWrite: t.cacheWrite[i] };
  }

  overview(): PromptOverview {
    if (this.#overview) return this.#overview;
    const offsets: Array<number | null> = new Array<number | null>(this.stepCount);
    const series: { [K in keyof CostSeries]: number[] } = { index: [], costMicros: [], input: [], output: [], cacheRead: [], cacheWrite: [] };
    const marks: StepMark[] = [];
    for (let i = 0; i < this.stepCount; i++) {
      const s = this.#steps[i];
      offsets[i] = s.timeMs === null ? null : s.timeMs - this.#startMs;
      if (s.kind === 'model_request' && (s.costMicros !== 0 || s.tokens.input + s.tokens.output + s.tokens.cacheRead + s.tokens.cacheWrite > 0)) {
        series.index.push(i);
        series.costMicros.push(this.#cost[i]);
        series.input.push(this.#tokens.input[i]);
        series.output.push(this.#tokens.output[i]);
        series.cacheRead.push(this.#tokens.cacheRead[i]);
        series.cacheWrite.push(this.#tokens.cacheWrite[i]);
      }
      if (s.kind === 'tool_call' && s.decision === 'reject') marks.push({ index: i, kind: 'reject' });
      else if ((s.kind === 'tool_call' && s.success === false) || s.kind === 'api_error') marks.push({ index: i, kind: 'failed' });
    }
    this.#overview = { prompt: this.header, stepCount: this.stepCount, offsets, series, marks, live: this.live };
    return this.#overview;
  }

  /** Rows `offset` to `offset + limit` (at most MAX_PAGE_SIZE), clamped to the prompt. */
  page(offset: number, limit: number): StepPage {
    const start = Math.max(0, Math.min(Math.floor(offset), this.stepCount));
    const end = Math.min(this.stepCount, start + Math.max(0, Math.min(Math.floor(limit), MAX_PAGE_SIZE)));
    const rows: StepRow[] = [];
    for (let i = start; i < end; i++) rows.push(this.row(i));
    return { promptId: this.header.id, offset: start, total: this.stepCount, rows };
  }

  /** Every row (the HTML report embeds them all). */
  allRows(): StepRow[] {
    const rows: StepRow[] = [];
    for (let i = 0; i < this.stepCount; i++) rows.push(this.row(i));
    return rows;
  }

  row(index: number): StepRow {
    const cached = this.#rows[index];
    if (cached) return cached;
    const step = this.#steps[index];
    if (!step) throw new RangeError(`step ${index} is outside the prompt (${this.stepCount} steps)`);
    const row = this.build(step, index);
    this.#rows[index] = row;
    return row;
  }

  /** A path some step of this prompt named (as the agent sent it). */
  touches(path: string): boolean {
    return this.#paths.has(path);
  }

  /** Every path the prompt's steps named. */
  touchedPaths(): ReadonlySet<string> {
    return this.#paths;
  }

  /** The edit of the tool call `stepKey`, when the agent sent its text. */
  edit(stepKey: string): StepEdit | null {
    const step = this.#steps.find((s) => s.key === stepKey);
    if (!step || step.kind !== 'tool_call') return null;
    const e = editOf(step);
    if (!e) return null;
    const file = step.fileTouches.find((t) => t.access !== 'read')?.path ?? step.files[0] ?? step.input?.file ?? step.input?.path;
    if (file === undefined) return null;
    return { stepKey, path: file, ...e };
  }

  private rel(path: string): string {
    return this.#relative.get(path) ?? path;
  }

  private build(step: PromptStep, index: number): StepRow {
    const offsetMs = step.timeMs === null ? null : step.timeMs - this.#startMs;
    const runningTokens = this.runningTokensAt(index);
    const runningCostMicros = this.#cost[index];
    let base: RowBase;
    let decision: 'accept' | 'reject' | null = null;
    let decisionSource: string | null = null;
    let waitMs: number | null = null;
    let durationMs: number | null = null;
    let model: string | null = null;
    let tokens: ReplayTokens | null = null;
    let costMicros = 0;
    let costEstimated = false;
    let attempts: number | null = null;
    let files: StepFile[] = [];
    let hasDiff = false;
    let callId: string | null = null;
    let parentCallId: string | null = null;
    let subagentType: string | null = null;
    let responseText: string | null = null;
    switch (step.kind) {
      case 'model_request': {
        model = step.model;
        tokens = step.tokens;
        costMicros = step.costMicros;
        costEstimated = step.costSource === 'estimated';
        attempts = step.attempts;
        durationMs = step.durationMs;
        responseText = step.responseText !== null ? step.responseText.slice(0, MAX_RESPONSE) : null;
        const retried = attempts !== null && attempts > 1;
        base = {
          title: step.model ?? 'Model request',
          summary: tokenLine(step.tokens),
          detail: [step.agentName !== null ? `for ${step.agentName}` : null, step.querySource].filter((x) => x !== null).join(' · ') || null,
          icon: 'model',
          depth: step.agentName !== null ? 1 : 0,
          outcome: 'ok',
          outcomeLabel: retried ? `answered after ${attempts} attempts` : 'answered',
          error: null,
        };
        subagentType = step.agentName;
        break;
      }
      case 'api_error': {
        model = step.model;
        attempts = step.attempts;
        const status = step.statusCode !== null ? ` ${step.statusCode}` : '';
        base = {
          title: `API error${status}`,
          summary: step.error !== null ? oneLine(step.error, MAX_SUMMARY) : '',
          detail: [step.model, attempts !== null ? `${attempts} attempts` : null].filter((x) => x !== null).join(' · ') || null,
          icon: 'error',
          depth: 0,
          outcome: 'failed',
          outcomeLabel: attempts !== null && attempts > 1 ? `failed after ${attempts} attempts` : 'failed',
          error: step.error !== null ? step.error.slice(0, MAX_ERROR) : null,
        };
        break;
      }
      case 'tool_call': {
        decision = step.decision;
        decisionSource = step.decisionSource;
        waitMs = step.waitMs;
        durationMs = step.durationMs;
        callId = step.callId;
        parentCallId = step.parentCallId;
        subagentType = step.subagentType;
        files = stepFiles(step);
        const e = editOf(step);
        hasDiff = e !== null && files.some((f) => f.access !== 'read');
        const { summary, detail } = toolSummary(step, (p) => this.rel(p));
        const { outcome, label } = toolOutcome(step);
        const error = step.error ?? step.errorType;
        base = {
          title: step.tool ?? 'Tool',
          summary,
          detail: detail ?? (step.input?.subagentType !== undefined && step.input.subagentType !== summary ? step.input.subagentType : null),
          icon: toolIcon(step.tool),
          depth: step.parentCallId !== null ? 1 : 0,
          outcome,
          outcomeLabel: label,
          error: error !== null ? error.slice(0, MAX_ERROR) : null,
        };
        break;
      }
      default:
        durationMs = step.durationMs;
        base = otherRow(step);
    }
    const dLabel = decisionLabel(decision, decisionSource);
    const row: Omit<StepRow, 'label'> = {
      index,
      key: step.key,
      kind: step.kind,
      icon: base.icon,
      depth: base.depth,
      offsetMs,
      durationMs,
      title: base.title,
      summary: base.summary,
      detail: base.detail,
      decision,
      decisionSource,
      decisionLabel: dLabel,
      waitMs,
      waitedForUser: waitMs !== null && isUserSource(decisionSource),
      outcome: base.outcome,
      outcomeLabel: base.outcomeLabel,
      error: base.error,
      model,
      tokens,
      costMicros,
      costEstimated,
      attempts,
      runningCostMicros,
      runningTokens,
      files,
      hasDiff,
      callId,
      parentCallId,
      subagentType,
      responseText,
    };
    return { ...row, label: rowLabel(row) };
  }
}

// ── a session ────────────────────────────────────────────────────────────

function promptItem(p: PromptSummary, index: number, running: number): PromptListItem {
  const start = Date.parse(p.startedAt);
  const end = Date.parse(p.endedAt);
  return {
    id: p.id,
    index,
    text: p.text,
    redacted: p.redacted,
    command: p.command,
    startedAt: p.startedAt,
    durationMs: Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : 0,
    costMicros: p.costMicros,
    costEstimated: p.costSource === 'estimated',
    toolCalls: p.toolCalls.length,
    rejected: p.toolCalls.filter((c) => c.decision === 'reject').length,
    failed: p.toolCalls.filter((c) => c.decision !== 'reject' && c.success === false).length + p.apiErrors,
    apiErrors: p.apiErrors,
    models: p.models,
    runningCostMicros: running,
  };
}

/** A session's prompts in order, with the session's totals (from its summary when there is one). */
export function buildSessionView(sessionId: string, session: SessionSummary | null, prompts: readonly PromptSummary[], options: ReplayOptions = {}): SessionView {
  const ordered = [...prompts].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  let running = 0;
  const items = ordered.map((p, i) => {
    running += p.costMicros;
    return promptItem(p, i, running);
  });
  const tokens = ordered.reduce<ReplayTokens>(
    (t, p) => ({ input: t.input + p.tokens.input, output: t.output + p.tokens.output, cacheRead: t.cacheRead + p.tokens.cacheRead, cacheWrite: t.cacheWrite + p.tokens.cacheWrite }),
    ZERO,
  );
  const lastEnd = ordered.reduce((m, p) => Math.max(m, Date.parse(p.endedAt) || 0), 0);
  const agent = session?.agent ?? ordered[0]?.agent ?? 'unknown';
  return {
    id: sessionId,
    agent,
    agentLabel: agentLabelOf(agent),
    workspace: session?.workspace ?? null,
    firstSeen: session?.firstSeen ?? ordered[0]?.startedAt ?? null,
    lastSeen: session?.lastSeen ?? (lastEnd > 0 ? new Date(lastEnd).toISOString() : null),
    costMicros: session?.costMicros ?? running,
    costEstimated: session ? session.costSource === 'estimated' : ordered.some((p) => p.costSource === 'estimated'),
    tokens: session?.tokens ?? tokens,
    prompts: items,
    live: options.nowMs !== undefined && lastEnd > 0 && options.nowMs - lastEnd <= LIVE_WINDOW_MS,
  };
}
