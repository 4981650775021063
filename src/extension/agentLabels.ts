// How agents are named to the user.
import type { AgentKind } from '../core/model/agentKind';

const LABELS: Readonly<Record<AgentKind, string>> = {
  'claude-code': 'Claude Code',
  'claude-cowork': 'Claude Cowork',
  codex: 'Codex CLI',
  'gemini-cli': 'Gemini CLI',
  copilot: 'GitHub Copilot',
  genai: 'GenAI agent',
  unknown: 'an agent',
};

export function agentLabel(agent: AgentKind): string {
  return LABELS[agent];
}
