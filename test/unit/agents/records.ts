// Hand-built OTLP records in the decoder's internal shape, for adapter tests
// that need a specific attribute spelling or type.
import type { Attributes, LogRecord, MetricPoint, Resource, Scope, Span } from '../../../src/core/otlp/types';

export const CLAUDE_RESOURCE: Resource = { attributes: { 'service.name': 'claude-code', 'service.version': '2.1.197', 'os.type': 'linux' } };
export const COWORK_RESOURCE: Resource = { attributes: { 'service.name': 'cowork', 'service.version': '1.1.4173' } };
export const EVENTS_SCOPE: Scope = { name: 'com.anthropic.claude_code.events', version: '2.1.197', attributes: {} };
export const TRACING_SCOPE: Scope = { name: 'com.anthropic.claude_code.tracing', version: '1.0.0', attributes: {} };
export const METRICS_SCOPE: Scope = { name: 'com.anthropic.claude_code', version: '2.1.197', attributes: {} };

const nanos = (ms: number): string => `${ms}000000`;

export interface LogOptions {
  readonly timeMs?: number;
  readonly observedMs?: number;
  readonly body?: string | null;
  readonly resource?: Resource;
  readonly traceId?: string;
  readonly spanId?: string;
  readonly eventName?: string;
}

export function logRecord(attributes: Attributes, options: LogOptions = {}): LogRecord {
  return {
    resource: options.resource ?? CLAUDE_RESOURCE,
    scope: EVENTS_SCOPE,
    timeUnixNano: options.timeMs === undefined ? nanos(1_795_483_519_613) : options.timeMs === 0 ? '0' : nanos(options.timeMs),
    observedTimeUnixNano: options.observedMs === undefined ? '0' : nanos(options.observedMs),
    severityNumber: 9,
    severityText: '',
    body: options.body === undefined ? null : options.body,
    attributes,
    flags: 0,
    traceId: options.traceId ?? '',
    spanId: options.spanId ?? '',
    eventName: options.eventName ?? '',
  };
}

/** A Claude Code event as 2.1.x sends it: name in the body (prefixed) and in event.name (bare). */
export function claudeEvent(name: string, attributes: Attributes, options: LogOptions = {}): LogRecord {
  return logRecord({ 'session.id': 'sess-1', 'event.name': name, ...attributes }, { body: `claude_code.${name}`, ...options });
}

export function span(name: string, attributes: Attributes, ids: { spanId: string; parentSpanId?: string; startMs?: number; durationMs?: number; status?: number }): Span {
  const start = ids.startMs ?? 1_795_483_519_600;
  return {
    resource: CLAUDE_RESOURCE,
    scope: TRACING_SCOPE,
    traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    spanId: ids.spanId,
    parentSpanId: ids.parentSpanId ?? '',
    traceState: '',
    name,
    kind: 1,
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(start + (ids.durationMs ?? 10)),
    attributes: { 'session.id': 'sess-1', ...attributes },
    events: [],
    links: [],
    status: { code: ids.status ?? 0, message: '' },
    flags: 0,
  };
}

export function metricPoint(name: string, value: number, attributes: Attributes, temporality = 1): MetricPoint {
  return {
    resource: CLAUDE_RESOURCE,
    scope: METRICS_SCOPE,
    name,
    description: '',
    unit: '',
    type: 'sum',
    temporality,
    isMonotonic: true,
    startTimeUnixNano: nanos(1_795_483_519_000),
    timeUnixNano: nanos(1_795_483_520_000),
    attributes: { 'session.id': 'sess-1', ...attributes },
    value,
    count: null,
    sum: null,
    min: null,
    max: null,
    bucketCounts: [],
    explicitBounds: [],
  };
}
