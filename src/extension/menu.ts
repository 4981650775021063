// The status bar item's menu: every Agent Trail action one click away.
import * as vscode from 'vscode';
import { COMMANDS, type CommandId } from './commands';
import type { TrailService } from './trailService';

type Item = vscode.QuickPickItem & { command?: CommandId };

const SETUP_ITEMS: readonly Item[] = [
  { label: 'Claude Code', command: COMMANDS.setupClaudeCode },
  { label: 'Codex CLI', command: COMMANDS.setupCodex },
  { label: 'Gemini CLI', command: COMMANDS.setupGeminiCli },
  { label: 'GitHub Copilot', command: COMMANDS.setupCopilot },
];

export async function showMenuCommand(service: TrailService): Promise<void> {
  const state = service.listenerState;
  const listening = state.kind === 'listening';
  const items: Item[] = [
    { label: '$(plug) Set up an agent…', detail: 'Point Claude Code, Codex, Gemini CLI or Copilot at this listener' },
    { label: '$(history) Open replay', command: COMMANDS.openReplay },
    listening
      ? { label: '$(debug-pause) Pause listening', command: COMMANDS.pauseListening }
      : { label: state.kind === 'error' ? '$(refresh) Retry listening' : '$(play) Resume listening', command: COMMANDS.resumeListening },
    { label: '$(output) Open logs', command: COMMANDS.showLogs },
    { label: '$(trash) Clear all data…', command: COMMANDS.clearData },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Agent Trail' });
  if (!picked) return;
  if (picked.command) {
    await vscode.commands.executeCommand(picked.command);
    return;
  }
  const agent = await vscode.window.showQuickPick(SETUP_ITEMS, { title: 'Agent Trail: set up an agent', placeHolder: 'Which agent should export its telemetry here?' });
  if (agent?.command) await vscode.commands.executeCommand(agent.command);
}
