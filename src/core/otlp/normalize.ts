// Turns an OTLP/JSON-shaped object (a parsed JSON body, or a protobuf message
// converted to the same shape) into the internal shape of ./types.ts.
//
// Tolerant where real agents deviate (see TELEMETRY.md §7.5 and §8.6): int64 as
// JSON number or string, empty AnyValues, empty ids, zero timestamps, enum names
// instead of numbers. Strict where the data cannot be trusted: a record whose ids
// are not hex is refused (counted in `rejected`), a body whose top level is not an
// export request is an OtlpDecodeError.

import type {
  AnyValue,
  Attributes,
  DecodedBatch,
  LogRecord,
  MetricPoint,
  MetricType,
  Resource,
  Scope,
  Signal,
  Span,
  SpanEvent,
  SpanLink,
} from './types';
import { OtlpDecodeError } from './types';

export interface NormalizeLimits {
  /** Longer string values are cut and marked; the verbatim body stays in the journal. */
  readonly maxStringLength: number;
  /** Records beyond this count in one request are refused (reported as partial success). */
  readonly maxRecordsPerRequest: number;
  /** Nesting depth of array/kvlist values kept; deeper values become null. */
  readonly maxValueDepth: number;
}

export const DEFAULT_LIMITS: NormalizeLimits = {
  maxStringLength: 256 * 1024,
  maxRecordsPerRequest: 200_000,
  maxValueDepth: 16,
};

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Per-record problems are thrown as this and turned into a rejection count. */
export class RecordError extends Error {}

function arr(v: unknown, what: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OtlpDecodeError(`${what} must be an array`);
  return v;
}

function recArr(v: unknown, what: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new RecordError(`${what} must be an array`);
  return v;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function int(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return 0;
}

const NANOS = /^\d{1,20}$/;

/** Timestamps arrive as JSON numbers or decimal strings; anything else counts as unset. */
function nanos(v: unknown): string {
  if (typeof v === 'string') {
    if (!NANOS.test(v)) return '0';
    const trimmed = v.replace(/^0+(?=\d)/, '');
    return trimmed;
  }
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.trunc(v)).toString();
  if (typeof v === 'bigint' && v >= 0n) return v.toString();
  return '0';
}

function enumValue(v: unknown, names: Readonly<Record<string, number>>): number {
  if (typeof v === 'number') return Number.isInteger(v) ? v : 0;
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return Number(v);
    return names[v] ?? 0;
  }
  return 0;
}

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const TEMPORALITIES: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * OTLP/JSON ids are hex (case-insensitive). Some non-conforming senders use the
 * proto3 default (base64); accept that when it decodes to the right length.
 */
export function id(v: unknown, bytes: number, what: string): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string') throw new RecordError(`${what} must be a hex string`);
  if (v.length === bytes * 2 && HEX.test(v)) return v.toLowerCase();
  if (BASE64.test(v)) {
    const raw = Buffer.from(v, 'base64');
    if (raw.length === bytes) return raw.toString('hex');
  }
  throw new RecordError(`${what} is not ${bytes * 2} hex digits`);
}

export function cut(s: string, limits: NormalizeLimits): string {
  if (s.length <= limits.maxStringLength) return s;
  return `${s.slice(0, limits.maxStringLength)}…[truncated ${s.length - limits.maxStringLength} chars]`;
}

function int64(v: unknown): number | string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v.replace(/^(-?)0+(?=\d)/, '$1');
  }
  if (typeof v === 'bigint') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v.toString();
  }
  return undefined;
}

function double(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
    const n = Number(v);
    return v.trim() !== '' && !Number.isNaN(n) ? n : undefined;
  }
  return undefined;
}

/** Returns undefined for an empty or unintelligible AnyValue. */
function anyValue(v: unknown, limits: NormalizeLimits, depth: number): AnyValue | undefined {
  if (!isObj(v)) return undefined;
  if ('stringValue' in v && v.stringValue !== undefined && v.stringValue !== null) return cut(str(v.stringValue), limits);
  if ('boolValue' in v && v.boolValue !== undefined && v.boolValue !== null) {
    return v.boolValue === true || v.boolValue === 'true';
  }
  if ('intValue' in v && v.intValue !== undefined && v.intValue !== null) return int64(v.intValue);
  if ('doubleValue' in v && v.doubleValue !== undefined && v.doubleValue !== null) return double(v.doubleValue);
  if ('bytesValue' in v && v.bytesValue !== undefined && v.bytesValue !== null) return cut(str(v.bytesValue), limits);
  if ('arrayValue' in v && isObj(v.arrayValue)) {
    if (depth >= limits.maxValueDepth) return null;
    const values = Array.isArray(v.arrayValue.values) ? v.arrayValue.values : [];
    return values.map((x) => anyValue(x, limits, depth + 1) ?? null);
  }
  if ('kvlistValue' in v && isObj(v.kvlistValue)) {
    if (depth >= limits.maxValueDepth) return null;
    return attributes(v.kvlistValue.values, limits, depth + 1);
  }
  return undefined;
}

