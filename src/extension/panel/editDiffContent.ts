// The two sides of an agent's edit as read-only virtual documents, for
// `vscode.diff`: `agent-trail-edit:/<file name>?prompt=…&step=…&side=before|after`.
// The content is read from the trail when VS Code asks (also after a restart),
// never taken from the URI; the file name only gives the language.
import * as vscode from 'vscode';
import type { ReplayData } from '../../core/replay/replayData';
import type { StepEdit } from '../../core/replay/replayModel';

export const EDIT_SCHEME = 'agent-trail-edit';

export type EditSide = 'before' | 'after';

export function editUri(edit: StepEdit, promptId: string, side: EditSide): vscode.Uri {
  const name = edit.path.split(/[\\/]/).pop() || 'edit';
  const query = new URLSearchParams({ prompt: promptId, step: edit.stepKey, side }).toString();
  return vscode.Uri.from({ scheme: EDIT_SCHEME, path: `/${name}`, query });
}

function sideText(edit: StepEdit, side: EditSide): string {
  const text = side === 'before' ? edit.oldText : edit.newText;
  const body = text ?? '';
  return edit.truncated ? `${body}\n\n[Agent Trail: the agent sent this text truncated]\n` : body;
}

export class EditDiffContent implements vscode.TextDocumentContentProvider {
  constructor(private readonly data: ReplayData) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = new URLSearchParams(uri.query);
    const prompt = q.get('prompt');
    const step = q.get('step');
    const side = q.get('side');
    if (!prompt || !step || (side !== 'before' && side !== 'after')) return '';
    try {
      const edit = await this.data.edit(prompt, step);
      return edit ? sideText(edit, side) : '[Agent Trail: this edit is no longer in the trail]\n';
    } catch {
      return '[Agent Trail: the trail is not available right now]\n';
    }
  }
}
