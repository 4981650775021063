// Decoded OTLP batches → raw records + the agent model, in one transaction.
//
// Per batch: compute every record's natural key, skip the records already
// stored (a retried export changes nothing, and a body none of whose records
// is new is not kept), store the request body once (compressed) and one
// compact index row per new record, let the agent's adapter turn each new
// record into AgentEvents and merge those into the model. Records no adapter
// claims are stored and counted, nothing more. rebuildModel() decodes the
// stored bodies again and replays their records through the same path, so the
// model is always reproducible from the audit trail alone.

import type { AgentKind } from '../model/agentKind';
import type { AgentEvent } from '../model/events';
import type { AgentAdapter } from '../agents/adapter';
import { defaultRegistry, type AdapterRegistry } from '../agents/registry';
import { logFacts, metricFacts, spanFacts, type RecordFacts } from '../agents/recordFacts';
import type { DecodedBatch, LogRecord, MetricPoint, Signal, Span } from '../otlp/types';
import { ModelWriteRepository } from './modelWriteRepository';
import {
  encodeRecords,
  RawRecordRepository,
  RecordKeys,
  recordsOf,
  type AnyRecord,
  type NewRawRecord,
  type RequestBody,
} from './rawRecordRepository';
import { MODEL_TABLES } from './schema';
import type { SqlDatabase } from './sqlJs';

export interface IngestMeta {
  /** Journal entry the batch came from (replaying the journal after a crash finds the same keys). */
  readonly journalSeq: number;
  readonly receivedAtMs: number;
  /** Workspace folders that file paths are made relative to. */
  readonly workspaceRoots?: readonly string[];
  /**
   * The request body the batch was decoded from, as received (the journal's
   * payload) and its encoding: it is what the audit trail keeps. Without it the
   * batch's normalised records are kept instead (encoding 'records').
   */
  readonly body?: RequestBody;
}

export interface IngestOptions {
  readonly registry?: AdapterRegistry;
}

export interface IngestResult {
  /** Records in the batch (log records, spans or metric points). */
  readonly received: number;
  /** Records stored for the first time. */
  readonly stored: number;
  /** Records skipped because their natural key was already stored. */
  readonly duplicates: number;
  /** Stored records no adapter claims (kept raw, not in the model). */
  readonly unknownAgent: number;
  /** AgentEvents applied to the model. */
  readonly events: number;
  readonly byAgent: Readonly<Partial<Record<AgentKind, number>>>;
}

export interface RebuildOptions extends IngestOptions {
  readonly workspaceRoots?: readonly string[];
}

export interface RebuildResult {
  readonly records: number;
  readonly events: number;
  readonly unknownAgent: number;
  /** Stored records whose body no longer decodes to them (a decoder change); left out of the model. */
  readonly unmatched: number;
}

/** SAVEPOINT rather than BEGIN: works on its own and inside a caller's transaction. */
function inTransaction<T>(db: SqlDatabase, name: string, work: () => T): T {
  db.run(`SAVEPOINT ${name}`);
  try {
    const result = work();
    db.run(`RELEASE ${name}`);
    return result;
  } catch (err) {
    db.run(`ROLLBACK TO ${name}`);
    db.run(`RELEASE ${name}`);
    throw err;
  }
}

function eventsOf(adapter: AgentAdapter, signal: Signal, record: AnyRecord, recordKey: string): AgentEvent[] {
  const ctx = { recordKey };
  switch (signal) {
    case 'logs':
      return adapter.fromLog(record as LogRecord, ctx);
    case 'traces':
      return adapter.fromSpan(record as Span, ctx);
    case 'metrics':
      return adapter.fromMetric(record as MetricPoint, ctx);
  }
}

function factsOf(signal: Signal, record: AnyRecord): RecordFacts {
  switch (signal) {
    case 'logs':
      return logFacts(record as LogRecord);
    case 'traces':
      return spanFacts(record as Span);
    case 'metrics':
      return metricFacts(record as MetricPoint);
  }
}

export interface BatchToIngest {
  readonly batch: DecodedBatch;
  readonly meta: IngestMeta;
}

export function ingestBatch(db: SqlDatabase, batch: DecodedBatch, meta: IngestMeta, options: IngestOptions = {}): IngestResult {
  return ingestBatches(db, [{ batch, meta }], options)[0];
}

/**
 * Several batches in one savepoint and one model flush: a tool call's or a
 * request's events that arrive in different requests (logs and spans, say)
 * merge into one upsert (see ModelWriteRepository), and the flush's
 * attribution passes run once. All or nothing: on a throw nothing is kept (a
 * caller isolating a bad batch retries them one by one). Same result as
 * ingesting them one after the other.
 */
export function ingestBatches(db: SqlDatabase, items: readonly BatchToIngest[], options: IngestOptions = {}): IngestResult[] {
  const registry = options.registry ?? defaultRegistry();
  if (items.every((item) => recordsOf(item.batch).length === 0)) {
    return items.map(() => ({ received: 0, stored: 0, duplicates: 0, unknownAgent: 0, events: 0, byAgent: {} }));
  }
  return inTransaction(db, 'ingest', () => {
    const raw = new RawRecordRepository(db);
    // Workspace roots are the store's, the same for every batch of a call.
    const model = new ModelWriteRepository(db, { workspaceRoots: items[0].meta.workspaceRoots });
    try {
      const results = items.map(({ batch, meta }) => ingestInto(raw, model, registry, batch, meta));
      model.flush();
      return results;
    } finally {
      raw.close();
      model.close();
    }
  });
}

