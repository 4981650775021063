// The audit trail, kept small enough for a million records in sql.js:
//
// - raw_bodies: one row per ingested request, its body exactly as received
//   (the bytes the journal holds, after HTTP decompression), compressed with
//   brotli. Nothing is lost: every attribute, every record, byte for byte.
// - raw_records: one compact row per record (log record, span, metric point):
//   its natural key, where it is (body and index in the decoded body), and what
//   the audit searches by (agent, name, session, prompt; the time is the key's
//   first bytes). raw_body_sessions finds a session's records, body by body.
//
// A record's natural key hashes what the record is (signal, resource, scope and
// every field after normalisation), never where it came from (journal seq,
// batch), so the same record sent twice, in the same or another request, JSON
// or protobuf, has the same key and is stored once. The key starts with the
// record's time so that new keys land at the end of the primary key and time
// ranges are key ranges.
//
// Callers that have no wire body (tests, imports of decoded data) store the
// normalised records instead (encoding 'records'), which decode to the same
// records.

import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { decodeJson } from '../otlp/decodeJson';
import { decodeProtobuf } from '../otlp/decodeProtobuf';
import type { AnyValue, Attributes, DecodedBatch, LogRecord, MetricPoint, Resource, Scope, Signal, Span } from '../otlp/types';
import { firstRowPrepared, runPrepared, withPrepared } from './modelWriteRepository';
import type { SqlDatabase, SqlValue } from './sqlJs';
import { utf8 } from './utf8';

export type AnyRecord = LogRecord | Span | MetricPoint;

/** How a stored body is decoded: an OTLP request body, or the normalised records (see encodeRecords). */
export type BodyEncoding = 'json' | 'protobuf' | 'records';

/** A request body as received (after HTTP decompression). */
export interface RequestBody {
  readonly bytes: Uint8Array;
  readonly encoding: 'json' | 'protobuf';
}

/** Largest record time a key holds (48 bits of ms, the year 10889). */
const MAX_TIME_MS = 2 ** 48 - 1;

/**
 * Stored bodies are brotli at quality 1: on OTLP/JSON batches of Claude Code
 * records it is 2x faster than deflate level 1 and 40% smaller (~50 bytes a
 * record); it decompresses slower (~4x inflate), which only rebuilds and audit
 * reads pay.
 */
const BODY_COMPRESSION = 'br';

function compress(bytes: Uint8Array): Buffer {
  return zlib.brotliCompressSync(bytes, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength },
  });
}

function decompress(compression: string, bytes: Uint8Array): Buffer {
  switch (compression) {
    case 'br':
      return zlib.brotliDecompressSync(bytes);
    case 'deflate':
      return zlib.inflateRawSync(bytes);
    default:
      throw new Error(`unknown body compression ${compression}`);
  }
}

// ── natural keys ────────────────────────────────────────────────────────────

/**
 * A natural key is text: 8 characters of the record's time (48 bits of ms in
 * an alphabet in ASCII order, so keys sort by time and a time range is a key
 * range) then 16 characters of base64url SHA-1 (96 bits). Text rather than a
 * blob: no conversion per record, and it is what event keys are made of.
 */
const TIME_ALPHABET = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const TIME_CHARS = 8;
const DIGEST_CHARS = 16;
export const KEY_CHARS = TIME_CHARS + DIGEST_CHARS;

/**
 * SHA-1 as base64url. One-shot where Node has it (20.12+). Asked for as text:
 * Node 20's crypto.hash() takes a slow path for 'buffer' output (2.5x slower).
 */
const sha1: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha1', text, 'base64url')
    : (text) => crypto.createHash('sha1').update(text).digest('base64url');

function timeText(t: number): string {
  let s = '';
  for (let shift = 42; shift >= 0; shift -= 6) s += TIME_ALPHABET[Math.floor(t / 2 ** shift) % 64];
  return s;
}

/*
 * Canonical text of a normalised value: type-tagged and length-prefixed, so two
 * different values never share a text. Built by concatenation (V8 ropes): about
 * 2x faster than JSON.stringify of a copied record, and it needs no copy.
 */
