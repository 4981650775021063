// Binds every command id of COMMANDS to its handler; one Disposable for all.
import * as vscode from 'vscode';
import type { SetupAgent } from '../core/setup/agentSetup';
import { clearDataCommand } from './clearDataCommand';
import { COMMANDS, type CommandId } from './commands';
import type { Configuration } from './config';
import type { Log } from './log';
import { showMenuCommand } from './menu';
import { AgentSetupCommand } from './setup/agentSetupCommand';
import type { TrailService } from './trailService';

export interface CommandDeps {
  readonly service: TrailService;
  readonly config: Configuration;
  readonly log: Log;
}

export function registerCommands({ service, config, log }: CommandDeps): vscode.Disposable {
  const setup = new AgentSetupCommand(service, config, log.component('setup'));
  const commandsLog = log.component('commands');
  const listenerAction = (action: 'pause' | 'resume') => async (): Promise<void> => {
    try {
      await (action === 'pause' ? service.pause() : service.resume());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      commandsLog.warn(`${action} failed: ${message}`);
      void vscode.window.showErrorMessage(`Agent Trail could not ${action} the listener: ${message}`);
    }
  };
  const setupFor = (agent: SetupAgent) => (args?: unknown) => setup.run(agent, args);
  // agentTrail.openReplay is the replay panel's (src/extension/panel/replayPanels.ts).
  const handlers: Record<Exclude<CommandId, typeof COMMANDS.openReplay>, (...args: unknown[]) => unknown> = {
    [COMMANDS.setupClaudeCode]: setupFor('claude-code'),
    [COMMANDS.setupCodex]: setupFor('codex'),
    [COMMANDS.setupGeminiCli]: setupFor('gemini-cli'),
    [COMMANDS.setupCopilot]: setupFor('copilot'),
    [COMMANDS.pauseListening]: listenerAction('pause'),
    [COMMANDS.resumeListening]: listenerAction('resume'),
    [COMMANDS.showLogs]: () => log.show(),
    [COMMANDS.clearData]: (args?: unknown) => clearDataCommand(service, commandsLog, args),
    [COMMANDS.showMenu]: () => showMenuCommand(service),
  };
  return vscode.Disposable.from(...Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler)));
}
