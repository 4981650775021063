// One replay panel: its webview's HTML, the messages both ways, and what the
// host does for the webview. Nothing is posted before the webview says
// `ready` (and again after it was hidden: without retainContextWhenHidden the
// webview reloads and restores itself from its saved state). Every message
// from the webview is parsed and checked (src/protocol) before anything runs;
// a file is opened only when the prompt's steps touched it.
import fs from 'node:fs';
import * as vscode from 'vscode';
import { checkOpenFile } from '../../core/replay/openFileCheck';
import { ReplayNotFoundError, type ReplayData } from '../../core/replay/replayData';
import type { ViewTarget } from '../../core/replay/replayTypes';
import {
  parseWebviewMessage,
  sameTarget,
  type CommandMessage,
  type ErrorCode,
  type HostToWebview,
  type NotificationMessage,
  type RequestMessage,
} from '../../protocol/messages';
import { editUri } from './editDiffContent';
import { replayHtml, webviewRoot } from './replayHtml';

/** The few log levels the panel writes at (the extension's ComponentLog fits). */
export interface ReplayLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export interface ReplayPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly data: ReplayData;
  readonly log: ReplayLog;
}

export const DEFAULT_TITLE = 'Agent Trail Replay';

/** Webview options: scripts on, command URIs off, resources only from the built folder. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(extensionUri)] };
}

async function statKind(p: string): Promise<'file' | 'other' | 'missing'> {
  try {
    return (await fs.promises.stat(p)).isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

export class ReplayPanel implements vscode.Disposable {
  private ready = false;
  private disposed = false;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: ReplayPanelDeps,
    private target: ViewTarget | null,
  ) {
    const webview = panel.webview;
    webview.options = webviewOptions(deps.extensionUri);
    this.subscriptions.push(
      webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden webview (not retained) is torn down; it says `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    webview.html = replayHtml(webview, deps.extensionUri);
  }

  get current(): ViewTarget | null {
    return this.target;
  }

  /** Shows `target` (now, or as soon as the webview is ready) and brings the panel forward. */
  show(target: ViewTarget, reveal = true): void {
    this.target = target;
    if (reveal) this.panel.reveal(undefined, false);
    if (this.ready) this.post({ type: 'notification', name: 'show', params: { target } });
  }

  /** The trail changed: the webview re-requests what it shows. */
  dataChanged(): void {
    if (this.ready) this.post({ type: 'notification', name: 'dataChanged', params: {} });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.ready = false;
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    this.panel.dispose();
  }

  private post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message).then(
      (delivered) => {
        if (!delivered) this.ready = false;
      },
      () => undefined,
    );
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.deps.log.warn(`replay: refused a message from the webview: ${parsed.reason}`);
      if (parsed.id !== undefined) this.post({ type: 'response', id: parsed.id, ok: false, error: { code: 'bad_request', message: parsed.reason } });
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        // What the webview restored wins when the host has nothing newer to show (a reload after hiding).
        if (this.target === null && message.restored !== null) this.target = message.restored;
        if (this.target !== null) this.post({ type: 'notification', name: 'show', params: { target: this.target } } satisfies NotificationMessage);
        return;
      }
      case 'request':
        await this.answer(message);
        return;
      case 'command':
        await this.run(message);
        return;
    }
  }

  private async answer(message: RequestMessage): Promise<void> {
    const data = this.deps.data;
    try {
      let result: unknown;
      switch (message.method) {
        case 'getPrompt':
          result = await data.overview(message.params.promptId);
          break;
        case 'getSteps':
          result = await data.steps(message.params.promptId, message.params.offset, message.params.limit);
          break;
        case 'getSession':
          result = await data.session(message.params.sessionId);
          break;
      }
      this.post({ type: 'response', id: message.id, ok: true, result });
    } catch (err) {
      const code: ErrorCode = err instanceof ReplayNotFoundError ? 'not_found' : 'unavailable';
      const text = err instanceof Error ? err.message : String(err);
      if (code !== 'not_found') this.deps.log.warn(`replay: ${message.method} failed: ${text}`);
      this.post({ type: 'response', id: message.id, ok: false, error: { code, message: text } });
    }
  }

  private async run(message: CommandMessage): Promise<void> {
    try {
      switch (message.command) {
        case 'navigated':
          this.target = message.args.target;
          this.panel.title = message.args.title.trim() || DEFAULT_TITLE;
          return;
        case 'openFile':
          await this.openFile(message.args.promptId, message.args.path);
          return;
        case 'openDiff':
          await this.openDiff(message.args.promptId, message.args.stepKey);
          return;
      }
    } catch (err) {
      this.deps.log.error(err instanceof Error ? err : String(err));
    }
  }

  private async openFile(promptId: string, requested: string): Promise<void> {
    if (!sameTarget(this.target, { kind: 'prompt', promptId })) {
      this.deps.log.warn('replay: refused openFile for a prompt the panel does not show');
      return;
    }
    const replay = await this.deps.data.replay(promptId);
    if (!replay) return;
    const verdict = await checkOpenFile(requested, {
      touched: replay.touchedPaths(),
      workspaceRoots: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
      stat: statKind,
    });
    if (!verdict.ok) {
      this.deps.log.warn(`replay: did not open a file: ${verdict.reason}`);
      void vscode.window.showWarningMessage(`Agent Trail did not open the file: ${verdict.reason}.`);
      return;
    }
    await vscode.window.showTextDocument(vscode.Uri.file(verdict.path), { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  private async openDiff(promptId: string, stepKey: string): Promise<void> {
    const edit = await this.deps.data.edit(promptId, stepKey);
    if (!edit) {
      void vscode.window.showInformationMessage('Agent Trail has no text for this edit (the agent did not send it).');
      return;
    }
    const name = edit.path.split(/[\\/]/).pop() || 'edit';
    await vscode.commands.executeCommand(
      'vscode.diff',
      editUri(edit, promptId, 'before'),
      editUri(edit, promptId, 'after'),
      `${name}: the agent's edit${edit.truncated ? ' (truncated)' : ''}`,
      { preview: true, viewColumn: vscode.ViewColumn.Beside },
    );
  }
}
