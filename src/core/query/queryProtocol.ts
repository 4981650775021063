// The owner's loopback query protocol: POST QUERY_PATH with a JSON body
// `{ "method": "...", "params": { ... } }`, answered with `{ "result": ... }`
// or `{ "error": { "code", "message" } }`. Only the methods listed here exist;
// params are checked before anything runs.
import type { FileQuery, PromptQuery, TrailQueries } from './trailQueries';
import type { OwnerStatus } from './trailState';

export const QUERY_PATH = '/v1/query';
export const MAX_QUERY_BODY_BYTES = 64 * 1024;

/** Read methods: one per TrailQueries method, plus the owner's status. */
export const READ_METHODS = [
  'listSessions',
  'listPrompts',
  'promptDetails',
  'promptSteps',
  'filesTouched',
  'touchesForFile',
  'dataVersion',
  'ownerInfo',
] as const;

/** The few actions a reader window may ask of the owner (the user's commands, run where the listener is). */
export const CONTROL_METHODS = ['pauseListening', 'resumeListening', 'clearData'] as const;

export type ReadMethod = (typeof READ_METHODS)[number];
export type ControlMethod = (typeof CONTROL_METHODS)[number];
export type QueryMethod = ReadMethod | ControlMethod;

export function isQueryMethod(v: unknown): v is QueryMethod {
  return typeof v === 'string' && ((READ_METHODS as readonly string[]).includes(v) || (CONTROL_METHODS as readonly string[]).includes(v));
}

/** What the server dispatches to: the owner's queries and controls. */
export interface QueryBackend {
  readonly queries: TrailQueries;
  ownerStatus(): OwnerStatus;
  pauseListening(): Promise<void>;
  resumeListening(): Promise<void>;
  clearData(): Promise<void>;
}

export type QueryErrorCode = 'bad_request' | 'unknown_method' | 'bad_params' | 'unavailable' | 'internal';

export interface QueryErrorBody {
  readonly code: QueryErrorCode;
  readonly message: string;
}

/** Bad params: answered 400 with the reason. */
export class QueryParamsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryParamsError';
  }
}

type Params = Readonly<Record<string, unknown>>;

function optionalString(p: Params, key: string): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > 4096) throw new QueryParamsError(`${key} must be a string`);
  return v;
}

function requiredString(p: Params, key: string): string {
  const v = optionalString(p, key);
  if (v === undefined) throw new QueryParamsError(`${key} is required`);
  return v;
}

function optionalMs(p: Params, key: string): number | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new QueryParamsError(`${key} must be a number of milliseconds`);
  return v;
}

function promptQuery(p: Params): PromptQuery {
  const q: { sessionId?: string; fromMs?: number; toMs?: number } = {};
  const sessionId = optionalString(p, 'sessionId');
  const fromMs = optionalMs(p, 'fromMs');
  const toMs = optionalMs(p, 'toMs');
  if (sessionId !== undefined) q.sessionId = sessionId;
  if (fromMs !== undefined) q.fromMs = fromMs;
  if (toMs !== undefined) q.toMs = toMs;
  return q;
}

function fileQuery(p: Params): FileQuery {
  const sessionId = optionalString(p, 'sessionId');
  return sessionId === undefined ? {} : { sessionId };
}

/** Runs one checked call against the backend; the result is JSON-ready. */
export async function dispatchQuery(backend: QueryBackend, method: QueryMethod, rawParams: unknown): Promise<unknown> {
  if (rawParams !== undefined && (typeof rawParams !== 'object' || rawParams === null || Array.isArray(rawParams))) {
    throw new QueryParamsError('params must be an object');
  }
  const p: Params = (rawParams ?? {}) as Params;
  const q = backend.queries;
  switch (method) {
    case 'listSessions':
      return q.listSessions();
    case 'listPrompts':
      return q.listPrompts(promptQuery(p));
    case 'promptDetails':
      return q.promptDetails(requiredString(p, 'promptId'));
    case 'promptSteps':
      return q.promptSteps(requiredString(p, 'promptId'));
    case 'filesTouched':
      return q.filesTouched(fileQuery(p));
    case 'touchesForFile':
      return q.touchesForFile(requiredString(p, 'path'));
    case 'dataVersion':
      return q.dataVersion();
    case 'ownerInfo':
      return backend.ownerStatus();
    case 'pauseListening':
      await backend.pauseListening();
      return null;
    case 'resumeListening':
      await backend.resumeListening();
      return null;
    case 'clearData':
      await backend.clearData();
      return null;
  }
}

/** The params a client sends for each TrailQueries call (the inverse of dispatchQuery). */
export const paramsOf = {
  listPrompts: (query: PromptQuery = {}): Params => ({ ...query }),
  filesTouched: (query: FileQuery = {}): Params => ({ ...query }),
  promptId: (promptId: string): Params => ({ promptId }),
  path: (path: string): Params => ({ path }),
} as const;
