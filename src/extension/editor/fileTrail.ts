// What the trail says about one file: which prompts read or changed it, when,
// at what cost, and the edits whose new text can be looked for in the editor.
// Built from the service's answers (touches of the file + the prompts behind
// them); plain data, no `vscode`.
import type { AgentKind } from '../../core/model/agentKind';
import type { EditPart, ToolEdit } from '../../core/model/events';
import type { CostSource, FileTouchView, PromptSummary, ToolCallSummary } from '../../core/model/views';
import type { EditText } from './editLocator';
import { sumCosts, timeOf } from './trailFormat';

/** One tool call that wrote or edited the file, with what it wrote when the agent sent it. */
export interface FileEdit {
  /** Stable within the store: the call id, else the prompt id and the call's index. */
  readonly key: string;
  readonly promptId: string;
  readonly tool: string;
  readonly decision: 'accept' | 'reject' | null;
  readonly decisionSource: string | null;
  readonly atMs: number | null;
  /** The replacements the call made, as the agent sent them (several for MultiEdit); empty when it sent no text. */
  readonly parts: readonly EditText[];
}

/** A prompt as the editor features show it (a narrow copy of PromptSummary). */
export interface FilePrompt {
  readonly id: string;
  readonly sessionId: string | null;
  readonly agent: AgentKind;
  readonly text: string | null;
  readonly redacted: boolean;
  readonly command: string | null;
  readonly startedAtMs: number | null;
  readonly costMicros: number;
  readonly costSource: CostSource;
  /** This prompt wrote, edited or deleted the file (not only read it). */
  readonly changed: boolean;
}

export interface FileTrail {
  /** The path as the store knows it (absolute, as the agent sent it). */
  readonly path: string;
  readonly agents: readonly AgentKind[];
  /** Prompts that read or changed the file (refused calls do not count), oldest first. */
  readonly prompts: readonly FilePrompt[];
  readonly lastAtMs: number | null;
  /** Sum over `prompts`. */
  readonly costMicros: number;
  readonly costSource: CostSource;
  /** The prompt whose touch is the most recent. */
  readonly latestPromptId: string | null;
  /** Accepted writes and edits of this file, newest first. */
  readonly edits: readonly FileEdit[];
}

/**
 * The replacements of a call (ToolCallSummary.edit: one, or MultiEdit's parts),
 * empty when the agent did not send the text. Read defensively: `edit` is
 * optional for producers other than the store.
 */
export function editTextsOf(call: ToolCallSummary): EditText[] {
  const edit: ToolEdit | null | undefined = call.edit;
  if (!edit || typeof edit !== 'object') return [];
  const parts: readonly EditPart[] = Array.isArray(edit.parts) && edit.parts.length > 0 ? edit.parts : [edit];
  return parts
    .filter((p) => typeof p.newText === 'string')
    .map((p) => ({ oldText: p.oldText, newText: p.newText, truncated: edit.truncated === true, replaceAll: p.replaceAll }));
}

const isChange = (access: string): boolean => access !== 'read';

/**
 * Builds the trail of a file from its touches and the prompts they belong to
 * (extra prompts are ignored). `paths`: the file's names in the store (its
 * absolute path; for agents that send relative paths, the workspace-relative one).
 */
export function buildFileTrail(path: string, paths: ReadonlySet<string>, touches: readonly FileTouchView[], prompts: readonly PromptSummary[]): FileTrail | null {
  const counted = touches.filter((t) => t.decision !== 'reject' && paths.has(t.path));
  if (counted.length === 0) return null;
  const byId = new Map(prompts.map((p) => [p.id, p]));
  const changedIds = new Set<string>();
  const promptIds: string[] = [];
  let lastAtMs: number | null = null;
  let latestPromptId: string | null = null;
  for (const t of counted) {
    const at = timeOf(t.at);
    if (t.promptId !== null) {
      if (!promptIds.includes(t.promptId)) promptIds.push(t.promptId);
      if (isChange(t.access)) changedIds.add(t.promptId);
    }
    if (at !== null && (lastAtMs === null || at >= lastAtMs)) {
      lastAtMs = at;
      if (t.promptId !== null) latestPromptId = t.promptId;
    }
  }
  if (latestPromptId === null) latestPromptId = promptIds[promptIds.length - 1] ?? null;
  const filePrompts: FilePrompt[] = [];
  for (const id of promptIds) {
    const p = byId.get(id);
    if (!p) continue;
    filePrompts.push({
      id,
      sessionId: p.sessionId,
      agent: p.agent,
      text: p.text,
      redacted: p.redacted,
      command: p.command,
      startedAtMs: timeOf(p.startedAt),
      costMicros: p.costMicros,
      costSource: p.costSource,
      changed: changedIds.has(id),
    });
  }
  filePrompts.sort((a, b) => (a.startedAtMs ?? 0) - (b.startedAtMs ?? 0));
  const cost = sumCosts(filePrompts);
  return {
    path,
    agents: [...new Set(filePrompts.map((p) => p.agent))],
    prompts: filePrompts,
    lastAtMs,
    costMicros: cost.micros,
    costSource: cost.source,
    latestPromptId,
    edits: editsOf(paths, filePrompts.map((p) => byId.get(p.id)).filter((p): p is PromptSummary => p !== undefined)),
  };
}

/** Accepted calls that changed the file, newest first. */
function editsOf(paths: ReadonlySet<string>, prompts: readonly PromptSummary[]): FileEdit[] {
  const edits: FileEdit[] = [];
  for (const prompt of prompts) {
    prompt.toolCalls.forEach((call, index) => {
      if (call.decision === 'reject' || call.success === false) return;
      if (!call.fileTouches.some((t) => paths.has(t.path) && isChange(t.access))) return;
      edits.push({
        key: call.callId ?? `${prompt.id}#${index}`,
        promptId: prompt.id,
        tool: call.tool ?? 'tool',
        decision: call.decision,
        decisionSource: call.decisionSource,
        atMs: timeOf(call.startedAt) ?? timeOf(prompt.startedAt),
        parts: editTextsOf(call),
      });
    });
  }
  return edits.sort((a, b) => (b.atMs ?? 0) - (a.atMs ?? 0));
}
