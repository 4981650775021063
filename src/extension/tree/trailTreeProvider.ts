// The data behind the Agent Trail tree. Sessions and each session's prompts are
// fetched once per data version (the prompts carry their tool calls and files)
// and kept as node objects, so that getParent and reveal work on the same
// elements the view shows.
import * as vscode from 'vscode';
import type { TrailLogger } from '../../core/query/trailCoordinator';
import type { TrailService } from '../trailService';
import { messageOf } from '../editor/fileTrailCache';
import { fileNodes, promptNode, sessionNode, toolCallNodes, type PromptNode, type SessionNode, type TrailNode } from './trailNodes';
import { treeItemOf } from './trailTreeItems';

export class TrailTreeProvider implements vscode.TreeDataProvider<TrailNode>, vscode.Disposable {
  private sessions: Promise<SessionNode[]> | undefined;
  private readonly prompts = new Map<string, Promise<PromptNode[]>>();
  private readonly changed = new vscode.EventEmitter<TrailNode | undefined>();
  private readonly emptyChanged = new vscode.EventEmitter<boolean>();
  private empty: boolean | undefined;

  readonly onDidChangeTreeData: vscode.Event<TrailNode | undefined> = this.changed.event;
  /** Whether the trail has no sessions (the view shows a message then). */
  readonly onDidChangeEmpty: vscode.Event<boolean> = this.emptyChanged.event;

  constructor(
    private readonly service: TrailService,
    private readonly log: TrailLogger,
  ) {}

  /** Redraws the tree from what it holds (relative times move on). */
  redraw(): void {
    this.changed.fire(undefined);
  }

  /** Forgets every answer and redraws the tree. */
  refresh(): void {
    this.sessions = undefined;
    this.prompts.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(node: TrailNode): vscode.TreeItem {
    return treeItemOf(node, Date.now());
  }

  async getChildren(node?: TrailNode): Promise<TrailNode[]> {
    if (!node) return this.sessionNodes();
    switch (node.kind) {
      case 'session':
        return this.promptNodes(node);
      case 'prompt':
        return toolCallNodes(node);
      case 'toolCall':
        return fileNodes(node);
      case 'file':
        return [];
    }
  }

  getParent(node: TrailNode): TrailNode | undefined {
    return node.kind === 'session' ? undefined : node.parent;
  }

  sessionNodes(): Promise<SessionNode[]> {
    if (!this.sessions) {
      const pending: Promise<SessionNode[]> = this.service.queries.listSessions().then(
        (list) => {
          this.setEmpty(list.length === 0);
          return list.map(sessionNode);
        },
        (err: unknown) => {
          // An owner that just went away: show nothing this time, ask again next time.
          this.log('debug', 'tree', `sessions unavailable this time: ${messageOf(err)}`);
          if (this.sessions === pending) this.sessions = undefined;
          return [];
        },
      );
      this.sessions = pending;
    }
    return this.sessions;
  }

  promptNodes(session: SessionNode): Promise<PromptNode[]> {
    const key = session.session.id;
    let pending = this.prompts.get(key);
    if (!pending) {
      const p = this.service.queries.listPrompts({ sessionId: key }).then(
        (list) => list.map((prompt) => promptNode(prompt, session)),
        (err: unknown) => {
          this.log('debug', 'tree', `prompts unavailable this time: ${messageOf(err)}`);
          if (this.prompts.get(key) === p) this.prompts.delete(key);
          return [];
        },
      );
      pending = p;
      this.prompts.set(key, pending);
    }
    return pending;
  }

  /** The node of a prompt, found through its session; undefined when the trail does not have it. */
  async findPrompt(promptId: string): Promise<PromptNode | undefined> {
    const sessions = await this.sessionNodes();
    // Prompts already fetched first: no query for a prompt the tree has shown.
    for (const session of sessions) {
      const known = this.prompts.get(session.session.id);
      const hit = known ? (await known).find((p) => p.prompt.id === promptId) : undefined;
      if (hit) return hit;
    }
    const details = await this.service.queries.promptDetails(promptId).catch(() => null);
    const session = sessions.find((s) => s.session.id === details?.sessionId);
    if (!session) return undefined;
    return (await this.promptNodes(session)).find((p) => p.prompt.id === promptId);
  }

  /** The most recent prompt of the most recent session. */
  async latestPrompt(): Promise<PromptNode | undefined> {
    const [session] = await this.sessionNodes();
    if (!session) return undefined;
    const prompts = await this.promptNodes(session);
    return prompts[prompts.length - 1];
  }

  dispose(): void {
    this.changed.dispose();
    this.emptyChanged.dispose();
  }

  private setEmpty(empty: boolean): void {
    if (empty === this.empty) return;
    this.empty = empty;
    this.emptyChanged.fire(empty);
  }
}
