// What the replay panel asks for, answered from the trail's queries: a prompt's
// overview, its rows page by page, a session's prompts. Replays are built once
// per prompt and kept (a few, most recent first) until the data changes; the
// host calls invalidate() on every change notice. Also answers what the host
// must check before it acts on a webview's message: did this prompt touch that
// path, and what did this edit change.

import type { PromptQuery } from '../store/modelRepository';
import type { PromptDetails, PromptSummary, SessionSummary } from '../model/views';
import { buildSessionView, PromptReplay, type StepEdit } from './replayModel';
import type { PromptOverview, SessionView, StepPage } from './replayTypes';

/** The part of TrailQueries the replay reads (the CLI wraps the repository in it too). */
export interface ReplaySource {
  promptDetails(promptId: string): Promise<PromptDetails | null>;
  listPrompts(query?: PromptQuery): Promise<readonly PromptSummary[]>;
  listSessions(): Promise<readonly SessionSummary[]>;
}

export class ReplayNotFoundError extends Error {
  constructor(what: string) {
    super(`${what} is not in the trail (cleared, or not recorded yet)`);
    this.name = 'ReplayNotFoundError';
  }
}

export interface ReplayDataOptions {
  /** Replays kept in memory. */
  readonly cacheSize?: number;
  readonly now?: () => number;
}

export class ReplayData {
  readonly #source: ReplaySource;
  readonly #cacheSize: number;
  readonly #now: () => number;
  /** promptId → replay being built or built; insertion order = recency. */
  readonly #cache = new Map<string, Promise<PromptReplay | null>>();
  #generation = 0;

  constructor(source: ReplaySource, options: ReplayDataOptions = {}) {
    this.#source = source;
    this.#cacheSize = Math.max(1, options.cacheSize ?? 4);
    this.#now = options.now ?? Date.now;
  }

  /** Forgets every replay: the next request reads the trail again. */
  invalidate(): void {
    this.#generation++;
    this.#cache.clear();
  }

  /** The replay of a prompt, or null when the trail has no such prompt. */
  replay(promptId: string): Promise<PromptReplay | null> {
    const cached = this.#cache.get(promptId);
    if (cached) {
      this.#cache.delete(promptId);
      this.#cache.set(promptId, cached);
      return cached;
    }
    const generation = this.#generation;
    const built = this.#source.promptDetails(promptId).then((d) => (d ? new PromptReplay(d, { nowMs: this.#now() }) : null));
    this.#cache.set(promptId, built);
    // A failed read is not kept; neither is one that an invalidate() overtook.
    built.then(
      (r) => {
        if (r === null || generation !== this.#generation) this.forget(promptId, built);
      },
      () => this.forget(promptId, built),
    );
    while (this.#cache.size > this.#cacheSize) {
      const oldest = this.#cache.keys().next().value as string;
      this.#cache.delete(oldest);
    }
    return built;
  }

  async overview(promptId: string): Promise<PromptOverview> {
    return (await this.required(promptId)).overview();
  }

  async steps(promptId: string, offset: number, limit: number): Promise<StepPage> {
    return (await this.required(promptId)).page(offset, limit);
  }

  async session(sessionId: string): Promise<SessionView> {
    const [sessions, prompts] = await Promise.all([this.#source.listSessions(), this.#source.listPrompts({ sessionId })]);
    const session = sessions.find((s) => s.id === sessionId) ?? null;
    if (!session && prompts.length === 0) throw new ReplayNotFoundError(`session ${sessionId}`);
    return buildSessionView(sessionId, session, prompts, { nowMs: this.#now() });
  }

  /** Did the prompt name this path (as the agent sent it)? */
  async touched(promptId: string, path: string): Promise<boolean> {
    const r = await this.replay(promptId);
    return r !== null && r.touches(path);
  }

  async edit(promptId: string, stepKey: string): Promise<StepEdit | null> {
    const r = await this.replay(promptId);
    return r ? r.edit(stepKey) : null;
  }

  private async required(promptId: string): Promise<PromptReplay> {
    const r = await this.replay(promptId);
    if (!r) throw new ReplayNotFoundError(`prompt ${promptId}`);
    return r;
  }

  private forget(promptId: string, entry: Promise<PromptReplay | null>): void {
    if (this.#cache.get(promptId) === entry) this.#cache.delete(promptId);
  }
}