function canonValue(v: AnyValue): string {
  switch (typeof v) {
    case 'string':
      return `s${v.length}:${v}`;
    case 'number':
      return `n${v};`;
    case 'boolean':
      return v ? 't' : 'f';
    default: {
      if (v === null) return 'z';
      if (Array.isArray(v)) {
        let s = `a${v.length}[`;
        for (let i = 0; i < v.length; i++) s += canonValue((v as readonly AnyValue[])[i]);
        return `${s}]`;
      }
      return `o${canonAttributes(v as Attributes)}}`;
    }
  }
}

function canonAttributes(a: Attributes): string {
  let s = '{';
  for (const k in a) s += `${k.length}:${k}${canonValue(a[k])}`;
  return s;
}

const str = (v: string): string => `${v.length}:${v}`;

function canonNumbers(list: readonly number[]): string {
  let s = `${list.length}[`;
  for (let i = 0; i < list.length; i++) s += `${list[i]};`;
  return s;
}

/** Every field of the record except resource and scope (hashed once per object by the caller). */
function canonRecord(signal: Signal, record: AnyRecord): string {
  switch (signal) {
    case 'logs': {
      const r = record as LogRecord;
      return `L${r.timeUnixNano}|${r.observedTimeUnixNano}|${r.severityNumber}|${str(r.severityText)}|${r.flags}|${r.traceId}|${r.spanId}|${str(r.eventName)}|${canonValue(r.body)}${canonAttributes(r.attributes)}`;
    }
    case 'traces': {
      const r = record as Span;
      let s = `T${r.traceId}|${r.spanId}|${r.parentSpanId}|${str(r.traceState)}|${str(r.name)}|${r.kind}|${r.startTimeUnixNano}|${r.endTimeUnixNano}|${r.flags}|${r.status.code}|${str(r.status.message)}${canonAttributes(r.attributes)}|${r.events.length}`;
      for (const e of r.events) s += `E${e.timeUnixNano}|${str(e.name)}${canonAttributes(e.attributes)}`;
      s += `|${r.links.length}`;
      for (const l of r.links) s += `K${l.traceId}|${l.spanId}${canonAttributes(l.attributes)}`;
      return s;
    }
    case 'metrics': {
      const r = record as MetricPoint;
      return `M${str(r.name)}${str(r.description)}${str(r.unit)}${r.type}|${r.temporality}|${r.isMonotonic ? 1 : 0}|${r.startTimeUnixNano}|${r.timeUnixNano}|${r.value};${r.count};${r.sum};${r.min};${r.max};${canonNumbers(r.bucketCounts)}${canonNumbers(r.explicitBounds)}${canonAttributes(r.attributes)}`;
    }
  }
}

/**
 * Natural keys for the records of one batch (resource and scope objects are
 * shared by a whole export block, so each is hashed once).
 */
export class RecordKeys {
  private readonly origins = new Map<object, string>();
  private readonly prefixes = new Map<Resource, Map<Scope, string>>();
  private lastTime = -1;
  private lastTimeText = '';

  /** `timeMs` is the record's own time (null or not positive: unknown, sorts first). */
  keyOf(signal: Signal, record: AnyRecord, timeMs: number | null): string {
    const t = timeMs === null || !(timeMs > 0) ? 0 : Math.min(MAX_TIME_MS, Math.floor(timeMs));
    if (t !== this.lastTime) {
      this.lastTime = t;
      this.lastTimeText = timeText(t);
    }
    return this.lastTimeText + this.digestText(signal, record);
  }

  /** The hash part of the key (base64url, 16 characters). */
  digestText(signal: Signal, record: AnyRecord): string {
    return sha1(this.prefix(signal, record.resource, record.scope) + canonRecord(signal, record)).slice(0, DIGEST_CHARS);
  }

  /** Signal, resource and scope, hashed once per resource and scope object. */
  private prefix(signal: Signal, resource: Resource, scope: Scope): string {
    let byScope = this.prefixes.get(resource);
    if (!byScope) {
      byScope = new Map();
      this.prefixes.set(resource, byScope);
    }
    let p = byScope.get(scope);
    if (p === undefined) {
      p = `${signal}\n${this.origin(resource)}\n${this.origin(scope)}\n`;
      byScope.set(scope, p);
    }
    return p;
  }

  private origin(o: Resource | Scope): string {
    let h = this.origins.get(o);
    if (h === undefined) {
      h = sha1('name' in o ? `${str(o.name)}${str(o.version)}${canonAttributes(o.attributes)}` : canonAttributes(o.attributes));
      this.origins.set(o, h);
    }
    return h;
  }
}

