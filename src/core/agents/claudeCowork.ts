// Claude Cowork (Claude Desktop's agent VM) → AgentEvents. Cowork runs Claude
// Code inside its VM and documents the same events under unprefixed names
// (TELEMETRY.md §2: `user_prompt`, `tool_decision`, `tool_result`,
// `api_request`, `api_error`, `assistant_response`), `service.name` = `cowork`,
// so the Claude Code adapter reads them. What differs:
// - `workspace.host_paths`, the folders the user connected, is documented as
//   a string array; a JSON-encoded array in a string is read as well. The
//   first folder becomes the session's workspace.
// - No `tool_use_id`: a tool_decision and its tool_result arrive as separate
//   parts with no call id. The store pairs them (the decision with the next
//   result of the same tool in the same prompt, by event.sequence, whatever
//   order they arrive in; see pairUnidentifiedCalls in modelRepository.ts).
// - `tool_result` repeats the decision (`decision_type`, `decision_source`).
// - `status_code` on api_error is a string, `"undefined"` for non-HTTP errors.

import type { AgentEvent, SessionSeen } from '../model/events';
import type { LogRecord, MetricPoint, Span } from '../otlp/types';
import type { AgentAdapter, RecordContext, RecordSource } from './adapter';
import { ClaudeCodeAdapter } from './claudeCode';
import { plausiblePath } from './common';

/** `workspace.host_paths` as sent: an array, or a JSON array in a string. */
export function hostPaths(value: unknown): string[] {
  let list: unknown = value;
  if (typeof value === 'string') {
    const s = value.trim();
    if (s.startsWith('[')) {
      try {
        list = JSON.parse(s) as unknown;
      } catch {
        list = [];
      }
    } else list = s === '' ? [] : [s];
  }
  if (!Array.isArray(list)) return [];
  return list.map(plausiblePath).filter((p): p is string => p !== null);
}

export class ClaudeCoworkAdapter implements AgentAdapter {
  readonly agent = 'claude-cowork' as const;
  private readonly inner = new ClaudeCodeAdapter('claude-cowork');

  matches(source: RecordSource): boolean {
    return this.inner.matches(source);
  }

  fromLog(record: LogRecord, ctx: RecordContext): AgentEvent[] {
    const events = this.inner.fromLog(record, ctx);
    const raw = record.attributes['workspace.host_paths'];
    if (raw === undefined) return events;
    const paths = hostPaths(raw);
    return events.map((e) => (e.type === 'session.seen' ? ({ ...e, workspacePaths: paths } as SessionSeen) : e));
  }

  fromSpan(span: Span, ctx: RecordContext): AgentEvent[] {
    return this.inner.fromSpan(span, ctx);
  }

  fromMetric(point: MetricPoint, ctx: RecordContext): AgentEvent[] {
    return this.inner.fromMetric(point, ctx);
  }
}
