// "Agent Trail: Clear All Data…": removes every recorded session after a modal
// confirmation (`{ confirm: true }` skips it, for tests). Runs in the owner: a
// reader window forwards it there.
import * as vscode from 'vscode';
import type { ComponentLog } from './log';
import type { TrailService } from './trailService';

export async function clearDataCommand(service: TrailService, log: ComponentLog, args: unknown): Promise<boolean> {
  const confirmed = typeof args === 'object' && args !== null && (args as { confirm?: unknown }).confirm === true;
  if (!confirmed) {
    const remove = 'Delete All';
    const answer = await vscode.window.showWarningMessage(
      'Delete everything Agent Trail has recorded?',
      { modal: true, detail: `Every session, prompt, cost figure and raw record in ${service.dataDir} is removed, for every VS Code window. This cannot be undone.` },
      remove,
    );
    if (answer !== remove) return false;
  }
  try {
    await service.clearData();
  } catch (err) {
    log.error(`clearing the data failed: ${err instanceof Error ? err.message : String(err)}`);
    void vscode.window.showErrorMessage(`Agent Trail could not clear its data: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
  if (!confirmed) void vscode.window.showInformationMessage('Agent Trail: all recorded data was deleted.');
  return true;
}
