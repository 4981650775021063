// The wire decoder for OTLP/protobuf logs and traces (see ./decodeProtobuf.ts).
// It reads the binary request straight into the internal shape, with the
// semantics of protobufjs's generated decoders
// (field by field: a known field with another wire type is skipped as unknown,
// the last scalar wins, a proto3 default equals absence) followed by convert()
// and normalize. Whatever it does not handle exactly like that, it refuses with
// WireFallback and the reference path decides: malformed bodies (so every error
// keeps protobufjs's wording), a singular message sent twice (protobufjs merges),
// two members of one AnyValue, groups, over-long varints, invalid UTF-8, deep
// nesting.

import { cut, DEFAULT_LIMITS, id, RecordError, setAttribute, Tally, type NormalizeLimits } from './normalize';
import type { AnyValue, Attributes, DecodedBatch, LogRecord, Resource, Scope, Span, SpanEvent } from './types';

const TWO_32 = 4294967296;

/** int64 → number when exact, else a decimal string (OTLP/JSON accepts both). */
export function int64ToJson(hi: number, lo: number): number | string {
  // |value| < 2^53: the number is exact.
  if (hi <= 0x1fffff && hi >= -0x200000) return hi * TWO_32 + lo;
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}


/** The wire decoder's refusal; decodeProtobuf then takes the reference path. */
export class WireFallback {}
const FALLBACK = new WireFallback();

/** protobufjs refuses more than 100 nested messages; bodies nested this deep are hostile, leave them to it. */
const MAX_MESSAGE_DEPTH = 64;

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

/** protobufjs's stringVerify: invalid UTF-8 makes the body undecodable. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

type Utf8Slicer = (buf: Buffer, start: number, end: number) => string;
// Buffer#utf8Slice skips toString()'s argument handling (protobufjs uses it too); toString where absent.
const utf8Slice: Utf8Slicer =
  typeof (Buffer.prototype as { utf8Slice?: unknown }).utf8Slice === 'function'
    ? (buf, start, end) => (buf as Buffer & { utf8Slice(start: number, end: number): string }).utf8Slice(start, end)
    : (buf, start, end) => buf.toString('utf8', start, end);

/**
 * Short strings seen lately, by a hash of their bytes. Attribute keys, session and
 * user ids, event names repeat in every record: comparing the bytes with a cached
 * string costs less than decoding a new one (a native call and an allocation);
 * it took the Claude Code log path from ~5 to ~3 µs/record. Only ASCII strings
 * are kept (valid UTF-8 with as many characters as bytes), so comparing char codes
 * with bytes is exact. The slot hashes length and three bytes; a clash only misses.
 */
const RECENT = new Array<string>(4096).fill('');
const RECENT_MAX_LENGTH = 128;

/** A string field's bytes, decoded as protobufjs's stringVerify does (which refuses invalid UTF-8). */
function utf8(buf: Buffer, start: number, end: number): string {
  const length = end - start;
  if (length > RECENT_MAX_LENGTH) return checkedUtf8(buf, start, end);
  const slot = (length * 31 + (buf[start] as number) * 7 + (buf[end - 1] as number) * 13 + (buf[start + (length >> 1)] as number)) & 4095;
  const cached = RECENT[slot] as string;
  if (cached.length === length) {
    let i = 0;
    while (i < length && cached.charCodeAt(i) === buf[start + i]) i++;
    if (i === length) return cached;
  }
  const s = checkedUtf8(buf, start, end);
  if (s.length === length) RECENT[slot] = s;
  return s;
}

function checkedUtf8(buf: Buffer, start: number, end: number): string {
  const s = utf8Slice(buf, start, end);
  // Buffer decoding replaces invalid UTF-8 with U+FFFD; protobufjs refuses it.
  if (s.indexOf('\uFFFD') !== -1) {
    try {
      strictUtf8.decode(buf.subarray(start, end));
    } catch {
      throw FALLBACK;
    }
  }
  return s;
}

class Wire {
  pos = 0;
  /** The last varint64()/fixed64(), as the halves of protobufjs's LongBits (unsigned). */
  lo = 0;
  hi = 0;

  constructor(readonly buf: Buffer) {}

