// Entry point. activate() only composes (see container.ts); deactivate() closes
// the listener and flushes the store before the extension host goes away.
import type * as vscode from 'vscode';
import type { AgentTrailApi } from './api';
import { Container } from './container';

let container: Container | undefined;

export function activate(context: vscode.ExtensionContext): AgentTrailApi {
  const startedAt = performance.now();
  const c = new Container(context, startedAt);
  container = c;
  context.subscriptions.push(c);
  c.startSoon();
  c.activated();
  return c.api;
}

export async function deactivate(): Promise<void> {
  const c = container;
  container = undefined;
  await c?.shutdown();
}
