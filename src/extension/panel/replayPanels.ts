// The replay panels' owner: opens a panel (or reuses the last one) on a
// prompt or a session, restores panels after a restart (a serializer for the
// view type; package.json activates on `onWebviewPanel:agentTrail.replay`),
// tells every panel when the trail changes, serves the edit diffs, and
// registers the replay commands. One Disposable for all of it.
import * as vscode from 'vscode';
import type { PromptSummary, SessionSummary } from '../../core/model/views';
import { formatUsd } from '../../core/replay/format';
import { ReplayData, type ReplaySource } from '../../core/replay/replayData';
import type { ViewTarget } from '../../core/replay/replayTypes';
import { MAX_ID_LENGTH, REPLAY_VIEW_TYPE, parseState } from '../../protocol/messages';
import { EDIT_SCHEME, EditDiffContent } from './editDiffContent';
import { DEFAULT_TITLE, ReplayPanel, webviewOptions, type ReplayLog } from './replayPanel';

/** The replay's commands (package.json contributes the same ids). */
export const REPLAY_COMMANDS = {
  openReplay: 'agentTrail.openReplay',
  openSessionReplay: 'agentTrail.openSessionReplay',
  pickPromptToReplay: 'agentTrail.pickPromptToReplay',
} as const;

/** What the panels need of the trail service. */
export interface ReplayService {
  readonly queries: ReplaySource;
  readonly onDidChangeData: vscode.Event<void>;
}

export interface ReplayPanelsOptions {
  readonly extensionUri: vscode.Uri;
  readonly service: ReplayService;
  readonly log: ReplayLog;
  /** Register the commands (off where another part registers them). */
  readonly commands?: boolean;
}

const RECENT_PROMPTS = 50;

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH;

/**
 * The id a command was given: a string (CodeLens, other commands), or the tree
 * item it was run on (`{ kind: 'prompt', prompt: { id } }`, `{ kind: 'session', session: { id } }`).
 */
export function idArgument(arg: unknown, kind: 'prompt' | 'session'): string | undefined {
  if (isId(arg)) return arg;
  if (arg === null || typeof arg !== 'object') return undefined;
  const node = arg as { readonly kind?: unknown; readonly prompt?: { readonly id?: unknown; readonly sessionId?: unknown }; readonly session?: { readonly id?: unknown } };
  if (kind === 'prompt' && node.kind === 'prompt' && isId(node.prompt?.id)) return node.prompt.id;
  if (kind === 'session' && node.kind === 'session' && isId(node.session?.id)) return node.session.id;
  if (kind === 'session' && node.kind === 'prompt' && isId(node.prompt?.sessionId)) return node.prompt.sessionId;
  return undefined;
}

function promptLabel(p: PromptSummary): string {
  if (p.command !== null) return `/${p.command}`;
  if (p.text !== null) return p.text.replace(/\s+/g, ' ').trim().slice(0, 120) || '(empty prompt)';
  return p.redacted ? '(prompt text redacted)' : '(prompt text not recorded)';
}

