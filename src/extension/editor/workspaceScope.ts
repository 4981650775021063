// Which files get editor annotations: files (scheme `file`) inside the open
// workspace folders. The tree shows everything; CodeLens, highlights and badges
// only what is in the workspace.
import * as path from 'path';
import * as vscode from 'vscode';

export function isWorkspaceFile(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(uri) !== undefined;
}

/**
 * The names a workspace file can have in the store: its absolute path, and
 * (single-folder workspaces only, where the base is not ambiguous) the path
 * relative to the folder, which is what agents that send relative paths send.
 */
export function storeNamesOf(uri: vscode.Uri): string[] {
  const names = [uri.fsPath];
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) {
    const rel = path.relative(folders[0].uri.fsPath, uri.fsPath);
    if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) names.push(rel.split(path.sep).join('/'));
  }
  return names;
}

/** The workspace file a stored path names, or undefined when it is outside every folder. */
export function workspaceUriOf(storedPath: string): vscode.Uri | undefined {
  if (path.isAbsolute(storedPath)) {
    const uri = vscode.Uri.file(storedPath);
    return isWorkspaceFile(uri) ? uri : undefined;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length !== 1 || storedPath.startsWith('..')) return undefined;
  return vscode.Uri.joinPath(folders[0].uri, storedPath);
}

/** The folders between a workspace file and its workspace folder (the folder itself included), nearest first. */
export function containingFolders(uri: vscode.Uri): vscode.Uri[] {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return [];
  const out: vscode.Uri[] = [];
  const root = folder.uri.fsPath;
  let dir = path.dirname(uri.fsPath);
  while (dir.length >= root.length && dir.startsWith(root)) {
    out.push(vscode.Uri.file(dir));
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return out;
}
