// The words of the file CodeLens, from a FileTrail. Plain functions, no `vscode`.
import type { FileTrail } from './fileTrail';
import { agentNames, formatCost, plural, relativeTime } from './trailFormat';

/** "1 prompt changed this file", "2 prompts read this file", "3 prompts read or changed this file (1 changed it)". */
export function promptCountText(trail: FileTrail): string {
  const n = trail.prompts.length;
  const changed = trail.prompts.filter((p) => p.changed).length;
  if (n === 0) return 'touched this file';
  if (changed === n) return `${plural(n, 'prompt')} changed this file`;
  if (changed === 0) return `${plural(n, 'prompt')} read this file`;
  return `${plural(n, 'prompt')} read or changed this file (${changed} changed it)`;
}

/** "Claude Code · 1 prompt changed this file · 5 min ago · $0.25" (a `~` marks an estimated cost). */
export function summaryLensTitle(trail: FileTrail, nowMs: number): string {
  const parts = [agentNames(trail.agents), promptCountText(trail)];
  if (trail.lastAtMs !== null) parts.push(relativeTime(trail.lastAtMs, nowMs));
  if (trail.prompts.length > 0) parts.push(formatCost(trail.costMicros, trail.costSource));
  return `$(history) ${parts.join(' · ')}`;
}

export const REPLAY_LENS_TITLE = '$(play-circle) Replay latest prompt';
export const REVEAL_LENS_TITLE = '$(list-tree) Show latest prompt';