  /** A tag or a length: at most 5 bytes, the 5th at most `max5`, as Reader.tag() and Reader.size() accept. */
  private varint32(end: number, max5: number): number {
    const buf = this.buf;
    let pos = this.pos;
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw FALLBACK;
      const b = buf[pos++] as number;
      value |= (b & 127) << shift;
      if (b < 128) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    if (pos >= end) throw FALLBACK;
    const b = buf[pos++] as number;
    if (b > max5) throw FALLBACK;
    this.pos = pos;
    return (value | (b << 28)) >>> 0;
  }

  tag(end: number): number {
    const t = this.varint32(end, 15);
    // Field number 0: protobufjs throws.
    if (t < 8) throw FALLBACK;
    return t;
  }

  /** Reads a length prefix; returns where the field's bytes end (they start at `pos`). */
  sub(end: number): number {
    const length = this.varint32(end, 7);
    const e = this.pos + length;
    if (e > end) throw FALLBACK;
    return e;
  }

  /**
   * A varint of up to 10 bytes into lo/hi, bit for bit as Reader's readLongVarint.
   * Its low half is also what uint32()/int32() return, and bool() is "any bit set"
   * (a 10th byte above 1, whose bits readLongVarint drops, is refused).
   */
  varint64(end: number): void {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= end) throw FALLBACK;
    let b = buf[pos++] as number;
    let lo = b & 127;
    let hi = 0;
    for (let shift = 7; b >= 128 && shift < 28; shift += 7) {
      if (pos >= end) throw FALLBACK;
      b = buf[pos++] as number;
      lo |= (b & 127) << shift;
    }
    if (b >= 128) {
      if (pos >= end) throw FALLBACK;
      b = buf[pos++] as number;
      lo |= (b & 127) << 28;
      hi = (b & 127) >> 4;
      for (let shift = 3; b >= 128; shift += 7) {
        if (pos >= end) throw FALLBACK;
        b = buf[pos++] as number;
        if (shift === 31 && b > 1) throw FALLBACK;
        hi |= (b & 127) << shift;
      }
    }
    this.pos = pos;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  private advance(n: number, end: number): number {
    const p = this.pos;
    if (p + n > end) throw FALLBACK;
    this.pos = p + n;
    return p;
  }

  fixed32(end: number): number {
    const p = this.advance(4, end);
    const buf = this.buf;
    return ((buf[p] as number) | ((buf[p + 1] as number) << 8) | ((buf[p + 2] as number) << 16) | ((buf[p + 3] as number) << 24)) >>> 0;
  }

  fixed64(end: number): void {
    this.lo = this.fixed32(end);
    this.hi = this.fixed32(end);
  }

  double(end: number): number {
    return this.buf.readDoubleLE(this.advance(8, end));
  }

  /** A bytes field: returns where its bytes start; they end at the new `pos`. */
  bytes(end: number): number {
    const e = this.sub(end);
    const start = this.pos;
    this.pos = e;
    return start;
  }

  string(end: number): string {
    const start = this.bytes(end);
    return start === this.pos ? '' : utf8(this.buf, start, this.pos);
  }

  /** An unknown field (or a known one with another wire type), as Reader.skipType minus groups. */
  skip(wireType: number, end: number): void {
    switch (wireType) {
      case VARINT:
        this.varint64(end);
        return;
      case I64:
        this.advance(8, end);
        return;
      case LEN:
        this.pos = this.sub(end);
        return;
      case I32:
        this.advance(4, end);
        return;
      default:
        throw FALLBACK;
    }
  }
}

/**
 * An unsigned 64-bit timestamp as the decimal string normalize's nanos() makes of
 * it. Real timestamps (~1.7e18) exceed 2^53; this split into two exact halves,
 * v = (hi·429496 + ⌊low/10^4⌋)·10^4 + low mod 10^4 with low = hi·7296 + lo,
 * costs less than BigInt formatting.
 */
export function u64ToDecimal(lo: number, hi: number): string {
  if (hi <= 0x1fffff) return String(hi * TWO_32 + lo);
  const low = hi * 7296 + lo; // < 2^45
  const top = hi * 429496 + Math.floor(low / 10000); // < 2^51
  const rest = low % 10000;
  return `${top}${rest < 10 ? '000' : rest < 100 ? '00' : rest < 1000 ? '0' : ''}${rest}`;
}

