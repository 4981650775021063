// How each tree element looks: label, description, ThemeIcon, tooltip, click.
// Agent text (prompts, commands, errors, paths) is shown as plain text: labels
// and descriptions are never rendered as markdown, and tooltips add it with
// MarkdownString.appendText (untrusted, no HTML), bounded.
import * as path from 'path';
import * as vscode from 'vscode';
import type { PromptSummary, SessionSummary, ToolCallSummary } from '../../core/model/views';
import type { InputSummary } from '../../core/model/events';
import { agentLabel } from '../agentLabels';
import {
  absoluteTime,
  boundedText,
  decisionLabel,
  excerpt,
  formatCost,
  plural,
  relativeTime,
  timeOf,
} from '../editor/trailFormat';
import type { FileNode, PromptNode, SessionNode, ToolCallNode, TrailNode } from './trailNodes';

const LABEL_MAX = 72;
const DETAIL_MAX = 48;
const TOOLTIP_TEXT_MAX = 1200;

export const CONTEXT_VALUES = {
  session: 'agentTrail.session',
  prompt: 'agentTrail.prompt',
  toolCall: 'agentTrail.toolCall',
  file: 'agentTrail.file',
} as const;

export function treeItemOf(node: TrailNode, nowMs: number): vscode.TreeItem {
  switch (node.kind) {
    case 'session':
      return sessionItem(node, nowMs);
    case 'prompt':
      return promptItem(node, nowMs);
    case 'toolCall':
      return toolCallItem(node);
    case 'file':
      return fileItem(node);
  }
}

function untrustedTooltip(): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', false);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

function row(md: vscode.MarkdownString, label: string, value: string): void {
  md.appendMarkdown(`${label}: `);
  md.appendText(value);
  md.appendMarkdown('  \n');
}

function when(iso: string | null, nowMs: number): string | null {
  const ms = timeOf(iso);
  return ms === null ? null : relativeTime(ms, nowMs);
}

// ── sessions ────────────────────────────────────────────────────────────

function sessionTitle(s: SessionSummary): string {
  const agent = agentLabel(s.agent);
  const name = agent.charAt(0).toUpperCase() + agent.slice(1);
  const where = s.workspace ? path.basename(s.workspace) : `session ${s.id.slice(0, 8)}`;
  return `${name} · ${excerpt(where, DETAIL_MAX)}`;
}

