// The composition root: creates every service in dependency order, owns them,
// and disposes them in reverse. activate() makes one Container and registers it
// once in context.subscriptions; deactivate() awaits shutdown().
import * as vscode from 'vscode';
import type { AgentTrailApi, ActivationTimings, CreateServiceOptions, TrailServiceHandle } from './api';
import { Configuration } from './config';
import { EditorFeatures } from './editor/editorFeatures';
import { ReplayPanels } from './panel/replayPanels';
import { Log } from './log';
import { registerCommands } from './registerCommands';
import { SharedTrailService } from './sharedTrailService';
import { StatusBarController } from './statusBar';

export class Container implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private readonly timing: { -readonly [K in keyof ActivationTimings]: ActivationTimings[K] };
  readonly log: Log;
  readonly config: Configuration;
  readonly service: SharedTrailService;
  readonly statusBar: StatusBarController;
  readonly api: AgentTrailApi;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly startedAt: number,
  ) {
    this.timing = { hostUptimeAtActivationMs: startedAt, activateMs: 0, listenerReadyMs: undefined, roleReadyMs: undefined };
    this.log = this.own(new Log());
    this.config = this.own(new Configuration());
    const settings = this.config.settings;
    this.service = this.own(this.createService({ dataDir: settings.dataDir, listener: settings.listener }));
    this.own(this.config.onDidChange((change) => void this.applySettings(change.listenerChanged || change.storeChanged)));
    this.statusBar = this.own(new StatusBarController(this.service, this.log.component('status')));
    this.own(registerCommands({ service: this.service, config: this.config, log: this.log }));
    // CodeLens, line highlights, Explorer badges and the tree (src/extension/editor, src/extension/tree).
    this.own(new EditorFeatures({ service: this.service, config: this.config, log: this.log.core }));
    this.own(new ReplayPanels({ extensionUri: context.extensionUri, service: this.service, log: this.log.component('replay') }));
    this.own(this.service.onDidChangeState(() => this.noteReady()));
    this.api = this.createApi();
  }

  /** Starts the service after activate() has returned: nothing heavy before the window paints. */
  startSoon(): void {
    const timer = setTimeout(() => {
      this.service.start().catch((err: unknown) => this.log.component('owner').error(err instanceof Error ? err : String(err)));
    }, 0);
    this.own({ dispose: () => clearTimeout(timer) });
  }

  activated(): void {
    this.timing.activateMs = performance.now() - this.startedAt;
    this.log
      .component('activation')
      .info(`activated in ${this.timing.activateMs.toFixed(1)} ms (extension host up ${this.startedAt.toFixed(0)} ms); store ${this.service.dataDir}`);
  }

  /** Closes the listener (requests in flight finish), flushes the store, releases ownership. */
  async shutdown(): Promise<void> {
    await this.service.stop();
  }

  dispose(): void {
    for (const d of this.owned.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (err) {
        this.log?.component('activation').error(err instanceof Error ? err : String(err));
      }
    }
  }

  private own<T extends vscode.Disposable>(d: T): T {
    this.owned.push(d);
    return d;
  }

  private createService(options: CreateServiceOptions): SharedTrailService {
    return new SharedTrailService({
      dataDir: options.dataDir,
      listener: options.listener,
      pollIntervalMs: options.pollIntervalMs,
      log: this.log,
      workspaceRoots: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
      wasmPath: this.context.asAbsolutePath('dist/sql-wasm.wasm'),
    });
  }

  private async applySettings(changed: boolean): Promise<void> {
    if (!changed) return;
    const s = this.config.settings;
    this.log.component('config').info(`settings changed: listener ${s.listener.enabled ? `on, port ${s.listener.port}` : 'off'}, store ${s.dataDir}`);
    try {
      await this.service.applySettings({ dataDir: s.dataDir, listener: s.listener });
    } catch (err) {
      this.log.component('config').error(err instanceof Error ? err : String(err));
    }
  }

  private noteReady(): void {
    const since = performance.now() - this.startedAt;
    const role = this.service.role;
    if (this.timing.roleReadyMs === undefined && (role === 'owner' || role === 'reader')) this.timing.roleReadyMs = since;
    if (this.timing.listenerReadyMs === undefined && role === 'owner' && this.service.listenerState.kind === 'listening') {
      this.timing.listenerReadyMs = since;
      this.log.component('activation').info(`listener answering ${since.toFixed(0)} ms after activation started`);
    }
  }

  private createApi(): AgentTrailApi {
    const service = this.service;
    const timing = this.timing;
    return {
      service,
      get dataDir() {
        return service.dataDir;
      },
      listenerPort: () => {
        const s = service.listenerState;
        return s.kind === 'listening' ? s.port : undefined;
      },
      get timings(): ActivationTimings {
        return { ...timing };
      },
      statusBar: () => ({ text: this.statusBar.text, tooltip: this.statusBar.tooltip }),
      createService: (options): TrailServiceHandle => this.createService(options),
    };
  }
}