/** normalize's id() of the hex convert() writes; a well-sized id needs no checking. */
function idAt(buf: Buffer, start: number, end: number, bytes: number, what: string): string {
  if (start === end) return '';
  const hex = buf.toString('hex', start, end);
  return end - start === bytes ? hex : id(hex, bytes, what);
}

/** AnyValue members by field number: string, bool, int, double, array, kvlist, bytes. */
const ANY_VALUE_WIRE_TYPES: readonly (number | undefined)[] = [undefined, LEN, VARINT, VARINT, I64, LEN, LEN, LEN];

/**
 * An AnyValue as normalize's anyValue() renders it (undefined when empty). `q` is
 * protobufjs's message depth, `depth` normalize's value depth.
 */
function anyValue(w: Wire, end: number, q: number, limits: NormalizeLimits, depth: number): AnyValue | undefined {
  if (q > MAX_MESSAGE_DEPTH) throw FALLBACK;
  let value: AnyValue | undefined;
  let seen = false;
  while (w.pos < end) {
    const t = w.tag(end);
    const wt = t & 7;
    const field = t >>> 3;
    // A known member with another wire type is an unknown field to protobufjs: skipped.
    if (ANY_VALUE_WIRE_TYPES[field] !== wt) {
      w.skip(wt, end);
      continue;
    }
    // Two members (a oneof set twice): protobufjs keeps the last, convert() sees both; leave it to them.
    if (seen) throw FALLBACK;
    seen = true;
    switch (field) {
      case 1:
        value = cut(w.string(end), limits);
        break;
      case 2:
        w.varint64(end);
        value = (w.lo | w.hi) !== 0;
        break;
      case 3:
        w.varint64(end);
        value = int64ToJson(w.hi | 0, w.lo);
        break;
      case 4:
        value = w.double(end);
        break;
      case 5: {
        const values = arrayValue(w, w.sub(end), q + 1, limits, depth + 1);
        // normalize does not descend past maxValueDepth, but protobufjs has decoded (and checked) it all.
        value = depth >= limits.maxValueDepth ? null : values;
        break;
      }
      case 6: {
        const values = keyValueList(w, w.sub(end), q + 1, limits, depth + 1);
        value = depth >= limits.maxValueDepth ? null : values;
        break;
      }
      case 7: {
        const start = w.bytes(end);
        value = cut(w.buf.toString('base64', start, w.pos), limits);
        break;
      }
    }
  }
  return value;
}

function arrayValue(w: Wire, end: number, q: number, limits: NormalizeLimits, depth: number): AnyValue[] {
  const out: AnyValue[] = [];
  while (w.pos < end) {
    const t = w.tag(end);
    if (t === ((1 << 3) | LEN)) out.push(anyValue(w, w.sub(end), q + 1, limits, depth) ?? null);
    else w.skip(t & 7, end);
  }
  return out;
}

function keyValueList(w: Wire, end: number, q: number, limits: NormalizeLimits, depth: number): Attributes {
  const out: Attributes = {};
  while (w.pos < end) {
    const t = w.tag(end);
    if (t === ((1 << 3) | LEN)) keyValue(w, w.sub(end), q + 1, limits, depth, out);
    else w.skip(t & 7, end);
  }
  return out;
}

/** Adds one KeyValue to `out` as normalize's attributes() does: key-less (proto3: empty key) or empty values are skipped. */
function keyValue(w: Wire, end: number, q: number, limits: NormalizeLimits, depth: number, out: Attributes): void {
  let key = '';
  let value: AnyValue | undefined;
  let seen = false;
  while (w.pos < end) {
    const t = w.tag(end);
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        if (wt !== LEN) break;
        key = w.string(end);
        continue;
      case 2:
        if (wt !== LEN) break;
        if (seen) throw FALLBACK;
        seen = true;
        value = anyValue(w, w.sub(end), q + 1, limits, depth);
        continue;
    }
    w.skip(wt, end);
  }
  if (key !== '' && value !== undefined) setAttribute(out, key, value);
}

// dropped*Count fields are not read: skipping a varint accepts the same bytes as reading one.

function resource(w: Wire, end: number, q: number, limits: NormalizeLimits): Resource {
  const attributes: Attributes = {};
  while (w.pos < end) {
    const t = w.tag(end);
    if (t === ((1 << 3) | LEN)) keyValue(w, w.sub(end), q + 1, limits, 0, attributes);
    else if (t === ((3 << 3) | LEN)) entityRef(w, w.sub(end));
    else w.skip(t & 7, end);
  }
  return { attributes };
}

