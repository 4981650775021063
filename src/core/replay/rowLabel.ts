// The sentence a screen reader reads for a timeline row. Pure (the host's view
// model and the HTML report's unpacking both use it).

import { formatDuration, formatOffset, formatUsd } from './format';
import type { StepRow } from './replayTypes';

export function rowLabel(r: Omit<StepRow, 'label'>): string {
  const parts = [`Step ${r.index + 1}`];
  if (r.offsetMs !== null) parts.push(`at ${formatOffset(r.offsetMs)}`);
  const what = r.kind === 'tool_call' ? `tool ${r.title}` : r.kind === 'model_request' ? `model request ${r.title}` : r.title;
  parts.push(`${what}${r.summary ? `: ${r.summary.slice(0, 120)}` : ''}`);
  if (r.depth > 0) parts.push('in a subagent');
  if (r.decisionLabel !== null) parts.push(r.decisionLabel);
  if (r.waitedForUser && r.waitMs !== null) parts.push(`waited ${formatDuration(r.waitMs)} for the user`);
  parts.push(r.outcomeLabel);
  if (r.durationMs !== null) parts.push(`took ${formatDuration(r.durationMs)}`);
  if (r.kind === 'model_request') parts.push(`cost ${formatUsd(r.costMicros, r.costEstimated)}`);
  parts.push(`running cost ${formatUsd(r.runningCostMicros)}`);
  return parts.join(', ');
}
