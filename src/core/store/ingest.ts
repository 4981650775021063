// Decoded OTLP batches → raw records + the agent model, in one transaction.
//
// Per record: store it raw (skipped entirely when its natural key is already
// stored — a retried export changes nothing), let the agent's adapter turn it
// into AgentEvents, merge those into the model. Records no adapter claims are
// stored and counted, nothing more. rebuildModel() replays the raw records
// through the same path, so the model is always reproducible from the audit trail.

import type { AgentKind } from '../model/agentKind';
import type { AgentEvent } from '../model/events';
import type { AgentAdapter } from '../agents/adapter';
import { defaultRegistry, type AdapterRegistry } from '../agents/registry';
import { logFacts, metricFacts, spanFacts, type RecordFacts } from '../agents/recordFacts';
import type { DecodedBatch, LogRecord, MetricPoint, Signal, Span } from '../otlp/types';
import { ModelWriteRepository } from './modelWriteRepository';
import { naturalKeyOf, RawRecordRepository, serializeRecord, type AnyRecord } from './rawRecordRepository';
import { MODEL_TABLES } from './schema';
import type { SqlDatabase } from './sqlJs';

export interface IngestMeta {
  /** Journal entry the batch came from (replaying the journal after a crash finds the same keys). */
  readonly journalSeq: number;
  readonly receivedAtMs: number;
  /** Workspace folders that file paths are made relative to. */
  readonly workspaceRoots?: readonly string[];
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

function recordsOf(batch: DecodedBatch): readonly AnyRecord[] {
  switch (batch.signal) {
    case 'logs':
      return batch.records;
    case 'traces':
      return batch.spans;
    case 'metrics':
      return batch.points;
  }
}

export function ingestBatch(db: SqlDatabase, batch: DecodedBatch, meta: IngestMeta, options: IngestOptions = {}): IngestResult {
  const registry = options.registry ?? defaultRegistry();
  const records = recordsOf(batch);
  const signal = batch.signal;
  return inTransaction(db, 'ingest', () => {
    const raw = new RawRecordRepository(db);
    const model = new ModelWriteRepository(db, { workspaceRoots: meta.workspaceRoots });
    let stored = 0;
    let duplicates = 0;
    let unknownAgent = 0;
    let events = 0;
    const byAgent: Partial<Record<AgentKind, number>> = {};
    try {
      for (const record of records) {
        const resource = raw.resource(record.resource);
        const scope = raw.scope(record.scope);
        const facts = factsOf(signal, record);
        const json = serializeRecord(signal, record);
        const key = naturalKeyOf(signal, resource.hash, scope.hash, json, facts.timeMs);
        const adapter = registry.pick({ signal, resource: record.resource, scope: record.scope });
        const agent: AgentKind = adapter?.agent ?? 'unknown';
        const isNew = raw.insert({
          naturalKey: key,
          signal,
          agent,
          name: facts.name,
          sessionId: facts.sessionId,
          promptId: facts.promptId,
          timeMs: facts.timeMs,
          resourceId: resource.id,
          scopeId: scope.id,
          journalSeq: meta.journalSeq,
          receivedAtMs: meta.receivedAtMs,
          json,
        });
        if (!isNew) {
          duplicates++;
          continue;
        }
        stored++;
        byAgent[agent] = (byAgent[agent] ?? 0) + 1;
        if (!adapter) {
          unknownAgent++;
          continue;
        }
        for (const event of eventsOf(adapter, signal, record, key)) {
          model.apply(event);
          events++;
        }
      }
      model.flush();
    } finally {
      raw.close();
      model.close();
    }
    return { received: records.length, stored, duplicates, unknownAgent, events, byAgent };
  });
}

/** Empties the model tables and derives them again from every raw record. */
export function rebuildModel(db: SqlDatabase, options: RebuildOptions = {}): RebuildResult {
  const registry = options.registry ?? defaultRegistry();
  return inTransaction(db, 'rebuild', () => {
    for (const table of MODEL_TABLES) db.run(`DELETE FROM ${table}`);
    const raw = new RawRecordRepository(db);
    const model = new ModelWriteRepository(db, { workspaceRoots: options.workspaceRoots });
    let events = 0;
    let unknownAgent = 0;
    try {
      const records = raw.forEach((signal, record, key) => {
        const adapter = registry.pick({ signal, resource: record.resource, scope: record.scope });
        if (!adapter) {
          unknownAgent++;
          return;
        }
        for (const event of eventsOf(adapter, signal, record, key)) {
          model.apply(event);
          events++;
        }
      });
      model.flush();
      return { records, events, unknownAgent };
    } finally {
      raw.close();
      model.close();
    }
  });
}
