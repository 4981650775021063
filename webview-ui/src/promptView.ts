// One prompt's replay: header, replay controls (first, back, play/pause,
// forward, last, speed, follow live), a scrubber across every step, the
// running cost and tokens with their chart, the virtualised timeline and the
// selected step's details. The overview (header, offsets, cost series) comes
// first; rows arrive in pages as they scroll into view.

import { formatCount, formatDuration, formatOffset, formatTokens, formatUsd, formatUsdExact, plural } from '../../src/core/replay/format';
import type { PromptOverview, StepFile, StepRow } from '../../src/core/replay/replayTypes';
import { runningAt } from '../../src/core/replay/running';
import { CostChart, seriesColor, type SeriesKey } from './costChart';
import { custom, el, perFrame, setAttr, setText } from './dom';
import { icon, setIcon, type IconName } from './icons';
import { Player, SPEEDS } from './player';
import { StepCache } from './stepCache';
import { StepDetails } from './stepDetails';
import { createStepRow, renderStepRow, type StepRowView } from './stepRow';
import type { Transport } from './transport';
import { VirtualList } from './virtualList';

export const ROW_HEIGHT = 24;
export const FIRST_ROWS_MARK = 'agent-trail:first-rows';

export interface PromptViewState {
  readonly selected: number;
  readonly speed: number;
  readonly follow: boolean;
}

export interface PromptViewHost {
  readonly transport: Transport;
  /** Back to the prompt's session (null when there is none to go to). */
  readonly back: ((sessionId: string) => void) | null;
  saveState(state: PromptViewState): void;
  setTitle(title: string): void;
  showError(message: string): void;
}

type Move = 'keyboard' | 'pointer' | 'scrub' | 'play' | 'button' | 'restore' | 'follow';

function promptTitle(o: PromptOverview): string {
  const p = o.prompt;
  if (p.command !== null) return `/${p.command}`;
  if (p.text !== null) return p.text;
  return p.redacted ? '(prompt text redacted)' : '(prompt text not recorded)';
}

function toolButton(name: IconName, label: string, onClick: () => void): HTMLElement {
  const b = custom('vscode-button', { className: 'tool-button', title: label, attrs: { secondary: '', 'aria-label': label, 'icon-only': '' } }, icon(name));
  b.addEventListener('click', onClick);
  return b;
}

export class PromptView {
  readonly element: HTMLElement;
  private overview: PromptOverview | null = null;
  private cache: StepCache | null = null;
  private list: VirtualList<StepRowView> | null = null;
  private chart: CostChart | null = null;
  private details: StepDetails | null = null;
  private selected = 0;
  private follow = false;
  private readonly player: Player;
  private scrubber: HTMLInputElement | null = null;
  private playButton: HTMLElement | null = null;
  private followButton: HTMLElement | null = null;
  private positionText: HTMLElement | null = null;
  private scrubTime: HTMLElement | null = null;
  private totals: Map<SeriesKey, HTMLElement> = new Map();
  private liveRegion: HTMLElement | null = null;
  private liveBadge: HTMLElement | null = null;
  private header: HTMLElement | null = null;
  private firstPainted = false;
  private disposed = false;
  private lastAnnounce = 0;
  private announceTimer: ReturnType<typeof setTimeout> | undefined;
  private detailsTimer: ReturnType<typeof setTimeout> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly showDetailsSoon = perFrame(() => this.renderDetails());

  constructor(
    private readonly host: PromptViewHost,
    readonly promptId: string,
    restored: PromptViewState | null,
  ) {
    this.element = el('main', { className: 'prompt-view', attrs: { 'aria-busy': 'true' } });
    this.selected = restored?.selected ?? -1;
    this.follow = restored?.follow ?? false;
    this.player = new Player({
      count: () => this.overview?.stepCount ?? 0,
      offsetAt: (i) => this.overview?.offsets[i] ?? null,
      position: () => this.selected,
      moveTo: (i) => this.moveTo(i, 'play'),
      onPlayingChange: (playing) => this.onPlayingChange(playing),
    });
    this.player.speed = restored?.speed ?? 1;
  }

