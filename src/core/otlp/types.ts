// The one internal OTLP shape that both decoders (JSON and protobuf) produce.
// Only the decoders know about wire quirks; everything downstream reads this.

export type Signal = 'logs' | 'metrics' | 'traces';

export const SIGNALS: readonly Signal[] = ['logs', 'metrics', 'traces'];

/**
 * An OTLP AnyValue after normalisation. int64 values become numbers when they
 * are safe integers and decimal strings otherwise; bytes become base64 strings;
 * an empty AnyValue (`{}`, sent by Gemini CLI for undefined attributes) is dropped
 * from attribute maps rather than represented.
 */
export type AnyValue = string | number | boolean | null | readonly AnyValue[] | { readonly [key: string]: AnyValue };

export type Attributes = Record<string, AnyValue>;

export interface Resource {
  readonly attributes: Attributes;
}

export interface Scope {
  readonly name: string;
  readonly version: string;
  readonly attributes: Attributes;
}

/** Nanoseconds since the epoch as a decimal string; "0" when the sender left it unset. */
export type UnixNanos = string;

export interface LogRecord {
  readonly resource: Resource;
  readonly scope: Scope;
  readonly timeUnixNano: UnixNanos;
  readonly observedTimeUnixNano: UnixNanos;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: AnyValue;
  readonly attributes: Attributes;
  readonly flags: number;
  /** Lowercase hex, or "" when absent (Codex sends "" outside spans). */
  readonly traceId: string;
  readonly spanId: string;
  /** LogRecord.event_name (field 12); "" when unset. Codex puts a call-site string here. */
  readonly eventName: string;
}

export interface SpanEvent {
  readonly timeUnixNano: UnixNanos;
  readonly name: string;
  readonly attributes: Attributes;
}

export interface SpanLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: Attributes;
}

export interface Span {
  readonly resource: Resource;
  readonly scope: Scope;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly traceState: string;
  readonly name: string;
  /** SpanKind enum value (0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer). */
  readonly kind: number;
  readonly startTimeUnixNano: UnixNanos;
  readonly endTimeUnixNano: UnixNanos;
  readonly attributes: Attributes;
  readonly events: readonly SpanEvent[];
  readonly links: readonly SpanLink[];
  /** Status code: 0 unset, 1 ok, 2 error. */
  readonly status: { readonly code: number; readonly message: string };
  readonly flags: number;
}

export type MetricType = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';

export const TEMPORALITY_DELTA = 1;
export const TEMPORALITY_CUMULATIVE = 2;

export interface MetricPoint {
  readonly resource: Resource;
  readonly scope: Scope;
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly type: MetricType;
  /** AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative. */
  readonly temporality: number;
  readonly isMonotonic: boolean;
  readonly startTimeUnixNano: UnixNanos;
  readonly timeUnixNano: UnixNanos;
  readonly attributes: Attributes;
  /** asDouble / asInt for gauge and sum points; null for distributions. */
  readonly value: number | null;
  readonly count: number | null;
  readonly sum: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly bucketCounts: readonly number[];
  readonly explicitBounds: readonly number[];
}

export type DecodedBatch =
  | { readonly signal: 'logs'; readonly records: readonly LogRecord[]; readonly rejected: number; readonly errors: readonly string[] }
  | { readonly signal: 'metrics'; readonly points: readonly MetricPoint[]; readonly rejected: number; readonly errors: readonly string[] }
  | { readonly signal: 'traces'; readonly spans: readonly Span[]; readonly rejected: number; readonly errors: readonly string[] };

/** How many records (log records, data points, spans) a batch carries. */
export function recordCount(batch: DecodedBatch): number {
  switch (batch.signal) {
    case 'logs':
      return batch.records.length;
    case 'metrics':
      return batch.points.length;
    case 'traces':
      return batch.spans.length;
  }
}

/** Thrown by a decoder when a body cannot be decoded at all (the listener answers 400). */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}