/** The record time a key starts with; null when the record had none. */
export function keyTime(key: string): number | null {
  let t = 0;
  for (let i = 0; i < TIME_CHARS; i++) t = t * 64 + TIME_ALPHABET.indexOf(key[i] ?? '-');
  return t === 0 ? null : t;
}

/** The smallest key of a record at or after this time: time ranges of records are key ranges. */
export function keyFloor(timeMs: number): string {
  return timeText(Math.max(0, Math.min(MAX_TIME_MS, Math.floor(timeMs))));
}

// ── normalised records as a body ────────────────────────────────────────────

/**
 * The record without its resource and scope, as plain JSON-ready fields.
 * Fields are listed explicitly because building the object literal is several
 * times faster than copying all but two keys; a unit test checks that no field
 * of the decoder's shape is left out.
 */
export function recordFields(signal: Signal, record: AnyRecord): Record<string, unknown> {
  switch (signal) {
    case 'logs': {
      const r = record as LogRecord;
      return {
        timeUnixNano: r.timeUnixNano,
        observedTimeUnixNano: r.observedTimeUnixNano,
        severityNumber: r.severityNumber,
        severityText: r.severityText,
        body: r.body,
        attributes: r.attributes,
        flags: r.flags,
        traceId: r.traceId,
        spanId: r.spanId,
        eventName: r.eventName,
      };
    }
    case 'traces': {
      const r = record as Span;
      return {
        traceId: r.traceId,
        spanId: r.spanId,
        parentSpanId: r.parentSpanId,
        traceState: r.traceState,
        name: r.name,
        kind: r.kind,
        startTimeUnixNano: r.startTimeUnixNano,
        endTimeUnixNano: r.endTimeUnixNano,
        attributes: r.attributes,
        events: r.events,
        links: r.links,
        status: r.status,
        flags: r.flags,
      };
    }
    case 'metrics': {
      const r = record as MetricPoint;
      return {
        name: r.name,
        description: r.description,
        unit: r.unit,
        type: r.type,
        temporality: r.temporality,
        isMonotonic: r.isMonotonic,
        startTimeUnixNano: r.startTimeUnixNano,
        timeUnixNano: r.timeUnixNano,
        attributes: r.attributes,
        value: r.value,
        count: r.count,
        sum: r.sum,
        min: r.min,
        max: r.max,
        bucketCounts: r.bucketCounts,
        explicitBounds: r.explicitBounds,
      };
    }
  }
}

/** The record without its resource and scope, as JSON. */
export function serializeRecord(signal: Signal, record: AnyRecord): string {
  return JSON.stringify(recordFields(signal, record));
}

interface RecordsBody {
  readonly v: 1;
  readonly signal: Signal;
  readonly resources: readonly Resource[];
  readonly scopes: readonly Scope[];
  /** [resource index, scope index, fields] */
  readonly records: ReadonlyArray<readonly [number, number, Record<string, unknown>]>;
}

/** Normalised records as a body (encoding 'records'), resources and scopes once each. */
export function encodeRecords(signal: Signal, records: readonly AnyRecord[]): Uint8Array {
  const resources = new Map<Resource, number>();
  const scopes = new Map<Scope, number>();
  const rows: Array<readonly [number, number, Record<string, unknown>]> = [];
  for (const r of records) {
    let ri = resources.get(r.resource);
    if (ri === undefined) resources.set(r.resource, (ri = resources.size));
    let si = scopes.get(r.scope);
    if (si === undefined) scopes.set(r.scope, (si = scopes.size));
    rows.push([ri, si, recordFields(signal, r)]);
  }
  const body: RecordsBody = { v: 1, signal, resources: [...resources.keys()], scopes: [...scopes.keys()], records: rows };
  return Buffer.from(JSON.stringify(body), 'utf8');
}

function decodeRecords(signal: Signal, bytes: Uint8Array): DecodedBatch {
  const body = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as RecordsBody;
  if (body.v !== 1 || body.signal !== signal) throw new Error(`stored records body has version ${String(body.v)} and signal ${String(body.signal)}`);
  const records = body.records.map(([ri, si, fields]) => Object.assign(fields, { resource: body.resources[ri], scope: body.scopes[si] }));
  switch (signal) {
    case 'logs':
      return { signal, records: records as unknown as LogRecord[], rejected: 0, errors: [] };
    case 'traces':
      return { signal, spans: records as unknown as Span[], rejected: 0, errors: [] };
    case 'metrics':
      return { signal, points: records as unknown as MetricPoint[], rejected: 0, errors: [] };
  }
}