  async load(): Promise<void> {
    const overview = await this.host.transport.request('getPrompt', { promptId: this.promptId });
    if (this.disposed) return;
    this.overview = overview;
    if (this.selected < 0) this.selected = overview.live ? overview.stepCount - 1 : 0;
    if (overview.live && this.selected >= overview.stepCount - 1) this.follow = true;
    this.selected = Math.max(0, Math.min(this.selected, overview.stepCount - 1));
    this.build(overview);
    this.host.setTitle(promptTitle(overview));
  }

  /** The trail changed: new overview, stale pages reloaded, the selection kept (or at the end when following). */
  async refresh(): Promise<void> {
    if (!this.overview || !this.cache || !this.list) return;
    const atEnd = this.selected >= this.overview.stepCount - 1;
    const overview = await this.host.transport.request('getPrompt', { promptId: this.promptId });
    if (this.disposed) return;
    this.overview = overview;
    this.cache.invalidate(overview.stepCount);
    this.list.setCount(overview.stepCount);
    if (this.scrubber) this.scrubber.max = String(Math.max(0, overview.stepCount - 1));
    this.renderHeader(overview);
    this.chart?.setData({ stepCount: overview.stepCount, series: overview.series, marks: overview.marks, estimated: overview.prompt.costEstimated });
    if (this.follow && atEnd && !this.player.playing) this.moveTo(overview.stepCount - 1, 'follow');
    else this.moveTo(Math.min(this.selected, overview.stepCount - 1), 'follow');
    this.list.refresh();
  }

  handleKey(e: KeyboardEvent): void {
    if (!this.overview) return;
    const target = e.target instanceof Element ? e.target : null;
    const inField = target?.closest('input, textarea, select') ?? null;
    if (e.key === ' ' && !e.ctrlKey && !e.metaKey && !e.altKey) {
      if (target?.closest('vscode-button, button, input, textarea, select')) return;
      e.preventDefault();
      this.player.toggle();
      return;
    }
    if (inField || (this.list && this.list.element.contains(target))) return;
    const last = this.overview.stepCount - 1;
    let next: number | null = null;
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') next = this.selected + 1;
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') next = this.selected - 1;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = last;
    else if (e.key === 'PageDown') next = this.selected + (this.list?.pageRows ?? 10);
    else if (e.key === 'PageUp') next = this.selected - (this.list?.pageRows ?? 10);
    if (next === null || target?.closest('vscode-button, button')) return;
    e.preventDefault();
    this.moveTo(Math.max(0, Math.min(last, next)), 'keyboard');
  }

  dispose(): void {
    this.disposed = true;
    this.player.pause();
    clearTimeout(this.announceTimer);
    clearTimeout(this.detailsTimer);
    if (this.saveTimer !== undefined) {
      clearTimeout(this.saveTimer);
      this.host.saveState({ selected: this.selected, speed: this.player.speed, follow: this.follow });
    }
    this.cache?.dispose();
    this.list?.dispose();
    this.chart?.dispose();
    this.element.remove();
  }

  /** For tests and the bench: the current step. */
  get position(): number {
    return this.selected;
  }

  // ── building ──────────────────────────────────────────────────────────