/** Resource.entity_refs: dropped by normalize, but its strings must be valid UTF-8 for protobufjs. */
function entityRef(w: Wire, end: number): void {
  while (w.pos < end) {
    const t = w.tag(end);
    if (t >>> 3 <= 4 && (t & 7) === LEN) w.string(end);
    else w.skip(t & 7, end);
  }
}

function scope(w: Wire, end: number, q: number, limits: NormalizeLimits): Scope {
  let name = '';
  let version = '';
  const attributes: Attributes = {};
  while (w.pos < end) {
    const t = w.tag(end);
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        if (wt !== LEN) break;
        name = w.string(end);
        continue;
      case 2:
        if (wt !== LEN) break;
        version = w.string(end);
        continue;
      case 3:
        if (wt !== LEN) break;
        keyValue(w, w.sub(end), q + 1, limits, 0, attributes);
        continue;
    }
    w.skip(wt, end);
  }
  return { name, version, attributes };
}

/**
 * Resource{Logs,Spans} and Scope{Logs,Spans}: `head` (field 1, the resource or
 * scope) may follow the records on the wire, so a first pass reads it (and checks
 * schema_url, field 3), a second pass hands each record (field 2) to `each`.
 */
function container<H>(w: Wire, end: number, readHead: (e: number) => H, head: H, each: (e: number, head: H) => void): void {
  const start = w.pos;
  let seen = false;
  while (w.pos < end) {
    const t = w.tag(end);
    if (t === ((1 << 3) | LEN)) {
      if (seen) throw FALLBACK;
      seen = true;
      head = readHead(w.sub(end));
    } else if (t === ((3 << 3) | LEN)) w.string(end);
    else w.skip(t & 7, end);
  }
  w.pos = start;
  while (w.pos < end) {
    const t = w.tag(end);
    if (t === ((2 << 3) | LEN)) each(w.sub(end), head);
    else w.skip(t & 7, end);
  }
}

/** The request's field 1, each Resource{Logs,Spans}. */
function eachResource(w: Wire, each: (end: number) => void): void {
  const end = w.buf.length;
  while (w.pos < end) {
    const t = w.tag(end);
    if (t === ((1 << 3) | LEN)) each(w.sub(end));
    else w.skip(t & 7, end);
  }
}

function logRecord(w: Wire, end: number, limits: NormalizeLimits, res: Resource, sc: Scope, tally: Tally, records: LogRecord[]): void {
  const q = 3; // request, ResourceLogs, ScopeLogs, LogRecord
  let timeLo = 0;
  let timeHi = 0;
  let observedLo = 0;
  let observedHi = 0;
  let severityNumber = 0;
  let severityText = '';
  let body: AnyValue = null;
  let seenBody = false;
  const attributes: Attributes = {};
  let flags = 0;
  let traceStart = 0;
  let traceEnd = 0;
  let spanStart = 0;
  let spanEnd = 0;
  let eventName = '';
  while (w.pos < end) {
    const t = w.tag(end);
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        if (wt !== I64) break;
        w.fixed64(end);
        timeLo = w.lo;
        timeHi = w.hi;
        continue;
      case 11:
        if (wt !== I64) break;
        w.fixed64(end);
        observedLo = w.lo;
        observedHi = w.hi;
        continue;
      case 2:
        if (wt !== VARINT) break;
        w.varint64(end);
        severityNumber = w.lo | 0;
        continue;
      case 3:
        if (wt !== LEN) break;
        severityText = w.string(end);
        continue;
      case 5:
        if (wt !== LEN) break;
        if (seenBody) throw FALLBACK;
        seenBody = true;
        body = anyValue(w, w.sub(end), q + 1, limits, 0) ?? null;
        continue;
      case 6:
        if (wt !== LEN) break;
        keyValue(w, w.sub(end), q + 1, limits, 0, attributes);
        continue;
      case 8:
        if (wt !== I32) break;
        flags = w.fixed32(end);
        continue;
      case 9:
        if (wt !== LEN) break;
        traceStart = w.bytes(end);
        traceEnd = w.pos;
        continue;
      case 10:
        if (wt !== LEN) break;
        spanStart = w.bytes(end);
        spanEnd = w.pos;
        continue;
      case 12:
        if (wt !== LEN) break;
        eventName = w.string(end);
        continue;
    }
    w.skip(wt, end);
  }
  const buf = w.buf;
  tally.take(
    () => ({
      resource: res,
      scope: sc,
      timeUnixNano: u64ToDecimal(timeLo, timeHi),
      observedTimeUnixNano: u64ToDecimal(observedLo, observedHi),
      severityNumber,
      severityText,
      body,
      attributes,
      flags,
      traceId: idAt(buf, traceStart, traceEnd, 16, 'traceId'),
      spanId: idAt(buf, spanStart, spanEnd, 8, 'spanId'),
      eventName,
    }),
    records,
  );
}