export function recordsOf(batch: DecodedBatch): readonly AnyRecord[] {
  switch (batch.signal) {
    case 'logs':
      return batch.records;
    case 'traces':
      return batch.spans;
    case 'metrics':
      return batch.points;
  }
}

/** Decodes a stored (decompressed) body the way it was received. */
export function decodeBody(signal: Signal, encoding: BodyEncoding, bytes: Uint8Array): DecodedBatch {
  switch (encoding) {
    case 'json':
      return decodeJson(signal, bytes);
    case 'protobuf':
      return decodeProtobuf(signal, bytes);
    case 'records':
      return decodeRecords(signal, bytes);
  }
}

function isSignal(v: unknown): v is Signal {
  return v === 'logs' || v === 'traces' || v === 'metrics';
}

function isEncoding(v: unknown): v is BodyEncoding {
  return v === 'json' || v === 'protobuf' || v === 'records';
}

// ── the repository ──────────────────────────────────────────────────────────

export interface NewRawRecord {
  readonly key: string;
  /** Position among the decoded records of the body. */
  readonly index: number;
  readonly agent: string;
  readonly name: string | null;
  readonly sessionId: string | null;
  readonly promptId: string | null;
}

export interface NewBody {
  readonly journalSeq: number;
  readonly receivedAtMs: number;
  readonly signal: Signal;
  readonly encoding: BodyEncoding;
  /** Uncompressed. */
  readonly bytes: Uint8Array;
}

export interface RawRecordQuery {
  readonly sessionId?: string;
  /** Records at or after this time (ms). */
  readonly fromMs?: number;
  /** Records at or before this time (ms). */
  readonly toMs?: number;
  /** At most this many records (default 10,000), oldest first. */
  readonly limit?: number;
}

/** One record of the audit trail, decoded again from the body it arrived in. */
export interface RawRecordView {
  readonly key: string;
  readonly signal: Signal;
  readonly agent: string;
  readonly name: string | null;
  readonly sessionId: string | null;
  readonly promptId: string | null;
  /** The record's own time (ms); null when it had none. */
  readonly timeMs: number | null;
  readonly journalSeq: number;
  readonly receivedAtMs: number;
  /** The request it arrived in (its id, encoding and the record's position among the body's records). */
  readonly bodyId: number;
  readonly encoding: BodyEncoding;
  readonly index: number;
  /** Null only when the stored body no longer decodes to a record with this key. */
  readonly record: AnyRecord | null;
}

export interface StoredRecordVisit {
  readonly signal: Signal;
  readonly record: AnyRecord;
  readonly key: string;
}

export interface ForEachResult {
  readonly records: number;
  /** Stored records whose body no longer decodes to them (skipped). */
  readonly unmatched: number;
}

export interface RawPruneResult {
  readonly records: number;
  readonly bodies: number;
  /** Bodies that kept some records: rewritten with only those (encoding 'records'). */
  readonly rewrittenBodies: number;
}

const DEFAULT_READ_LIMIT = 10_000;
/** raw_body_sessions.session_id of records that name no session. */
const NO_SESSION = 0;

/** Rows per multi-row INSERT; a batch is written in chunks of these sizes, largest first. */
const CHUNKS = [64, 16, 4, 1] as const;
/** Values per IN (...) lookup; a shorter list is padded with its first item. */
const IN_CHUNK = 32;

/**
 * `?1` is the body id, named before any plain `?` so that those number on from
 * 2. OR IGNORE + RETURNING: one statement both skips the records already stored
 * (a retried export; a record twice in the batch) and says which were new.
 */
const insertRecordsSql = (rows: number): string =>
  `INSERT OR IGNORE INTO raw_records (body_id, key, idx, agent, name, session_id, prompt_id) VALUES ${Array.from({ length: rows }, () => '(?1, ?, ?, ?, ?, ?, ?)').join(', ')} RETURNING idx`;

const VALUES_SQL = `SELECT id, value FROM raw_values WHERE value IN (${Array.from({ length: IN_CHUNK }, () => 'CAST(? AS TEXT)').join(', ')})`;

const RECORD_COLUMNS = 'key, body_id, idx, agent, name, session_id, prompt_id';

