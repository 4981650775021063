// decodeProtobuf reads logs and traces with a hand-written wire decoder. Its
// oracle is the reference path it replaced and still falls back to: protobufjs,
// then the OTLP/JSON rendering (protobufToOtlpJson), then normalize. Both must
// agree on every body, well-formed or hostile: the same DecodedBatch, or the same
// error. Bodies are generated from the schema with a seeded PRNG, written by a
// small wire writer here so they can carry what protobufjs would never write
// (unknown fields, wrong wire types, repeated singular fields, odd varints).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Enum, type Field, type Type } from 'protobufjs/light';
import { decodeProtobuf, protobufToOtlpJson } from '../../../src/core/otlp/decodeProtobuf';
import { decodeWire, u64ToDecimal, WireFallback } from '../../../src/core/otlp/protobufWire';
import { DEFAULT_LIMITS, normalizeRequest, type NormalizeLimits } from '../../../src/core/otlp/normalize';
import { SIGNAL_TYPES } from '../../../src/core/otlp/protoSchema';
import { recordCount, type DecodedBatch } from '../../../src/core/otlp/types';
import { fixtureBody, fixtureFiles } from './helpers';

type HotSignal = 'logs' | 'traces';

/** The decoder before the wire path: protobufjs → OTLP/JSON shape → normalize. */
function reference(signal: HotSignal, body: Uint8Array, limits: NormalizeLimits): DecodedBatch {
  return normalizeRequest(signal, protobufToOtlpJson(signal, body), limits);
}

type Outcome = { readonly batch: DecodedBatch; readonly canonical: unknown } | { readonly error: string };

/**
 * A value with odd prototypes spelt out. Attribute maps are plain objects and a
 * "__proto__" key is an own property (setAttribute); should either path ever set
 * a prototype again, this shows it as a difference (deepStrictEqual compares
 * prototypes by identity, so two decodes of one body would differ anyway).
 */
