// The running cost (left axis) and tokens by type (right axis) across the
// prompt's steps, drawn by uPlot on a canvas as step lines (they only change at
// model requests). A playhead marks the current step; pressing or dragging on
// the chart scrubs. Colours come from the theme and follow its changes.

import uPlot from 'uplot';
import type { CostSeries, StepMark } from '../../src/core/replay/replayTypes';
import { formatTokens, formatUsd } from '../../src/core/replay/format';

export interface CostChartData {
  readonly stepCount: number;
  readonly series: CostSeries;
  readonly marks: readonly StepMark[];
  readonly estimated: boolean;
}

export const SERIES_COLORS = {
  cost: ['--vscode-charts-blue', '#3794ff'],
  input: ['--vscode-charts-green', '#89d185'],
  output: ['--vscode-charts-orange', '#d18616'],
  cacheRead: ['--vscode-charts-purple', '#b180d7'],
  cacheWrite: ['--vscode-charts-yellow', '#cca700'],
} as const;

export type SeriesKey = keyof typeof SERIES_COLORS;

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v.length > 0 ? v : fallback;
}

export function seriesColor(key: SeriesKey): string {
  const [name, fallback] = SERIES_COLORS[key];
  return cssVar(name, fallback);
}

/** The step function as uPlot's aligned columns: a point at 0, one per change, one at the last step. */
export function chartColumns(stepCount: number, s: CostSeries): uPlot.AlignedData {
  const x: number[] = [];
  const cols: number[][] = [[], [], [], [], []];
  const push = (i: number, values: readonly number[]): void => {
    x.push(i);
    for (let k = 0; k < 5; k++) cols[k].push(values[k]);
  };
  const last = Math.max(0, stepCount - 1);
  if (s.index.length === 0 || s.index[0] > 0) push(0, [0, 0, 0, 0, 0]);
  for (let j = 0; j < s.index.length; j++) {
    push(s.index[j], [s.costMicros[j] / 1e6, s.input[j], s.output[j], s.cacheRead[j], s.cacheWrite[j]]);
  }
  const n = s.index.length;
  if (x[x.length - 1] < last) {
    push(last, n > 0 ? [s.costMicros[n - 1] / 1e6, s.input[n - 1], s.output[n - 1], s.cacheRead[n - 1], s.cacheWrite[n - 1]] : [0, 0, 0, 0, 0]);
  }
  return [x, ...cols];
}

export class CostChart {
  readonly element: HTMLDivElement;
  private plot: uPlot | null = null;
  private readonly playhead: HTMLDivElement;
  private data: CostChartData | null = null;
  private position = 0;
  private dragging = false;
  private readonly resize: ResizeObserver;
  private readonly themeWatch: MutationObserver;

  constructor(private readonly onScrub: (index: number) => void) {
    this.element = document.createElement('div');
    this.element.className = 'chart';
    this.element.setAttribute('role', 'img');
    this.playhead = document.createElement('div');
    this.playhead.className = 'chart-playhead';
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(this.element);
    this.themeWatch = new MutationObserver(() => this.rebuild());
    this.themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  }

  setData(data: CostChartData): void {
    const rebuild = this.data === null || this.data.estimated !== data.estimated;
    this.data = data;
    const total = data.series.costMicros[data.series.costMicros.length - 1] ?? 0;
    this.element.setAttribute('aria-label', `Running cost chart: ${formatUsd(total, data.estimated)} over ${data.stepCount} steps`);
    if (rebuild || !this.plot) this.rebuild();
    else {
      this.plot.setData(chartColumns(data.stepCount, data.series));
      this.movePlayhead();
    }
  }

  setPosition(index: number): void {
    this.position = index;
    this.movePlayhead();
  }

