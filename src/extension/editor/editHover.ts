// The hover of a highlighted line and the short marker after it. Everything the
// agent sent (prompt text, tool name, decision source) goes in as escaped text
// (MarkdownString.appendText, never trusted, no HTML) and bounded.
import * as vscode from 'vscode';
import type { LocatedEdit } from './documentEdits';
import { absoluteTime, agentNames, decisionLabel, excerpt, boundedText, formatCost, relativeTime } from './trailFormat';

export const HOVER_PROMPT_MAX = 600;
const MARKER_PROMPT_MAX = 36;

function promptText(e: LocatedEdit): string | null {
  const p = e.prompt;
  if (!p) return null;
  if (p.text !== null) return p.text;
  if (p.command !== null) return `/${p.command}`;
  return null;
}

/** The after-text on the first line of an edit: "Claude Code · Edit · “Fix the greeting in src/greet.js…”". */
export function markerText(e: LocatedEdit): string {
  const parts = [agentNames(e.prompt ? [e.prompt.agent] : []), excerpt(e.edit.tool, 32)];
  const text = promptText(e);
  if (text) parts.push(`“${excerpt(text, MARKER_PROMPT_MAX)}”`);
  return parts.join(' · ');
}

/** The hover for the edits covering a line (newest first; the newest is described, the others counted). */
export function editHover(edits: readonly LocatedEdit[], nowMs: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', false);
  md.isTrusted = false;
  md.supportHtml = false;
  const e = edits[0];
  const p = e.prompt;
  md.appendMarkdown('**Agent Trail** · ');
  md.appendText(`${agentNames(p ? [p.agent] : [])} changed ${edits.length > 1 || lineCount(e) > 1 ? 'these lines' : 'this line'}`);
  md.appendMarkdown('\n\n');
  const text = promptText(e);
  if (text !== null) {
    md.appendMarkdown('*Prompt:* ');
    md.appendText(boundedText(text, HOVER_PROMPT_MAX));
  } else {
    md.appendMarkdown('*Prompt:* ');
    md.appendText(p?.redacted ? '(text redacted by the agent)' : '(the agent did not send the prompt text)');
  }
  md.appendMarkdown('\n\n---\n\n');
  row(md, 'Tool', excerpt(e.edit.tool, 64));
  row(md, 'Decision', decisionLabel(e.edit.decision, e.edit.decisionSource));
  if (p) row(md, 'Prompt cost', `${formatCost(p.costMicros, p.costSource)}${p.costSource === 'estimated' ? ' (estimated from the price table)' : ''}`);
  const at = e.edit.atMs ?? p?.startedAtMs ?? null;
  if (at !== null) row(md, 'When', `${relativeTime(at, nowMs)} (${absoluteTime(at)})`);
  if (edits.length > 1) {
    md.appendMarkdown('\n\n');
    md.appendText(`and ${edits.length - 1} earlier edit${edits.length === 2 ? '' : 's'} of these lines`);
  }
  return md;
}

function lineCount(e: LocatedEdit): number {
  return e.span.end.line - e.span.start.line + 1;
}

function row(md: vscode.MarkdownString, label: string, value: string): void {
  md.appendMarkdown(`${label}: `);
  md.appendText(value);
  md.appendMarkdown('  \n');
}
