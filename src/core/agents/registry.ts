// Picks the adapter for each record. The choice depends only on resource and
// scope, which whole export blocks share, so it is made once per block.

import type { AgentAdapter, RecordSource } from './adapter';
import { ClaudeCodeAdapter } from './claudeCode';
import { ClaudeCoworkAdapter } from './claudeCowork';
import { CodexAdapter } from './codex';
import { GeminiCliAdapter } from './geminiCli';
import { GenAiAdapter } from './genai';
import type { Resource, Scope, Signal } from '../otlp/types';

export class AdapterRegistry {
  private readonly adapters: readonly AgentAdapter[];
  private readonly cache = new WeakMap<Resource, WeakMap<Scope, Map<Signal, AgentAdapter | null>>>();

  constructor(adapters: readonly AgentAdapter[]) {
    this.adapters = adapters;
  }

  /** The first adapter that claims the record's source, or null (the record is kept raw only). */
  pick(source: RecordSource): AgentAdapter | null {
    let byScope = this.cache.get(source.resource);
    if (!byScope) {
      byScope = new WeakMap();
      this.cache.set(source.resource, byScope);
    }
    let bySignal = byScope.get(source.scope);
    if (!bySignal) {
      bySignal = new Map();
      byScope.set(source.scope, bySignal);
    }
    const cached = bySignal.get(source.signal);
    if (cached !== undefined) return cached;
    const found = this.adapters.find((a) => a.matches(source)) ?? null;
    bySignal.set(source.signal, found);
    return found;
  }
}

/**
 * Every adapter the product ships, most specific first. The generic GenAI
 * adapter is last: it claims any other service and maps only records shaped
 * by the OpenTelemetry GenAI conventions (the rest stay raw).
 */
export function defaultAdapters(): AgentAdapter[] {
  return [
    new ClaudeCoworkAdapter(),
    new ClaudeCodeAdapter('claude-code'),
    new CodexAdapter(),
    new GeminiCliAdapter(),
    new GenAiAdapter('copilot'),
    new GenAiAdapter('genai'),
  ];
}

let shared: AdapterRegistry | undefined;

export function defaultRegistry(): AdapterRegistry {
  shared ??= new AdapterRegistry(defaultAdapters());
  return shared;
}
