// The CodeLens at the top of a file an agent touched (provider + controller, as
// GitLens pairs them). provideCodeLenses is cheap and cancellable: it waits for
// the file's trail from the cache (one query per data version) and returns two
// unresolved lenses; resolveCodeLens writes their titles and commands. The
// controller registers the provider only while agentTrail.annotations.codeLens
// is on, and fires one debounced onDidChangeCodeLenses when the data changes.
import * as vscode from 'vscode';
import type { TrailLogger } from '../../core/query/trailCoordinator';
import type { AnnotationConfig } from './annotationConfig';
import type { FileTrail } from './fileTrail';
import type { FileTrailCache } from './fileTrailCache';
import { REPLAY_LENS_TITLE, REVEAL_LENS_TITLE, summaryLensTitle } from './lensText';
import type { PromptLink } from './promptLink';
import { EDITOR_COMMANDS } from './editorCommands';
import { everyMinute } from './minuteTicker';
import { agentNames, formatCost, plural } from './trailFormat';
import { isWorkspaceFile, storeNamesOf } from './workspaceScope';

type LensKind = 'summary' | 'latest';

export class FileCodeLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly kind: LensKind,
    readonly names: readonly string[],
  ) {
    super(range);
  }
}

export class FileCodeLensProvider implements vscode.CodeLensProvider<FileCodeLens>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses: vscode.Event<void> = this.changed.event;

  constructor(
    private readonly cache: FileTrailCache,
    private readonly link: PromptLink,
  ) {}

  /** Asks VS Code for the lenses again (data or settings changed). */
  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<FileCodeLens[]> {
    if (!isWorkspaceFile(document.uri)) return [];
    if (vscode.workspace.getConfiguration('editor', document).get<boolean>('codeLens') === false) return [];
    const names = storeNamesOf(document.uri);
    const trail = this.cache.peek(names[0]) ?? (await this.cache.trailOf(names));
    if (token.isCancellationRequested || !trail) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses = [new FileCodeLens(top, 'summary', names)];
    if (trail.latestPromptId !== null) lenses.push(new FileCodeLens(top, 'latest', names));
    return lenses;
  }

  async resolveCodeLens(lens: FileCodeLens, token: vscode.CancellationToken): Promise<FileCodeLens> {
    const trail = this.cache.peek(lens.names[0]) ?? (await this.cache.trailOf(lens.names));
    if (token.isCancellationRequested) return lens;
    lens.command = trail ? await this.commandOf(lens.kind, trail) : { title: '', command: '' };
    return lens;
  }

  dispose(): void {
    this.changed.dispose();
  }

  private async commandOf(kind: LensKind, trail: FileTrail): Promise<vscode.Command> {
    if (kind === 'latest' && trail.latestPromptId !== null) {
      return this.link.commandFor(trail.latestPromptId, { replay: REPLAY_LENS_TITLE, reveal: REVEAL_LENS_TITLE });
    }
    const changed = trail.prompts.filter((p) => p.changed).length;
    return {
      title: summaryLensTitle(trail, Date.now()),
      command: trail.latestPromptId !== null ? EDITOR_COMMANDS.revealPrompt : '',
      arguments: trail.latestPromptId !== null ? [trail.latestPromptId] : [],
      tooltip:
        `${agentNames(trail.agents)}: ${plural(trail.prompts.length, 'prompt')} touched this file, ${changed} changed it; ` +
        `together they cost ${formatCost(trail.costMicros, trail.costSource)}` +
        `${trail.costSource === 'estimated' ? ' (~ estimated from the price table)' : ''}. Click to show the latest one.`,
    };
  }
}

/** Registers the provider while the setting is on; refreshes it (debounced by the cache) on data changes. */
export class FileCodeLensController implements vscode.Disposable {
  private readonly provider: FileCodeLensProvider;
  private registration: vscode.Disposable | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    cache: FileTrailCache,
    link: PromptLink,
    private readonly config: AnnotationConfig,
    private readonly log: TrailLogger,
  ) {
    this.provider = new FileCodeLensProvider(cache, link);
    this.subscriptions.push(
      cache.onDidChange(() => this.provider.refresh()),
      config.onDidChange(() => this.apply()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('editor.codeLens')) this.provider.refresh();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.provider.refresh()),
      // "5 min ago" in the titles: redraw from the cache while a workspace file is in view.
      everyMinute(
        () => this.provider.refresh(),
        () => this.registration !== undefined && vscode.window.visibleTextEditors.some((e) => isWorkspaceFile(e.document.uri)),
      ),
    );
    this.apply();
  }

  private apply(): void {
    const on = this.config.settings.annotations.codeLens;
    if (on && !this.registration) {
      this.registration = vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this.provider);
      this.log('debug', 'editor', 'file CodeLens on');
    } else if (!on && this.registration) {
      this.registration.dispose();
      this.registration = undefined;
      this.log('debug', 'editor', 'file CodeLens off');
    }
  }

  dispose(): void {
    this.registration?.dispose();
    this.registration = undefined;
    for (const s of this.subscriptions.splice(0).reverse()) s.dispose();
    this.provider.dispose();
  }
}
