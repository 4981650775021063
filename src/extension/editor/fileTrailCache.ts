// The editor features' one view of the store: per-file trails and the set of
// touched files, fetched from the TrailService on first use and kept until the
// data changes. One debounced onDidChange tells every feature to refresh, so a
// burst of telemetry costs each open file one query, not one per batch.
import * as vscode from 'vscode';
import type { TrailLogger } from '../../core/query/trailCoordinator';
import type { FileSummary, FileTouchView, PromptSummary } from '../../core/model/views';
import type { TrailService } from '../trailService';
import { Debouncer } from './debouncer';
import { buildFileTrail, type FileTrail } from './fileTrail';
import { timeOf } from './trailFormat';

/** A touch's time and its prompt's window may differ by the export's clock rounding: widen the prompt query. */
const WINDOW_SLACK_MS = 60_000;
/** Prompts looked up one by one when the time window missed them (no touch time, clock skew). */
const MAX_SINGLE_LOOKUPS = 20;
/** Quiet time after the service's (already debounced) data event before features refresh. */
export const REFRESH_DEBOUNCE_MS = 200;

export class FileTrailCache implements vscode.Disposable {
  private generation = 0;
  private readonly trails = new Map<string, Promise<FileTrail | null>>();
  private readonly settled = new Map<string, FileTrail | null>();
  private touched: Promise<readonly FileSummary[]> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly refresh: Debouncer;
  private readonly subscription: vscode.Disposable;

  /** The data changed (debounced): cached answers were dropped, ask again. */
  readonly onDidChange: vscode.Event<void> = this.changed.event;

  constructor(
    private readonly service: TrailService,
    private readonly log: TrailLogger,
  ) {
    this.refresh = new Debouncer(REFRESH_DEBOUNCE_MS, () => this.invalidate());
    this.subscription = service.onDidChangeData(() => this.refresh.schedule());
  }

  /** Drops every cached answer and tells the features (also for the refresh command). */
  invalidate(): void {
    this.generation++;
    this.trails.clear();
    this.settled.clear();
    this.touched = undefined;
    this.changed.fire();
  }

  /** The trail of a file already fetched: undefined when not fetched yet, null when it has none. */
  peek(key: string): FileTrail | null | undefined {
    return this.settled.get(key);
  }

  /**
   * The trail of one file, fetched once per data version. `names`: the file's
   * names in the store (see storeNamesOf), the first being its key.
   */
  trailOf(names: readonly string[]): Promise<FileTrail | null> {
    const key = names[0];
    let pending = this.trails.get(key);
    if (!pending) {
      const generation = this.generation;
      pending = this.load(names).then(
        (trail) => {
          if (generation === this.generation) this.settled.set(key, trail);
          return trail;
        },
        (err: unknown) => {
          // An owner that just went away, a store that is being moved: show nothing this time.
          this.log('debug', 'editor', `no trail for a file this time: ${messageOf(err)}`);
          if (generation === this.generation) this.trails.delete(key);
          return null;
        },
      );
      this.trails.set(key, pending);
    }
    return pending;
  }

  /** Every path the store knows as touched (read, written, refused), fetched once per data version. */
  touchedFiles(): Promise<readonly FileSummary[]> {
    if (!this.touched) {
      const generation = this.generation;
      this.touched = this.service.queries.filesTouched().catch((err: unknown) => {
        this.log('debug', 'editor', `touched files unavailable this time: ${messageOf(err)}`);
        if (generation === this.generation) this.touched = undefined;
        return [];
      });
    }
    return this.touched;
  }

  dispose(): void {
    this.refresh.dispose();
    this.subscription.dispose();
    this.changed.dispose();
  }

  private async load(names: readonly string[]): Promise<FileTrail | null> {
    const started = Date.now();
    try {
      return await this.loadTrail(names);
    } finally {
      this.log('trace', 'editor', `trail of ${names[0]} in ${Date.now() - started} ms`);
    }
  }

  private async loadTrail(names: readonly string[]): Promise<FileTrail | null> {
    const q = this.service.queries;
    const nameSet = new Set(names);
    const touches: FileTouchView[] = [];
    const seen = new Set<string>();
    for (const name of names) {
      for (const t of await q.touchesForFile(name)) {
        // touchesForFile also matches relative paths of other workspaces: keep the file's own names only.
        if (!nameSet.has(t.path)) continue;
        const id = `${t.path}\u001f${t.callId ?? ''}\u001f${t.access}\u001f${t.at ?? ''}\u001f${t.promptId ?? ''}`;
        if (seen.has(id)) continue;
        seen.add(id);
        touches.push(t);
      }
    }
    const counted = touches.filter((t) => t.decision !== 'reject');
    if (counted.length === 0) return null;
    const promptIds = new Set(counted.map((t) => t.promptId).filter((id): id is string => id !== null));
    const prompts = await this.promptsAround(counted, promptIds);
    return buildFileTrail(names[0], nameSet, touches, prompts);
  }

  /** The prompts behind the touches: one query over their time window, single look-ups for the rest. */
  private async promptsAround(touches: readonly FileTouchView[], ids: ReadonlySet<string>): Promise<PromptSummary[]> {
    if (ids.size === 0) return [];
    const q = this.service.queries;
    const times = touches.map((t) => timeOf(t.at)).filter((ms): ms is number => ms !== null);
    const found = new Map<string, PromptSummary>();
    if (times.length > 0) {
      const window = { fromMs: Math.min(...times) - WINDOW_SLACK_MS, toMs: Math.max(...times) + WINDOW_SLACK_MS };
      for (const p of await q.listPrompts(window)) if (ids.has(p.id)) found.set(p.id, p);
    }
    const missing = [...ids].filter((id) => !found.has(id)).slice(0, MAX_SINGLE_LOOKUPS);
    for (const id of missing) {
      const p = await q.promptDetails(id);
      if (p) found.set(id, p);
    }
    return [...found.values()];
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
