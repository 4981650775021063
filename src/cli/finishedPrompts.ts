// `serve` prints one line per finished prompt. Agents send no "prompt done"
// event, so a prompt counts as finished once nothing new has arrived for it for
// a quiet period; if more arrives later, it is printed again with the new totals.

import type { PromptSummary } from '../core/model/views';
import type { TrailStore } from '../core/store/trailStore';
import { clean, usd } from './table';

export interface FinishedPromptOptions {
  readonly quietMs: number;
  /** Only prompts active this recently are looked at. */
  readonly windowMs: number;
}

const DEFAULTS: FinishedPromptOptions = { quietMs: 3000, windowMs: 30 * 60 * 1000 };

function signature(p: PromptSummary): string {
  return `${p.endedAt}|${p.toolCalls.length}|${p.costMicros}|${p.apiErrors}`;
}

export function formatPromptLine(p: PromptSummary): string {
  const rejected = p.toolCalls.filter((t) => t.decision === 'reject').length;
  const errors = p.toolCalls.filter((t) => t.success === false).length + p.apiErrors;
  const text = p.text === null ? (p.redacted ? '(prompt redacted)' : '(prompt not sent)') : JSON.stringify(clean(p.text, 60));
  return `prompt ${p.agent} ${text}: ${p.toolCalls.length} tool calls, ${rejected} rejected, ${errors} errors, ${usd(p.costUsd, p.costSource)}`;
}

export function promptJson(p: PromptSummary): Record<string, unknown> {
  return {
    type: 'prompt',
    id: p.id,
    sessionId: p.sessionId,
    agent: p.agent,
    text: p.text,
    toolCalls: p.toolCalls.length,
    rejected: p.toolCalls.filter((t) => t.decision === 'reject').length,
    errors: p.toolCalls.filter((t) => t.success === false).length + p.apiErrors,
    costUsd: p.costUsd,
    costSource: p.costSource,
  };
}

interface Seen {
  sig: string;
  changedAtMs: number;
  printedSig: string | null;
}

export class FinishedPrompts {
  readonly #seen = new Map<string, Seen>();
  readonly #timer: NodeJS.Timeout;
  #dirty = false;

  constructor(
    private readonly store: TrailStore,
    private readonly print: (p: PromptSummary) => void,
    private readonly options: FinishedPromptOptions = DEFAULTS,
    private readonly now: () => number = Date.now,
  ) {
    store.onDidIngest(() => {
      this.#dirty = true;
    });
    this.#timer = setInterval(() => this.check(), Math.min(1000, options.quietMs));
    this.#timer.unref();
  }

  /** Prints prompts whose totals have not changed for `quietMs` and were not printed as they stand. */
  check(force = false): void {
    if (!this.#dirty && !force) return;
    const now = this.now();
    let waiting = false;
    for (const p of this.store.queries.listPrompts({ fromMs: now - this.options.windowMs })) {
      const sig = signature(p);
      let seen = this.#seen.get(p.id);
      if (!seen) {
        seen = { sig, changedAtMs: now, printedSig: null };
        this.#seen.set(p.id, seen);
      } else if (seen.sig !== sig) {
        seen.sig = sig;
        seen.changedAtMs = now;
      }
      if (seen.printedSig === sig) continue;
      if (!force && now - seen.changedAtMs < this.options.quietMs) {
        waiting = true;
        continue;
      }
      seen.printedSig = sig;
      this.print(p);
    }
    this.#dirty = waiting;
  }

  /** On shutdown: whatever is still open is printed as it stands. */
  flush(): void {
    this.check(true);
    clearInterval(this.#timer);
  }
}
