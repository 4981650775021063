// The elements of the Agent Trail tree: sessions → prompts → tool calls → files.
// Plain data with a parent link (TreeView.reveal walks up with getParent) and a
// stable id per element, so one prompt is the same node across refreshes.
import type { FileTouchRef, PromptSummary, SessionSummary, ToolCallSummary } from '../../core/model/views';

export interface SessionNode {
  readonly kind: 'session';
  readonly id: string;
  readonly session: SessionSummary;
}

export interface PromptNode {
  readonly kind: 'prompt';
  readonly id: string;
  readonly prompt: PromptSummary;
  readonly parent: SessionNode;
}

export interface ToolCallNode {
  readonly kind: 'toolCall';
  readonly id: string;
  readonly call: ToolCallSummary;
  readonly parent: PromptNode;
}

export interface FileNode {
  readonly kind: 'file';
  readonly id: string;
  readonly touch: FileTouchRef;
  readonly parent: ToolCallNode;
}

export type TrailNode = SessionNode | PromptNode | ToolCallNode | FileNode;

export function sessionNode(session: SessionSummary): SessionNode {
  return { kind: 'session', id: `session:${session.id}`, session };
}

export function promptNode(prompt: PromptSummary, parent: SessionNode): PromptNode {
  return { kind: 'prompt', id: `prompt:${prompt.id}`, prompt, parent };
}

export function toolCallNodes(parent: PromptNode): ToolCallNode[] {
  return parent.prompt.toolCalls.map((call, index) => ({ kind: 'toolCall', id: `call:${parent.prompt.id}:${index}`, call, parent }));
}

export function fileNodes(parent: ToolCallNode): FileNode[] {
  return parent.call.fileTouches.map((touch, index) => ({ kind: 'file', id: `${parent.id}:file:${index}`, touch, parent }));
}