function wireLogs(w: Wire, limits: NormalizeLimits): DecodedBatch {
  const records: LogRecord[] = [];
  const tally = new Tally(limits);
  eachResource(w, (rlEnd) =>
    container(w, rlEnd, (e) => resource(w, e, 2, limits), { attributes: {} }, (slEnd, res) =>
      container(w, slEnd, (e) => scope(w, e, 3, limits), { name: '', version: '', attributes: {} }, (lrEnd, sc) =>
        logRecord(w, lrEnd, limits, res, sc, tally, records),
      ),
    ),
  );
  return { signal: 'logs', records, rejected: tally.rejected, errors: tally.errors };
}

interface WireLink {
  readonly traceStart: number;
  readonly traceEnd: number;
  readonly spanStart: number;
  readonly spanEnd: number;
  readonly attributes: Attributes;
}

function spanEvent(w: Wire, end: number, q: number, limits: NormalizeLimits): SpanEvent {
  let lo = 0;
  let hi = 0;
  let name = '';
  const attributes: Attributes = {};
  while (w.pos < end) {
    const t = w.tag(end);
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        if (wt !== I64) break;
        w.fixed64(end);
        lo = w.lo;
        hi = w.hi;
        continue;
      case 2:
        if (wt !== LEN) break;
        name = w.string(end);
        continue;
      case 3:
        if (wt !== LEN) break;
        keyValue(w, w.sub(end), q + 1, limits, 0, attributes);
        continue;
    }
    w.skip(wt, end);
  }
  return { timeUnixNano: u64ToDecimal(lo, hi), name, attributes };
}

function spanLink(w: Wire, end: number, q: number, limits: NormalizeLimits): WireLink {
  let traceStart = 0;
  let traceEnd = 0;
  let spanStart = 0;
  let spanEnd = 0;
  const attributes: Attributes = {};
  while (w.pos < end) {
    const t = w.tag(end);
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        if (wt !== LEN) break;
        traceStart = w.bytes(end);
        traceEnd = w.pos;
        continue;
      case 2:
        if (wt !== LEN) break;
        spanStart = w.bytes(end);
        spanEnd = w.pos;
        continue;
      case 3: // trace_state: dropped, but checked as protobufjs does
        if (wt !== LEN) break;
        w.string(end);
        continue;
      case 4:
        if (wt !== LEN) break;
        keyValue(w, w.sub(end), q + 1, limits, 0, attributes);
        continue;
    }
    w.skip(wt, end);
  }
  return { traceStart, traceEnd, spanStart, spanEnd, attributes };
}

function spanStatus(w: Wire, end: number): { code: number; message: string } {
  let code = 0;
  let message = '';
  while (w.pos < end) {
    const t = w.tag(end);
    const wt = t & 7;
    switch (t >>> 3) {
      case 2:
        if (wt !== LEN) break;
        message = w.string(end);
        continue;
      case 3:
        if (wt !== VARINT) break;
        w.varint64(end);
        code = w.lo | 0;
        continue;
    }
    w.skip(wt, end);
  }
  return { code, message };
}

