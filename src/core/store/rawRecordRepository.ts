// The audit trail: every OTLP record as received (after normalisation), its
// resource and scope stored once. A record's natural key is a hash of its
// content and origin, so the same record sent twice (a retried export, a
// duplicated request) is recognised and stored once.

import crypto from 'node:crypto';
import type { LogRecord, MetricPoint, Resource, Scope, Signal, Span } from '../otlp/types';
import { firstRowPrepared, runPrepared } from './modelWriteRepository';
import type { SqlDatabase, SqlValue } from './sqlJs';

export type AnyRecord = LogRecord | Span | MetricPoint;

interface Stored {
  readonly id: number;
  readonly hash: string;
}

export interface RawRecordRow {
  readonly naturalKey: string;
  readonly signal: Signal;
  readonly agent: string;
  readonly name: string | null;
  readonly sessionId: string | null;
  readonly promptId: string | null;
  readonly timeMs: number | null;
  readonly resourceId: number;
  readonly scopeId: number;
  readonly journalSeq: number;
  readonly receivedAtMs: number;
  /** See serializeRecord. */
  readonly json: string;
}

/**
 * sql.js binds a JS string by encoding it character by character in JS (about
 * 20 ns a character) but copies a Uint8Array into wasm memory in one go. Long
 * text is therefore bound as UTF-8 bytes and turned back into TEXT by
 * `CAST(? AS TEXT)` in the statement, which is exact in a UTF-8 database.
 */
const encoder = new TextEncoder();

function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** One-shot hashing where Node has it (20.12+), else the streaming API. */
const sha1: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha1', text, 'base64url')
    : (text) => crypto.createHash('sha1').update(text).digest('base64url');

/**
 * The record without its resource and scope (stored apart, once), as JSON.
 * Fields are listed explicitly because building the object literal is several
 * times faster than copying all but two keys; a unit test checks that no field
 * of the decoder's shape is left out.
 */
export function serializeRecord(signal: Signal, record: AnyRecord): string {
  switch (signal) {
    case 'logs': {
      const r = record as LogRecord;
      return JSON.stringify({
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
      });
    }
    case 'traces': {
      const r = record as Span;
      return JSON.stringify({
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
      });
    }
    case 'metrics': {
      const r = record as MetricPoint;
      return JSON.stringify({
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
      });
    }
  }
}

/**
 * Same signal, origin and content ⇒ same key, whichever request carried the
 * record. The key starts with the record's own time (fixed-width base 36) so
 * that new keys land at the end of the UNIQUE index instead of all over it:
 * a batch then dirties a few index pages, not one page per record.
 */
export function naturalKeyOf(signal: Signal, resourceHash: string, scopeHash: string, recordJson: string, timeMs: number | null): string {
  const time = Math.max(0, Math.floor(timeMs ?? 0)).toString(36).padStart(9, '0');
  return `${time}.${sha1(`${signal}\n${resourceHash}\n${scopeHash}\n${recordJson}`)}`;
}

const INSERT_SQL = `INSERT OR IGNORE INTO raw_records
  (natural_key, signal, agent, name, session_id, prompt_id, time_ms, resource_id, scope_id, journal_seq, received_at_ms, record)
  VALUES (CAST(? AS TEXT), ?, ?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, ?, ?, ?, CAST(? AS TEXT))`;

export class RawRecordRepository {
  private readonly resources = new Map<Resource, Stored>();
  private readonly scopes = new Map<Scope, Stored>();
  private readonly encoded = new Map<string, Uint8Array>();

  constructor(private readonly db: SqlDatabase) {}

  /** Resources are shared by every record of an export block: stored and hashed once per object. */
  resource(resource: Resource): Stored {
    let stored = this.resources.get(resource);
    if (!stored) {
      const attributes = JSON.stringify(resource.attributes);
      const h = sha1(attributes);
      runPrepared(this.db, 'INSERT OR IGNORE INTO resources (hash, attributes) VALUES (?, ?)', [h, attributes]);
      stored = { id: this.idOf('SELECT id FROM resources WHERE hash = ?', h), hash: h };
      this.resources.set(resource, stored);
    }
    return stored;
  }

  scope(scope: Scope): Stored {
    let stored = this.scopes.get(scope);
    if (!stored) {
      const attributes = JSON.stringify(scope.attributes);
      const h = sha1(JSON.stringify([scope.name, scope.version, attributes]));
      runPrepared(this.db, 'INSERT OR IGNORE INTO scopes (hash, name, version, attributes) VALUES (?, ?, ?, ?)', [h, scope.name, scope.version, attributes]);
      stored = { id: this.idOf('SELECT id FROM scopes WHERE hash = ?', h), hash: h };
      this.scopes.set(scope, stored);
    }
    return stored;
  }

  private idOf(sql: string, h: string): number {
    const row = firstRowPrepared(this.db, sql, [h]);
    if (!row || typeof row[0] !== 'number') throw new Error('a deduplicated row was not found after insert');
    return row[0];
  }

  /** Stores the record; false when its natural key is already stored. */
  insert(row: RawRecordRow): boolean {
    const params: SqlValue[] = [
      utf8(row.naturalKey), row.signal, row.agent, this.cached(row.name), this.cached(row.sessionId), this.cached(row.promptId),
      row.timeMs, row.resourceId, row.scopeId, row.journalSeq, row.receivedAtMs, utf8(row.json),
    ];
    runPrepared(this.db, INSERT_SQL, params);
    return this.db.getRowsModified() > 0;
  }

  /** Names and ids repeat across a batch: encoded once. */
  private cached(text: string | null): Uint8Array | null {
    if (text === null) return null;
    let bytes = this.encoded.get(text);
    if (!bytes) {
      bytes = utf8(text);
      this.encoded.set(text, bytes);
    }
    return bytes;
  }

  /** Every stored record in arrival order, rebuilt into the decoder's shape. */
  forEach(visit: (signal: Signal, record: AnyRecord, naturalKey: string) => void): number {
    const resources = this.loadById('SELECT id, attributes FROM resources', (r) => ({ attributes: JSON.parse(String(r[1])) as Resource['attributes'] }));
    const scopes = this.loadById('SELECT id, name, version, attributes FROM scopes', (r) => ({
      name: String(r[1]),
      version: String(r[2]),
      attributes: JSON.parse(String(r[3])) as Scope['attributes'],
    }));
    const stmt = this.db.prepare('SELECT signal, natural_key, record, resource_id, scope_id FROM raw_records ORDER BY id');
    let n = 0;
    try {
      while (stmt.step()) {
        const [signal, key, json, resourceId, scopeId] = stmt.get();
        const resource = resources.get(Number(resourceId));
        const scope = scopes.get(Number(scopeId));
        if (!resource || !scope) throw new Error(`raw record ${String(key)} refers to a missing resource or scope`);
        const record = Object.assign(JSON.parse(String(json)) as object, { resource, scope }) as AnyRecord;
        visit(String(signal) as Signal, record, String(key));
        n++;
      }
    } finally {
      stmt.free();
    }
    return n;
  }

  private loadById<T>(sql: string, map: (row: SqlValue[]) => T): Map<number, T> {
    const out = new Map<number, T>();
    for (const row of this.db.exec(sql)[0]?.values ?? []) out.set(Number(row[0]), map(row));
    return out;
  }

  close(): void {
    this.encoded.clear();
  }
}
