// OTLP/protobuf request bodies → the internal shape.
//
// The reference path: protobufjs decodes the binary message, convert() rewrites
// it into the OTLP/JSON shape (hex ids, int64 as numbers or decimal strings,
// bytes as base64) and it goes through the same ./normalize.ts as JSON bodies, so
// both encodings agree. Metrics always take it.
//
// Logs and traces, the listener's hot path (every request is decoded before it is
// acknowledged), take ./protobufWire.ts instead, which produces the same result
// in a single pass: the JSON-shaped tree cost three times the protobufjs decode
// itself. Anything unusual sends it back to the reference path, so results and
// errors stay those of the reference path; test/unit/otlp/protobufWire.test.ts
// holds the two to that on generated bodies.

import { util } from 'protobufjs/light';
import { DEFAULT_LIMITS, normalizeRequest, type NormalizeLimits } from './normalize';
import { decodeWire, int64ToJson } from './protobufWire';
import { SIGNAL_TYPES } from './protoSchema';
import { OtlpDecodeError, type DecodedBatch, type Signal } from './types';

/** bytes fields that OTLP/JSON writes as hex; every other bytes field is base64. */
const HEX_ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** protobufjs decodes 64-bit fields as long.js instances (it bundles long.js). */
interface LongBits {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
}

const LongClass = util.Long as unknown as { isLong(v: unknown): v is LongBits } | null;
// Without long.js protobufjs would hand out lossy numbers for 64-bit timestamps.
if (!LongClass) throw new Error('protobufjs was loaded without long.js: 64-bit integers would lose precision');
const isLong = LongClass.isLong.bind(LongClass);


function longToJson(v: LongBits): number | string {
  return int64ToJson(v.unsigned ? v.high >>> 0 : v.high, v.low >>> 0);
}

/**
 * Rewrites a decoded message into plain OTLP/JSON objects. Only fields present on
 * the wire are own properties of a protobufjs message (defaults live on its
 * prototype), so Object.keys yields exactly what was sent. Enums are already
 * numbers. Nesting is bounded by protobufjs while decoding (Reader.recursionLimit).
 * This generic walk measured as fast as per-type plans keyed by field name.
 */
function convert(v: unknown, key: string): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = convert(v[i], key);
    return out;
  }
  if (v instanceof Uint8Array) {
    const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    return HEX_ID_FIELDS.has(key) ? b.toString('hex') : b.toString('base64');
  }
  if (isLong(v)) return longToJson(v);
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(src);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const c = convert(src[k], k);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

/** Decodes a binary Export*ServiceRequest into the OTLP/JSON shape, without normalising it. */
export function protobufToOtlpJson(signal: Signal, body: Uint8Array): Record<string, unknown> {
  let decoded: unknown;
  try {
    decoded = SIGNAL_TYPES[signal].request.decode(body);
  } catch (err) {
    throw new OtlpDecodeError(`the protobuf body does not decode: ${(err as Error).message.slice(0, 200)}`);
  }
  return convert(decoded, '') as Record<string, unknown>;
}

export function decodeProtobuf(signal: Signal, body: Uint8Array, limits: NormalizeLimits = DEFAULT_LIMITS): DecodedBatch {
  if (signal !== 'metrics') {
    try {
      return decodeWire(signal, body, limits);
    } catch {
      // WireFallback, or anything unforeseen: the reference path decides, and words any error, as it always has.
    }
  }
  return normalizeRequest(signal, protobufToOtlpJson(signal, body), limits);
}
