// The files an `apply_patch` envelope names (the patch format Codex and
// Copilot's apply_patch tool share):
//
//   *** Begin Patch
//   *** Add File: <path>          → write
//   *** Update File: <path>       → edit
//   *** Move to: <new path>       (after an Update: the old path goes, the new one is written)
//   *** Delete File: <path>       → delete
//   *** End Patch
//
// Paths are as written in the patch: Codex writes them relative to the
// session's working directory, which the store resolves when it knows it.

import type { EditPart, FileAccess, FileRef, ToolEdit } from '../model/events';
import { plausiblePath } from './common';

const HEADER = /^\*\*\* (Add File|Update File|Delete File|Move to): (.+)$/;
const MAX_FILES = 200;

export function isPatch(text: string): boolean {
  return text.includes('*** Begin Patch');
}

/** Every file the patch touches, in patch order, without duplicates of the same access. */
export function filesInPatch(patch: string): FileRef[] {
  const out: FileRef[] = [];
  const seen = new Set<string>();
  const add = (path: string, access: FileAccess): void => {
    const key = `${access}\u0000${path}`;
    if (seen.has(key) || out.length >= MAX_FILES) return;
    seen.add(key);
    out.push({ path, access });
  };
  let updating: FileRef | null = null;
  for (const raw of patch.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith('*** ')) continue;
    const m = HEADER.exec(line);
    if (!m) {
      updating = null;
      continue;
    }
    const path = plausiblePath(m[2].trim());
    if (path === null) continue;
    switch (m[1]) {
      case 'Add File':
        updating = null;
        add(path, 'write');
        break;
      case 'Delete File':
        updating = null;
        add(path, 'delete');
        break;
      case 'Update File':
        updating = { path, access: 'edit' };
        add(path, 'edit');
        break;
      case 'Move to':
        if (updating !== null) {
          // The updated file is renamed: it is gone from its old path.
          const i = out.findIndex((f) => f.path === updating?.path && f.access === 'edit');
          if (i >= 0) {
            seen.delete(`edit\u0000${updating.path}`);
            out.splice(i, 1);
          }
          add(updating.path, 'delete');
          add(path, 'write');
          updating = null;
        }
        break;
    }
  }
  return out;
}

/** Each edit text is kept up to this many characters (as for Claude Code's edits). */
const MAX_EDIT_TEXT = 4096;
const MAX_EDIT_PARTS = 50;

function clipEdit(lines: readonly string[]): { text: string; truncated: boolean } {
  const text = lines.join('\n');
  return text.length > MAX_EDIT_TEXT ? { text: text.slice(0, MAX_EDIT_TEXT), truncated: true } : { text, truncated: false };
}

/**
 * The text of a patch that changes one file: an added file's content, or each
 * hunk of an update as the lines it replaces (context and `-` lines) and the
 * lines it writes (context and `+` lines). Null for deletions, moves and
 * patches that touch several files (an edit names no file of its own).
 */
export function editInPatch(patch: string): ToolEdit | null {
  const files = filesInPatch(patch);
  if (files.length !== 1 || files[0].access === 'delete') return null;
  const hunks: Array<{ old: string[]; neu: string[] }> = [];
  let inFile = false;
  let adding = false;
  let current: { old: string[]; neu: string[] } | null = null;
  for (const raw of patch.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const header = HEADER.exec(line);
    if (header) {
      inFile = true;
      adding = header[1] === 'Add File';
      current = adding ? { old: [], neu: [] } : null;
      if (current) hunks.push(current);
      continue;
    }
    if (!inFile || line.startsWith('*** ')) continue;
    if (adding) {
      if (line.startsWith('+') && current) current.neu.push(line.slice(1));
      continue;
    }
    if (line.startsWith('@@')) {
      current = { old: [], neu: [] };
      hunks.push(current);
      continue;
    }
    if (current === null) {
      current = { old: [], neu: [] };
      hunks.push(current);
    }
    if (line.startsWith('-')) current.old.push(line.slice(1));
    else if (line.startsWith('+')) current.neu.push(line.slice(1));
    else if (line.startsWith(' ')) {
      current.old.push(line.slice(1));
      current.neu.push(line.slice(1));
    }
  }
  const parts: EditPart[] = [];
  let truncated = hunks.length > MAX_EDIT_PARTS;
  for (const h of hunks.slice(0, MAX_EDIT_PARTS)) {
    if (h.old.length === 0 && h.neu.length === 0) continue;
    const o = clipEdit(h.old);
    const n = clipEdit(h.neu);
    truncated ||= o.truncated || n.truncated;
    parts.push({ oldText: adding ? null : o.text, newText: n.text, replaceAll: null });
  }
  if (parts.length === 0) return null;
  return parts.length === 1 ? { ...parts[0], truncated } : { ...parts[0], truncated, parts };
}

/** Edit text from tool arguments: `old`/`new` strings (or a whole new `content`), clipped like every edit. */
export function editOfTexts(oldText: unknown, newText: unknown, replaceAll: unknown): ToolEdit | null {
  const o = typeof oldText === 'string' ? clipEdit([oldText]) : null;
  const n = typeof newText === 'string' ? clipEdit([newText]) : null;
  if (o === null && n === null) return null;
  return { oldText: o?.text ?? null, newText: n?.text ?? null, replaceAll: typeof replaceAll === 'boolean' ? replaceAll : null, truncated: (o?.truncated ?? false) || (n?.truncated ?? false) };
}
