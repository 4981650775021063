// Everything the editor shows about what agents did to the workspace: the file
// CodeLens, the edited-line highlights and their hover, the Explorer badges and
// the Agent Trail tree. Owns each of them once and disposes them in reverse
// order; reads the trail only through the TrailService.
import * as vscode from 'vscode';
import type { TrailLogger } from '../../core/query/trailCoordinator';
import type { TrailService } from '../trailService';
import { TrailTreeView } from '../tree/trailTreeView';
import type { AnnotationConfig } from './annotationConfig';
import { EDITOR_COMMANDS } from './editorCommands';
import { ExplorerBadgeProvider } from './explorerBadges';
import { FileCodeLensController } from './fileCodeLens';
import { FileTrailCache } from './fileTrailCache';
import { LineHighlightController } from './lineHighlights';
import { PromptLink } from './promptLink';

export interface EditorFeaturesOptions {
  readonly service: TrailService;
  readonly config: AnnotationConfig;
  /** The extension's log (Log.core): lines are tagged [editor] and [tree]. */
  readonly log: TrailLogger;
}

/** What agentTrail.inspectAnnotations answers for one file (tests read decorations back through it). */
export interface AnnotationSnapshot {
  /** Zero-based lines, newest edit first. */
  readonly lineHighlights: ReadonlyArray<{ readonly first: number; readonly last: number; readonly tool: string; readonly promptId: string }>;
  readonly fileDecoration: { readonly badge: string | undefined; readonly tooltip: string | undefined; readonly color: string | undefined } | null;
}

export class EditorFeatures implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly highlights: LineHighlightController;
  private readonly badges: ExplorerBadgeProvider;

  constructor({ service, config, log }: EditorFeaturesOptions) {
    const cache = this.own(new FileTrailCache(service, log));
    const link = new PromptLink();
    this.own(cache.onDidChange(() => link.reset()));
    this.own(new TrailTreeView(service, cache.onDidChange, log));
    this.own(new FileCodeLensController(cache, link, config, log));
    this.highlights = this.own(new LineHighlightController(cache, config, log));
    this.badges = this.own(new ExplorerBadgeProvider(cache, config, log));
    this.own(vscode.commands.registerCommand(EDITOR_COMMANDS.inspectAnnotations, (uri: unknown) => this.inspect(uri)));
    log('debug', 'editor', 'editor features registered');
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }

  private own<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  private async inspect(arg: unknown): Promise<AnnotationSnapshot> {
    const uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.parse(arg) : undefined;
    if (!uri) throw new Error('agentTrail.inspectAnnotations needs a file Uri');
    await this.highlights.settle();
    await this.badges.ensureLoaded();
    const d = this.badges.provideFileDecoration(uri);
    return {
      lineHighlights: this.highlights.highlightedLines(uri).map(({ first, last, tool, promptId }) => ({ first, last, tool, promptId })),
      fileDecoration: d ? { badge: d.badge, tooltip: d.tooltip, color: themeColorId(d.color) } : null,
    };
  }
}

/** ThemeColor keeps its id at run time; @types/vscode 1.90 does not declare it. */
function themeColorId(color: vscode.ThemeColor | undefined): string | undefined {
  const id: unknown = color ? (color as unknown as { readonly id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}