/**
 * Writes and reads the audit trail. One instance per batch (it caches value
 * ids for the batch: across batches a rollback could invalidate them);
 * statements are prepared once per database.
 */
export class RawRecordRepository {
  private readonly valueIds = new Map<string, number>();

  constructor(private readonly db: SqlDatabase) {}

  /**
   * Stores one request: its body (compressed) and an index row for each
   * record whose key is not stored yet. Returns the positions (in `rows`
   * order) of the records that were new; when none was, nothing is kept.
   */
  store(body: NewBody, rows: readonly NewRawRecord[]): number[] {
    runPrepared(
      this.db,
      'INSERT INTO raw_bodies (journal_seq, received_at_ms, signal, encoding, compression, byte_length, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [body.journalSeq, body.receivedAtMs, body.signal, body.encoding, BODY_COMPRESSION, body.bytes.byteLength, compress(body.bytes)],
    );
    const bodyId = this.lastRowId();
    this.resolveValues(rows);
    const id = (v: string | null): number | null => (v === null ? null : (this.valueIds.get(v) ?? null));
    const fresh: number[] = [];
    let at = 0;
    for (const size of CHUNKS) {
      while (rows.length - at >= size) {
        const params: SqlValue[] = [bodyId];
        for (let i = at; i < at + size; i++) {
          const r = rows[i];
          params.push(r.key, r.index, id(r.agent), id(r.name), id(r.sessionId), id(r.promptId));
        }
        withPrepared(this.db, insertRecordsSql(size), (stmt) => {
          stmt.bind(params);
          try {
            while (stmt.step()) fresh.push(stmt.get()[0] as number);
          } finally {
            stmt.reset();
          }
        });
        at += size;
      }
    }
    if (fresh.length === 0) {
      runPrepared(this.db, 'DELETE FROM raw_bodies WHERE id = ?', [bodyId]);
      return [];
    }
    // `idx` is the record's position in the body; rows are in that order, one per position.
    const position = new Map<number, number>();
    rows.forEach((r, i) => position.set(r.index, i));
    const positions = fresh.map((idx) => position.get(idx) ?? -1).sort((a, b) => a - b);
    this.noteSessions(bodyId, positions.map((i) => rows[i]));
    return positions;
  }

  /** raw_body_sessions: per session of the new records, the key range they span in this body. */
  private noteSessions(bodyId: number, rows: readonly NewRawRecord[]): void {
    const ranges = new Map<number, { first: string; last: string }>();
    for (const r of rows) {
      const session = r.sessionId === null ? NO_SESSION : (this.valueIds.get(r.sessionId) ?? NO_SESSION);
      const range = ranges.get(session);
      if (!range) ranges.set(session, { first: r.key, last: r.key });
      else {
        if (r.key < range.first) range.first = r.key;
        if (r.key > range.last) range.last = r.key;
      }
    }
    for (const [session, range] of ranges) {
      runPrepared(this.db, 'INSERT INTO raw_body_sessions (session_id, body_id, first_key, last_key) VALUES (?, ?, ?, ?)', [
        session, bodyId, range.first, range.last,
      ]);
    }
  }

  private lastRowId(): number {
    const row = firstRowPrepared(this.db, 'SELECT last_insert_rowid()', []);
    if (!row || typeof row[0] !== 'number') throw new Error('the inserted row has no id');
    return row[0];
  }

  /** Ids of the texts these rows repeat; missing ones are added. */
  private resolveValues(rows: readonly NewRawRecord[]): void {
    const wanted: string[] = [];
    const seen = new Set<string>();
    for (const r of rows) {
      for (const v of [r.agent, r.name, r.sessionId, r.promptId]) {
        if (v !== null && !seen.has(v) && !this.valueIds.has(v)) {
          seen.add(v);
          wanted.push(v);
        }
      }
    }
    if (wanted.length === 0) return;
    for (let at = 0; at < wanted.length; at += IN_CHUNK) {
      const params: SqlValue[] = [];
      for (let i = 0; i < IN_CHUNK; i++) params.push(utf8(wanted[Math.min(at + i, wanted.length - 1)]));
      withPrepared(this.db, VALUES_SQL, (stmt) => {
        stmt.bind(params);
        try {
          while (stmt.step()) {
            const [id, value] = stmt.get();
            this.valueIds.set(String(value), Number(id));
          }
        } finally {
          stmt.reset();
        }
      });
    }
    for (const v of wanted) {
      if (this.valueIds.has(v)) continue;
      runPrepared(this.db, 'INSERT INTO raw_values (value) VALUES (CAST(? AS TEXT))', [utf8(v)]);
      this.valueIds.set(v, this.lastRowId());
    }
  }

