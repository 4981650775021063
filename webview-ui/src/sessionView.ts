// A session's prompts in order: when, what was asked, tool calls, refusals,
// failures, cost and the session's running cost. Choosing one opens its replay.

import { formatCount, formatDuration, formatUsd, formatUsdExact, plural } from '../../src/core/replay/format';
import type { PromptListItem, SessionView as SessionData } from '../../src/core/replay/replayTypes';
import { custom, el } from './dom';
import type { Transport } from './transport';

export interface SessionViewHost {
  readonly transport: Transport;
  openPrompt(promptId: string): void;
  setTitle(title: string): void;
}

const MAX_SHOWN = 2000;

function promptText(p: PromptListItem): string {
  if (p.command !== null) return `/${p.command}`;
  if (p.text !== null) return p.text.replace(/\s+/g, ' ').trim();
  return p.redacted ? '(prompt text redacted)' : '(prompt text not recorded)';
}

export class SessionView {
  readonly element: HTMLElement;
  private disposed = false;

  constructor(
    private readonly host: SessionViewHost,
    readonly sessionId: string,
  ) {
    this.element = el('main', { className: 'session-view', attrs: { 'aria-busy': 'true' } });
  }

  async load(): Promise<void> {
    const data = await this.host.transport.request('getSession', { sessionId: this.sessionId });
    if (this.disposed) return;
    this.render(data);
    this.host.setTitle(`Session ${data.id.slice(0, 8)}`);
  }

  async refresh(): Promise<void> {
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.promptId : undefined;
    await this.load();
    if (focused) (this.element.querySelector(`[data-prompt-id="${CSS.escape(focused)}"]`) as HTMLElement | null)?.focus();
  }

  handleKey(e: KeyboardEvent): void {
    const items = [...this.element.querySelectorAll<HTMLElement>('.prompt-list .prompt-item')];
    if (items.length === 0) return;
    const current = items.indexOf(document.activeElement as HTMLElement);
    let next: number | null = null;
    if (e.key === 'ArrowDown') next = current + 1;
    else if (e.key === 'ArrowUp') next = current - 1;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = items.length - 1;
    if (next === null) return;
    e.preventDefault();
    items[Math.max(0, Math.min(items.length - 1, next))]?.focus();
  }

  dispose(): void {
    this.disposed = true;
    this.element.remove();
  }

  private render(s: SessionData): void {
    const first = s.firstSeen ? new Date(s.firstSeen) : null;
    const header = el(
      'header',
      { className: 'prompt-header' },
      el('div', { className: 'title-row' }, el('h1', { className: 'prompt-text', text: `${s.agentLabel} session` }), s.live ? custom('vscode-badge', { className: 'live-badge', text: 'live' }) : null),
      el(
        'p',
        { className: 'meta' },
        el('span', { className: 'session-id', text: s.id }),
        s.workspace ? el('span', { text: s.workspace }) : null,
        first && !Number.isNaN(first.getTime()) ? el('span', { text: first.toLocaleString() }) : null,
        el('span', { text: plural(s.prompts.length, 'prompt') }),
        el('span', { text: `tokens in ${formatCount(s.tokens.input)} · out ${formatCount(s.tokens.output)} · cache ${formatCount(s.tokens.cacheRead)} read, ${formatCount(s.tokens.cacheWrite)} write` }),
        el('span', { className: 'meta-total', attrs: { 'data-cost-micros': String(s.costMicros) } }, 'total ', el('strong', { text: formatUsdExact(s.costMicros, s.costEstimated) })),
      ),
    );
    const columns = el(
      'div',
      { className: 'prompt-item prompt-columns', attrs: { 'aria-hidden': 'true' } },
      el('span', { text: '#' }),
      el('span', { text: 'Started' }),
      el('span', { text: 'Prompt' }),
      el('span', { className: 'p-counts', text: 'Activity' }),
      el('span', { className: 'p-cost', text: 'Cost' }),
      el('span', { className: 'p-running', text: 'Session so far' }),
    );
    const list = el('div', { className: 'prompt-list', attrs: { role: 'list', 'aria-label': `Prompts of the session (${s.prompts.length})` } });
    for (const p of s.prompts.slice(0, MAX_SHOWN)) list.appendChild(this.item(p));
    if (s.prompts.length > MAX_SHOWN) list.appendChild(el('p', { className: 'muted', text: `${formatCount(s.prompts.length - MAX_SHOWN)} more prompts are not shown.` }));
    if (s.prompts.length === 0) list.appendChild(el('p', { className: 'muted', text: 'No prompts recorded for this session.' }));
    this.element.replaceChildren(header, columns, list);
    this.element.setAttribute('aria-busy', 'false');
    document.body.dataset.state = 'ready';
  }

  private item(p: PromptListItem): HTMLElement {
    const started = new Date(p.startedAt);
    const text = promptText(p);
    const counts = [
      plural(p.toolCalls, 'tool call'),
      p.rejected > 0 ? `${formatCount(p.rejected)} rejected` : null,
      p.failed > 0 ? `${formatCount(p.failed)} failed` : null,
      formatDuration(p.durationMs),
    ].filter((x): x is string => x !== null);
    const item = el(
      'div',
      {
        className: `prompt-item${p.rejected > 0 ? ' has-rejected' : ''}${p.failed > 0 ? ' has-failed' : ''}`,
        attrs: {
          role: 'listitem',
          tabindex: '0',
          'aria-label': `Prompt ${p.index + 1}: ${text.slice(0, 200)}. ${counts.join(', ')}. Cost ${formatUsd(p.costMicros, p.costEstimated)}, session total so far ${formatUsd(p.runningCostMicros)}.`,
        },
        data: { promptId: p.id },
      },
      el('span', { className: 'p-index', text: String(p.index + 1) }),
      el('span', { className: 'p-time', text: Number.isNaN(started.getTime()) ? '' : started.toLocaleTimeString() }),
      el('span', { className: `p-text${p.text === null && p.command === null ? ' muted' : ''}`, text, title: text }),
      el('span', { className: 'p-counts', text: counts.join(' · ') }),
      el('span', { className: 'p-cost', text: formatUsd(p.costMicros, p.costEstimated) }),
      el('span', { className: 'p-running', text: formatUsd(p.runningCostMicros), title: 'Session cost so far' }),
    );
    const open = (): void => this.host.openPrompt(p.id);
    item.addEventListener('click', open);
    item.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    });
    return item;
  }
}
