// What activate() returns: a handle for tests (and for other extensions that
// want to read the trail). Not a place for logic.
import type { ListenerSettings } from '../core/query/trailCoordinator';
import type { TrailService } from './trailService';

export interface ActivationTimings {
  /** Extension host uptime when activate() was called (ms since the process started). */
  readonly hostUptimeAtActivationMs: number;
  /** activate() from its first line to its return. */
  readonly activateMs: number;
  /** From the start of activate() to this window's listener answering; undefined until then (or in a reader). */
  readonly listenerReadyMs: number | undefined;
  /** From the start of activate() to the role (owner or reader) being settled. */
  readonly roleReadyMs: number | undefined;
}

/** A TrailService this side can start and stop (the window's own, or one made by createService). */
export interface TrailServiceHandle extends TrailService {
  /** Port of the listener this service runs itself (owner only). */
  readonly ownListenerPort: number | undefined;
  start(): Promise<void>;
  /** As if the window closed: listener closed, store flushed, lock released. */
  stop(): Promise<void>;
  dispose(): void;
}

export interface CreateServiceOptions {
  readonly dataDir: string;
  readonly listener: ListenerSettings;
  readonly pollIntervalMs?: number;
}

export interface AgentTrailApi {
  readonly service: TrailServiceHandle;
  readonly dataDir: string;
  /** The machine's listener port as this window knows it (its own, or the owner's). */
  listenerPort(): number | undefined;
  readonly timings: ActivationTimings;
  /** The status bar item's text and tooltip as shown now. */
  statusBar(): { readonly text: string; readonly tooltip: string };
  /** Another service on a data directory, as another window would run it (the caller disposes it). */
  createService(options: CreateServiceOptions): TrailServiceHandle;
}