  /**
   * Every stored record in arrival order (body by body), decoded again from
   * its body. A record the decoder no longer puts at its index is looked up by
   * key in its body; if it is not there it is counted as unmatched and skipped.
   * `afterBody` runs after each body's records.
   */
  forEach(visit: (r: StoredRecordVisit) => void, afterBody?: () => void): ForEachResult {
    const stmt = this.db.prepare('SELECT body_id, idx, key FROM raw_records ORDER BY body_id, idx');
    let records = 0;
    let unmatched = 0;
    let current: LoadedBody | null = null;
    let currentId = -1;
    try {
      while (stmt.step()) {
        const [bodyId, idx, key] = stmt.get() as [number, number, string];
        if (bodyId !== currentId) {
          if (currentId !== -1) afterBody?.();
          current = this.loadBody(bodyId);
          currentId = bodyId;
        }
        const record = current === null ? null : recordAt(current, idx, key);
        if (record === null || current === null) {
          unmatched++;
          continue;
        }
        visit({ signal: current.signal, record, key });
        records++;
      }
      if (currentId !== -1) afterBody?.();
    } finally {
      stmt.free();
    }
    return { records, unmatched };
  }

  /**
   * Records for the audit, oldest first (by time, then key): of one session
   * and/or in a time range, each decoded again from the body it arrived in
   * (each body decoded once).
   */
  read(query: RawRecordQuery = {}): RawRecordView[] {
    const limit = Math.max(0, Math.floor(query.limit ?? DEFAULT_READ_LIMIT));
    // The key starts with the record's time: a time range is a key range.
    const from = query.fromMs === undefined ? null : keyFloor(Math.max(1, query.fromMs));
    const to = query.toMs === undefined ? null : keyFloor(query.toMs + 1);
    const rows: SqlValue[][] = [];
    if (query.sessionId !== undefined) {
      const session = this.valueId(query.sessionId);
      if (session === null) return [];
      const ranges = this.db.exec('SELECT body_id, first_key, last_key FROM raw_body_sessions WHERE session_id = ? ORDER BY first_key', [session])[0]?.values ?? [];
      const stmt = this.db.prepare(`SELECT ${RECORD_COLUMNS} FROM raw_records WHERE key >= ? AND key <= ? AND key < ? AND body_id = ? AND session_id = ?`);
      try {
        for (const [bodyId, first, last] of ranges) {
          if (to !== null && String(first) >= to) break; // ranges are in key order: the rest start later
          if (from !== null && String(last) < from) continue;
          stmt.bind([from !== null && from > String(first) ? from : String(first), last, to ?? '~', bodyId, session]);
          while (stmt.step()) rows.push(stmt.get());
          stmt.reset();
        }
      } finally {
        stmt.free();
      }
      rows.sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
      rows.splice(limit);
    } else {
      const where: string[] = [];
      const params: SqlValue[] = [];
      if (from !== null) {
        where.push('key >= ?');
        params.push(from);
      }
      if (to !== null) {
        where.push('key < ?');
        params.push(to);
      }
      params.push(limit);
      const stmt = this.db.prepare(`SELECT ${RECORD_COLUMNS} FROM raw_records ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY key LIMIT ?`);
      try {
        stmt.bind(params);
        while (stmt.step()) rows.push(stmt.get());
      } finally {
        stmt.free();
      }
    }
    return this.views(rows);
  }

