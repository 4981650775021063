// What the replay panel shows, as plain JSON-ready data: the rows of a prompt's
// timeline, the prompt's header, the running cost series, a session's prompts.
// Built by replayModel.ts on the host (or by the CLI for the HTML report) and
// read by webview-ui/, so this file imports nothing: the webview's own
// tsconfig (DOM, no Node) compiles it too. Every string in here may come from
// the agent and must be rendered as text.

export type StepKind = 'model_request' | 'tool_call' | 'api_error' | 'compaction' | 'hook' | 'subagent' | 'event';

export type StepIcon =
  | 'model'
  | 'tool'
  | 'read'
  | 'write'
  | 'edit'
  | 'shell'
  | 'search'
  | 'web'
  | 'agent'
  | 'task'
  | 'error'
  | 'hook'
  | 'compaction'
  | 'event';

/**
 * ok: ran (or answered) fine. failed: ran and failed, or an API error.
 * refused: a tool call that was rejected and never ran. no_result: accepted,
 * but no result was reported (still running, or not sent). info: an event
 * with no success or failure of its own.
 */
export type StepOutcome = 'ok' | 'failed' | 'refused' | 'no_result' | 'info';

export type ReplayAccess = 'read' | 'write' | 'edit' | 'delete';

export interface ReplayTokens {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

export interface StepFile {
  /** As the agent sent it (absolute for Claude Code). */
  readonly path: string;
  /** Relative to the workspace it was recorded in, when it was inside one. */
  readonly relativePath: string | null;
  readonly access: ReplayAccess;
}

/** One step of a prompt's timeline, ready to show. */
export interface StepRow {
  /** Position in the prompt, from 0. */
  readonly index: number;
  /** Stable id of the step within the store. */
  readonly key: string;
  readonly kind: StepKind;
  readonly icon: StepIcon;
  /** 0 for the main agent, 1 for steps made inside a subagent. */
  readonly depth: number;
  /** Milliseconds from the prompt's start; null when the step has no time. */
  readonly offsetMs: number | null;
  readonly durationMs: number | null;
  /** Tool name, model name, "API error", hook name... */
  readonly title: string;
  /** One line: the tool's command, file or pattern; a request's tokens; an error's message. */
  readonly summary: string;
  /** A second line where there is one: a Bash call's description, a subagent's type. */
  readonly detail: string | null;
  readonly decision: 'accept' | 'reject' | null;
  /** Who decided, as the agent reported it (config, hook, user_permanent, unknown...). */
  readonly decisionSource: string | null;
  /** "accepted by config", "rejected by user", "refused without asking (source unknown)". */
  readonly decisionLabel: string | null;
  /** How long the call waited for its permission decision, when known. */
  readonly waitMs: number | null;
  /** The wait was for a person (the decision came from the user). */
  readonly waitedForUser: boolean;
  readonly outcome: StepOutcome;
  readonly outcomeLabel: string;
  readonly error: string | null;
  readonly model: string | null;
  /** Tokens of a model request; null for other steps. */
  readonly tokens: ReplayTokens | null;
  readonly costMicros: number;
  readonly costEstimated: boolean;
  /** Attempts of a retried request (3 = two retries); null when not reported. */
  readonly attempts: number | null;
  /** Cost and tokens of this step and every step before it. */
  readonly runningCostMicros: number;
  readonly runningTokens: ReplayTokens;
  readonly files: readonly StepFile[];
  /** The call sent its edit (old and new text): a diff can be shown. */
  readonly hasDiff: boolean;
  readonly callId: string | null;
  /** For a call made inside a subagent: the call that started it. */
  readonly parentCallId: string | null;
  readonly subagentType: string | null;
  /** A model's answer, when the agent sent it (bounded). */
  readonly responseText: string | null;
  /** One sentence for screen readers. */
  readonly label: string;
}

export interface ReplayFile {
  readonly path: string;
  readonly relativePath: string | null;
  readonly access: 'read' | 'write';
}

/** The prompt as the replay's header shows it. */
export interface PromptHeader {
  readonly id: string;
  readonly sessionId: string | null;
  readonly agent: string;
  readonly agentLabel: string;
  /** As the agent sent it; null when not sent or redacted. */
  readonly text: string | null;
  readonly redacted: boolean;
  readonly command: string | null;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  readonly costMicros: number;
  readonly costEstimated: boolean;
  readonly priceTableVersion: string | null;
  readonly tokens: ReplayTokens;
  readonly models: readonly string[];
  readonly apiRequests: number;
  readonly apiErrors: number;
  readonly retries: number;
  readonly toolCalls: number;
  readonly rejected: number;
  readonly failed: number;
  readonly files: readonly ReplayFile[];
}

/**
 * The running cost and tokens as a step function: only the steps where the
 * totals change (model requests), each with the totals after it. Before the
 * first point everything is 0; after the last, the prompt's totals.
 */
export interface CostSeries {
  readonly index: readonly number[];
  readonly costMicros: readonly number[];
  readonly input: readonly number[];
  readonly output: readonly number[];
  readonly cacheRead: readonly number[];
  readonly cacheWrite: readonly number[];
}

export type MarkKind = 'reject' | 'failed';

/** Steps worth a tick on the scrubber: refusals and failures. */
export interface StepMark {
  readonly index: number;
  readonly kind: MarkKind;
}

/** Everything about a prompt the panel needs up front; the rows come in pages. */
export interface PromptOverview {
  readonly prompt: PromptHeader;
  readonly stepCount: number;
  /** Offset of every step from the prompt's start (null when unknown): playback timing and the scrubber's time label. */
  readonly offsets: ReadonlyArray<number | null>;
  readonly series: CostSeries;
  readonly marks: readonly StepMark[];
  /** The prompt ended so recently that the agent may still be at work. */
  readonly live: boolean;
}

export interface StepPage {
  readonly promptId: string;
  readonly offset: number;
  readonly total: number;
  readonly rows: readonly StepRow[];
}

export interface PromptListItem {
  readonly id: string;
  readonly index: number;
  readonly text: string | null;
  readonly redacted: boolean;
  readonly command: string | null;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly costMicros: number;
  readonly costEstimated: boolean;
  readonly toolCalls: number;
  readonly rejected: number;
  readonly failed: number;
  readonly apiErrors: number;
  readonly models: readonly string[];
  /** Cost of this prompt and the ones before it in the session. */
  readonly runningCostMicros: number;
}

export interface SessionView {
  readonly id: string;
  readonly agent: string;
  readonly agentLabel: string;
  readonly workspace: string | null;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly costMicros: number;
  readonly costEstimated: boolean;
  readonly tokens: ReplayTokens;
  readonly prompts: readonly PromptListItem[];
  readonly live: boolean;
}

/** What the panel shows: one prompt's timeline, or a session's prompts. */
export type ViewTarget = { readonly kind: 'prompt'; readonly promptId: string } | { readonly kind: 'session'; readonly sessionId: string };
