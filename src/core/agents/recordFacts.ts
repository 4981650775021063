// What can be said about any OTLP record without knowing its agent: its name,
// session, prompt and time. The raw-record table indexes these for every record,
// including those no adapter understands.

import type { Attributes, LogRecord, MetricPoint, Span, UnixNanos } from '../otlp/types';
import { firstText } from './attributes';

export interface RecordFacts {
  readonly name: string | null;
  readonly sessionId: string | null;
  readonly promptId: string | null;
  readonly timeMs: number | null;
}

/** Nanoseconds (decimal string) → milliseconds; null when unset ("0"). */
export function nanosToMs(nanos: UnixNanos): number | null {
  if (nanos === '' || nanos === '0') return null;
  if (nanos.length <= 6) return 0;
  return Number(nanos.slice(0, -6));
}

/** Log time: timeUnixNano, else observedTimeUnixNano (Codex sends 0), else the `event.timestamp` attribute. */
export function logTimeMs(record: LogRecord): number | null {
  const t = nanosToMs(record.timeUnixNano) ?? nanosToMs(record.observedTimeUnixNano);
  if (t !== null) return t;
  const stamp = record.attributes['event.timestamp'];
  if (typeof stamp === 'string') {
    const parsed = Date.parse(stamp);
    if (!Number.isNaN(parsed)) return parsed;
  }
  return null;
}

// Codex puts a source location in LogRecord.eventName ("event otel/src/…:1225").
const DOTTED_NAME = /^[A-Za-z_][\w-]*(?:\.[\w-]+)+$/;

/** The event name: eventName when it looks like a name, else the `event.name` attribute, else a short body string. */
export function logEventName(record: LogRecord): string | null {
  if (DOTTED_NAME.test(record.eventName)) return record.eventName;
  const attr = record.attributes['event.name'];
  if (typeof attr === 'string' && attr !== '') return attr;
  if (typeof record.body === 'string' && record.body.length <= 200 && DOTTED_NAME.test(record.body)) return record.body;
  return null;
}

const SESSION_KEYS = ['session.id', 'conversation.id', 'gen_ai.conversation.id'] as const;
const PROMPT_KEYS = ['prompt.id', 'prompt_id'] as const;

function sessionOf(attrs: Attributes, resource: Attributes): string | null {
  return firstText(attrs, ...SESSION_KEYS) ?? firstText(resource, ...SESSION_KEYS);
}

export function logFacts(record: LogRecord): RecordFacts {
  return {
    name: logEventName(record),
    sessionId: sessionOf(record.attributes, record.resource.attributes),
    promptId: firstText(record.attributes, ...PROMPT_KEYS),
    timeMs: logTimeMs(record),
  };
}

export function spanFacts(span: Span): RecordFacts {
  return {
    name: span.name || null,
    sessionId: sessionOf(span.attributes, span.resource.attributes),
    promptId: firstText(span.attributes, ...PROMPT_KEYS),
    timeMs: nanosToMs(span.startTimeUnixNano),
  };
}

export function metricFacts(point: MetricPoint): RecordFacts {
  return {
    name: point.name || null,
    sessionId: sessionOf(point.attributes, point.resource.attributes),
    promptId: null,
    timeMs: nanosToMs(point.timeUnixNano) ?? nanosToMs(point.startTimeUnixNano),
  };
}