  private views(rows: readonly SqlValue[][]): RawRecordView[] {
    const bodies = new Map<number, (LoadedBody & { journalSeq: number; receivedAtMs: number }) | null>();
    const values = new Map<number, string | null>();
    const value = (id: SqlValue): string | null => {
      if (typeof id !== 'number') return null;
      let v = values.get(id);
      if (v === undefined) {
        const row = firstRowPrepared(this.db, 'SELECT value FROM raw_values WHERE id = ?', [id]);
        v = row ? String(row[0]) : null;
        values.set(id, v);
      }
      return v;
    };
    return rows.map(([key, bodyId, idx, agent, name, session, prompt]) => {
      const id = Number(bodyId);
      let body = bodies.get(id);
      if (body === undefined) {
        const meta = firstRowPrepared(this.db, 'SELECT journal_seq, received_at_ms FROM raw_bodies WHERE id = ?', [id]);
        const loaded = this.loadBody(id);
        body = loaded && meta ? Object.assign(loaded, { journalSeq: Number(meta[0]), receivedAtMs: Number(meta[1]) }) : null;
        bodies.set(id, body);
      }
      const k = String(key);
      const index = Number(idx);
      return {
        key: k,
        signal: body?.signal ?? 'logs',
        agent: value(agent) ?? 'unknown',
        name: value(name),
        sessionId: value(session),
        promptId: value(prompt),
        timeMs: keyTime(k),
        journalSeq: body?.journalSeq ?? 0,
        receivedAtMs: body?.receivedAtMs ?? 0,
        bodyId: id,
        encoding: body?.encoding ?? 'json',
        index,
        record: body === null ? null : recordAt(body, index, k),
      };
    });
  }

  private valueId(value: string): number | null {
    const row = firstRowPrepared(this.db, 'SELECT id FROM raw_values WHERE value = ?', [value]);
    return row ? Number(row[0]) : null;
  }

  /** Session ids with a raw record at or after `ms`. */
  sessionsActiveSince(ms: number): string[] {
    const rows = this.db.exec(
      `SELECT DISTINCT v.value FROM raw_body_sessions s JOIN raw_values v ON v.id = s.session_id
       WHERE s.session_id != ${NO_SESSION} AND s.last_key >= ?`,
      [keyFloor(ms)],
    );
    return (rows[0]?.values ?? []).map((r) => String(r[0]));
  }

  /** Session ids whose newest raw record is older than `beforeMs`. */
  sessionsIdleSince(beforeMs: number): string[] {
    const rows = this.db.exec(
      `SELECT v.value FROM raw_body_sessions s JOIN raw_values v ON v.id = s.session_id
       WHERE s.session_id != ${NO_SESSION} GROUP BY s.session_id HAVING MAX(s.last_key) < ?`,
      [keyFloor(beforeMs)],
    );
    return (rows[0]?.values ?? []).map((r) => String(r[0]));
  }

  /**
   * Deletes the raw records of these sessions, and, body by body, the records
   * that name no session when the newest of them is older than
   * `sessionlessBeforeMs` (records without a time: when their body arrived).
   * Bodies left without records are deleted; bodies that keep some records are
   * rewritten with only those (as normalised records), so nothing of a pruned
   * session stays behind inside a shared body.
   */
  prune(sessionIds: readonly string[], sessionlessBeforeMs: number): RawPruneResult {
    const db = this.db;
    const victims: Array<{ session: number; body: number; first: string; last: string }> = [];
    const collect = (sql: string, params: SqlValue[]): void => {
      for (const [session, body, first, last] of db.exec(sql, params)[0]?.values ?? []) {
        victims.push({ session: Number(session), body: Number(body), first: String(first), last: String(last) });
      }
    };
    if (sessionIds.length > 0) {
      collect(
        `SELECT s.session_id, s.body_id, s.first_key, s.last_key FROM raw_body_sessions s
         WHERE s.session_id IN (SELECT v.id FROM raw_values v WHERE v.value IN (SELECT value FROM json_each(?)))`,
        [JSON.stringify(sessionIds)],
      );
    }
    collect(
      `SELECT s.session_id, s.body_id, s.first_key, s.last_key FROM raw_body_sessions s JOIN raw_bodies b ON b.id = s.body_id
       WHERE s.session_id = ${NO_SESSION} AND (CASE WHEN s.last_key >= ?1 THEN s.last_key < ?2 ELSE b.received_at_ms < ?3 END)`,
      [keyFloor(1), keyFloor(sessionlessBeforeMs), sessionlessBeforeMs],
    );
    let records = 0;
    const touched = new Set<number>();
    for (const v of victims) {
      db.run(`DELETE FROM raw_records WHERE key >= ? AND key <= ? AND body_id = ? AND session_id ${v.session === NO_SESSION ? 'IS NULL' : '= ?'}`, [
        v.first, v.last, v.body, ...(v.session === NO_SESSION ? [] : [v.session]),
      ]);
      records += db.getRowsModified();
      db.run('DELETE FROM raw_body_sessions WHERE session_id = ? AND body_id = ?', [v.session, v.body]);
      touched.add(v.body);
    }
    let bodies = 0;
    let rewrittenBodies = 0;
    for (const bodyId of touched) {
      const ranges = db.exec('SELECT session_id, first_key, last_key FROM raw_body_sessions WHERE body_id = ?', [bodyId])[0]?.values ?? [];
      if (ranges.length === 0) {
        db.run('DELETE FROM raw_bodies WHERE id = ?', [bodyId]);
        bodies++;
        continue;
      }
      if (this.rewriteBody(bodyId, ranges)) rewrittenBodies++;
    }
    if (records > 0) {
      db.run(`DELETE FROM raw_values WHERE id NOT IN (
        SELECT agent FROM raw_records UNION SELECT name FROM raw_records WHERE name IS NOT NULL
        UNION SELECT session_id FROM raw_records WHERE session_id IS NOT NULL UNION SELECT prompt_id FROM raw_records WHERE prompt_id IS NOT NULL)`);
    }
    return { records, bodies, rewrittenBodies };
  }

