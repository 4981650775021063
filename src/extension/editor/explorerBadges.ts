// Badges in the Explorer (and anywhere VS Code decorates resources, tabs and
// the tree included) for workspace files an agent touched: W when it wrote or
// edited the file, R when it only read it; the folders that contain them get the
// colour and a tooltip. provideFileDecoration is synchronous against an index
// built once per data version from the store's list of touched files.
import * as vscode from 'vscode';
import type { TrailLogger } from '../../core/query/trailCoordinator';
import type { FileSummary } from '../../core/model/views';
import type { AnnotationConfig } from './annotationConfig';
import type { FileTrailCache } from './fileTrailCache';
import { THEME_COLORS } from './themeColors';
import { plural, relativeTime, timeOf } from './trailFormat';
import { containingFolders, workspaceUriOf } from './workspaceScope';

interface FileEntry {
  readonly reads: number;
  readonly writes: number;
  readonly lastAtMs: number | null;
}

interface FolderEntry {
  written: number;
  read: number;
}

/** What a file's badge says (pure, for tests): W written/edited, R read only; null when every touch was refused. */
export function badgeOf(entry: FileEntry, nowMs: number): { readonly badge: string; readonly tooltip: string } | null {
  if (entry.writes === 0 && entry.reads === 0) return null;
  const what = entry.writes > 0 ? `changed ${plural(entry.writes, 'time')}` : `read ${plural(entry.reads, 'time')}`;
  const alsoRead = entry.writes > 0 && entry.reads > 0 ? `, read ${plural(entry.reads, 'time')}` : '';
  const when = entry.lastAtMs !== null ? `, last ${relativeTime(entry.lastAtMs, nowMs)}` : '';
  return { badge: entry.writes > 0 ? 'W' : 'R', tooltip: `Agent Trail: an agent ${what}${alsoRead}${when}` };
}

export class ExplorerBadgeProvider implements vscode.FileDecorationProvider, vscode.Disposable {
  private files = new Map<string, FileEntry>();
  private folders = new Map<string, FolderEntry>();
  private loaded = false;
  private loading: Promise<void> | undefined;
  /** Bumped by every reload: an index fetched before it is not applied. */
  private generation = 0;
  private enabled: boolean;
  private registration: vscode.Disposable | undefined;
  private readonly changed = new vscode.EventEmitter<undefined | vscode.Uri | vscode.Uri[]>();
  private readonly subscriptions: vscode.Disposable[] = [];

  readonly onDidChangeFileDecorations: vscode.Event<undefined | vscode.Uri | vscode.Uri[]> = this.changed.event;

  constructor(
    private readonly cache: FileTrailCache,
    private readonly config: AnnotationConfig,
    private readonly log: TrailLogger,
  ) {
    this.enabled = config.settings.annotations.explorerBadges;
    this.subscriptions.push(
      cache.onDidChange(() => this.reload()),
      config.onDidChange(() => this.onSettingsChanged()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reload()),
    );
    if (this.enabled) this.turnOn();
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (!this.enabled || uri.scheme !== 'file') return undefined;
    if (!this.loaded) {
      void this.ensureLoaded();
      return undefined;
    }
    const file = this.files.get(uri.fsPath);
    if (file) {
      const badge = badgeOf(file, Date.now());
      if (!badge) return undefined;
      const d = new vscode.FileDecoration(badge.badge, badge.tooltip, new vscode.ThemeColor(THEME_COLORS.touchedForeground));
      d.propagate = false;
      return d;
    }
    const folder = this.folders.get(uri.fsPath);
    if (folder) {
      const parts = [folder.written > 0 ? `${plural(folder.written, 'file')} changed` : '', folder.read > 0 ? `${plural(folder.read, 'file')} read` : ''];
      const d = new vscode.FileDecoration(undefined, `Agent Trail: ${parts.filter(Boolean).join(', ')} by agents inside`, new vscode.ThemeColor(THEME_COLORS.touchedForeground));
      d.propagate = false;
      return d;
    }
    return undefined;
  }

  /** Resolves once the index is built (tests, and the first decoration request). */
  ensureLoaded(): Promise<void> {
    if (this.loaded) return Promise.resolve();
    if (!this.loading) {
      const generation = this.generation;
      this.loading = this.cache.touchedFiles().then((files) => {
        if (generation !== this.generation) return this.ensureLoaded();
        this.index(files);
        this.loaded = true;
        this.loading = undefined;
        this.changed.fire(undefined);
      });
    }
    return this.loading;
  }

  dispose(): void {
    this.registration?.dispose();
    this.registration = undefined;
    for (const s of this.subscriptions.splice(0).reverse()) s.dispose();
    this.changed.dispose();
  }

  private turnOn(): void {
    this.registration ??= vscode.window.registerFileDecorationProvider(this);
    void this.ensureLoaded();
  }

  private onSettingsChanged(): void {
    const on = this.config.settings.annotations.explorerBadges;
    if (on === this.enabled) return;
    this.enabled = on;
    this.log('debug', 'editor', `explorer badges ${on ? 'on' : 'off'}`);
    if (on) {
      this.turnOn();
    } else {
      this.changed.fire(undefined);
      this.registration?.dispose();
      this.registration = undefined;
    }
  }

  private reload(): void {
    this.generation++;
    this.loaded = false;
    this.loading = undefined;
    if (this.enabled) void this.ensureLoaded();
  }

  private index(summaries: readonly FileSummary[]): void {
    const files = new Map<string, FileEntry>();
    const folders = new Map<string, FolderEntry>();
    for (const s of summaries) {
      const uri = workspaceUriOf(s.path);
      if (!uri) continue;
      const key = uri.fsPath;
      const known = files.get(key);
      const lastAtMs = timeOf(s.lastAt);
      const entry: FileEntry = known
        ? { reads: known.reads + s.reads, writes: known.writes + s.writes, lastAtMs: Math.max(known.lastAtMs ?? 0, lastAtMs ?? 0) || null }
        : { reads: s.reads, writes: s.writes, lastAtMs };
      files.set(key, entry);
    }
    for (const [key, entry] of files) {
      if (entry.reads === 0 && entry.writes === 0) continue;
      for (const folder of containingFolders(vscode.Uri.file(key))) {
        const f = folders.get(folder.fsPath) ?? { written: 0, read: 0 };
        if (entry.writes > 0) f.written++;
        else f.read++;
        folders.set(folder.fsPath, f);
      }
    }
    this.files = files;
    this.folders = folders;
    this.log('trace', 'editor', `explorer badges: ${files.size} touched workspace files in ${folders.size} folders`);
  }
}
