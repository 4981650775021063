// May the replay panel open this file? The webview only names a path; the
// host opens it only when the prompt's own steps named that path, the path is
// absolute (or resolves inside a workspace folder), has no URI scheme (no
// `command:` links, no remote schemes), and is an existing regular file
// (inside a workspace folder or not: the verdict says which). Pure but for the
// injected stat.

import path from 'node:path';

export interface OpenFileCheck {
  /** Paths the prompt's steps named, as the agent sent them. */
  readonly touched: ReadonlySet<string>;
  readonly workspaceRoots: readonly string[];
  /** 'file', 'other' (directory, device...) or 'missing'. */
  readonly stat: (absolutePath: string) => Promise<'file' | 'other' | 'missing'>;
}

export type OpenFileVerdict = { readonly ok: true; readonly path: string; readonly inWorkspace: boolean } | { readonly ok: false; readonly reason: string };

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
const WINDOWS_DRIVE = /^[a-zA-Z]:[\\/]/;

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export async function checkOpenFile(requested: string, check: OpenFileCheck): Promise<OpenFileVerdict> {
  if (requested.length === 0 || requested.length > 4096 || requested.includes('\u0000')) return { ok: false, reason: 'not a file path' };
  if (SCHEME.test(requested) && !WINDOWS_DRIVE.test(requested)) return { ok: false, reason: 'a URI, not a file path' };
  if (!check.touched.has(requested)) return { ok: false, reason: "not a file this prompt's steps touched" };
  let absolute: string;
  if (path.isAbsolute(requested)) {
    absolute = path.normalize(requested);
  } else {
    // Agents that send relative paths: relative to a workspace folder, and only when it stays inside it.
    const found = check.workspaceRoots.map((root) => path.resolve(root, requested)).find((p, i) => inside(check.workspaceRoots[i] as string, p));
    if (found === undefined) return { ok: false, reason: 'a relative path outside every workspace folder' };
    absolute = found;
  }
  const inWorkspace = check.workspaceRoots.some((root) => inside(path.resolve(root), absolute));
  const kind = await check.stat(absolute);
  if (kind === 'other') return { ok: false, reason: 'not a regular file' };
  if (kind === 'missing') return { ok: false, reason: 'the file no longer exists' };
  return { ok: true, path: absolute, inWorkspace };
}
