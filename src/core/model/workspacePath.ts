// File paths arrive as the agent sent them (Claude: absolute; Codex: relative to
// its working directory). The model keeps them verbatim and adds the path
// relative to a known workspace root so that the editor can match its own files.

function forwardSlashes(p: string): string {
  return p.replace(/\\/g, '/');
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:\//.test(p);
}

function trimTrailingSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

/** Windows drive letters and separators compare loosely; POSIX paths exactly. */
function sameRootPrefix(path: string, root: string): boolean {
  if (/^[A-Za-z]:\//.test(root)) return path.toLowerCase().startsWith(root.toLowerCase());
  return path.startsWith(root);
}

export interface WorkspaceMatch {
  readonly root: string;
  readonly relativePath: string;
}

/**
 * The most specific root that contains `path`, and the path relative to it
 * (forward slashes). Null for relative paths (their base directory is not known
 * here) and for paths outside every root.
 */
export function matchWorkspace(path: string, roots: readonly string[]): WorkspaceMatch | null {
  const p = forwardSlashes(path);
  if (!isAbsolute(p)) return null;
  let best: WorkspaceMatch | null = null;
  for (const raw of roots) {
    const root = trimTrailingSlash(forwardSlashes(raw));
    if (root === '') continue;
    const prefix = root.endsWith('/') ? root : `${root}/`;
    if (!sameRootPrefix(p, prefix)) continue;
    if (best === null || root.length > best.root.length) best = { root: raw, relativePath: p.slice(prefix.length) };
  }
  return best;
}