function canonical(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const own = Array.isArray(v) ? v.map(canonical) : Object.fromEntries(Object.keys(v).map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === Array.prototype ? own : { own, proto: canonical(proto) };
}

function outcome(decode: () => DecodedBatch): Outcome {
  try {
    const batch = decode();
    return { batch, canonical: canonical(batch) };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

/** Whether the wire decoder handled the body itself; anything it throws must be its fallback. */
function wireHandles(signal: HotSignal, body: Uint8Array, limits: NormalizeLimits): boolean {
  try {
    decodeWire(signal, body, limits);
    return true;
  } catch (err) {
    assert.ok(err instanceof WireFallback, `the wire decoder threw ${String(err)}`);
    return false;
  }
}

function assertSame(signal: HotSignal, body: Uint8Array, limits: NormalizeLimits, what: string): Outcome {
  const expected = outcome(() => reference(signal, body, limits));
  const actual = outcome(() => decodeProtobuf(signal, body, limits));
  if ('batch' in expected && 'batch' in actual) assert.deepStrictEqual(actual.canonical, expected.canonical, what);
  else assert.deepStrictEqual(actual, expected, what);
  return expected;
}

// ---------------------------------------------------------------------------
// A seeded PRNG and a minimal protobuf writer.

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function varint(v: bigint): Buffer {
  let u = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    let b = Number(u & 0x7fn);
    u >>= 7n;
    if (u !== 0n) b |= 0x80;
    out.push(b);
  } while (u !== 0n);
  return Buffer.from(out);
}

function field(no: number, wireType: number, payload: Buffer): Buffer {
  const tag = varint(BigInt(no * 8 + wireType));
  return wireType === 2 ? Buffer.concat([tag, varint(BigInt(payload.length)), payload]) : Buffer.concat([tag, payload]);
}

function fixed(bytes: number, v: bigint): Buffer {
  const b = Buffer.alloc(bytes);
  if (bytes === 8) b.writeBigUInt64LE(BigInt.asUintN(64, v));
  else b.writeUInt32LE(Number(BigInt.asUintN(32, v)));
  return b;
}

const root = SIGNAL_TYPES.logs.request.root;
root.resolveAll();
const lookup = (name: string): Type => root.lookupType(`opentelemetry.proto.${name}`);

class Generator {
  constructor(
    private readonly rnd: () => number,
    /** 0: well-formed; higher: more unknown fields, wrong wire types, repeated singular fields. */
    public oddity: number,
  ) {}

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }

  string(): Buffer {
    if (this.chance(0.02 * this.oddity)) return this.pick([Buffer.from([0xff]), Buffer.from([0x61, 0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0x80])]);
    const s = this.pick([
      () => '',
      () => this.pick(['session.id', 'event.name', 'user.id', 'model', 'a', 'é', '__proto__', 'constructor']),
      () => 'x'.repeat(this.int(200)),
      () => `${this.pick(['', 'ab', 'abcXe', 'abcYe', 'ümlaut', '日本語', '😀', '\uFEFFbom', 'rep\uFFFDlacement'])}${this.int(5)}`,
      () => Array.from({ length: this.int(40) }, () => String.fromCharCode(32 + this.int(95))).join(''),
      () => 'y'.repeat(120 + this.int(20)),
    ])();
    return Buffer.from(s, 'utf8');
  }

  u64(): bigint {
    return this.pick([0n, 1n, 1795001440613000000n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, 0x1fffffn << 32n, 0x200000n << 32n, BigInt(this.int(2 ** 31)) * 1000003n]);
  }

  i64(): bigint {
    return this.pick([0n, 7n, -1n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 63n), 2n ** 63n - 1n, BigInt(this.int(1e9)) - 500000000n]);
  }

  /** One occurrence of `f` with a value of its type (or, oddly, of another wire type). */
  value(f: Field, budget: number): Buffer {
    if (this.chance(0.03 * this.oddity)) {
      // Any wire type, usually not the field's own: protobufjs then skips it as unknown.
      const [wireType, payload] = this.pick([[0, varint(3n)], [1, fixed(8, 9n)], [5, fixed(4, 1n)], [2, Buffer.from('zz')]] as const);
      return field(f.id, wireType, payload);
    }
    const t = f.resolvedType;
    if (t instanceof Enum || f.type === 'uint32' || f.type === 'int32') return field(f.id, 0, varint(BigInt(this.pick([0, 1, 2, 5, 9, 24, 2 ** 31, -1, -7]))));
    switch (f.type) {
      case 'string':
        return field(f.id, 2, this.string());
      case 'bytes': {
        // Mostly ids of the right size (16 bytes for trace ids, 8 for span ids), else anything.
        const size = f.name === 'traceId' ? 16 : f.name.endsWith('panId') ? 8 : 4;
        const length = this.chance(0.8) ? size : this.pick([0, 8, 16, 11, 5, 3, 24]);
        return field(f.id, 2, Buffer.from(Array.from({ length }, () => this.int(256))));
      }
      case 'fixed64':
        return field(f.id, 1, fixed(8, this.u64()));
      case 'fixed32':
        return field(f.id, 5, fixed(4, BigInt(this.pick([0, 1, 255, 2 ** 32 - 1]))));
      case 'int64':
        return field(f.id, 0, varint(this.i64()));
      case 'bool':
        // Non-canonical, and bits only in the high half: protobufjs's bool() is "any bit set".
        if (this.chance(0.1 * this.oddity)) return field(f.id, 0, this.pick([Buffer.from([0x80, 0x00]), varint(1n << 40n), varint(-1n)]));
        return field(f.id, 0, varint(BigInt(this.pick([0, 1, 2]))));
      case 'double': {
        const b = Buffer.alloc(8);
        b.writeDoubleLE(this.pick([0, -0, 1.5, -2.25e300, Number.NaN, Number.POSITIVE_INFINITY, 1 / 3, 2 ** 60]));
        return field(f.id, 1, b);
      }
    }
    assert.ok(t instanceof Object && 'fieldsArray' in t, `unhandled field type ${f.type}`);
    return field(f.id, 2, this.message(t as Type, budget - 1));
  }

  /** A random message of type `t`; `budget` bounds nesting. */
  message(t: Type, budget: number): Buffer {
    const parts: Buffer[] = [];
    const isAnyValue = t.name === 'AnyValue';
    // AnyValue: usually exactly one member, nested values while the budget lasts.
    const fields = isAnyValue ? this.anyValueMembers(t, budget) : t.fieldsArray;
    for (const f of fields) {
      if (f.resolvedType && !(f.resolvedType instanceof Enum) && budget <= 0) continue;
      let n: number;
      if (isAnyValue) n = 1;
      else if (f.repeated) n = this.pick([0, 1, 1, 2, 3, 5]);
      else n = this.chance(0.75) ? 1 : this.chance(0.05 * this.oddity) ? 2 : 0;
      for (let i = 0; i < n; i++) parts.push(this.value(f, budget));
    }
    for (let i = this.chance(0.15 * this.oddity) ? 1 + this.int(2) : 0; i > 0; i--) parts.push(this.unknown());
    if (this.chance(0.2)) parts.sort(() => this.rnd() - 0.5);
    return Buffer.concat(parts);
  }

  anyValueMembers(t: Type, budget: number): Field[] {
    const members = t.fieldsArray.filter((f) => budget > 0 || !f.resolvedType);
    if (this.chance(0.05)) return [];
    const one = members.filter((f) => !f.resolvedType || this.chance(0.5));
    const first = this.pick(one.length ? one : members);
    return this.chance(0.04 * this.oddity) ? [first, this.pick(members)] : [first];
  }

  unknown(): Buffer {
    const no = this.pick([17, 20, 99, 1000, 536870911]);
    // Groups and invalid wire types make protobufjs throw or the wire decoder step aside: rarer.
    switch (this.chance(0.05 * this.oddity) ? this.pick([3, 4, 6, 7]) : this.pick([0, 1, 2, 5])) {
      case 0:
        return field(no, 0, varint(BigInt(this.int(1e6))));
      case 1:
        return field(no, 1, fixed(8, 42n));
      case 2:
        return field(no, 2, this.string());
      case 5:
        return field(no, 5, fixed(4, 42n));
      case 3: // a group, with its end
        return Buffer.concat([varint(BigInt(no * 8 + 3)), field(1, 0, varint(1n)), varint(BigInt(no * 8 + 4))]);
      default:
        return varint(BigInt(no * 8 + this.pick([4, 6, 7])));
    }
  }

  /** Byte-level damage: truncation, a flipped byte, an inserted byte. */
  damage(body: Buffer): Buffer {
    if (body.length === 0) return Buffer.from([this.int(256)]);
    const at = this.int(body.length);
    switch (this.int(3)) {
      case 0:
        return body.subarray(0, at);
      case 1: {
        const b = Buffer.from(body);
        b[at] = this.int(256);
        return b;
      }
      default:
        return Buffer.concat([body.subarray(0, at), Buffer.from([this.pick([0x00, 0x08, 0x0a, 0x80, 0xff, 0x7f])]), body.subarray(at)]);
    }
  }
}

