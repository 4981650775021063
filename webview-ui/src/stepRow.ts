// One timeline row: offset, icon, tool or model, a one-line summary, the
// decision and who made it, the outcome, duration and cost. Created once per
// pooled element and refilled as the list scrolls (text via textContent only).

import { formatDuration, formatOffset, formatUsd } from '../../src/core/replay/format';
import type { StepOutcome, StepRow } from '../../src/core/replay/replayTypes';
import { el, setAttr, setText } from './dom';
import { icon, setIcon } from './icons';
import type { RowView } from './virtualList';

export interface StepRowView extends RowView {
  readonly offset: HTMLSpanElement;
  readonly kindIcon: SVGSVGElement;
  readonly title: HTMLSpanElement;
  readonly summary: HTMLSpanElement;
  readonly detail: HTMLSpanElement;
  readonly decision: HTMLSpanElement;
  readonly outcome: HTMLSpanElement;
  readonly duration: HTMLSpanElement;
  readonly cost: HTMLSpanElement;
}

/** Glyphs, not icons: one text run each, cheap to lay out when a jump refills every row. */
const OUTCOME_GLYPHS: Readonly<Record<StepOutcome, string>> = { ok: '✓', failed: '✕', refused: '⊘', no_result: '–', info: '·' };

const SOURCE_SHORT: Readonly<Record<string, string>> = {
  user_permanent: 'user, always',
  user_temporary: 'user, once',
  user_reject: 'user',
  user_abort: 'user, abort',
};

/** The chip's text: `accept · config`, `reject · unknown`, `accept · user, once · 1.2 s`. */
export function decisionChip(row: StepRow): string {
  if (row.decision === null) return '';
  const parts: string[] = [row.decision];
  if (row.decisionSource !== null) parts.push(SOURCE_SHORT[row.decisionSource] ?? row.decisionSource);
  if (row.waitedForUser && row.waitMs !== null) parts.push(formatDuration(row.waitMs));
  return parts.join(' · ');
}

export function createStepRow(): StepRowView {
  const offset = el('span', { className: 'c-offset' });
  const kindIcon = icon('event', 'icon c-icon');
  const title = el('span', { className: 'c-title' });
  const summary = el('span', { className: 'c-summary-text' });
  const detail = el('span', { className: 'c-detail' });
  const decision = el('span', { className: 'c-decision' });
  const outcome = el('span', { className: 'c-outcome', attrs: { 'aria-hidden': 'true' } });
  const duration = el('span', { className: 'c-duration' });
  const cost = el('span', { className: 'c-cost' });
  const element = el('div', { className: 'row' }, offset, kindIcon, title, el('span', { className: 'c-summary' }, summary, detail), el('span', { className: 'c-decision-cell' }, decision), outcome, duration, cost);
  return { element, offset, kindIcon, title, summary, detail, decision, outcome, duration, cost };
}

/** Fills a row; `row` undefined means its page has not arrived (a placeholder with what the overview knows). */
export function renderStepRow(v: StepRowView, index: number, row: StepRow | undefined, offsetMs: number | null, selected: boolean): void {
  const e = v.element;
  const sel = selected ? ' selected' : '';
  if (!row) {
    const loading = `row loading${sel}`;
    if (e.className !== loading) e.className = loading;
    setText(v.offset, formatOffset(offsetMs));
    setIcon(v.kindIcon, 'event');
    setText(v.title, '…');
    setText(v.summary, '');
    setText(v.detail, '');
    setText(v.decision, '');
    setText(v.outcome, '');
    setText(v.duration, '');
    setText(v.cost, '');
    setAttr(e, 'aria-label', `Step ${index + 1}, loading`);
    delete e.dataset.kind;
    delete e.dataset.outcome;
    delete e.dataset.decision;
    return;
  }
  const cls = `row depth-${Math.min(row.depth, 3)} kind-${row.kind} outcome-${row.outcome}${row.decision ? ` decision-${row.decision}` : ''}${sel}`;
  if (e.className !== cls) e.className = cls;
  e.dataset.kind = row.kind;
  e.dataset.outcome = row.outcome;
  if (row.decision) e.dataset.decision = row.decision;
  else delete e.dataset.decision;
  setText(v.offset, formatOffset(row.offsetMs));
  setIcon(v.kindIcon, row.icon);
  setText(v.title, row.title);
  setText(v.summary, row.summary);
  setText(v.detail, row.detail ?? '');
  setText(v.decision, decisionChip(row));
  setAttr(v.decision, 'title', row.decisionLabel);
  setText(v.outcome, OUTCOME_GLYPHS[row.outcome]);
  setText(v.duration, formatDuration(row.durationMs));
  setText(v.cost, row.kind === 'model_request' ? formatUsd(row.costMicros, row.costEstimated) : '');
  setAttr(e, 'aria-label', row.label);
  setAttr(e, 'title', null);
}
