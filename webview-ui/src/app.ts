// The app: shows what the host (or the report) asks for, a prompt's replay or
// a session's prompts; moves between them; keeps its state where VS Code
// restores it (hidden and shown again, or after a restart); re-requests what
// is on screen when the trail changes.

import { sameTarget, type NotificationMessage, type ReplayState, type ViewTarget } from '../../src/protocol/messages';
import { el } from './dom';
import { PromptView, type PromptViewState } from './promptView';
import { RequestError, type Transport } from './transport';
import { SessionView } from './sessionView';

const MAX_TITLE = 60;

export class App {
  private view: PromptView | SessionView | null = null;
  private target: ViewTarget | null = null;
  /** The session a prompt was opened from (to go back to). */
  private sessionId: string | null = null;
  private refreshing = false;
  private refreshAgain = false;
  private readonly errorBar: HTMLElement;
  private readonly content: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly transport: Transport,
  ) {
    this.errorBar = el('div', { className: 'error-bar', attrs: { role: 'alert' } });
    this.errorBar.hidden = true;
    this.content = el('div', { className: 'content' });
    root.replaceChildren(this.errorBar, this.content);
    transport.onNotification((n) => this.onNotification(n));
    document.addEventListener('keydown', (e) => this.view?.handleKey(e));
  }

  start(): void {
    document.body.dataset.state = 'loading';
    document.body.classList.add(`mode-${this.transport.mode}`);
    const saved = this.transport.getState();
    this.transport.start(saved?.target ?? null);
  }

  private onNotification(n: NotificationMessage): void {
    if (n.name === 'show') void this.show(n.params.target);
    else if (n.name === 'dataChanged') void this.refresh();
  }

  private async show(target: ViewTarget): Promise<void> {
    if (sameTarget(target, this.target) && this.view) return;
    const saved = this.transport.getState();
    const restored: PromptViewState | null = saved && sameTarget(saved.target, target) ? { selected: saved.selected, speed: saved.speed, follow: saved.follow } : null;
    this.view?.dispose();
    this.target = target;
    this.hideError();
    if (target.kind === 'prompt') {
      const view = new PromptView(
        {
          transport: this.transport,
          back: this.sessionId !== null || this.transport.mode === 'vscode' ? (sessionId) => void this.show({ kind: 'session', sessionId }) : null,
          saveState: (s) => this.save({ v: 1, target, ...s }),
          setTitle: (t) => this.setTitle(`Replay: ${t}`),
          showError: (m) => this.showError(m),
        },
        target.promptId,
        restored ?? (saved ? { selected: -1, speed: saved.speed, follow: false } : null),
      );
      this.view = view;
      this.content.replaceChildren(view.element);
      try {
        await view.load();
      } catch (err) {
        this.fail(err);
      }
    } else {
      this.sessionId = target.sessionId;
      const view = new SessionView(
        {
          transport: this.transport,
          openPrompt: (promptId) => void this.show({ kind: 'prompt', promptId }),
          setTitle: (t) => this.setTitle(t),
        },
        target.sessionId,
      );
      this.view = view;
      this.content.replaceChildren(view.element);
      this.save({ v: 1, target, selected: 0, speed: saved?.speed ?? 1, follow: false });
      try {
        await view.load();
      } catch (err) {
        this.fail(err);
      }
    }
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.refreshAgain = false;
        await this.view?.refresh();
      } while (this.refreshAgain);
      this.hideError();
    } catch (err) {
      this.fail(err);
    } finally {
      this.refreshing = false;
    }
  }

  private save(state: ReplayState): void {
    this.transport.setState(state);
  }

  private setTitle(title: string): void {
    const flat = title.replace(/\s+/g, ' ').trim();
    const short = flat.length > MAX_TITLE ? `${flat.slice(0, MAX_TITLE - 1)}…` : flat;
    document.title = short;
    if (this.target) this.transport.command('navigated', { target: this.target, title: short });
  }

  private fail(err: unknown): void {
    const message = err instanceof RequestError && err.reply.code === 'not_found' ? err.message : `Could not load the replay: ${err instanceof Error ? err.message : String(err)}`;
    this.showError(message);
    document.body.dataset.state = 'error';
  }

  private showError(message: string): void {
    this.errorBar.textContent = message;
    this.errorBar.hidden = false;
  }

  private hideError(): void {
    this.errorBar.hidden = true;
  }
}
