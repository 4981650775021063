// Claude Code's tools: which files a call touches and what of its input is
// worth showing. Tool inputs are model output, so untrusted: only known keys
// are read, every value is bounded, nothing is guessed from shell commands.

import type { EditPart, FileAccess, FileRef, InputSummary, ToolEdit } from '../model/events';

const ACCESS_BY_TOOL: Readonly<Record<string, FileAccess>> = {
  Read: 'read',
  NotebookRead: 'read',
  Glob: 'read',
  Grep: 'read',
  LS: 'read',
  Write: 'write',
  Edit: 'edit',
  MultiEdit: 'edit',
  NotebookEdit: 'edit',
};

/** How a built-in tool uses the file it names; null for tools whose target is not a file (Bash, MCP …). */
export function fileAccessOf(tool: string | null): FileAccess | null {
  return tool === null ? null : (ACCESS_BY_TOOL[tool] ?? null);
}

const MAX_PATH = 4096;
const MAX_COMMAND = 2000;
const MAX_FIELD = 500;

function str(input: Record<string, unknown> | null, key: string, max: number): string | undefined {
  const v = input?.[key];
  if (typeof v !== 'string' || v === '') return undefined;
  return v.length <= max ? v : `${v.slice(0, max)}…`;
}

/** A path is kept only when it is plausible: bounded and on one line. */
function pathValue(input: Record<string, unknown> | null, key: string): string | undefined {
  const v = input?.[key];
  if (typeof v !== 'string' || v === '' || v.length > MAX_PATH || /[\n\r\0]/.test(v)) return undefined;
  return v;
}

/** Files named in a tool's input: `file_path` (Read/Edit/Write), `notebook_path`, and `path` for Glob/Grep/LS. */
export function filesFromToolInput(tool: string | null, input: Record<string, unknown> | null): FileRef[] {
  const access = fileAccessOf(tool);
  if (access === null || input === null) return [];
  const path = pathValue(input, 'file_path') ?? pathValue(input, 'notebook_path') ?? pathValue(input, 'path');
  return path === undefined ? [] : [{ path, access }];
}

/** The span's `file_path` attribute, with the tool's access. */
export function filesFromSpanPath(tool: string | null, filePath: string | null): FileRef[] {
  const access = fileAccessOf(tool);
  if (access === null || filePath === null || filePath.length > MAX_PATH || /[\n\r\0]/.test(filePath)) return [];
  return [{ path: filePath, access }];
}

/**
 * What to show for a call: from `tool_input` (the arguments) first, then
 * `tool_parameters` (Bash command, MCP server/tool, skill, subagent type).
 */
export function summarizeToolInput(input: Record<string, unknown> | null, params: Record<string, unknown> | null): InputSummary | null {
  const summary: { -readonly [K in keyof InputSummary]: InputSummary[K] } = {};
  const set = <K extends keyof InputSummary>(key: K, value: InputSummary[K] | undefined): void => {
    if (value !== undefined && summary[key] === undefined) summary[key] = value;
  };
  set('command', str(input, 'command', MAX_COMMAND));
  set('file', pathValue(input, 'file_path') ?? pathValue(input, 'notebook_path'));
  set('path', pathValue(input, 'path'));
  set('pattern', str(input, 'pattern', MAX_FIELD));
  set('url', str(input, 'url', MAX_FIELD));
  set('query', str(input, 'query', MAX_FIELD));
  set('description', str(input, 'description', MAX_FIELD));
  set('subagentType', str(input, 'subagent_type', MAX_FIELD));
  set('skill', str(input, 'skill', MAX_FIELD));
  set('command', str(params, 'full_command', MAX_COMMAND));
  set('description', str(params, 'description', MAX_FIELD));
  set('subagentType', str(params, 'subagent_type', MAX_FIELD));
  set('skill', str(params, 'skill_name', MAX_FIELD));
  set('mcpServer', str(params, 'mcp_server_name', MAX_FIELD));
  set('mcpTool', str(params, 'mcp_tool_name', MAX_FIELD));
  return Object.keys(summary).length === 0 ? null : summary;
}

/** Each edit text is kept up to this many characters. */
export const MAX_EDIT_TEXT = 4096;
/** Claude Code cuts every `tool_input` value longer than this; a value this long may have been cut. */
const AGENT_VALUE_LIMIT = 512;
/** MultiEdit replacements kept per call. */
const MAX_EDIT_PARTS = 50;

interface Clipped {
  readonly text: string | null;
  readonly truncated: boolean;
}

function clip(v: unknown): Clipped {
  if (typeof v !== 'string') return { text: null, truncated: false };
  if (v.length > MAX_EDIT_TEXT) return { text: v.slice(0, MAX_EDIT_TEXT), truncated: true };
  return { text: v, truncated: v.length >= AGENT_VALUE_LIMIT };
}

function part(oldValue: unknown, newValue: unknown, replaceAll: unknown): { part: EditPart; truncated: boolean } | null {
  const o = clip(oldValue);
  const n = clip(newValue);
  if (o.text === null && n.text === null) return null;
  return { part: { oldText: o.text, newText: n.text, replaceAll: typeof replaceAll === 'boolean' ? replaceAll : null }, truncated: o.truncated || n.truncated };
}

/**
 * The text a file-editing call sent in its input: Edit/MultiEdit
 * `old_string`/`new_string` (and `replace_all`), Write `content`, NotebookEdit
 * `new_source`. Bounded (see ToolEdit); null for other tools or without text.
 */
export function editOf(tool: string | null, input: Record<string, unknown> | null): ToolEdit | null {
  if (tool === null || input === null) return null;
  let one: { part: EditPart; truncated: boolean } | null;
  switch (tool) {
    case 'Edit':
      one = part(input.old_string, input.new_string, input.replace_all);
      break;
    case 'Write':
      one = part(null, input.content, null);
      break;
    case 'NotebookEdit':
      one = part(null, input.new_source, null);
      break;
    case 'MultiEdit': {
      const edits = Array.isArray(input.edits) ? (input.edits as unknown[]) : [];
      const parts: EditPart[] = [];
      let truncated = edits.length > MAX_EDIT_PARTS;
      for (const e of edits.slice(0, MAX_EDIT_PARTS)) {
        if (typeof e !== 'object' || e === null) continue;
        const x = e as Record<string, unknown>;
        const p = part(x.old_string, x.new_string, x.replace_all);
        if (p === null) continue;
        parts.push(p.part);
        truncated ||= p.truncated;
      }
      if (parts.length === 0) return null;
      return { ...parts[0], truncated, parts };
    }
    default:
      return null;
  }
  return one === null ? null : { ...one.part, truncated: one.truncated };
}
