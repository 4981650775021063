// An agent adapter turns one agent's OTLP records into AgentEvents. Adapters are
// pure (no I/O, no state between records): the store can re-run them over the
// raw records at any time to rebuild the model.

import type { AgentEvent } from '../model/events';
import type { AgentKind } from '../model/agentKind';
import type { LogRecord, MetricPoint, Resource, Scope, Signal, Span } from '../otlp/types';

/** Where a record came from: enough to tell which agent sent it. */
export interface RecordSource {
  readonly signal: Signal;
  readonly resource: Resource;
  readonly scope: Scope;
}

export interface RecordContext {
  /** The record's natural key; event keys are derived from it. */
  readonly recordKey: string;
}

export interface AgentAdapter {
  readonly agent: AgentKind;
  /** Decided once per resource and scope (all records of one export block share them). */
  matches(source: RecordSource): boolean;
  fromLog(record: LogRecord, ctx: RecordContext): AgentEvent[];
  fromSpan(span: Span, ctx: RecordContext): AgentEvent[];
  fromMetric(point: MetricPoint, ctx: RecordContext): AgentEvent[];
}

/** The event key for the `index`-th event of a record. */
export function eventKey(ctx: RecordContext, index: number): string {
  return `${ctx.recordKey}#${index}`;
}