  dispose(): void {
    this.resize.disconnect();
    this.themeWatch.disconnect();
    this.plot?.destroy();
    this.plot = null;
    this.element.remove();
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(120, this.element.clientWidth), height: Math.max(60, this.element.clientHeight || 120) };
  }

  private fit(): void {
    if (!this.plot) return;
    const { width, height } = this.size();
    if (width !== this.plot.width || height !== this.plot.height) {
      this.plot.setSize({ width, height });
      this.movePlayhead();
    }
  }

  private rebuild(): void {
    const data = this.data;
    if (!data) return;
    this.plot?.destroy();
    const fg = cssVar('--vscode-descriptionForeground', '#8b8b8b');
    const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)');
    const font = `11px ${cssVar('--vscode-font-family', 'system-ui, sans-serif')}`;
    const marksColor = { reject: cssVar('--vscode-charts-orange', '#d18616'), failed: cssVar('--vscode-charts-red', '#f14c4c') };
    const estimated = data.estimated;
    const line = (key: SeriesKey, label: string, scale: string, width: number): uPlot.Series => ({
      label,
      scale,
      stroke: seriesColor(key),
      width,
      points: { show: false },
      paths: uPlot.paths.stepped?.({ align: 1 }),
    });
    const opts: uPlot.Options = {
      ...this.size(),
      legend: { show: false },
      cursor: { show: false, drag: { x: false, y: false } },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      scales: { x: { time: false }, usd: { auto: true, range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 0.01] }, tok: { auto: true, range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] } },
      axes: [
        { stroke: fg, grid: { show: false }, ticks: { stroke: grid, width: 1 }, font, size: 24, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v + 1) : '')) },
        { scale: 'usd', stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { show: false }, font, size: 58, values: (_u, splits) => splits.map((v) => formatUsd(v * 1e6, estimated)) },
        { scale: 'tok', side: 1, stroke: fg, grid: { show: false }, ticks: { show: false }, font, size: 46, values: (_u, splits) => splits.map((v) => formatTokens(v)) },
      ],
      series: [
        { label: 'step' },
        line('cost', 'cost', 'usd', 2),
        line('input', 'input tokens', 'tok', 1),
        line('output', 'output tokens', 'tok', 1),
        line('cacheRead', 'cache read tokens', 'tok', 1),
        line('cacheWrite', 'cache write tokens', 'tok', 1),
      ],
      hooks: {
        draw: [
          (u) => {
            // Ticks along the bottom for refused and failed steps.
            const ctx = u.ctx;
            const top = u.bbox.top + u.bbox.height - 6 * devicePixelRatio;
            ctx.save();
            ctx.lineWidth = Math.max(1, devicePixelRatio);
            for (const m of data.marks) {
              const x = Math.round(u.valToPos(m.index, 'x', true));
              ctx.strokeStyle = marksColor[m.kind];
              ctx.beginPath();
              ctx.moveTo(x, top);
              ctx.lineTo(x, top + 6 * devicePixelRatio);
              ctx.stroke();
            }
            ctx.restore();
          },
        ],
      },
    };
    this.plot = new uPlot(opts, chartColumns(data.stepCount, data.series), this.element);
    const over = this.plot.over;
    over.appendChild(this.playhead);
    over.addEventListener('pointerdown', (e) => {
      this.dragging = true;
      over.setPointerCapture(e.pointerId);
      this.scrubAt(e.offsetX);
    });
    over.addEventListener('pointermove', (e) => {
      if (this.dragging) this.scrubAt(e.offsetX);
    });
    const stop = (): void => {
      this.dragging = false;
    };
    over.addEventListener('pointerup', stop);
    over.addEventListener('pointercancel', stop);
    this.movePlayhead();
  }

  private scrubAt(x: number): void {
    if (!this.plot || !this.data) return;
    const i = Math.round(this.plot.posToVal(x, 'x'));
    this.onScrub(Math.max(0, Math.min(this.data.stepCount - 1, i)));
  }

  private movePlayhead(): void {
    if (!this.plot) return;
    const x = this.plot.valToPos(this.position, 'x');
    this.playhead.style.transform = `translateX(${Math.round(x)}px)`;
  }
}
