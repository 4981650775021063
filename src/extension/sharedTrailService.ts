// TrailService over the core TrailCoordinator: vscode events, and the moves a
// settings change asks for (a new data directory means a new election; listener
// settings are applied in place). `queries` stays the same object across moves.
import * as vscode from 'vscode';
import { TrailCoordinator, type ListenerSettings } from '../core/query/trailCoordinator';
import type { FileQuery, PromptQuery, TrailQueries } from '../core/query/trailQueries';
import type { ListenerState, OwnerSummary, TrailRole } from '../core/query/trailState';
import type { Log } from './log';
import type { TrailService } from './trailService';

export interface SharedTrailServiceOptions {
  readonly dataDir: string;
  readonly listener: ListenerSettings;
  readonly log: Log;
  readonly workspaceRoots?: readonly string[];
  readonly wasmPath?: string;
  /** How often a reader polls the owner (tests shorten it). */
  readonly pollIntervalMs?: number;
}

export interface ServiceSettings {
  readonly dataDir: string;
  readonly listener: ListenerSettings;
}

export class SharedTrailService implements TrailService, vscode.Disposable {
  private coordinator: TrailCoordinator;
  private subscriptions: Array<{ dispose(): void }> = [];
  private readonly dataChanged = new vscode.EventEmitter<void>();
  private readonly stateChanged = new vscode.EventEmitter<void>();
  private disposed = false;
  private applying: Promise<void> = Promise.resolve();

  readonly onDidChangeData: vscode.Event<void> = this.dataChanged.event;
  readonly onDidChangeState: vscode.Event<void> = this.stateChanged.event;
  readonly queries: TrailQueries;

  constructor(private readonly options: SharedTrailServiceOptions) {
    this.coordinator = this.create(options.dataDir, options.listener);
    const q = (): TrailQueries => this.coordinator.queries;
    this.queries = {
      listSessions: () => q().listSessions(),
      listPrompts: (query?: PromptQuery) => q().listPrompts(query),
      promptDetails: (id: string) => q().promptDetails(id),
      promptSteps: (id: string) => q().promptSteps(id),
      filesTouched: (query?: FileQuery) => q().filesTouched(query),
      touchesForFile: (path: string) => q().touchesForFile(path),
      dataVersion: () => q().dataVersion(),
    };
  }

  get role(): TrailRole {
    return this.coordinator.role;
  }

  get listenerState(): ListenerState {
    return this.coordinator.listenerState;
  }

  get owner(): OwnerSummary | undefined {
    return this.coordinator.owner;
  }

  get dataDir(): string {
    return this.coordinator.dataDir;
  }

  /** Port of the listener this process runs, if it runs one. */
  get ownListenerPort(): number | undefined {
    return this.coordinator.listenerAddress?.port;
  }

  whenReady(): Promise<void> {
    return this.coordinator.whenReady();
  }

  /** Elects owner or reader and starts; resolves once the role is known. */
  start(): Promise<void> {
    return this.coordinator.start();
  }

  /** Closes the listener, flushes the store and releases ownership (deactivate). */
  stop(): Promise<void> {
    return this.coordinator.stop();
  }

  pause(): Promise<void> {
    return this.coordinator.pause();
  }

  resume(): Promise<void> {
    return this.coordinator.resume();
  }

  clearData(): Promise<void> {
    return this.coordinator.clearData();
  }

  /** Applies changed settings: another data directory re-elects, listener settings apply in place. */
  applySettings(next: ServiceSettings): Promise<void> {
    // One move at a time: two quick changes must not both replace the coordinator.
    const run = this.applying.then(() => this.apply(next));
    this.applying = run.catch(() => undefined);
    return run;
  }

  private async apply(next: ServiceSettings): Promise<void> {
    if (this.disposed) return;
    if (next.dataDir !== this.coordinator.dataDir) {
      const wasStarted = this.coordinator.role !== 'stopped';
      const old = this.coordinator;
      this.detach();
      await old.stop();
      old.dispose();
      if (this.disposed) return;
      this.coordinator = this.create(next.dataDir, next.listener);
      this.stateChanged.fire();
      this.dataChanged.fire();
      if (wasStarted) await this.coordinator.start();
      return;
    }
    await this.coordinator.updateListenerSettings(next.listener);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.detach();
    this.coordinator.dispose();
    this.dataChanged.dispose();
    this.stateChanged.dispose();
  }

  private create(dataDir: string, listener: ListenerSettings): TrailCoordinator {
    const c = new TrailCoordinator({
      dataDir,
      listener,
      workspaceRoots: this.options.workspaceRoots,
      wasmPath: this.options.wasmPath,
      pollIntervalMs: this.options.pollIntervalMs,
      log: this.options.log.core,
    });
    this.subscriptions = [c.onDidChangeData(() => this.dataChanged.fire()), c.onDidChangeState(() => this.stateChanged.fire())];
    return c;
  }

  private detach(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}