function sessionItem(node: SessionNode, nowMs: number): vscode.TreeItem {
  const s = node.session;
  const item = new vscode.TreeItem(sessionTitle(s), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.contextValue = CONTEXT_VALUES.session;
  item.iconPath = new vscode.ThemeIcon('hubot');
  const last = when(s.lastSeen, nowMs);
  item.description = [plural(s.prompts, 'prompt'), formatCost(s.costMicros, s.costSource), last].filter(Boolean).join(' · ');
  const md = untrustedTooltip();
  md.appendMarkdown('**Session**  \n');
  row(md, 'Agent', `${agentLabel(s.agent)}${s.serviceVersion ? ` ${s.serviceVersion}` : ''}`);
  row(md, 'Session id', s.id);
  if (s.workspace) row(md, 'Workspace', s.workspace);
  if (s.userEmail ?? s.userId) row(md, 'User', (s.userEmail ?? s.userId) as string);
  if (s.models.length > 0) row(md, 'Models', s.models.join(', '));
  row(md, 'Prompts', `${s.prompts}, tool calls ${s.toolCalls}, model requests ${s.apiRequests}${s.apiErrors > 0 ? ` (${s.apiErrors} failed)` : ''}`);
  row(md, 'Cost', `${formatCost(s.costMicros, s.costSource)}${s.costSource === 'estimated' ? ' (estimated from the price table)' : ''}`);
  row(md, 'Tokens', `${s.tokens.input} in, ${s.tokens.output} out, ${s.tokens.cacheRead} cache read, ${s.tokens.cacheWrite} cache write`);
  const first = timeOf(s.firstSeen);
  const lastMs = timeOf(s.lastSeen);
  if (first !== null) row(md, 'First seen', absoluteTime(first));
  if (lastMs !== null) row(md, 'Last seen', absoluteTime(lastMs));
  item.tooltip = md;
  return item;
}

// ── prompts ─────────────────────────────────────────────────────────────

export function promptTitle(p: PromptSummary): string {
  if (p.text !== null && p.text.trim() !== '') return excerpt(p.text, LABEL_MAX);
  if (p.command !== null) return `/${excerpt(p.command, LABEL_MAX - 1)}`;
  return p.redacted ? '(prompt text redacted)' : '(prompt text not sent)';
}

function promptItem(node: PromptNode, nowMs: number): vscode.TreeItem {
  const p = node.prompt;
  const item = new vscode.TreeItem(promptTitle(p), p.toolCalls.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.contextValue = CONTEXT_VALUES.prompt;
  item.iconPath = new vscode.ThemeIcon(p.apiErrors > 0 ? 'comment-unresolved' : 'comment');
  item.description = [when(p.startedAt, nowMs), formatCost(p.costMicros, p.costSource), plural(p.toolCalls.length, 'tool call')].filter(Boolean).join(' · ');
  const md = untrustedTooltip();
  md.appendMarkdown('**Prompt**\n\n');
  if (p.text !== null) md.appendText(boundedText(p.text, TOOLTIP_TEXT_MAX));
  else md.appendText(promptTitle(p));
  md.appendMarkdown('\n\n---\n\n');
  const started = timeOf(p.startedAt);
  if (started !== null) row(md, 'Started', absoluteTime(started));
  row(md, 'Cost', `${formatCost(p.costMicros, p.costSource)}${p.costSource === 'estimated' ? ' (estimated from the price table)' : ''}`);
  row(md, 'Model requests', `${p.apiRequests}${p.apiErrors > 0 ? ` (${p.apiErrors} failed)` : ''}${p.retries > 0 ? `, ${plural(p.retries, 'retry')}` : ''}`);
  if (p.models.length > 0) row(md, 'Models', p.models.join(', '));
  row(md, 'Files', p.files.length === 0 ? 'none' : `${p.files.filter((f) => f.access === 'write').length} changed, ${p.files.filter((f) => f.access === 'read').length} read`);
  item.tooltip = md;
  return item;
}

// ── tool calls ──────────────────────────────────────────────────────────

/** What to show next to a tool's name: its file, command, pattern... */
export function callDetail(call: ToolCallSummary): string | null {
  const input: InputSummary | null = call.input;
  const file = call.files[0] ?? input?.file ?? input?.path;
  if (file) return path.basename(file);
  const v = input?.command ?? input?.pattern ?? input?.url ?? input?.query ?? input?.skill ?? input?.subagentType ?? input?.mcpTool ?? input?.description;
  return v ? excerpt(v, DETAIL_MAX) : null;
}

/** "accepted", "rejected", "failed", "accepted · failed" for the description. */
export function callOutcome(call: ToolCallSummary): string {
  const parts: string[] = [];
  if (call.decision === 'accept') parts.push('accepted');
  else if (call.decision === 'reject') parts.push('rejected');
  if (call.success === false) parts.push('failed');
  else if (call.success === null && call.decision !== 'reject') parts.push('no result');
  return parts.join(' · ');
}

function callIcon(call: ToolCallSummary): vscode.ThemeIcon {
  if (call.decision === 'reject') return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  if (call.success === false) return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  if (call.success === true) return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  return new vscode.ThemeIcon('circle-large-outline');
}

function toolCallItem(node: ToolCallNode): vscode.TreeItem {
  const c = node.call;
  const item = new vscode.TreeItem(excerpt(c.tool ?? 'tool', DETAIL_MAX), c.fileTouches.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.contextValue = CONTEXT_VALUES.toolCall;
  item.iconPath = callIcon(c);
  item.description = [callDetail(c), callOutcome(c)].filter(Boolean).join(' · ');
  const md = untrustedTooltip();
  md.appendMarkdown('**Tool call**  \n');
  row(md, 'Tool', c.tool ?? 'unknown');
  if (c.subagentType) row(md, 'Inside subagent', c.subagentType);
  row(md, 'Decision', decisionLabel(c.decision, c.decisionSource));
  row(md, 'Result', c.success === true ? 'succeeded' : c.success === false ? 'failed' : c.decision === 'reject' ? 'not run' : 'not reported');
  if (c.durationMs !== null) row(md, 'Duration', `${c.durationMs} ms`);
  if (c.waitMs !== null && c.waitMs > 0) row(md, 'Waited for permission', `${c.waitMs} ms`);
  const input = c.input;
  if (input?.command) row(md, 'Command', boundedText(input.command, 400));
  if (input?.description) row(md, 'Description', boundedText(input.description, 400));
  if (input?.pattern) row(md, 'Pattern', boundedText(input.pattern, 200));
  if (input?.url) row(md, 'URL', boundedText(input.url, 300));
  for (const f of c.fileTouches.slice(0, 10)) row(md, accessLabel(f.access), f.path);
  if (c.error) {
    md.appendMarkdown('\n\n*Error:* ');
    md.appendText(boundedText(`${c.errorType ? `${c.errorType}: ` : ''}${c.error}`, 600));
  }
  item.tooltip = md;
  return item;
}

function accessLabel(access: string): string {
  switch (access) {
    case 'read':
      return 'Read';
    case 'edit':
      return 'Edited';
    case 'delete':
      return 'Deleted';
    default:
      return 'Written';
  }
}

// ── files ───────────────────────────────────────────────────────────────

/** A file the tree can open: absolute paths as they are; relative ones against a single workspace folder. */
export function fileUriOf(filePath: string): vscode.Uri | undefined {
  if (path.isAbsolute(filePath)) return vscode.Uri.file(filePath);
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.length === 1 ? vscode.Uri.joinPath(folders[0].uri, filePath) : undefined;
}

function fileItem(node: FileNode): vscode.TreeItem {
  const t = node.touch;
  const uri = fileUriOf(t.path);
  const item = new vscode.TreeItem(path.basename(t.path) || t.path, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.contextValue = CONTEXT_VALUES.file;
  if (uri) {
    item.resourceUri = uri;
    item.command = { title: 'Open File', command: 'vscode.open', arguments: [uri] };
  }
  item.iconPath = vscode.ThemeIcon.File;
  const dir = path.dirname(t.relativePath ?? t.path);
  item.description = [t.access, dir && dir !== '.' ? excerpt(dir, DETAIL_MAX) : null].filter(Boolean).join(' · ');
  const md = untrustedTooltip();
  row(md, accessLabel(t.access), t.path);
  if (!uri) md.appendText('(a relative path the editor cannot place)');
  item.tooltip = md;
  return item;
}
