// What the status bar shows about today: the money spent and which agent is at
// work right now. Pure, so the rules (what counts as today, as active, as an
// estimate) are tested without an editor.
import type { AgentKind } from '../model/agentKind';
import type { PromptSummary } from '../model/views';

/** A prompt that ended this recently counts as its agent being at work. */
export const ACTIVE_WINDOW_MS = 2 * 60 * 1000;

export interface TodaySummary {
  readonly prompts: number;
  readonly costMicros: number;
  /** Some of the cost is an estimate from the price table (the agent did not report it). */
  readonly estimated: boolean;
  /** The agent of the most recent prompt, when it ended within the active window. */
  readonly activeAgent: AgentKind | null;
  /** When activeAgent stops being active (to refresh then), or null. */
  readonly activeUntilMs: number | null;
  /** When the most recent prompt ended, or null without prompts. */
  readonly latestPromptEndMs: number | null;
}

/** Local midnight of the day `nowMs` falls in. */
export function startOfDayMs(nowMs: number): number {
  const d = new Date(nowMs);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function summarizeToday(prompts: readonly PromptSummary[], nowMs: number, activeWindowMs: number = ACTIVE_WINDOW_MS): TodaySummary {
  let costMicros = 0;
  let estimated = false;
  let latest: PromptSummary | undefined;
  let latestEnd = -Infinity;
  for (const p of prompts) {
    costMicros += p.costMicros;
    if (p.costSource === 'estimated' && p.costMicros > 0) estimated = true;
    const end = Date.parse(p.endedAt);
    if (Number.isFinite(end) && end > latestEnd) {
      latestEnd = end;
      latest = p;
    }
  }
  const active = latest !== undefined && nowMs - latestEnd <= activeWindowMs;
  return {
    prompts: prompts.length,
    costMicros,
    estimated,
    activeAgent: active && latest ? latest.agent : null,
    activeUntilMs: active ? latestEnd + activeWindowMs : null,
    latestPromptEndMs: latest !== undefined ? latestEnd : null,
  };
}

/** `$1.23`, `$0.004`, `~$1.23` when estimated. */
export function formatCost(costMicros: number, estimated: boolean): string {
  const usd = costMicros / 1_000_000;
  const text = usd === 0 ? '0.00' : usd < 0.01 ? usd.toFixed(3) : usd.toFixed(2);
  return `${estimated ? '~' : ''}$${text}`;
}
