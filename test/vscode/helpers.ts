// Helpers for extension-host tests (test/vscode/suite/*.test.ts). They run inside VS Code's extension host
// with the real `vscode` API; the workspace is the demo project of test/e2e/demoWorkspace.mjs.
import * as assert from 'assert';
import * as path from 'path';
import { format } from 'util';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'agent-trail.agent-trail';

/**
 * Prints a line in the test output (console.log formatting). Use it rather than console.log: under
 * test/e2e/runExtHostTests.mjs plain console output of the extension host only goes to the run's workbench.log.
 */
export function log(...args: unknown[]): void {
  console.log((process.env.AGENT_TRAIL_E2E_MARK ?? '') + format(...args));
}

export function getExtension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return ext;
}

/** Activates the extension (a no-op when already active) and returns its exports. */
export async function activateExtension<T = unknown>(): Promise<T> {
  const ext = getExtension();
  return (await ext.activate()) as T;
}

/** The opened workspace folder (the demo project). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
}

/** Opens a file of the workspace in an editor. */
export async function openWorkspaceFile(relativePath: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), relativePath));
  return vscode.window.showTextDocument(doc);
}

/** Polls `probe` until it returns a truthy value (returned) or the timeout elapses (throws `message`). */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 10000, intervalMs = 100, message = 'condition' }: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** CodeLenses the editor would show for a document (runs every registered CodeLens provider). */
export async function codeLensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}

/** Closes every editor (call in teardown so tests do not see each other's editors). */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