/** One batch's raw records and model events (written by the caller's flush). */
function ingestInto(raw: RawRecordRepository, model: ModelWriteRepository, registry: AdapterRegistry, batch: DecodedBatch, meta: IngestMeta): IngestResult {
  const records = recordsOf(batch);
  const signal = batch.signal;
  const n = records.length;
  if (n === 0) return { received: 0, stored: 0, duplicates: 0, unknownAgent: 0, events: 0, byAgent: {} };
  const keys = new RecordKeys();
  const rows: NewRawRecord[] = new Array<NewRawRecord>(n);
  const adapters: Array<AgentAdapter | null> = new Array<AgentAdapter | null>(n);
  for (let i = 0; i < n; i++) {
    const record = records[i];
    const f = factsOf(signal, record);
    const adapter = registry.pick({ signal, resource: record.resource, scope: record.scope });
    adapters[i] = adapter;
    rows[i] = {
      key: keys.keyOf(signal, record, f.timeMs),
      index: i,
      agent: adapter?.agent ?? 'unknown',
      name: f.name,
      sessionId: f.sessionId,
      promptId: f.promptId,
    };
  }
  const body = meta.body ?? { bytes: encodeRecords(signal, records), encoding: 'records' as const };
  const fresh = raw.store({ journalSeq: meta.journalSeq, receivedAtMs: meta.receivedAtMs, signal, encoding: body.encoding, bytes: body.bytes }, rows);
  const duplicates = n - fresh.length;
  if (fresh.length === 0) return { received: n, stored: 0, duplicates, unknownAgent: 0, events: 0, byAgent: {} };

  const byAgent: Partial<Record<AgentKind, number>> = {};
  let unknownAgent = 0;
  let events = 0;
  for (const i of fresh) {
    const agent = rows[i].agent as AgentKind;
    byAgent[agent] = (byAgent[agent] ?? 0) + 1;
    const adapter = adapters[i];
    if (!adapter) {
      unknownAgent++;
      continue;
    }
    for (const event of eventsOf(adapter, signal, records[i], rows[i].key)) {
      model.apply(event);
      events++;
    }
  }
  return { received: n, stored: fresh.length, duplicates, unknownAgent, events, byAgent };
}

/** Empties the model tables and derives them again from every stored record, decoding the stored bodies. */
export function rebuildModel(db: SqlDatabase, options: RebuildOptions = {}): RebuildResult {
  const registry = options.registry ?? defaultRegistry();
  return inTransaction(db, 'rebuild', () => {
    for (const table of MODEL_TABLES) db.run(`DELETE FROM ${table}`);
    const raw = new RawRecordRepository(db);
    const model = new ModelWriteRepository(db, { workspaceRoots: options.workspaceRoots });
    let events = 0;
    let unknownAgent = 0;
    try {
      // One flush per body, as when the body was ingested: bounded memory however big the store.
      const visited = raw.forEach(
        ({ signal, record, key }) => {
          const adapter = registry.pick({ signal, resource: record.resource, scope: record.scope });
          if (!adapter) {
            unknownAgent++;
            return;
          }
          for (const event of eventsOf(adapter, signal, record, key)) {
            model.apply(event);
            events++;
          }
        },
        () => model.flush(),
      );
      model.flush();
      return { records: visited.records, events, unknownAgent, unmatched: visited.unmatched };
    } finally {
      raw.close();
      model.close();
    }
  });
}

export interface PruneResult {
  /** Sessions removed whole. */
  readonly sessions: number;
  readonly modelRows: number;
  readonly rawRecords: number;
  readonly bodies: number;
  /** Bodies that also held records of sessions that stay: rewritten with only those. */
  readonly rewrittenBodies: number;
}

/**
 * Retention: deletes the sessions whose last activity is older than
 * `cutoffMs`, whole (their model rows and their raw records, so no half prompt
 * remains and a rebuild gives the same model), and model rows and raw records
 * that name no session and are older than the cutoff. A session still active
 * on either side (model or raw) is kept.
 */
export function pruneBefore(db: SqlDatabase, cutoffMs: number): PruneResult {
  return inTransaction(db, 'prune', () => {
    const raw = new RawRecordRepository(db);
    const model = new ModelWriteRepository(db);
    try {
      const active = model.sessionsActiveSince(cutoffMs);
      const idle = new Set([...raw.sessionsIdleSince(cutoffMs), ...model.sessionsIdleSince(cutoffMs)]);
      const rawActive = new Set(raw.sessionsActiveSince(cutoffMs));
      const victims = [...idle].filter((s) => !active.has(s) && !rawActive.has(s)).sort();
      const modelRows = model.deleteSessions(victims, cutoffMs);
      const pruned = raw.prune(victims, cutoffMs);
      return { sessions: victims.length, modelRows, rawRecords: pruned.records, bodies: pruned.bodies, rewrittenBodies: pruned.rewrittenBodies };
    } finally {
      raw.close();
      model.close();
    }
  });
}
