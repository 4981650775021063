// Where each agent reads its settings, and how the plan for one file is made.
// The plans themselves (what keys, merged how) are src/core/setup/agentSetup.ts.
import os from 'node:os';
import path from 'node:path';
import {
  planClaudeCode,
  planCodex,
  planGeminiCli,
  type ListenerEndpoint,
  type SetupAgent,
  type SetupPlan,
} from '../../core/setup/agentSetup';

export type SetupTarget = 'workspace' | 'user' | 'clipboard';

export interface AgentSetupSpec {
  readonly agent: SetupAgent;
  readonly label: string;
  /** The settings file inside a workspace folder, when the agent reads one. */
  workspaceFile?(folder: string): string;
  /** The user-wide settings file; absent for Copilot (VS Code's own settings). */
  userFile?(): string;
  /** Plans the change to a file; absent for Copilot. */
  plan?(existingText: string | null, endpoint: ListenerEndpoint): SetupPlan;
  /** The default target when a command is run with arguments but no target. */
  readonly defaultTarget: Exclude<SetupTarget, 'clipboard'>;
}

const home = (): string => os.homedir();

export const SETUP_SPECS: Readonly<Record<SetupAgent, AgentSetupSpec>> = {
  'claude-code': {
    agent: 'claude-code',
    label: 'Claude Code',
    workspaceFile: (folder) => path.join(folder, '.claude', 'settings.json'),
    userFile: () => path.join(home(), '.claude', 'settings.json'),
    plan: planClaudeCode,
    defaultTarget: 'workspace',
  },
  'gemini-cli': {
    agent: 'gemini-cli',
    label: 'Gemini CLI',
    workspaceFile: (folder) => path.join(folder, '.gemini', 'settings.json'),
    userFile: () => path.join(home(), '.gemini', 'settings.json'),
    plan: planGeminiCli,
    defaultTarget: 'workspace',
  },
  codex: {
    agent: 'codex',
    label: 'Codex CLI',
    // Codex reads one config.toml, shared by its CLI, IDE extension and app.
    userFile: () => path.join(process.env.CODEX_HOME || path.join(home(), '.codex'), 'config.toml'),
    plan: planCodex,
    defaultTarget: 'user',
  },
  copilot: {
    agent: 'copilot',
    label: 'GitHub Copilot',
    defaultTarget: 'user',
  },
};

/** `~/.claude/settings.json` rather than the full path, for dialogs. */
export function displayPath(file: string): string {
  const h = home();
  return file === h || file.startsWith(h + path.sep) ? `~${file.slice(h.length)}` : file;
}
