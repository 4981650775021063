// Where a "latest prompt" link goes: the replay panel when it exists (a later
// issue contributes agentTrail.openReplay), else the prompt in the tree view.
import * as vscode from 'vscode';
import { EDITOR_COMMANDS } from './editorCommands';

export class PromptLink {
  private replay: Promise<boolean> | undefined;

  /** Forgets what was known about the replay command (call when features refresh). */
  reset(): void {
    this.replay = undefined;
  }

  async hasReplay(): Promise<boolean> {
    if (!this.replay) {
      this.replay = Promise.resolve(vscode.commands.getCommands(true)).then(
        (ids) => ids.includes(EDITOR_COMMANDS.openReplay),
        () => false,
      );
    }
    return this.replay;
  }

  /** The command that opens `promptId`: replay if possible, else reveal in the tree. */
  async commandFor(promptId: string, titles: { readonly replay: string; readonly reveal: string }): Promise<vscode.Command> {
    return (await this.hasReplay())
      ? { title: titles.replay, command: EDITOR_COMMANDS.openReplay, arguments: [promptId], tooltip: 'Open the replay of the latest prompt that touched this file' }
      : { title: titles.reveal, command: EDITOR_COMMANDS.revealPrompt, arguments: [promptId], tooltip: 'Show the latest prompt that touched this file in the Agent Trail view' };
  }
}
