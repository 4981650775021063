// Every command id the extension registers or calls, in one place (package.json
// contributes.commands lists the same ids with their titles).
export const COMMANDS = {
  setupClaudeCode: 'agentTrail.setupClaudeCode',
  setupCodex: 'agentTrail.setupCodex',
  setupGeminiCli: 'agentTrail.setupGeminiCli',
  setupCopilot: 'agentTrail.setupCopilot',
  pauseListening: 'agentTrail.pauseListening',
  resumeListening: 'agentTrail.resumeListening',
  showLogs: 'agentTrail.showLogs',
  clearData: 'agentTrail.clearData',
  showMenu: 'agentTrail.showMenu',
  openReplay: 'agentTrail.openReplay',
} as const;

/** Commands other parts contribute that this part calls when they exist. */
export const EXTERNAL_COMMANDS = {
  /** The tree view (src/extension/tree): reveals a prompt by id. */
  revealPrompt: 'agentTrail.revealPrompt',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Context key for `when` clauses: the listener state's kind (listening, paused, error...). */
export const LISTENER_STATE_CONTEXT_KEY = 'agentTrail.listenerState';
