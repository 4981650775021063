// How the editor features word what an agent did: agent names, relative times,
// costs, bounded single-line excerpts of untrusted text. Plain functions, no
// `vscode`, so they read the same in CodeLens titles, hovers and the tree.
import type { AgentKind } from '../../core/model/agentKind';
import type { CostSource } from '../../core/model/views';
import { formatCost as formatCoreCost } from '../../core/query/todaySummary';
import { agentLabel } from '../agentLabels';

/** "Claude Code", "Claude Code, Codex CLI", "Claude Code and 2 more"; capitalised. */
export function agentNames(agents: readonly AgentKind[]): string {
  const names = [...new Set((agents.length > 0 ? agents : (['unknown'] as const)).map(agentLabel))];
  const text = names.length <= 2 ? names.join(', ') : `${names[0]} and ${names.length - 1} more`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** US dollars as the status bar writes them; `~` when estimated from the price table. */
export function formatCost(costMicros: number, source: CostSource): string {
  return formatCoreCost(costMicros, source === 'estimated');
}

/** The cost of several prompts: estimated as soon as one of them is. */
export function sumCosts(costs: ReadonlyArray<{ readonly costMicros: number; readonly costSource: CostSource }>): {
  readonly micros: number;
  readonly source: CostSource;
} {
  let micros = 0;
  let source: CostSource = 'agent';
  for (const c of costs) {
    micros += c.costMicros;
    if (c.costSource === 'estimated') source = 'estimated';
  }
  return { micros, source };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then the date. */
export function relativeTime(atMs: number, nowMs: number): string {
  const d = nowMs - atMs;
  if (!Number.isFinite(d)) return 'at an unknown time';
  if (d < 45_000) return d < -MINUTE ? `on ${isoDate(atMs)}` : 'just now';
  if (d < HOUR) return `${Math.max(1, Math.round(d / MINUTE))} min ago`;
  if (d < DAY) return `${Math.round(d / HOUR)} h ago`;
  if (d < 2 * DAY) return 'yesterday';
  if (d < 30 * DAY) return `${Math.floor(d / DAY)} days ago`;
  return `on ${isoDate(atMs)}`;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** "2026-11-24 01:25:20 UTC". */
export function absoluteTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Milliseconds of an ISO time, or null. */
export function timeOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * One line of untrusted text, bounded: control characters and line breaks become
 * spaces, runs of white space collapse, and anything past `max` characters is cut
 * with an ellipsis (never inside a surrogate pair).
 */
export function excerpt(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  let cut = Math.max(0, max - 1);
  const code = flat.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${flat.slice(0, cut).trimEnd()}…`;
}

/** Untrusted multi-line text, bounded to `max` characters (line breaks kept, other control characters dropped). */
export function boundedText(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
  if (clean.length <= max) return clean;
  let cut = Math.max(0, max - 1);
  const code = clean.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${clean.slice(0, cut)}…`;
}

/** "1 prompt", "3 prompts". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Who made a tool decision, as people say it ("by configuration", "by the user (always)"). */
export function decisionSourceLabel(source: string | null): string | null {
  switch (source) {
    case null:
    case '':
    case 'unknown':
      return null;
    case 'config':
      return 'by configuration';
    case 'hook':
      return 'by a hook';
    case 'user_permanent':
      return 'by the user (always)';
    case 'user_temporary':
      return 'by the user (once)';
    case 'user_abort':
      return 'by the user (aborted)';
    case 'user_reject':
      return 'by the user';
    default:
      return `by ${excerpt(source, 40)}`;
  }
}

/** "accepted by configuration", "rejected by the user", "no decision reported". */
export function decisionLabel(decision: 'accept' | 'reject' | null, source: string | null): string {
  const who = decisionSourceLabel(source);
  if (decision === null) return 'no decision reported';
  const verb = decision === 'accept' ? 'accepted' : 'rejected';
  return who ? `${verb} ${who}` : verb;
}