  private build(o: PromptOverview): void {
    this.header = el('header', { className: 'prompt-header' });
    this.renderHeader(o);

    // A native select: vscode-single-select measures its options' innerText (a forced layout) on creation.
    const speed = el('select', { className: 'speed', attrs: { 'aria-label': 'Playback speed' } });
    for (const s of SPEEDS) {
      const opt = el('option', { text: `${s}×`, attrs: { value: String(s) } });
      opt.selected = s === this.player.speed;
      speed.appendChild(opt);
    }
    speed.addEventListener('change', () => {
      const v = Number(speed.value);
      if (Number.isFinite(v) && v > 0) {
        this.player.speed = v;
        this.save();
      }
    });
    this.playButton = toolButton('play', 'Play', () => this.player.toggle());
    this.playButton.classList.add('play-button');
    this.followButton = custom(
      'vscode-button',
      { className: 'follow-button', title: 'Follow the latest step while the agent works', attrs: { secondary: '', 'aria-pressed': String(this.follow), 'aria-label': 'Follow the latest step' } },
      icon('follow'),
      el('span', { text: 'Follow' }),
    );
    this.followButton.addEventListener('click', () => this.setFollow(!this.follow));
    this.positionText = el('span', { className: 'position', attrs: { 'aria-hidden': 'true' } });
    const toolbar = el(
      'div',
      { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Replay controls' } },
      toolButton('first', 'First step (Home)', () => this.moveTo(0, 'button')),
      toolButton('prev', 'Previous step (Up)', () => this.moveTo(this.selected - 1, 'button')),
      this.playButton,
      toolButton('next', 'Next step (Down)', () => this.moveTo(this.selected + 1, 'button')),
      toolButton('last', 'Last step (End)', () => this.moveTo((this.overview?.stepCount ?? 1) - 1, 'button')),
      el('span', { className: 'speed-label', text: 'Speed', attrs: { 'aria-hidden': 'true' } }),
      speed,
      this.followButton,
      this.positionText,
    );

    this.scrubber = el('input', { className: 'scrubber', attrs: { type: 'range', min: '0', step: '1', 'aria-label': 'Scrub through the steps' } });
    this.scrubber.max = String(Math.max(0, o.stepCount - 1));
    this.scrubber.value = String(this.selected);
    this.scrubber.addEventListener('input', () => this.moveTo(Number(this.scrubber?.value ?? 0), 'scrub'));
    this.scrubTime = el('span', { className: 'scrub-time', attrs: { 'aria-hidden': 'true' } });

    const totals = el('div', { className: 'totals', attrs: { 'aria-hidden': 'true' } });
    const labels: Array<[SeriesKey, string]> = [
      ['cost', 'Cost'],
      ['input', 'Input'],
      ['output', 'Output'],
      ['cacheRead', 'Cache read'],
      ['cacheWrite', 'Cache write'],
    ];
    for (const [key, label] of labels) {
      const swatch = el('span', { className: `swatch swatch-${key}` });
      const value = el('span', { className: `total-value total-${key}` });
      this.totals.set(key, value);
      totals.appendChild(el('span', { className: 'total' }, swatch, el('span', { className: 'total-label', text: label }), value));
    }
    this.liveRegion = el('div', { className: 'running-live visually-hidden', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true', role: 'status' } });

    this.chart = new CostChart((i) => this.moveTo(i, 'scrub'));
    this.details = new StepDetails({
      openFile: this.host.transport.mode === 'vscode' ? (row, file) => this.openFile(row, file) : null,
      openDiff: this.host.transport.mode === 'vscode' ? (row) => this.host.transport.command('openDiff', { promptId: this.promptId, stepKey: row.key }) : null,
    });

    this.list = new VirtualList<StepRowView>({
      rowHeight: ROW_HEIGHT,
      label: `Steps of the prompt (${plural(o.stepCount, 'step')})`,
      className: 'steps',
      createRow: createStepRow,
      renderRow: (v, i, selected) => renderStepRow(v, i, this.cache?.get(i), this.overview?.offsets[i] ?? null, selected),
      onRange: (first, last) => this.cache?.ensure(first, last),
      onSelect: (i, how) => this.moveTo(i, how),
      onActivate: (i) => this.activate(i),
    });
    this.cache = new StepCache(
      this.host.transport,
      this.promptId,
      o.stepCount,
      (first, last) => this.onRowsLoaded(first, last),
      (err) => this.host.showError(err instanceof Error ? err.message : String(err)),
    );

    const running = el('div', { className: 'running' }, totals);
    this.element.append(
      this.header,
      toolbar,
      el('div', { className: 'scrub-row' }, this.scrubber, this.scrubTime),
      running,
      this.chart.element,
      el('div', { className: 'body' }, this.list.element, this.details.element),
      this.liveRegion,
    );
    this.list.setCount(o.stepCount);
    this.moveTo(this.selected, 'restore');
    if (o.stepCount === 0) this.markFirstPaint();
  }

  /** The chart (and the colours read from the theme) once the first rows are on screen: they matter first. */
  private drawChart(): void {
    if (this.disposed || !this.overview || !this.chart) return;
    const ov = this.overview;
    for (const [key, value] of this.totals) {
      const swatch = value.parentElement?.querySelector<HTMLElement>('.swatch');
      if (swatch) swatch.style.backgroundColor = seriesColor(key);
    }
    this.chart.setData({ stepCount: ov.stepCount, series: ov.series, marks: ov.marks, estimated: ov.prompt.costEstimated });
    this.chart.setPosition(this.selected);
  }

  private renderHeader(o: PromptOverview): void {
    const h = this.header;
    if (!h) return;
    const p = o.prompt;
    const kids: HTMLElement[] = [];
    const sessionId = p.sessionId;
    if (this.host.back && sessionId !== null) {
      const back = custom('vscode-button', { className: 'back', attrs: { secondary: '', 'aria-label': 'Back to the session' } }, icon('back'), el('span', { text: 'Session' }));
      back.addEventListener('click', () => this.host.back?.(sessionId));
      kids.push(back);
    }
    const text = el('h1', { className: `prompt-text${p.text === null && p.command === null ? ' muted' : ''}`, text: promptTitle(o) });
    text.title = promptTitle(o);
    kids.push(text);
    this.liveBadge = custom('vscode-badge', { className: 'live-badge', text: 'live', attrs: { 'aria-label': 'The agent may still be working' } });
    this.liveBadge.hidden = !o.live;
    kids.push(this.liveBadge);
    const started = new Date(p.startedAt);
    const meta = el(
      'p',
      { className: 'meta' },
      el('span', { text: p.agentLabel }),
      el('span', { text: Number.isNaN(started.getTime()) ? p.startedAt : started.toLocaleString() }),
      el('span', { text: formatDuration(p.durationMs) }),
      el('span', { className: 'meta-steps', text: plural(o.stepCount, 'step') }),
      el('span', { text: plural(p.toolCalls, 'tool call') }),
      el('span', { className: p.rejected > 0 ? 'meta-rejected warn' : 'meta-rejected', text: `${formatCount(p.rejected)} rejected` }),
      el('span', { className: p.failed > 0 ? 'meta-failed error' : 'meta-failed', text: `${formatCount(p.failed)} failed` }),
      p.retries > 0 ? el('span', { text: plural(p.retries, 'retry', 'retries') }) : null,
      p.models.length > 0 ? el('span', { text: p.models.join(', ') }) : null,
      el('span', { className: 'meta-total', attrs: { 'data-cost-micros': String(p.costMicros) } }, 'total ', el('strong', { text: formatUsdExact(p.costMicros, p.costEstimated) })),
    );
    h.replaceChildren(el('div', { className: 'title-row' }, ...kids), meta);
  }

  // ── moving ────────────────────────────────────────────────────────────

  private moveTo(index: number, how: Move): void {
    const o = this.overview;
    if (!o || !this.list) return;
    const last = o.stepCount - 1;
    const i = Math.max(0, Math.min(last, Math.round(index)));
    if (Number.isNaN(i)) return;
    this.selected = i;
    if (how !== 'play' && how !== 'follow' && how !== 'restore' && this.player.playing) this.player.resetClock();
    if ((how === 'keyboard' || how === 'pointer' || how === 'scrub' || how === 'button') && this.follow && i < last) this.setFollow(false, false);
    this.list.select(i, {
      scroll: how !== 'pointer',
      center: how === 'scrub' || how === 'restore',
      focus: how === 'keyboard' && this.list.element.contains(document.activeElement),
      lean: how === 'scrub',
    });
    if (this.scrubber && this.scrubber.value !== String(i)) this.scrubber.value = String(i);
    this.chart?.setPosition(i);
    this.updateRunning();
    if (how === 'scrub' || how === 'play') {
      // Many moves a second: the details follow when the moves pause (at most ~8 times a second).
      if (this.detailsTimer === undefined) {
        this.detailsTimer = setTimeout(() => {
          this.detailsTimer = undefined;
          this.renderDetails();
        }, 120);
      }
    } else {
      // Now, after the list moved: one layout for both.
      this.renderDetails();
    }
    this.save();
  }

  private activate(index: number): void {
    const row = this.cache?.get(index);
    if (!row || this.host.transport.mode !== 'vscode') return;
    if (row.hasDiff) this.host.transport.command('openDiff', { promptId: this.promptId, stepKey: row.key });
    else if (row.files[0] && row.decision !== 'reject') this.openFile(row, row.files[0]);
  }

  private openFile(row: StepRow, file: StepFile): void {
    this.host.transport.command('openFile', { promptId: this.promptId, stepKey: row.key, path: file.path });
  }

  private setFollow(on: boolean, jump = true): void {
    this.follow = on;
    if (this.followButton) setAttr(this.followButton, 'aria-pressed', String(on));
    this.followButton?.classList.toggle('on', on);
    if (on && jump && this.overview) this.moveTo(this.overview.stepCount - 1, 'follow');
    this.save();
  }

  private onPlayingChange(playing: boolean): void {
    if (this.playButton) {
      const svg = this.playButton.querySelector('svg');
      if (svg) setIcon(svg, playing ? 'pause' : 'play');
      const label = playing ? 'Pause (Space)' : 'Play (Space)';
      this.playButton.setAttribute('aria-label', label);
      this.playButton.title = label;
    }
    this.element.classList.toggle('playing', playing);
    this.announce(true);
  }

  private updateRunning(): void {
    const o = this.overview;
    if (!o) return;
    const { costMicros, tokens } = runningAt(o.series, this.selected);
    const est = o.prompt.costEstimated;
    const cost = this.totals.get('cost');
    if (cost) {
      setText(cost, `${formatUsdExact(costMicros, est)} of ${formatUsdExact(o.prompt.costMicros, est)}`);
      cost.dataset.costMicros = String(costMicros);
    }
    const set = (k: SeriesKey, v: number): void => {
      const e = this.totals.get(k);
      if (e) {
        setText(e, formatTokens(v));
        e.title = formatCount(v);
        e.dataset.tokens = String(v);
      }
    };
    set('input', tokens.input);
    set('output', tokens.output);
    set('cacheRead', tokens.cacheRead);
    set('cacheWrite', tokens.cacheWrite);
    if (this.positionText) setText(this.positionText, o.stepCount === 0 ? 'no steps' : `Step ${formatCount(this.selected + 1)} / ${formatCount(o.stepCount)}`);
    const offset = o.offsets[this.selected] ?? null;
    if (this.scrubTime) setText(this.scrubTime, `${formatOffset(offset)} / ${formatDuration(o.prompt.durationMs)}`);
    if (this.scrubber) {
      setAttr(this.scrubber, 'aria-valuetext', `Step ${this.selected + 1} of ${o.stepCount}${offset !== null ? `, ${formatOffset(offset)}` : ''}, running cost ${formatUsd(costMicros, est)}`);
    }
    this.announce(false);
  }

  /** The live region: every change when paused, at most every 2 s while playing. */
  private announce(now: boolean): void {
    const o = this.overview;
    if (!o || !this.liveRegion) return;
    const write = (): void => {
      this.lastAnnounce = performance.now();
      const { costMicros } = runningAt(o.series, this.selected);
      setText(this.liveRegion as HTMLElement, `Step ${this.selected + 1} of ${o.stepCount}. Running cost ${formatUsdExact(costMicros, o.prompt.costEstimated)}.`);
    };
    clearTimeout(this.announceTimer);
    if (now || !this.player.playing) {
      this.announceTimer = setTimeout(write, this.player.playing ? 0 : 150);
      return;
    }
    const wait = Math.max(0, 2000 - (performance.now() - this.lastAnnounce));
    this.announceTimer = setTimeout(write, wait);
  }

  private renderDetails(): void {
    if (!this.details || !this.overview) return;
    this.details.show(this.cache?.get(this.selected), this.selected, this.overview.stepCount);
  }

  private onRowsLoaded(first: number, last: number): void {
    const list = this.list;
    if (!list) return;
    // Rows in view arrived: show them in this frame (a report answers within the same task).
    const view = list.visibleRange();
    if (first <= view.last + 8 && last >= view.first - 8) list.renderNow();
    else list.refresh();
    if (this.selected >= first && this.selected <= last) this.showDetailsSoon();
    if (!this.firstPainted) this.markFirstPaint();
  }

  private markFirstPaint(): void {
    if (this.firstPainted) return;
    this.firstPainted = true;
    this.element.setAttribute('aria-busy', 'false');
    // After the frame that shows the rows has been painted.
    requestAnimationFrame(() =>
      setTimeout(() => {
        performance.mark(FIRST_ROWS_MARK);
        this.drawChart();
        document.body.dataset.state = 'ready';
      }, 0),
    );
  }

  /** The webview's saved state: at most every 250 ms (scrubbing and playing move many times a second). */
  private save(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      if (!this.disposed) this.host.saveState({ selected: this.selected, speed: this.player.speed, follow: this.follow });
    }, 250);
  }
}
