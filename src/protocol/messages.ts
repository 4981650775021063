// Messages between the replay panel host (src/extension/panel) and webview-ui/.
// No vscode, no Node: both sides import this file.
//
// Three shapes, each a descriptor in one map:
// - requests (webview → host): `{type:'request', id, method, params}`, answered
//   by exactly one `{type:'response', id, ok:true, result}` or
//   `{type:'response', id, ok:false, error:{code, message}}`. Data is pulled
//   by the webview in pages, never pushed whole.
// - commands (webview → host): `{type:'command', command, args}`, no answer;
//   the host validates them before it acts (opening a file, a diff).
// - notifications (host → webview): `{type:'notification', name, params}`.
// The webview sends `{type:'ready'}` once it listens; the host posts nothing before.

import type { PromptOverview, SessionView, StepPage, StepRow, ViewTarget } from '../core/replay/replayTypes';
import type { PackedRows } from './packedRows';

export type { PackedRows, PromptOverview, SessionView, StepPage, StepRow, ViewTarget };

export const PROTOCOL_VERSION = 1;
/** The panel's view type (package.json: activation event `onWebviewPanel:agentTrail.replay`). */
export const REPLAY_VIEW_TYPE = 'agentTrail.replay';

export const MAX_ID_LENGTH = 512;
export const MAX_PATH_LENGTH = 4096;
export const MAX_TITLE_LENGTH = 300;
export const MAX_STEPS_PER_REQUEST = 500;

// ── descriptors ─────────────────────────────────────────────────────────

export interface RequestMap {
  /** The prompt's header, step count, offsets and running-cost series. */
  getPrompt: { params: { promptId: string }; result: PromptOverview };
  /** Rows `offset` to `offset + limit` (limit ≤ MAX_STEPS_PER_REQUEST). */
  getSteps: { params: { promptId: string; offset: number; limit: number }; result: StepPage };
  /** A session's prompts and totals. */
  getSession: { params: { sessionId: string }; result: SessionView };
}

export interface CommandMap {
  /** Open a file a step of this prompt touched (the host checks it did). */
  openFile: { promptId: string; stepKey: string; path: string };
  /** Open the before/after diff of an edit the agent sent. */
  openDiff: { promptId: string; stepKey: string };
  /** The webview now shows `target`: the panel's title and what a restart restores. */
  navigated: { target: ViewTarget; title: string };
}

export interface NotificationMap {
  /** Show this (sent after `ready`, and when a command asks an open panel for something else). */
  show: { target: ViewTarget };
  /** The trail changed: re-request what is on screen. */
  dataChanged: Record<string, never>;
}

export type RequestMethod = keyof RequestMap;
export type CommandName = keyof CommandMap;
export type NotificationName = keyof NotificationMap;
export type RequestParams<M extends RequestMethod> = RequestMap[M]['params'];
export type RequestResult<M extends RequestMethod> = RequestMap[M]['result'];

export type ErrorCode = 'not_found' | 'bad_request' | 'unavailable' | 'internal';

export interface ReplyError {
  readonly code: ErrorCode;
  readonly message: string;
}

// ── webview → host ──────────────────────────────────────────────────────

export interface ReadyMessage {
  readonly type: 'ready';
  readonly protocol: number;
  /** What the webview showed before it was hidden or VS Code restarted (its saved state). */
  readonly restored: ViewTarget | null;
}

export type RequestMessage = { [M in RequestMethod]: { readonly type: 'request'; readonly id: number; readonly method: M; readonly params: RequestParams<M> } }[RequestMethod];

export type CommandMessage = { [C in CommandName]: { readonly type: 'command'; readonly command: C; readonly args: CommandMap[C] } }[CommandName];

export type WebviewToHost = ReadyMessage | RequestMessage | CommandMessage;

// ── host → webview ──────────────────────────────────────────────────────

export type ResponseMessage =
  | { readonly type: 'response'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'response'; readonly id: number; readonly ok: false; readonly error: ReplyError };

