// Ingest throughput: `npx tsx test/unit/model/benchIngest.ts [records] [batchSize]`.
// Replays the multi-tool capture's log records as many distinct sessions (fresh
// session, prompt, request and call ids per copy) into an in-memory sql.js
// database. The first `records` warm the JIT and the database up (a running
// listener is warm); the next `records` are measured. Prints log records per
// second of wall time and of CPU time (the fair figure on a shared machine).
// Not run by the unit suite. The store's connection pragmas are applied
// (PRAGMAS="a=b;c=d" replaces them).
import path from 'node:path';
import type { LogRecord } from '../../../src/core/otlp/types';
import { DEFAULT_PRAGMAS } from '../../../src/core/store/databaseFile';
import { ingestBatch } from '../../../src/core/store/ingest';
import { ModelRepository } from '../../../src/core/store/modelRepository';
import type { SqlDatabase } from '../../../src/core/store/sqlJs';
import { FIXTURES, freshDb, loadRequests } from './scenarioSupport';

function withIds(r: LogRecord, copy: number): LogRecord {
  const attributes = { ...r.attributes };
  for (const key of ['session.id', 'prompt.id', 'tool_use_id', 'request_id']) {
    const v = attributes[key];
    if (typeof v === 'string') attributes[key] = `${v}-${copy}`;
  }
  const shift = BigInt(copy) * 1_000_000_000n;
  return { ...r, attributes, timeUnixNano: (BigInt(r.timeUnixNano) + shift).toString(), observedTimeUnixNano: (BigInt(r.observedTimeUnixNano) + shift).toString() };
}

function ingest(db: SqlDatabase, records: readonly LogRecord[], batchSize: number): { wallMs: number; cpuMs: number } {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (let i = 0; i < records.length; i += batchSize) {
    ingestBatch(db, { signal: 'logs', records: records.slice(i, i + batchSize), rejected: 0, errors: [] }, { journalSeq: i, receivedAtMs: Date.now() });
  }
  const used = process.cpuUsage(cpu);
  return { wallMs: Number(process.hrtime.bigint() - wall) / 1e6, cpuMs: (used.user + used.system) / 1000 };
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 50_000);
  const batchSize = Number(process.argv[3] ?? 1000);
  const template = loadRequests(path.join(FIXTURES, 'claude-code/multi-tool-http-json')).flatMap((r) => (r.batch.signal === 'logs' ? r.batch.records : []));
  const records: LogRecord[] = [];
  for (let copy = 0; records.length < 2 * total; copy++) for (const r of template) if (records.length < 2 * total) records.push(withIds(r, copy));

  const db = await freshDb();
  const pragmas = process.env.PRAGMAS === undefined ? DEFAULT_PRAGMAS : process.env.PRAGMAS.split(';').filter(Boolean).map((p) => `PRAGMA ${p}`);
  for (const pragma of pragmas) db.run(pragma);
  ingest(db, records.slice(0, total), batchSize);
  const t = ingest(db, records.slice(total), batchSize);
  const retry = ingest(db, records.slice(total, total + 10_000), batchSize);
  const q = process.hrtime.bigint();
  const prompts = new ModelRepository(db).listPrompts();
  const queryMs = Number(process.hrtime.bigint() - q) / 1e6;
  const rate = (ms: number): number => Math.round((total / ms) * 1000);
  console.log(
    `${total} log records (after ${total} warm-up) in batches of ${batchSize}: ` +
      `${rate(t.wallMs)} records/s wall, ${rate(t.cpuMs)} records/s CPU; ` +
      `10000 duplicates skipped in ${retry.wallMs.toFixed(0)} ms; listPrompts of ${prompts.length} prompts in ${queryMs.toFixed(0)} ms; ` +
      `db ${(db.export().length / 1e6).toFixed(1)} MB; pragmas: ${pragmas.join('; ')}`,
  );
}

void main();