export class ReplayPanels implements vscode.Disposable {
  readonly data: ReplayData;
  private readonly panels = new Set<ReplayPanel>();
  private lastActive: ReplayPanel | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly options: ReplayPanelsOptions) {
    this.data = new ReplayData(options.service.queries);
    this.subscriptions.push(
      options.service.onDidChangeData(() => {
        this.data.invalidate();
        for (const p of this.panels) p.dataChanged();
      }),
      vscode.window.registerWebviewPanelSerializer(REPLAY_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          this.adopt(panel, parseState(state)?.target ?? null);
        },
      }),
      vscode.workspace.registerTextDocumentContentProvider(EDIT_SCHEME, new EditDiffContent(this.data)),
    );
    if (options.commands !== false) {
      this.subscriptions.push(
        vscode.commands.registerCommand(REPLAY_COMMANDS.openReplay, (arg?: unknown) => this.openReplay(arg)),
        vscode.commands.registerCommand(REPLAY_COMMANDS.openSessionReplay, (arg?: unknown) => this.openSessionReplay(arg)),
        vscode.commands.registerCommand(REPLAY_COMMANDS.pickPromptToReplay, () => this.pickPrompt()),
      );
    }
  }

  /** Shows `target` in the last used panel, or in a new one. */
  open(target: ViewTarget, { newPanel = false }: { newPanel?: boolean } = {}): ReplayPanel {
    const reuse = newPanel ? undefined : (this.lastActive ?? [...this.panels].pop());
    if (reuse) {
      reuse.show(target);
      return reuse;
    }
    const panel = vscode.window.createWebviewPanel(REPLAY_VIEW_TYPE, DEFAULT_TITLE, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewOptions(this.options.extensionUri));
    panel.iconPath = vscode.Uri.joinPath(this.options.extensionUri, 'media', 'icons', 'agent-trail.svg');
    return this.adopt(panel, target);
  }

  /** Prompt id given: that prompt; none: the latest prompt. */
  async openReplay(arg?: unknown): Promise<void> {
    const promptId = idArgument(arg, 'prompt');
    if (promptId !== undefined) {
      this.open({ kind: 'prompt', promptId });
      return;
    }
    const prompts = await this.recentPrompts();
    if (prompts === null) return;
    const latest = prompts[0];
    if (!latest) {
      void vscode.window.showInformationMessage('Agent Trail has not recorded a prompt yet. Set up an agent from the status bar menu.');
      return;
    }
    this.open({ kind: 'prompt', promptId: latest.id });
  }

  /** Session id given: that session; none: pick one (the latest first). */
  async openSessionReplay(arg?: unknown): Promise<void> {
    const sessionId = idArgument(arg, 'session');
    if (sessionId !== undefined) {
      this.open({ kind: 'session', sessionId });
      return;
    }
    let sessions: readonly SessionSummary[];
    try {
      sessions = await this.options.service.queries.listSessions();
    } catch (err) {
      void vscode.window.showWarningMessage(`Agent Trail has no data to show yet: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (sessions.length === 0) {
      void vscode.window.showInformationMessage('Agent Trail has not recorded a session yet.');
      return;
    }
    const sorted = [...sessions].sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''));
    type Item = vscode.QuickPickItem & { id: string };
    const items: Item[] = sorted.map((s) => ({
      id: s.id,
      label: `${s.agent} · ${s.prompts} prompt${s.prompts === 1 ? '' : 's'}`,
      description: `${formatUsd(s.costMicros, s.costSource === 'estimated')} · ${s.toolCalls} tool calls`,
      detail: `${s.lastSeen ? new Date(s.lastSeen).toLocaleString() : 'no time'} · ${s.workspace ?? s.id}`,
    }));
    const picked = await vscode.window.showQuickPick(items, { title: 'Agent Trail: replay a session (latest first)', matchOnDescription: true, matchOnDetail: true });
    if (picked) this.open({ kind: 'session', sessionId: picked.id });
  }

  /** A quick pick of recent prompts, latest first. */
  async pickPrompt(): Promise<void> {
    const prompts = await this.recentPrompts();
    if (prompts === null) return;
    if (prompts.length === 0) {
      void vscode.window.showInformationMessage('Agent Trail has not recorded a prompt yet.');
      return;
    }
    type Item = vscode.QuickPickItem & { id: string };
    const items: Item[] = prompts.map((p) => {
      const rejected = p.toolCalls.filter((c) => c.decision === 'reject').length;
      return {
        id: p.id,
        label: promptLabel(p),
        description: `${formatUsd(p.costMicros, p.costSource === 'estimated')} · ${p.toolCalls.length} tool call${p.toolCalls.length === 1 ? '' : 's'}${rejected > 0 ? ` · ${rejected} rejected` : ''}`,
        detail: `${new Date(p.startedAt).toLocaleString()} · ${p.id}`,
      };
    });
    const picked = await vscode.window.showQuickPick(items, { title: 'Agent Trail: replay a prompt (latest first)', matchOnDescription: true, matchOnDetail: true });
    if (picked) this.open({ kind: 'prompt', promptId: picked.id });
  }

  dispose(): void {
    for (const p of [...this.panels]) p.dispose();
    this.panels.clear();
    for (const d of this.subscriptions.splice(0).reverse()) d.dispose();
  }

  private adopt(webviewPanel: vscode.WebviewPanel, target: ViewTarget | null): ReplayPanel {
    const panel = new ReplayPanel(webviewPanel, { extensionUri: this.options.extensionUri, data: this.data, log: this.options.log }, target);
    this.panels.add(panel);
    this.lastActive = panel;
    const viewState = webviewPanel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) this.lastActive = panel;
    });
    panel.onDidDispose(() => {
      viewState.dispose();
      this.panels.delete(panel);
      if (this.lastActive === panel) this.lastActive = undefined;
    });
    return panel;
  }

  private async recentPrompts(): Promise<PromptSummary[] | null> {
    try {
      const prompts = await this.options.service.queries.listPrompts();
      return [...prompts].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, RECENT_PROMPTS);
    } catch (err) {
      void vscode.window.showWarningMessage(`Agent Trail has no data to show yet: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }
}
