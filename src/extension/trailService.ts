// The one service the rest of the extension (tree, CodeLens, decorations, status
// bar, panel) uses to read the trail. It hides who owns the store: in the owner
// window the queries go to the store, in every other window to the owner over
// loopback; when the owner window closes another takes over and the service
// keeps working. Consumers read `queries` on demand and refresh on
// `onDidChangeData`.
import type * as vscode from 'vscode';
import type { ListenerState, OwnerSummary, TrailRole } from '../core/query/trailState';
import type { TrailQueries } from '../core/query/trailQueries';

export type { ListenerState, OwnerSummary, TrailQueries, TrailRole };

export interface TrailService {
  /**
   * Always usable: calls made while the service starts wait for it; calls made
   * while it is stopped reject. Queries can reject (an owner that just went
   * away): catch and show nothing rather than an error.
   */
  readonly queries: TrailQueries;
  readonly role: TrailRole;
  /** The machine's listener, wherever it runs (in a reader: the owner's, as last reported). */
  readonly listenerState: ListenerState;
  /** The process that owns the store, once known. */
  readonly owner: OwnerSummary | undefined;
  /** Where the store lives (agentTrail.store.dataDir, resolved). */
  readonly dataDir: string;
  /** New or removed data: debounced (~250 ms), fired by ingest in the owner, by a version change in a reader. */
  readonly onDidChangeData: vscode.Event<void>;
  /** role, owner or listenerState changed. */
  readonly onDidChangeState: vscode.Event<void>;
  /** Resolves once the service is owner or reader (or stopped). */
  whenReady(): Promise<void>;
  /** Stops the machine's listener until resume() (forwarded to the owner from a reader). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Removes every recorded session (the caller asks the user first). */
  clearData(): Promise<void>;
}