export type NotificationMessage = { [N in NotificationName]: { readonly type: 'notification'; readonly name: N; readonly params: NotificationMap[N] } }[NotificationName];

export type HostToWebview = ResponseMessage | NotificationMessage;

// ── the state the webview keeps (acquireVsCodeApi().setState) ───────────

export interface ReplayState {
  readonly v: 1;
  readonly target: ViewTarget;
  /** Selected step of a prompt view (index). */
  readonly selected: number;
  readonly speed: number;
  readonly follow: boolean;
}

// ── the HTML report: the same app, its data embedded ────────────────────

/** Id of the `<script type="application/json">` element that carries ReportData. */
export const REPORT_DATA_ID = 'agent-trail-data';

export interface ReportPrompt {
  readonly overview: PromptOverview;
  /** Every row, packed (packedRows.ts). */
  readonly rows: PackedRows;
}

export interface ReportData {
  readonly format: 'agent-trail-report';
  readonly version: 1;
  readonly generatedAt: string;
  readonly initial: ViewTarget;
  readonly session: SessionView | null;
  readonly prompts: Readonly<Record<string, ReportPrompt>>;
}

// ── validation ──────────────────────────────────────────────────────────

type Obj = Readonly<Record<string, unknown>>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function boundedString(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= max;
}

