// The Agent Trail view (its own activity bar container): the tree, its refresh
// on data changes (debounced upstream), and the commands revealPrompt (used by
// the CodeLens link) and refreshTree.
import * as vscode from 'vscode';
import type { TrailLogger } from '../../core/query/trailCoordinator';
import type { TrailService } from '../trailService';
import { EDITOR_COMMANDS, TRAIL_VIEW_ID } from '../editor/editorCommands';
import { everyMinute } from '../editor/minuteTicker';
import type { PromptNode, TrailNode } from './trailNodes';
import { TrailTreeProvider } from './trailTreeProvider';

const EMPTY_MESSAGE = 'No agent activity recorded yet. Point a coding agent’s OpenTelemetry export at Agent Trail (see the status bar menu) and its sessions appear here.';

/** One element as the view shows it (the tests read the tree through this). */
export interface TreeSnapshot {
  readonly id: string | undefined;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  /** Whether the tooltip is trusted markdown (it never is: agent text inside). */
  readonly trusted: boolean;
  readonly icon: string | undefined;
  readonly command: string | undefined;
  readonly contextValue: string | undefined;
  readonly children: readonly TreeSnapshot[];
}

export class TrailTreeView implements vscode.Disposable {
  private readonly provider: TrailTreeProvider;
  private readonly view: vscode.TreeView<TrailNode>;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    service: TrailService,
    onDidChangeData: vscode.Event<void>,
    private readonly log: TrailLogger,
  ) {
    this.provider = new TrailTreeProvider(service, log);
    this.view = vscode.window.createTreeView(TRAIL_VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true });
    this.subscriptions.push(
      onDidChangeData(() => this.provider.refresh()),
      this.provider.onDidChangeEmpty((empty) => (this.view.message = empty ? EMPTY_MESSAGE : undefined)),
      vscode.commands.registerCommand(EDITOR_COMMANDS.revealPrompt, (arg?: unknown) => this.revealPrompt(promptIdOf(arg))),
      vscode.commands.registerCommand(EDITOR_COMMANDS.refreshTree, () => this.provider.refresh()),
      everyMinute(
        () => this.provider.redraw(),
        () => this.view.visible,
      ),
      vscode.commands.registerCommand(EDITOR_COMMANDS.inspectTree, (depth?: unknown) => this.snapshot(typeof depth === 'number' ? depth : 4)),
    );
  }

  /** Shows a prompt in the view (the latest one when no id is given); false when the trail does not have it. */
  async revealPrompt(promptId: string | undefined): Promise<boolean> {
    const node: PromptNode | undefined = promptId ? await this.provider.findPrompt(promptId) : await this.provider.latestPrompt();
    if (!node) {
      void vscode.window.showInformationMessage(promptId ? 'Agent Trail: that prompt is not in the trail (any more).' : 'Agent Trail: no prompt recorded yet.');
      return false;
    }
    try {
      await this.view.reveal(node, { select: true, focus: true, expand: true });
      return true;
    } catch (err) {
      this.log('warn', 'tree', `could not reveal a prompt: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  /** The tree as shown, `depth` levels deep. */
  async snapshot(depth: number, parent?: TrailNode): Promise<TreeSnapshot[]> {
    if (depth <= 0) return [];
    const nodes = await this.provider.getChildren(parent);
    return Promise.all(
      nodes.map(async (node) => {
        const item = this.provider.getTreeItem(node);
        const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : (item.tooltip ?? '');
        return {
          id: item.id,
          label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
          description: typeof item.description === 'string' ? item.description : '',
          tooltip,
          trusted: item.tooltip instanceof vscode.MarkdownString && item.tooltip.isTrusted !== undefined && item.tooltip.isTrusted !== false,
          icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
          command: item.command?.command,
          contextValue: item.contextValue,
          children: await this.snapshot(depth - 1, node),
        };
      }),
    );
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0).reverse()) s.dispose();
    this.view.dispose();
    this.provider.dispose();
  }
}

/** The command's argument: a prompt id, or a prompt node (from a menu). */
function promptIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg !== '') return arg;
  if (arg && typeof arg === 'object' && (arg as { kind?: unknown }).kind === 'prompt') return (arg as PromptNode).prompt.id;
  return undefined;
}