const REQUEST: Record<HotSignal, Type> = { logs: SIGNAL_TYPES.logs.request, traces: SIGNAL_TYPES.traces.request };

const LIMITS: readonly NormalizeLimits[] = [
  DEFAULT_LIMITS,
  { maxStringLength: 12, maxRecordsPerRequest: 3, maxValueDepth: 2 },
  { maxStringLength: 256 * 1024, maxRecordsPerRequest: 200_000, maxValueDepth: 0 },
];

// ---------------------------------------------------------------------------

describe('the protobuf wire decoder agrees with the reference path', () => {
  for (const signal of ['logs', 'traces'] as const) {
    test(`${signal}: generated well-formed requests decode alike, and by the wire decoder`, () => {
      const g = new Generator(prng(signal === 'logs' ? 1 : 2), 0);
      let handled = 0;
      let records = 0;
      const cases = 600;
      for (let i = 0; i < cases; i++) {
        const body = g.message(REQUEST[signal], 7);
        const limits = LIMITS[i % LIMITS.length] as NormalizeLimits;
        const out = assertSame(signal, body, limits, `case ${i}: ${body.toString('base64')}`);
        if ('batch' in out) records += recordCount(out.batch) + out.batch.rejected;
        if (wireHandles(signal, body, limits)) handled++;
        // A plain Uint8Array (protobufjs then reads it without Buffer) decodes alike too.
        if (i % 10 === 0) assertSame(signal, new Uint8Array(body), limits, `case ${i} as Uint8Array`);
      }
      // Only invalid UTF-8 in generated strings sends well-formed bodies to the fallback.
      assert.ok(handled > cases * 0.9, `wire decoder handled ${handled} of ${cases}`);
      assert.ok(records > cases, `only ${records} records`);
    });

    test(`${signal}: odd and damaged requests decode alike (same batch or same error)`, () => {
      const g = new Generator(prng(signal === 'logs' ? 3 : 4), 3);
      const errors = new Set<string>();
      let handled = 0;
      const cases = 1500;
      for (let i = 0; i < cases; i++) {
        g.oddity = i % 2 === 0 ? 3 : 0.5;
        let body = g.message(REQUEST[signal], 6);
        if (i % 3 === 0) body = g.damage(body);
        const limits = LIMITS[i % LIMITS.length] as NormalizeLimits;
        const out = assertSame(signal, body, limits, `case ${i}: ${body.toString('base64')}`);
        if ('error' in out) errors.add(out.error.replace(/\d+/g, 'N'));
        if (wireHandles(signal, body, limits)) {
          handled++;
          assert.ok('batch' in out, `the wire decoder accepted a body protobufjs refuses (case ${i})`);
        }
      }
      // Both sides were exercised: bodies the wire decoder took, and a variety of protobufjs errors.
      assert.ok(handled > cases / 8, `wire decoder handled ${handled} of ${cases}`);
      assert.ok(errors.size >= 4, [...errors].join('\n'));
    });
  }

  test('the realistic captures (all three agents) take the wire decoder and decode alike', () => {
    const captures = fixtureFiles().filter((f) => f.kind !== 'json' && f.signal !== 'metrics');
    assert.ok(captures.length >= 10);
    for (const f of captures) {
      const signal = f.signal as HotSignal;
      const body = fixtureBody(f.rel);
      assert.ok(wireHandles(signal, body, DEFAULT_LIMITS), f.rel);
      const out = assertSame(signal, body, DEFAULT_LIMITS, f.rel);
      assert.ok('batch' in out && recordCount(out.batch) > 0 && out.batch.rejected === 0, f.rel);
    }
  });

  test('hand-picked edge cases', () => {
    const kv = (key: Buffer, value: Buffer): Buffer => field(6, 2, Buffer.concat([field(1, 2, key), field(2, 2, value)]));
    const logs = (...records: Buffer[]): Buffer =>
      field(1, 2, field(2, 2, Buffer.concat(records.map((r) => field(2, 2, r)))));
    const str = (s: string): Buffer => field(1, 2, Buffer.from(s));
    let nested = str('leaf');
    for (let i = 0; i < 120; i++) nested = field(5, 2, field(1, 2, nested));
    let shallow = str('leaf');
    for (let i = 0; i < 20; i++) shallow = field(5, 2, field(1, 2, shallow));
    const cases: Record<string, Buffer> = {
      empty: Buffer.alloc(0),
      'empty record': logs(Buffer.alloc(0)),
      'field number 0': Buffer.from([0x02, 0x00]),
      'a group at the top': Buffer.from([0x0b, 0x0c]),
      'wire type 7': Buffer.from([0x0f]),
      'tag of 6 bytes': Buffer.from([0x88, 0x80, 0x80, 0x80, 0x80, 0x00]),
      'length past the end': Buffer.from([0x0a, 0x05, 0x00]),
      'invalid UTF-8 in a key': logs(kv(Buffer.from([0x61, 0xff]), str('v'))),
      'a literal U+FFFD': logs(kv(Buffer.from('k\uFFFD'), str('\uFFFD'))),
      'a BOM': logs(kv(Buffer.from('\uFEFFk'), str('\uFEFF'))),
      'empty key': logs(kv(Buffer.alloc(0), str('v'))),
      '__proto__ key': logs(kv(Buffer.from('__proto__'), field(6, 2, field(1, 2, Buffer.concat([field(1, 2, Buffer.from('a')), field(2, 2, str('b'))]))))),
      'nested 120 deep (protobufjs refuses)': logs(field(5, 2, nested)),
      'nested 20 deep (normalize cuts at maxValueDepth)': logs(field(5, 2, shallow)),
      // protobufjs merges a singular message sent twice (repeated fields inside are concatenated).
      'body sent twice': logs(Buffer.concat([field(5, 2, field(5, 2, field(1, 2, str('a')))), field(5, 2, field(5, 2, field(1, 2, str('b'))))])),
      'a value sent twice': logs(field(6, 2, Buffer.concat([field(1, 2, Buffer.from('k')), field(2, 2, field(6, 2, field(1, 2, Buffer.concat([field(1, 2, Buffer.from('a')), field(2, 2, str('1'))])))), field(2, 2, field(6, 2, field(1, 2, Buffer.concat([field(1, 2, Buffer.from('b')), field(2, 2, str('2'))]))))]))),
      'resource sent twice': field(1, 2, Buffer.concat([field(1, 2, field(1, 2, Buffer.concat([field(1, 2, Buffer.from('a')), field(2, 2, str('1'))]))), field(1, 2, field(1, 2, Buffer.concat([field(1, 2, Buffer.from('b')), field(2, 2, str('2'))]))), field(2, 2, field(2, 2, Buffer.alloc(0)))])),
      'scope sent twice': field(1, 2, field(2, 2, Buffer.concat([field(1, 2, field(1, 2, Buffer.from('n'))), field(1, 2, field(2, 2, Buffer.from('v'))), field(2, 2, Buffer.alloc(0))]))),
      'span status sent twice': field(1, 2, field(2, 2, field(2, 2, Buffer.concat([field(1, 2, Buffer.alloc(16, 1)), field(2, 2, Buffer.alloc(8, 2)), field(15, 2, field(2, 2, Buffer.from('m'))), field(15, 2, field(3, 0, varint(2n)))])))),
      'bool with only high bits': logs(field(5, 2, field(2, 0, varint(1n << 40n)))),
      'two AnyValue members': logs(field(5, 2, Buffer.concat([str('a'), field(3, 0, varint(5n))]))),
      'a string field as varint': logs(Buffer.concat([field(3, 0, varint(1n)), field(12, 2, Buffer.from('e'))])),
      'bool as 10-byte varint with a high bit': logs(field(5, 2, field(2, 0, Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02])))),
      'int64 varint of 11 bytes': logs(field(5, 2, field(3, 0, Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])))),
      'ids of 11 and 5 bytes': logs(Buffer.concat([field(9, 2, Buffer.alloc(11, 0xab)), field(10, 2, Buffer.alloc(5, 1))])),
      'an 11-byte traceId whose hex read as base64 is 16 bytes': logs(field(9, 2, Buffer.alloc(11, 0x7a))),
      'timestamps': logs(Buffer.concat([field(1, 1, fixed(8, 2n ** 64n - 1n)), field(11, 1, fixed(8, 2n ** 53n))])),
      'negative severity': logs(field(2, 0, varint(-3n))),
    };
    for (const [name, body] of Object.entries(cases)) {
      for (const limits of LIMITS) assertSame('logs', body, limits, name);
      for (const limits of LIMITS) assertSame('traces', body, limits, name);
    }
    assert.ok('error' in assertSame('logs', cases['nested 120 deep (protobufjs refuses)'] as Buffer, DEFAULT_LIMITS, 'deep'));
    assert.ok('error' in assertSame('logs', cases['invalid UTF-8 in a key'] as Buffer, DEFAULT_LIMITS, 'utf8'));
  });

  test('strings recalled from the recent-string cache are the right ones', () => {
    // Same length, first, middle and last byte: one cache slot, different strings.
    const names = ['abcXe', 'abcYe', 'abcXe', 'abcZe', 'abcYe'];
    const body = field(1, 2, field(2, 2, Buffer.concat(names.map((n) => field(2, 2, field(12, 2, Buffer.from(n)))))));
    const batch = decodeProtobuf('logs', body);
    assert.ok(batch.signal === 'logs');
    assert.deepEqual(
      batch.records.map((r) => r.eventName),
      names,
    );
    assertSame('logs', body, DEFAULT_LIMITS, 'cache');
  });
});