  /** Keeps only the records still indexed in a body: re-encoded as normalised records, positions renumbered. */
  private rewriteBody(bodyId: number, ranges: readonly SqlValue[][]): boolean {
    const db = this.db;
    const body = this.loadBody(bodyId);
    if (body === null) return false; // undecodable: left exactly as it is, with its records
    const kept: Array<{ key: string; idx: number }> = [];
    for (const [session, first, last] of ranges) {
      const rows =
        db.exec(
          `SELECT key, idx FROM raw_records WHERE key >= ? AND key <= ? AND body_id = ? AND session_id ${Number(session) === NO_SESSION ? 'IS NULL' : '= ?'}`,
          [first, last, bodyId, ...(Number(session) === NO_SESSION ? [] : [session])],
        )[0]?.values ?? [];
      for (const [key, idx] of rows) kept.push({ key: String(key), idx: Number(idx) });
    }
    kept.sort((a, b) => a.idx - b.idx);
    const records: AnyRecord[] = [];
    for (const k of kept) {
      const record = recordAt(body, k.idx, k.key);
      if (record === null) continue;
      db.run('UPDATE raw_records SET idx = ? WHERE key = ?', [records.length, k.key]);
      records.push(record);
    }
    const bytes = encodeRecords(body.signal, records);
    db.run('UPDATE raw_bodies SET encoding = ?, compression = ?, byte_length = ?, body = ? WHERE id = ?', [
      'records', BODY_COMPRESSION, bytes.byteLength, compress(bytes), bodyId,
    ]);
    return true;
  }

  /** A stored body, decompressed and decoded; null when it is missing or no longer decodes. */
  private loadBody(id: number): LoadedBody | null {
    const row = firstRowPrepared(this.db, 'SELECT signal, encoding, compression, body FROM raw_bodies WHERE id = ?', [id]);
    if (!row) return null;
    const [signal, encoding, compression, compressed] = row;
    if (!isSignal(signal) || !isEncoding(encoding) || !(compressed instanceof Uint8Array)) return null;
    try {
      const records = recordsOf(decodeBody(signal, encoding, decompress(String(compression), compressed)));
      return { signal, encoding, records, keys: new RecordKeys(), byDigest: null };
    } catch {
      return null;
    }
  }

  close(): void {
    this.valueIds.clear();
  }
}

interface LoadedBody {
  readonly signal: Signal;
  readonly encoding: BodyEncoding;
  readonly records: readonly AnyRecord[];
  readonly keys: RecordKeys;
  /** Hash → record, built only when a record is not at its index. */
  byDigest: Map<string, AnyRecord> | null;
}

/**
 * The body's record with this key: at its index when the decoder still puts it
 * there, else found by key. The hash is compared (the time prefix comes from
 * the same record, so it agrees whenever the hash does).
 */
function recordAt(body: LoadedBody, index: number, key: string): AnyRecord | null {
  const wanted = key.slice(TIME_CHARS);
  const at = body.records[index];
  if (at !== undefined && body.keys.digestText(body.signal, at) === wanted) return at;
  if (body.byDigest === null) {
    body.byDigest = new Map();
    for (const r of body.records) body.byDigest.set(body.keys.digestText(body.signal, r), r);
  }
  return body.byDigest.get(wanted) ?? null;
}
