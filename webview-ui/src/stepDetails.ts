// The selected step in full: what it was, when, its input, the decision and
// who made it, the outcome and error, tokens and cost, and the files it
// touched (in VS Code: buttons that open the file or the edit's diff).

import { formatCount, formatDuration, formatOffset, formatUsdExact } from '../../src/core/replay/format';
import type { StepFile, StepRow } from '../../src/core/replay/replayTypes';
import { clear, custom, el, type Child } from './dom';
import { icon } from './icons';

export interface DetailActions {
  /** Null in the HTML report: files cannot be opened there. */
  readonly openFile: ((row: StepRow, file: StepFile) => void) | null;
  readonly openDiff: ((row: StepRow) => void) | null;
}

const KIND_LABELS: Readonly<Record<StepRow['kind'], string>> = {
  model_request: 'Model request',
  tool_call: 'Tool call',
  api_error: 'API error',
  compaction: 'Compaction',
  hook: 'Hook',
  subagent: 'Subagent',
  event: 'Event',
};

function field(label: string, ...value: Child[]): HTMLElement[] {
  return [el('dt', { text: label }), el('dd', {}, ...value)];
}

function pre(text: string, className = 'pre'): HTMLElement {
  return el('pre', { className, text });
}

function fileItem(row: StepRow, file: StepFile, actions: DetailActions): HTMLElement {
  const name = file.relativePath ?? file.path;
  const item = el('li', { className: 'file' }, icon(file.access === 'read' ? 'read' : file.access === 'delete' ? 'cross' : file.access === 'edit' ? 'edit' : 'write'));
  item.appendChild(el('span', { className: 'file-access', text: file.access }));
  if (actions.openFile && row.decision !== 'reject') {
    const open = custom('vscode-button', { className: 'link-button', title: file.path, attrs: { secondary: '', 'aria-label': `Open ${name}` } }, el('span', { text: name }));
    open.addEventListener('click', () => actions.openFile?.(row, file));
    item.appendChild(open);
  } else {
    item.appendChild(el('span', { className: 'file-path', text: name, title: file.path }));
  }
  if (actions.openDiff && row.hasDiff && file.access !== 'read') {
    const diff = custom('vscode-button', { className: 'link-button', attrs: { secondary: '', 'aria-label': `Open the diff of ${name}` } }, icon('diff'), el('span', { text: 'Diff' }));
    diff.addEventListener('click', () => actions.openDiff?.(row));
    item.appendChild(diff);
  }
  return item;
}

export class StepDetails {
  readonly element: HTMLElement;

  constructor(private readonly actions: DetailActions) {
    this.element = el('section', { className: 'details', attrs: { 'aria-label': 'Selected step' } });
  }

  show(row: StepRow | undefined, index: number, total: number): void {
    clear(this.element);
    if (!row) {
      this.element.appendChild(el('p', { className: 'muted', text: total === 0 ? 'No steps recorded for this prompt.' : `Step ${index + 1} is loading…` }));
      return;
    }
    const head = el('h2', { className: 'details-title' }, icon(row.icon), el('span', { text: row.title }));
    const dl = el('dl');
    const add = (items: HTMLElement[]): void => {
      for (const i of items) dl.appendChild(i);
    };
    add(field('Step', `${formatCount(index + 1)} of ${formatCount(total)} · ${KIND_LABELS[row.kind]}${row.depth > 0 ? ' (in a subagent)' : ''}`));
    if (row.offsetMs !== null) add(field('At', formatOffset(row.offsetMs)));
    if (row.durationMs !== null) add(field('Duration', formatDuration(row.durationMs)));
    if (row.kind === 'tool_call') {
      if (row.summary) add(field('Input', pre(row.summary)));
      if (row.detail) add(field('Description', row.detail));
      add(field('Decision', el('span', { className: `decision-text ${row.decision ?? 'none'}`, text: row.decisionLabel ?? 'no decision reported' })));
      if (row.decisionSource !== null) add(field('Decided by', row.decisionSource));
      if (row.waitMs !== null) add(field(row.waitedForUser ? 'Waited for user' : 'Permission wait', formatDuration(row.waitMs)));
      if (row.subagentType !== null) add(field('Subagent', row.subagentType));
      if (row.callId !== null) add(field('Call id', row.callId));
    } else if (row.summary && row.kind !== 'model_request') {
      add(field('Summary', pre(row.summary)));
    }
    if (row.detail && row.kind !== 'tool_call') add(field('Detail', row.detail));
    add(field('Outcome', el('span', { className: `outcome-text ${row.outcome}`, text: row.outcomeLabel })));
    if (row.error !== null) add(field('Error', pre(row.error, 'pre error')));
    if (row.model !== null) add(field('Model', row.model));
    if (row.attempts !== null) add(field('Attempts', String(row.attempts)));
    if (row.tokens !== null) {
      const t = row.tokens;
      add(field('Tokens', el('span', { text: `input ${formatCount(t.input)} · output ${formatCount(t.output)} · cache read ${formatCount(t.cacheRead)} · cache write ${formatCount(t.cacheWrite)}` })));
      add(field('Cost', formatUsdExact(row.costMicros, row.costEstimated)));
    }
    add(field('Running cost', formatUsdExact(row.runningCostMicros)));
    const r = row.runningTokens;
    add(field('Running tokens', `input ${formatCount(r.input)} · output ${formatCount(r.output)} · cache read ${formatCount(r.cacheRead)} · cache write ${formatCount(r.cacheWrite)}`));
    this.element.append(head, dl);
    if (row.files.length > 0) {
      this.element.appendChild(el('h3', { text: row.decision === 'reject' ? 'Files (refused: not touched)' : 'Files' }));
      const ul = el('ul', { className: 'files' });
      for (const f of row.files) ul.appendChild(fileItem(row, f, this.actions));
      this.element.appendChild(ul);
    }
    if (row.responseText !== null) {
      this.element.appendChild(el('h3', { text: 'Response' }));
      this.element.appendChild(pre(row.responseText, 'pre response'));
    }
  }
}