/**
 * Sets an attribute as an own property whatever its key: an agent may send the
 * key "__proto__", and a plain assignment would make its value the map's
 * prototype, so that lookups of keys the record never sent (`prompt.id`, say)
 * would answer from it.
 */
export function setAttribute(out: Attributes, key: string, value: AnyValue): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function attributes(v: unknown, limits: NormalizeLimits, depth = 0): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(v)) return out;
  for (const kv of v) {
    if (!isObj(kv) || typeof kv.key !== 'string') continue;
    const value = anyValue(kv.value, limits, depth);
    if (value !== undefined) setAttribute(out, kv.key, value);
  }
  return out;
}

function resource(v: unknown, limits: NormalizeLimits): Resource {
  return { attributes: isObj(v) ? attributes(v.attributes, limits) : {} };
}

function scope(v: unknown, limits: NormalizeLimits): Scope {
  if (!isObj(v)) return { name: '', version: '', attributes: {} };
  return { name: str(v.name), version: str(v.version), attributes: attributes(v.attributes, limits) };
}

/** Collects per-record refusals without losing the rest of the batch. */
export class Tally {
  rejected = 0;
  readonly errors: string[] = [];
  accepted = 0;
  constructor(private readonly limits: NormalizeLimits) {}
  /** Runs `fn` for one record; false when the record was refused. */
  take<T>(fn: () => T, out: T[]): void {
    if (this.accepted >= this.limits.maxRecordsPerRequest) {
      this.refuse(`more than ${this.limits.maxRecordsPerRequest} records in one request`);
      return;
    }
    try {
      out.push(fn());
      this.accepted++;
    } catch (err) {
      if (!(err instanceof RecordError)) throw err;
      this.refuse(err.message);
    }
  }
  refuse(message: string): void {
    this.rejected++;
    if (this.errors.length < 5 && !this.errors.includes(message)) this.errors.push(message);
  }
}

function requireObject(body: unknown): Obj {
  if (!isObj(body)) throw new OtlpDecodeError('an export request must be a JSON object');
  return body;
}

function logs(body: Obj, limits: NormalizeLimits): DecodedBatch {
  const records: LogRecord[] = [];
  const tally = new Tally(limits);
  for (const rl of arr(body.resourceLogs, 'resourceLogs')) {
    if (!isObj(rl)) throw new OtlpDecodeError('resourceLogs entries must be objects');
    const res = resource(rl.resource, limits);
    for (const sl of arr(rl.scopeLogs, 'scopeLogs')) {
      if (!isObj(sl)) throw new OtlpDecodeError('scopeLogs entries must be objects');
      const sc = scope(sl.scope, limits);
      for (const lr of arr(sl.logRecords, 'logRecords')) {
        tally.take(() => {
          if (!isObj(lr)) throw new RecordError('a log record must be an object');
          return {
            resource: res,
            scope: sc,
            timeUnixNano: nanos(lr.timeUnixNano),
            observedTimeUnixNano: nanos(lr.observedTimeUnixNano),
            severityNumber: int(lr.severityNumber),
            severityText: str(lr.severityText),
            body: anyValue(lr.body, limits, 0) ?? null,
            attributes: attributes(lr.attributes, limits),
            flags: int(lr.flags),
            traceId: id(lr.traceId, 16, 'traceId'),
            spanId: id(lr.spanId, 8, 'spanId'),
            eventName: str(lr.eventName),
          };
        }, records);
      }
    }
  }
  return { signal: 'logs', records, rejected: tally.rejected, errors: tally.errors };
}

function spanEvent(v: unknown, limits: NormalizeLimits): SpanEvent {
  if (!isObj(v)) throw new RecordError('a span event must be an object');
  return { timeUnixNano: nanos(v.timeUnixNano), name: str(v.name), attributes: attributes(v.attributes, limits) };
}

function spanLink(v: unknown, limits: NormalizeLimits): SpanLink {
  if (!isObj(v)) throw new RecordError('a span link must be an object');
  return { traceId: id(v.traceId, 16, 'link traceId'), spanId: id(v.spanId, 8, 'link spanId'), attributes: attributes(v.attributes, limits) };
}

