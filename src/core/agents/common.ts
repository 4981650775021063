// Pieces the Codex, Gemini CLI and GenAI-semconv adapters share: building
// events cheaply, reading decisions in any letter case, bounded generic
// details, metric points, and the one place file paths are joined.
//
// Everything here is pure: adapters stay stateless so that the store can
// replay them over the raw records at any time.

import type { AgentEvent, Decision, EventBase, GenericEvent, MetricEvent, MetricKind, Temporality, TokenCounts } from '../model/events';
import type { AgentKind } from '../model/agentKind';
import { modelGroup } from '../model/modelName';
import type { AnyValue, Attributes, LogRecord, MetricPoint } from '../otlp/types';
import { TEMPORALITY_CUMULATIVE, TEMPORALITY_DELTA } from '../otlp/types';
import { bounded, text } from './attributes';
import { nanosToMs } from './recordFacts';

/**
 * Completes an event from its base. Object.assign rather than a spread
 * followed by more properties: V8 takes a slow path for the latter (see
 * claudeCode.ts), and ingest speed matters.
 */
export function make<T extends AgentEvent>(base: EventBase, fields: Omit<T, keyof EventBase> & Partial<Pick<T, keyof EventBase>>): T {
  return Object.assign(base, fields) as T;
}

/** Lower case without separators: `Approved_For_Session`, `approvedForSession` and `approved-for-session` read alike. */
export function normalizedWord(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A decision read through an agent's vocabulary (keys already normalised); null when the value means neither. */
export function decisionIn(vocabulary: Readonly<Record<string, Decision>>, raw: string | null): Decision | null {
  if (raw === null) return null;
  return vocabulary[normalizedWord(raw)] ?? null;
}

/** The decision as sent, kept only when it says more than a plain accept/reject (the model's convention). */
export function rawDecision(raw: string | null): string | null {
  if (raw === null) return null;
  const s = raw.trim().toLowerCase();
  return s === 'accept' || s === 'reject' || s === '' ? null : raw;
}

export const MAX_TEXT = 64 * 1024;
export const MAX_ERROR = 4000;
export const MAX_COMMAND = 2000;
export const MAX_FIELD = 500;
export const MAX_PATH = 4096;

/** Prompt text as sent: absent, empty or one of the agent's redaction markers means not sent. */
export function promptContent(value: string | null, redactionMarkers: readonly string[]): { text: string | null; redacted: boolean } {
  if (value === null) return { text: null, redacted: false };
  if (redactionMarkers.includes(value)) return { text: null, redacted: true };
  return { text: bounded(value, MAX_TEXT), redacted: false };
}

// ── generic details ─────────────────────────────────────────────────────

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

/** A record's own attributes minus those every record repeats, bounded for storage. */
export function detailOf(a: Attributes, standardKeys: ReadonlySet<string>): Record<string, AnyValue> {
  const out: Record<string, AnyValue> = {};
  let n = 0;
  for (const [k, v] of Object.entries(a)) {
    if (standardKeys.has(k)) continue;
    if (n++ >= GENERIC_MAX_KEYS) break;
    out[k] = boundedValue(v, 0);
  }
  return out;
}

export function genericEvent(base: EventBase, name: string, recognized: boolean, attributes: Record<string, AnyValue>): GenericEvent {
  return make<GenericEvent>(base, { type: 'generic', name, recognized, attributes });
}

// ── time ────────────────────────────────────────────────────────────────

/** The nanosecond timestamp a log record is placed at: timeUnixNano, else observedTimeUnixNano (Codex sends 0); null when neither is set. */
export function logNanos(record: LogRecord): string | null {
  for (const t of [record.timeUnixNano, record.observedTimeUnixNano]) if (t !== '' && t !== '0') return t;
  return null;
}

/**
 * The position of a timestamp inside its millisecond (0…999999 ns). Agents
 * without an event counter (Codex) stamp every record in nanoseconds, so this
 * orders records of the same millisecond exactly, as `event.sequence` does for
 * Claude Code.
 */
export function subMillisecond(nanos: string | null): number | null {
  if (nanos === null || !/^\d+$/.test(nanos)) return null;
  return nanos.length <= 6 ? Number(nanos) : Number(nanos.slice(-6));
}

// ── tokens ──────────────────────────────────────────────────────────────

/**
 * Disjoint buckets from counts whose input includes the cached tokens (OpenAI,
 * Gemini, the GenAI semantic conventions): input = total input − cache reads −
 * cache writes, never below zero.
 */
export function tokensFromInclusiveInput(totalInput: number, cacheRead: number, cacheWrite: number, output: number): TokenCounts {
  return { input: Math.max(0, totalInput - cacheRead - cacheWrite), output, cacheRead, cacheWrite };
}

// ── metrics ─────────────────────────────────────────────────────────────

export function temporalityOf(t: number): Temporality {
  return t === TEMPORALITY_DELTA ? 'delta' : t === TEMPORALITY_CUMULATIVE ? 'cumulative' : 'unspecified';
}

/**
 * A metric point as a rollup input. Labels are the point's scalar attributes
 * minus the standard ones, in sorted key order: with the name and the start
 * time they identify a series, which is what cumulative points (Gemini CLI)
 * are differenced over.
 */
export function metricEvent(
  agent: AgentKind,
  point: MetricPoint,
  key: string,
  opts: { kind: MetricKind; seriesKey: string | null; sessionId: string | null; modelKeys: readonly string[]; standardKeys: ReadonlySet<string> },
): MetricEvent {
  const a = point.attributes;
  const labels: Record<string, string> = {};
  let n = 0;
  for (const k of Object.keys(a).sort()) {
    const v = a[k];
    if (opts.standardKeys.has(k) || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) continue;
    if (n++ >= 20) break;
    labels[k] = bounded(String(v), 200) ?? '';
  }
  let model: string | null = null;
  for (const k of opts.modelKeys) {
    model = text(a, k);
    if (model !== null) break;
  }
  const timeMs = nanosToMs(point.timeUnixNano) ?? nanosToMs(point.startTimeUnixNano) ?? 0;
  const base: EventBase = { agent, key, sessionId: opts.sessionId, promptId: null, timeMs, sequence: null, traceId: null, contextSpanId: null };
  return make<MetricEvent>(base, {
    type: 'metric',
    name: point.name,
    metric: opts.kind,
    value: point.value ?? point.sum ?? 0,
    unit: point.unit,
    temporality: temporalityOf(point.temporality),
    startMs: nanosToMs(point.startTimeUnixNano),
    series: opts.seriesKey === null ? null : text(a, opts.seriesKey),
    model,
    modelGroup: modelGroup(model),
    querySource: null,
    labels,
  });
}

// ── JSON ────────────────────────────────────────────────────────────────

/** JSON.parse of an untrusted, bounded string; null when it does not parse. */
export function parseJson(value: string | null, maxLength = 256 * 1024): unknown {
  if (value === null || value.length > maxLength) return null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}

export function asObject(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** JSON with object keys sorted at every level: two spellings of the same value compare equal. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** A short, stable digest (two FNV-1a 32-bit hashes): enough to tell apart the arguments of calls in one batch. */
export function digest(value: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** A string field of a parsed object, bounded; undefined for anything else. */
export function field(o: Record<string, unknown> | null, key: string, max: number): string | undefined {
  const v = o?.[key];
  if (typeof v !== 'string' || v === '') return undefined;
  return v.length <= max ? v : `${v.slice(0, max)}…`;
}

// ── paths ───────────────────────────────────────────────────────────────

/** A path is kept only when it is plausible: bounded, on one line, no NUL. */
export function plausiblePath(v: unknown): string | null {
  if (typeof v !== 'string' || v === '' || v.length > MAX_PATH || /[\n\r\0]/.test(v)) return null;
  return v;
}

export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/**
 * `rel` resolved against the absolute directory `base` (`.` and `..` folded);
 * `rel` unchanged when it is absolute. POSIX separators unless the base is a
 * Windows path.
 */
export function joinPath(base: string, rel: string): string {
  if (isAbsolutePath(rel)) return rel;
  const windows = /^[A-Za-z]:[\\/]/.test(base);
  const sep = windows ? '\\' : '/';
  const parts = base.split(/[\\/]+/);
  const root = windows ? parts.shift() ?? '' : '';
  if (!windows) parts.shift();
  const out = parts.filter((p) => p !== '');
  for (const seg of rel.split(/[\\/]+/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return windows ? `${root}${sep}${out.join(sep)}` : `/${out.join('/')}`;
}

// ── shell commands ──────────────────────────────────────────────────────

/** A plain file argument: no quoting, globbing, expansion, redirection or option. */
const PLAIN_ARG = /^[A-Za-z0-9_./@+,%=:-][A-Za-z0-9_./@+,%=:~-]*$/;

/**
 * The files a shell command reads, when that is unambiguous: `cat FILE…` with
 * plain arguments and nothing else on the line (no pipes, lists, redirections,
 * options or substitutions). Anything else names no file: commands are not
 * guessed at.
 */
export function filesReadByCommand(command: string): string[] {
  const cmd = command.trim();
  if (cmd.length > MAX_PATH || /[\n\r]/.test(cmd)) return [];
  const words = cmd.split(/[ \t]+/);
  if (words[0] !== 'cat' || words.length < 2) return [];
  const args = words.slice(1);
  if (!args.every((w) => PLAIN_ARG.test(w) && !w.startsWith('-'))) return [];
  return args;
}
