// Composition root of the extension. activate() only composes services and
// registers their disposables; the editor issue fills it in.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Intentionally empty until the editor issue: the listener runs headless via the CLI.
}

export async function deactivate(): Promise<void> {
  // Nothing to flush yet.
}