function traces(body: Obj, limits: NormalizeLimits): DecodedBatch {
  const spans: Span[] = [];
  const tally = new Tally(limits);
  for (const rs of arr(body.resourceSpans, 'resourceSpans')) {
    if (!isObj(rs)) throw new OtlpDecodeError('resourceSpans entries must be objects');
    const res = resource(rs.resource, limits);
    for (const ss of arr(rs.scopeSpans, 'scopeSpans')) {
      if (!isObj(ss)) throw new OtlpDecodeError('scopeSpans entries must be objects');
      const sc = scope(ss.scope, limits);
      for (const s of arr(ss.spans, 'spans')) {
        tally.take(() => {
          if (!isObj(s)) throw new RecordError('a span must be an object');
          const status = isObj(s.status) ? s.status : {};
          const traceId = id(s.traceId, 16, 'traceId');
          const spanId = id(s.spanId, 8, 'spanId');
          if (traceId === '' || spanId === '') throw new RecordError('a span needs a traceId and a spanId');
          return {
            resource: res,
            scope: sc,
            traceId,
            spanId,
            parentSpanId: id(s.parentSpanId, 8, 'parentSpanId'),
            traceState: str(s.traceState),
            name: str(s.name),
            kind: enumValue(s.kind, SPAN_KINDS),
            startTimeUnixNano: nanos(s.startTimeUnixNano),
            endTimeUnixNano: nanos(s.endTimeUnixNano),
            attributes: attributes(s.attributes, limits),
            events: recArr(s.events, 'events').map((e) => spanEvent(e, limits)),
            links: recArr(s.links, 'links').map((l) => spanLink(l, limits)),
            status: { code: enumValue(status.code, STATUS_CODES), message: str(status.message) },
            flags: int(s.flags),
          };
        }, spans);
      }
    }
  }
  return { signal: 'traces', spans, rejected: tally.rejected, errors: tally.errors };
}

const METRIC_TYPES: readonly MetricType[] = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'];

function numbers(v: unknown): number[] {
  if (!Array.isArray(v)) return [];
  return v.map((x) => double(x) ?? 0);
}

function metrics(body: Obj, limits: NormalizeLimits): DecodedBatch {
  const points: MetricPoint[] = [];
  const tally = new Tally(limits);
  for (const rm of arr(body.resourceMetrics, 'resourceMetrics')) {
    if (!isObj(rm)) throw new OtlpDecodeError('resourceMetrics entries must be objects');
    const res = resource(rm.resource, limits);
    for (const sm of arr(rm.scopeMetrics, 'scopeMetrics')) {
      if (!isObj(sm)) throw new OtlpDecodeError('scopeMetrics entries must be objects');
      const sc = scope(sm.scope, limits);
      for (const m of arr(sm.metrics, 'metrics')) {
        if (!isObj(m)) {
          tally.refuse('a metric must be an object');
          continue;
        }
        const type = METRIC_TYPES.find((t) => isObj(m[t]));
        if (!type) {
          tally.refuse(`metric ${str(m.name) || '(unnamed)'} has no data`);
          continue;
        }
        const data = m[type] as Obj;
        const temporality = enumValue(data.aggregationTemporality, TEMPORALITIES);
        const isMonotonic = data.isMonotonic === true;
        const dataPoints = Array.isArray(data.dataPoints) ? data.dataPoints : [];
        for (const p of dataPoints) {
          tally.take(() => {
            if (!isObj(p)) throw new RecordError('a data point must be an object');
            const value = type === 'gauge' || type === 'sum' ? (double(p.asDouble) ?? (() => {
              const i = int64(p.asInt);
              return typeof i === 'number' ? i : i === undefined ? undefined : Number(i);
            })() ?? null) : null;
            return {
              resource: res,
              scope: sc,
              name: str(m.name),
              description: str(m.description),
              unit: str(m.unit),
              type,
              temporality,
              isMonotonic,
              startTimeUnixNano: nanos(p.startTimeUnixNano),
              timeUnixNano: nanos(p.timeUnixNano),
              attributes: attributes(p.attributes, limits),
              value,
              count: p.count === undefined ? null : (double(p.count) ?? null),
              sum: p.sum === undefined ? null : (double(p.sum) ?? null),
              min: p.min === undefined ? null : (double(p.min) ?? null),
              max: p.max === undefined ? null : (double(p.max) ?? null),
              bucketCounts: numbers(p.bucketCounts),
              explicitBounds: numbers(p.explicitBounds),
            };
          }, points);
        }
      }
    }
  }
  return { signal: 'metrics', points, rejected: tally.rejected, errors: tally.errors };
}

/** Normalises one export request of the given signal. */
export function normalizeRequest(signal: Signal, body: unknown, limits: NormalizeLimits = DEFAULT_LIMITS): DecodedBatch {
  const obj = requireObject(body);
  switch (signal) {
    case 'logs':
      return logs(obj, limits);
    case 'metrics':
      return metrics(obj, limits);
    case 'traces':
      return traces(obj, limits);
  }
}