function isCount(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

export function parseTarget(v: unknown): ViewTarget | null {
  if (!isObj(v)) return null;
  if (v.kind === 'prompt' && boundedString(v.promptId, MAX_ID_LENGTH)) return { kind: 'prompt', promptId: v.promptId };
  if (v.kind === 'session' && boundedString(v.sessionId, MAX_ID_LENGTH)) return { kind: 'session', sessionId: v.sessionId };
  return null;
}

export function sameTarget(a: ViewTarget | null, b: ViewTarget | null): boolean {
  if (a === null || b === null) return a === b;
  return a.kind === 'prompt' ? b.kind === 'prompt' && a.promptId === b.promptId : b.kind === 'session' && a.sessionId === b.sessionId;
}

/** A saved ReplayState, or null when it is not one (a newer or damaged state). */
export function parseState(v: unknown): ReplayState | null {
  if (!isObj(v) || v.v !== 1) return null;
  const target = parseTarget(v.target);
  if (!target) return null;
  const selected = isCount(v.selected, Number.MAX_SAFE_INTEGER) ? v.selected : 0;
  const speed = typeof v.speed === 'number' && Number.isFinite(v.speed) && v.speed > 0 && v.speed <= 1000 ? v.speed : 1;
  return { v: 1, target, selected, speed, follow: v.follow === true };
}

export type ParsedWebviewMessage = { readonly ok: true; readonly message: WebviewToHost } | { readonly ok: false; readonly reason: string; readonly id?: number };

/**
 * What the host accepts from its webview: every field checked, strings bounded,
 * anything else refused with a reason (and the request id, to answer it).
 */
export function parseWebviewMessage(raw: unknown): ParsedWebviewMessage {
  if (!isObj(raw)) return { ok: false, reason: 'not an object' };
  switch (raw.type) {
    case 'ready': {
      if (raw.protocol !== PROTOCOL_VERSION) return { ok: false, reason: `protocol ${String(raw.protocol)} is not ${PROTOCOL_VERSION}` };
      return { ok: true, message: { type: 'ready', protocol: PROTOCOL_VERSION, restored: parseTarget(raw.restored) } };
    }
    case 'request': {
      if (!isCount(raw.id, Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'request without a numeric id' };
      const id = raw.id;
      const p = isObj(raw.params) ? raw.params : null;
      if (p === null) return { ok: false, reason: 'request without params', id };
      switch (raw.method) {
        case 'getPrompt':
          if (!boundedString(p.promptId, MAX_ID_LENGTH)) return { ok: false, reason: 'getPrompt needs a promptId', id };
          return { ok: true, message: { type: 'request', id, method: 'getPrompt', params: { promptId: p.promptId } } };
        case 'getSteps':
          if (!boundedString(p.promptId, MAX_ID_LENGTH)) return { ok: false, reason: 'getSteps needs a promptId', id };
          if (!isCount(p.offset, Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'getSteps needs an offset (integer ≥ 0)', id };
          if (!isCount(p.limit, MAX_STEPS_PER_REQUEST)) return { ok: false, reason: `getSteps needs a limit (integer 0 to ${MAX_STEPS_PER_REQUEST})`, id };
          return { ok: true, message: { type: 'request', id, method: 'getSteps', params: { promptId: p.promptId, offset: p.offset, limit: p.limit } } };
        case 'getSession':
          if (!boundedString(p.sessionId, MAX_ID_LENGTH)) return { ok: false, reason: 'getSession needs a sessionId', id };
          return { ok: true, message: { type: 'request', id, method: 'getSession', params: { sessionId: p.sessionId } } };
        default:
          return { ok: false, reason: `unknown method ${JSON.stringify(String(raw.method)).slice(0, 80)}`, id };
      }
    }
    case 'command': {
      const a = isObj(raw.args) ? raw.args : null;
      if (a === null) return { ok: false, reason: 'command without args' };
      switch (raw.command) {
        case 'openFile':
          if (!boundedString(a.promptId, MAX_ID_LENGTH) || !boundedString(a.stepKey, MAX_ID_LENGTH) || !boundedString(a.path, MAX_PATH_LENGTH)) {
            return { ok: false, reason: 'openFile needs promptId, stepKey and path' };
          }
          return { ok: true, message: { type: 'command', command: 'openFile', args: { promptId: a.promptId, stepKey: a.stepKey, path: a.path } } };
        case 'openDiff':
          if (!boundedString(a.promptId, MAX_ID_LENGTH) || !boundedString(a.stepKey, MAX_ID_LENGTH)) return { ok: false, reason: 'openDiff needs promptId and stepKey' };
          return { ok: true, message: { type: 'command', command: 'openDiff', args: { promptId: a.promptId, stepKey: a.stepKey } } };
        case 'navigated': {
          const target = parseTarget(a.target);
          if (!target) return { ok: false, reason: 'navigated needs a target' };
          const title = typeof a.title === 'string' ? a.title.slice(0, MAX_TITLE_LENGTH) : '';
          return { ok: true, message: { type: 'command', command: 'navigated', args: { target, title } } };
        }
        default:
          return { ok: false, reason: `unknown command ${JSON.stringify(String(raw.command)).slice(0, 80)}` };
      }
    }
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(String(raw.type)).slice(0, 80)}` };
  }
}

/** The webview's check of what it receives (the host is trusted, the shape is still checked). */
export function parseHostMessage(raw: unknown): HostToWebview | null {
  if (!isObj(raw)) return null;
  if (raw.type === 'response' && isCount(raw.id, Number.MAX_SAFE_INTEGER) && typeof raw.ok === 'boolean') {
    if (raw.ok) return { type: 'response', id: raw.id, ok: true, result: raw.result };
    const e = isObj(raw.error) ? raw.error : {};
    const code: ErrorCode = e.code === 'not_found' || e.code === 'bad_request' || e.code === 'unavailable' ? e.code : 'internal';
    return { type: 'response', id: raw.id, ok: false, error: { code, message: typeof e.message === 'string' ? e.message : 'request failed' } };
  }
  if (raw.type === 'notification') {
    if (raw.name === 'show') {
      const target = isObj(raw.params) ? parseTarget(raw.params.target) : null;
      return target ? { type: 'notification', name: 'show', params: { target } } : null;
    }
    if (raw.name === 'dataChanged') return { type: 'notification', name: 'dataChanged', params: {} };
  }
  return null;
}

// ── report data, safely embedded in HTML ────────────────────────────────

/**
 * JSON for a `<script type="application/json">` element: `<`, `>`, `&` and
 * U+2028/U+2029 escaped so that agent text such as `</script>` or `<!--`
 * cannot end the element or change how the HTML parser reads it.
 */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