describe('u64ToDecimal', () => {
  test('matches BigInt on boundaries and random values', () => {
    const rnd = prng(5);
    const values = [0n, 1n, 9999n, 10000n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 0x200000n << 32n, (0x200000n << 32n) - 1n, 2n ** 63n, 2n ** 64n - 1n];
    for (let i = 0; i < 20000; i++) values.push((BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32)));
    for (const v of values) assert.equal(u64ToDecimal(Number(v & 0xffffffffn), Number(v >> 32n)), v.toString());
  });
});

describe('the schema the wire decoder is written against', () => {
  // The wire decoder knows these field numbers and types by heart; a new field
  // would be skipped by it while protobufjs decodes (and checks) it.
  test('is the vendored one', () => {
    const shape = (name: string): string =>
      lookup(name)
        .fieldsArray.map((f) => `${f.id}:${f.name}:${f.type}${f.repeated ? '[]' : ''}`)
        .join(' ');
    assert.deepEqual(
      Object.fromEntries(
        [
          'collector.logs.v1.ExportLogsServiceRequest',
          'collector.trace.v1.ExportTraceServiceRequest',
          'logs.v1.ResourceLogs',
          'logs.v1.ScopeLogs',
          'logs.v1.LogRecord',
          'trace.v1.ResourceSpans',
          'trace.v1.ScopeSpans',
          'trace.v1.Span',
          'trace.v1.Span.Event',
          'trace.v1.Span.Link',
          'trace.v1.Status',
          'resource.v1.Resource',
          'common.v1.EntityRef',
          'common.v1.InstrumentationScope',
          'common.v1.KeyValue',
          'common.v1.AnyValue',
          'common.v1.ArrayValue',
          'common.v1.KeyValueList',
        ].map((n) => [n, shape(n)]),
      ),
      {
        'collector.logs.v1.ExportLogsServiceRequest': '1:resourceLogs:opentelemetry.proto.logs.v1.ResourceLogs[]',
        'collector.trace.v1.ExportTraceServiceRequest': '1:resourceSpans:opentelemetry.proto.trace.v1.ResourceSpans[]',
        'logs.v1.ResourceLogs': '1:resource:opentelemetry.proto.resource.v1.Resource 2:scopeLogs:ScopeLogs[] 3:schemaUrl:string',
        'logs.v1.ScopeLogs': '1:scope:opentelemetry.proto.common.v1.InstrumentationScope 2:logRecords:LogRecord[] 3:schemaUrl:string',
        'logs.v1.LogRecord':
          '1:timeUnixNano:fixed64 11:observedTimeUnixNano:fixed64 2:severityNumber:SeverityNumber 3:severityText:string 5:body:opentelemetry.proto.common.v1.AnyValue 6:attributes:opentelemetry.proto.common.v1.KeyValue[] 7:droppedAttributesCount:uint32 8:flags:fixed32 9:traceId:bytes 10:spanId:bytes 12:eventName:string',
        'trace.v1.ResourceSpans': '1:resource:opentelemetry.proto.resource.v1.Resource 2:scopeSpans:ScopeSpans[] 3:schemaUrl:string',
        'trace.v1.ScopeSpans': '1:scope:opentelemetry.proto.common.v1.InstrumentationScope 2:spans:Span[] 3:schemaUrl:string',
        'trace.v1.Span':
          '1:traceId:bytes 2:spanId:bytes 3:traceState:string 4:parentSpanId:bytes 16:flags:fixed32 5:name:string 6:kind:SpanKind 7:startTimeUnixNano:fixed64 8:endTimeUnixNano:fixed64 9:attributes:opentelemetry.proto.common.v1.KeyValue[] 10:droppedAttributesCount:uint32 11:events:Event[] 12:droppedEventsCount:uint32 13:links:Link[] 14:droppedLinksCount:uint32 15:status:Status',
        'trace.v1.Span.Event': '1:timeUnixNano:fixed64 2:name:string 3:attributes:opentelemetry.proto.common.v1.KeyValue[] 4:droppedAttributesCount:uint32',
        'trace.v1.Span.Link':
          '1:traceId:bytes 2:spanId:bytes 3:traceState:string 4:attributes:opentelemetry.proto.common.v1.KeyValue[] 5:droppedAttributesCount:uint32 6:flags:fixed32',
        'trace.v1.Status': '2:message:string 3:code:StatusCode',
        'resource.v1.Resource': '1:attributes:opentelemetry.proto.common.v1.KeyValue[] 2:droppedAttributesCount:uint32 3:entityRefs:opentelemetry.proto.common.v1.EntityRef[]',
        'common.v1.EntityRef': '1:schemaUrl:string 2:type:string 3:idKeys:string[] 4:descriptionKeys:string[]',
        'common.v1.InstrumentationScope': '1:name:string 2:version:string 3:attributes:KeyValue[] 4:droppedAttributesCount:uint32',
        'common.v1.KeyValue': '1:key:string 2:value:AnyValue',
        'common.v1.AnyValue': '1:stringValue:string 2:boolValue:bool 3:intValue:int64 4:doubleValue:double 5:arrayValue:ArrayValue 6:kvlistValue:KeyValueList 7:bytesValue:bytes',
        'common.v1.ArrayValue': '1:values:AnyValue[]',
        'common.v1.KeyValueList': '1:values:KeyValue[]',
      },
    );
  });
});
