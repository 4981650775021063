// What the model answers, in plain JSON-ready shapes. PromptSummary is a public
// contract: it is the CLI's `prompts --json` output, so fields are only ever
// added, never renamed or removed.

import type { AgentKind } from './agentKind';
import type { FileAccess, InputSummary, ToolEdit } from './events';

export type { EditPart, ToolEdit } from './events';

export type CostSource = 'agent' | 'estimated';

export interface TokenTotals {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

/** A file as the prompt-level contract shows it: edits and deletes count as writes. */
export interface PromptFile {
  readonly path: string;
  readonly access: 'read' | 'write';
  readonly relativePath: string | null;
}

export interface FileTouchRef {
  readonly path: string;
  readonly relativePath: string | null;
  readonly access: FileAccess;
}

export interface ToolCallSummary {
  readonly tool: string | null;
  readonly callId: string | null;
  readonly decision: 'accept' | 'reject' | null;
  readonly decisionSource: string | null;
  /** Null when the tool never ran (refused) or no result was reported. */
  readonly success: boolean | null;
  /** Paths the call named, in order, without duplicates. */
  readonly files: readonly string[];
  readonly fileTouches: readonly FileTouchRef[];
  readonly rawDecision: string | null;
  readonly startedAt: string | null;
  readonly durationMs: number | null;
  /** Time spent waiting for the permission decision (spans only). */
  readonly waitMs: number | null;
  readonly errorType: string | null;
  readonly error: string | null;
  readonly input: InputSummary | null;
  /** For calls made inside a subagent: the call that started it, and its type. */
  readonly parentCallId: string | null;
  readonly subagentType: string | null;
  /**
   * The edit's text (Edit/MultiEdit `old_string`/`new_string`, Write `content`,
   * NotebookEdit `new_source`) where the agent sent it; null otherwise. For the
   * editor's line highlights and the replay's diffs. Untrusted text, bounded:
   * see ToolEdit. Always set by the store; optional for other producers.
   */
  readonly edit?: ToolEdit | null;
}

export interface PromptSummary {
  readonly id: string;
  readonly sessionId: string | null;
  readonly agent: AgentKind;
  /** As the agent sent it; null when it was not sent or redacted. */
  readonly text: string | null;
  readonly redacted: boolean;
  readonly length: number | null;
  /** Slash command (`exit`, `compact`) when the prompt was one. */
  readonly command: string | null;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly costUsd: number;
  readonly costMicros: number;
  readonly costSource: CostSource;
  readonly priceTableVersion: string | null;
  readonly tokens: TokenTotals;
  readonly models: readonly string[];
  readonly apiRequests: number;
  readonly apiErrors: number;
  /** Extra attempts of requests that were retried (successful or not). */
  readonly retries: number;
  readonly files: readonly PromptFile[];
  readonly toolCalls: readonly ToolCallSummary[];
}

export interface SessionSummary {
  readonly id: string;
  readonly agent: AgentKind;
  readonly userId: string | null;
  readonly userEmail: string | null;
  readonly workspace: string | null;
  readonly serviceVersion: string | null;
  readonly models: readonly string[];
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly prompts: number;
  readonly toolCalls: number;
  readonly apiRequests: number;
  readonly apiErrors: number;
  readonly tokens: TokenTotals;
  readonly costUsd: number;
  readonly costMicros: number;
  readonly costSource: CostSource;
  readonly linesAdded: number;
  readonly linesRemoved: number;
}

interface StepBase {
  readonly key: string;
  readonly at: string | null;
  readonly timeMs: number | null;
}

export interface ModelRequestStep extends StepBase {
  readonly kind: 'model_request';
  readonly requestId: string | null;
  readonly model: string | null;
  readonly modelGroup: string | null;
  readonly tokens: TokenTotals;
  readonly costMicros: number;
  readonly costSource: CostSource;
  readonly durationMs: number | null;
  readonly attempts: number | null;
  readonly querySource: string | null;
  readonly agentName: string | null;
  readonly responseLength: number | null;
  readonly responseText: string | null;
}

export interface ApiErrorStep extends StepBase {
  readonly kind: 'api_error';
  readonly requestId: string | null;
  readonly model: string | null;
  readonly error: string | null;
  readonly statusCode: number | null;
  readonly attempts: number | null;
}

export interface ToolCallStep extends StepBase, ToolCallSummary {
  readonly kind: 'tool_call';
}

export interface OtherStep extends StepBase {
  readonly kind: 'compaction' | 'hook' | 'subagent' | 'event';
  readonly name: string;
  readonly durationMs: number | null;
  readonly success: boolean | null;
  readonly detail: Readonly<Record<string, unknown>> | null;
}

export type PromptStep = ModelRequestStep | ApiErrorStep | ToolCallStep | OtherStep;

export interface PromptDetails extends PromptSummary {
  readonly steps: readonly PromptStep[];
}

export interface FileTouchView {
  readonly path: string;
  readonly relativePath: string | null;
  readonly access: FileAccess;
  readonly at: string | null;
  readonly sessionId: string | null;
  readonly promptId: string | null;
  readonly callId: string | null;
  readonly tool: string | null;
  readonly decision: 'accept' | 'reject' | null;
  readonly success: boolean | null;
}

export interface FileSummary {
  readonly path: string;
  readonly relativePath: string | null;
  /** 'write' when any touch wrote, edited or deleted it. */
  readonly access: 'read' | 'write';
  readonly reads: number;
  readonly writes: number;
  /** Touches whose call was refused: the agent tried but did not touch the file. */
  readonly refused: number;
  readonly firstAt: string | null;
  readonly lastAt: string | null;
}
