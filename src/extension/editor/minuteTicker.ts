// Relative times ("5 min ago") go stale without any data change: a ticker that
// runs a redraw once a minute, only while someone is looking.
import type * as vscode from 'vscode';

export const TICK_MS = 60_000;

export function everyMinute(redraw: () => void, wanted: () => boolean): vscode.Disposable {
  const timer = setInterval(() => {
    if (wanted()) redraw();
  }, TICK_MS);
  // Never keep the extension host alive for a clock.
  timer.unref?.();
  return { dispose: () => clearInterval(timer) };
}