function span(w: Wire, end: number, limits: NormalizeLimits, res: Resource, sc: Scope, tally: Tally, spans: Span[]): void {
  const q = 3; // request, ResourceSpans, ScopeSpans, Span
  let traceStart = 0;
  let traceEnd = 0;
  let spanStart = 0;
  let spanEnd = 0;
  let parentStart = 0;
  let parentEnd = 0;
  let traceState = '';
  let name = '';
  let kind = 0;
  let startLo = 0;
  let startHi = 0;
  let endLo = 0;
  let endHi = 0;
  const attributes: Attributes = {};
  const events: SpanEvent[] = [];
  const links: WireLink[] = [];
  let status: { code: number; message: string } | undefined;
  let flags = 0;
  while (w.pos < end) {
    const t = w.tag(end);
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        if (wt !== LEN) break;
        traceStart = w.bytes(end);
        traceEnd = w.pos;
        continue;
      case 2:
        if (wt !== LEN) break;
        spanStart = w.bytes(end);
        spanEnd = w.pos;
        continue;
      case 3:
        if (wt !== LEN) break;
        traceState = w.string(end);
        continue;
      case 4:
        if (wt !== LEN) break;
        parentStart = w.bytes(end);
        parentEnd = w.pos;
        continue;
      case 5:
        if (wt !== LEN) break;
        name = w.string(end);
        continue;
      case 6:
        if (wt !== VARINT) break;
        w.varint64(end);
        kind = w.lo | 0;
        continue;
      case 7:
        if (wt !== I64) break;
        w.fixed64(end);
        startLo = w.lo;
        startHi = w.hi;
        continue;
      case 8:
        if (wt !== I64) break;
        w.fixed64(end);
        endLo = w.lo;
        endHi = w.hi;
        continue;
      case 9:
        if (wt !== LEN) break;
        keyValue(w, w.sub(end), q + 1, limits, 0, attributes);
        continue;
      case 11:
        if (wt !== LEN) break;
        events.push(spanEvent(w, w.sub(end), q + 1, limits));
        continue;
      case 13:
        if (wt !== LEN) break;
        links.push(spanLink(w, w.sub(end), q + 1, limits));
        continue;
      case 15:
        if (wt !== LEN) break;
        if (status !== undefined) throw FALLBACK;
        status = spanStatus(w, w.sub(end));
        continue;
      case 16:
        if (wt !== I32) break;
        flags = w.fixed32(end);
        continue;
    }
    w.skip(wt, end);
  }
  const buf = w.buf;
  // The same order of id checks as normalize, so a refused span gives the same reason.
  tally.take(() => {
    const traceId = idAt(buf, traceStart, traceEnd, 16, 'traceId');
    const spanId = idAt(buf, spanStart, spanEnd, 8, 'spanId');
    if (traceId === '' || spanId === '') throw new RecordError('a span needs a traceId and a spanId');
    return {
      resource: res,
      scope: sc,
      traceId,
      spanId,
      parentSpanId: idAt(buf, parentStart, parentEnd, 8, 'parentSpanId'),
      traceState,
      name,
      kind,
      startTimeUnixNano: u64ToDecimal(startLo, startHi),
      endTimeUnixNano: u64ToDecimal(endLo, endHi),
      attributes,
      events,
      links: links.map((l) => ({
        traceId: idAt(buf, l.traceStart, l.traceEnd, 16, 'link traceId'),
        spanId: idAt(buf, l.spanStart, l.spanEnd, 8, 'link spanId'),
        attributes: l.attributes,
      })),
      status: status ?? { code: 0, message: '' },
      flags,
    };
  }, spans);
}

function wireTraces(w: Wire, limits: NormalizeLimits): DecodedBatch {
  const spans: Span[] = [];
  const tally = new Tally(limits);
  eachResource(w, (rsEnd) =>
    container(w, rsEnd, (e) => resource(w, e, 2, limits), { attributes: {} }, (ssEnd, res) =>
      container(w, ssEnd, (e) => scope(w, e, 3, limits), { name: '', version: '', attributes: {} }, (sEnd, sc) =>
        span(w, sEnd, limits, res, sc, tally, spans),
      ),
    ),
  );
  return { signal: 'traces', spans, rejected: tally.rejected, errors: tally.errors };
}

/**
 * The wire decoder alone (exported for tests): throws WireFallback for what it
 * leaves to the reference path.
 */
export function decodeWire(signal: 'logs' | 'traces', body: Uint8Array, limits: NormalizeLimits = DEFAULT_LIMITS): DecodedBatch {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return signal === 'logs' ? wireLogs(new Wire(buf), limits) : wireTraces(new Wire(buf), limits);
}
