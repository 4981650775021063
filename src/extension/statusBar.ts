// The status bar item: is the listener up (and if not, why), what did agents
// cost today, which agent is at work. Click: the Agent Trail menu.
import * as vscode from 'vscode';
import { formatCost, startOfDayMs, summarizeToday, type TodaySummary } from '../core/query/todaySummary';
import { describeListener, type ListenerState } from '../core/query/trailState';
import { agentLabel } from './agentLabels';
import { COMMANDS, LISTENER_STATE_CONTEXT_KEY } from './commands';
import type { ComponentLog } from './log';
import type { TrailService } from './trailService';

const ICONS: Readonly<Record<ListenerState['kind'], string>> = {
  starting: '$(loading~spin)',
  listening: '$(broadcast)',
  paused: '$(debug-pause)',
  disabled: '$(circle-slash)',
  error: '$(warning)',
  unknown: '$(question)',
};

/** The item's text and tooltip for one moment; pure, for tests. */
export interface StatusView {
  readonly text: string;
  readonly tooltip: string;
  readonly warning: boolean;
}

export function statusView(state: ListenerState, today: TodaySummary | undefined, service: Pick<TrailService, 'role' | 'owner' | 'dataDir'>, nowMs: number): StatusView {
  const parts = [ICONS[state.kind]];
  if (today) parts.push(formatCost(today.costMicros, today.estimated));
  if (today?.activeAgent) parts.push(`· ${agentLabel(today.activeAgent)}`);
  const lines = [`**Agent Trail**: ${escape(describeListener(state))}`];
  // An error's message already names the port and, when it can be found, the process holding it.
  if (today) {
    const cost = formatCost(today.costMicros, today.estimated);
    lines.push(`Today: ${cost} over ${today.prompts} prompt${today.prompts === 1 ? '' : 's'}${today.estimated ? ' (~ partly estimated from the price table)' : ''}`);
    if (today.activeAgent && today.latestPromptEndMs !== null) {
      const agoS = Math.max(0, Math.round((nowMs - today.latestPromptEndMs) / 1000));
      lines.push(`At work: ${agentLabel(today.activeAgent)} (last prompt ${agoS < 60 ? `${agoS} s` : `${Math.round(agoS / 60)} min`} ago)`);
    }
  }
  const owner = service.owner;
  if (service.role === 'owner') lines.push(`This window records into \`${escape(service.dataDir)}\`.`);
  else if (service.role === 'reader' && owner) lines.push(`Another window (pid ${owner.pid}) records; this one reads \`${escape(service.dataDir)}\`.`);
  lines.push('Click for actions.');
  return { text: parts.join(' '), tooltip: lines.join('\n\n'), warning: state.kind === 'error' };
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

export class StatusBarController implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[];
  private today: TodaySummary | undefined;
  private refreshing = 0;
  private expiry: NodeJS.Timeout | undefined;
  private midnight: NodeJS.Timeout | undefined;
  private contextKind: ListenerState['kind'] | undefined;

  constructor(
    private readonly service: TrailService,
    private readonly log: ComponentLog,
  ) {
    this.item = vscode.window.createStatusBarItem('agentTrail.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Agent Trail';
    this.item.command = COMMANDS.showMenu;
    this.subscriptions = [service.onDidChangeState(() => this.render()), service.onDidChangeData(() => void this.refreshToday())];
    this.render();
    this.item.show();
  }

  /** The text as shown (tests read it). */
  get text(): string {
    return this.item.text;
  }

  get tooltip(): string {
    const t = this.item.tooltip;
    return typeof t === 'string' ? t : (t?.value ?? '');
  }

  /** Re-reads today's prompts; also runs when the active agent's window ends and at midnight. */
  async refreshToday(): Promise<void> {
    const ticket = ++this.refreshing;
    const now = Date.now();
    try {
      const prompts = await this.service.queries.listPrompts({ fromMs: startOfDayMs(now) });
      if (ticket !== this.refreshing) return;
      this.today = summarizeToday(prompts, now);
    } catch (err) {
      // No store reachable yet (starting, owner gone): keep what was shown.
      this.log.debug(`status: today's prompts unavailable: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.scheduleTimers(now);
    this.render();
  }

  private scheduleTimers(now: number): void {
    clearTimeout(this.expiry);
    if (this.today?.activeUntilMs) this.expiry = setTimeout(() => void this.refreshToday(), Math.max(1_000, this.today.activeUntilMs - now + 500));
    clearTimeout(this.midnight);
    this.midnight = setTimeout(() => void this.refreshToday(), startOfDayMs(now) + 24 * 3600_000 - now + 1_000);
  }

  private render(): void {
    const state = this.service.listenerState;
    if (state.kind !== this.contextKind) {
      this.contextKind = state.kind;
      void vscode.commands.executeCommand('setContext', LISTENER_STATE_CONTEXT_KEY, state.kind);
    }
    const view = statusView(state, this.today, this.service, Date.now());
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltip);
    tooltip.supportThemeIcons = true;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: `Agent Trail: ${describeListener(state)}${this.today ? `, ${formatCost(this.today.costMicros, this.today.estimated)} today` : ''}` };
    // The first state change that reaches a store (owner or reader) is when today's figures can load.
    if (!this.today && (this.service.role === 'owner' || this.service.role === 'reader')) void this.refreshToday();
  }

  dispose(): void {
    clearTimeout(this.expiry);
    clearTimeout(this.midnight);
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
