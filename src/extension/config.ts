// One typed view of the extension's settings, mirroring contributes.configuration
// in package.json. Read once, re-read on onDidChangeConfiguration (never polled).
import * as vscode from 'vscode';
import type { ListenerSettings } from '../core/query/trailCoordinator';
import { DEFAULT_LISTENER_OPTIONS } from '../core/otlp/listenerOptions';
import { DEFAULT_GRPC_PORT } from '../core/otlp/grpcReceiver';
import { resolveDataDir } from '../core/store/dataDir';

export const SETTINGS = {
  listenerEnabled: 'agentTrail.listener.enabled',
  listenerPort: 'agentTrail.listener.port',
  listenerBearerToken: 'agentTrail.listener.bearerToken',
  listenerGrpcEnabled: 'agentTrail.listener.grpcEnabled',
  listenerGrpcPort: 'agentTrail.listener.grpcPort',
  forwardUrl: 'agentTrail.forward.url',
  storeDataDir: 'agentTrail.store.dataDir',
  annotationsCodeLens: 'agentTrail.annotations.codeLens',
  annotationsLineHighlights: 'agentTrail.annotations.lineHighlights',
  annotationsExplorerBadges: 'agentTrail.annotations.explorerBadges',
} as const;

export type SettingKey = (typeof SETTINGS)[keyof typeof SETTINGS];

/** Changing one of these rebuilds the listener (no window reload). */
export const LISTENER_RESTART_KEYS: readonly SettingKey[] = [
  SETTINGS.listenerEnabled,
  SETTINGS.listenerPort,
  SETTINGS.listenerBearerToken,
  SETTINGS.listenerGrpcEnabled,
  SETTINGS.listenerGrpcPort,
  SETTINGS.forwardUrl,
];
/** Changing this moves the whole service to another store (owner election again). */
export const STORE_RESTART_KEYS: readonly SettingKey[] = [SETTINGS.storeDataDir];

export interface AnnotationSettings {
  readonly codeLens: boolean;
  readonly lineHighlights: boolean;
  readonly explorerBadges: boolean;
}

export interface AgentTrailSettings {
  readonly listener: ListenerSettings;
  /** The store directory, resolved (the setting, else $AGENT_TRAIL_DATA_DIR, else the platform default). */
  readonly dataDir: string;
  readonly annotations: AnnotationSettings;
}

export interface SettingsChange {
  readonly settings: AgentTrailSettings;
  affects(key: SettingKey): boolean;
  readonly listenerChanged: boolean;
  readonly storeChanged: boolean;
}

const SECTION = 'agentTrail';

function readSettings(): AgentTrailSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const bool = (key: string, fallback: boolean): boolean => {
    const v = c.get<unknown>(key);
    return typeof v === 'boolean' ? v : fallback;
  };
  const port = c.get<unknown>('listener.port');
  const token = c.get<unknown>('listener.bearerToken');
  const grpcPort = c.get<unknown>('listener.grpcPort');
  const forwardUrl = c.get<unknown>('forward.url');
  const validPort = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535;
  const dataDir = c.get<unknown>('store.dataDir');
  return {
    listener: {
      enabled: bool('listener.enabled', true),
      port: typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535 ? port : DEFAULT_LISTENER_OPTIONS.port,
      bearerToken: typeof token === 'string' ? token.trim() : '',
      grpcPort: bool('listener.grpcEnabled', true) ? (validPort(grpcPort) ? grpcPort : DEFAULT_GRPC_PORT) : null,
      forwardUrl: typeof forwardUrl === 'string' ? forwardUrl.trim() : '',
    },
    dataDir: resolveDataDir(typeof dataDir === 'string' ? dataDir : undefined),
    annotations: {
      codeLens: bool('annotations.codeLens', true),
      lineHighlights: bool('annotations.lineHighlights', true),
      explorerBadges: bool('annotations.explorerBadges', true),
    },
  };
}

export class Configuration implements vscode.Disposable {
  private current: AgentTrailSettings = readSettings();
  private readonly changed = new vscode.EventEmitter<SettingsChange>();
  private readonly subscription: vscode.Disposable;

  readonly onDidChange: vscode.Event<SettingsChange> = this.changed.event;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      this.current = readSettings();
      const affects = (key: SettingKey): boolean => e.affectsConfiguration(key);
      this.changed.fire({
        settings: this.current,
        affects,
        listenerChanged: LISTENER_RESTART_KEYS.some(affects),
        storeChanged: STORE_RESTART_KEYS.some(affects),
      });
    });
  }

  get settings(): AgentTrailSettings {
    return this.current;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
