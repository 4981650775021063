// Which agent produced a record. One closed list so that every layer (store,
// views, CLI) can switch on it; a new agent is a new member plus an adapter.

export type AgentKind = 'claude-code' | 'claude-cowork' | 'codex' | 'gemini-cli' | 'copilot' | 'genai' | 'unknown';

export const AGENT_KINDS: readonly AgentKind[] = ['claude-code', 'claude-cowork', 'codex', 'gemini-cli', 'copilot', 'genai', 'unknown'];

/** Agents that put their own cost on each model request; the others are priced from the price table. */
const REPORTS_COST: ReadonlySet<AgentKind> = new Set(['claude-code', 'claude-cowork']);

export function agentReportsCost(agent: AgentKind): boolean {
  return REPORTS_COST.has(agent);
}

export function isAgentKind(value: string): value is AgentKind {
  return (AGENT_KINDS as readonly string[]).includes(value);
}
