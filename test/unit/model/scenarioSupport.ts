// Shared by the model tests: captured requests of test/fixtures/<agent>/<scenario>,
// a fresh in-memory database with the store's schema, and what a scenario's
// ground truth (scenario.json) says the model must contain.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { decodeJson } from '../../../src/core/otlp/decodeJson';
import { decodeProtobuf } from '../../../src/core/otlp/decodeProtobuf';
import type { DecodedBatch, Signal } from '../../../src/core/otlp/types';
import { DEFAULT_PRAGMAS } from '../../../src/core/store/databaseFile';
import { ingestBatch, type IngestResult } from '../../../src/core/store/ingest';
import type { RequestBody } from '../../../src/core/store/rawRecordRepository';
import { ModelRepository } from '../../../src/core/store/modelRepository';
import { MIGRATIONS } from '../../../src/core/store/schema';
import { loadSqlJs, type SqlDatabase } from '../../../src/core/store/sqlJs';
import type { FileSummary, PromptStep, PromptSummary, SessionSummary } from '../../../src/core/model/views';
import { prng } from '../otlp/helpers';

export const FIXTURES = path.resolve(__dirname, '../../fixtures');

export interface CapturedRequest {
  readonly file: string;
  readonly signal: Signal;
  readonly batch: DecodedBatch;
  /** The body the batch was decoded from (after decompression), as the journal holds it. */
  readonly body: RequestBody;
}

const BODY = /^(\d{4})-(?:http|grpc)-(logs|metrics|traces)\.(json|pb|pb\.gz|decoded\.json)$/;

export type BodyFormat = 'wire' | 'decodedJson';

/**
 * The scenario's requests in arrival order. 'wire' decodes the bytes the CLI
 * sent (JSON, protobuf, gzip-compressed protobuf, gRPC message bytes);
 * 'decodedJson' reads the fixture's readable OTLP/JSON twin of each binary body.
 */
export function loadRequests(dir: string, format: BodyFormat = 'wire'): CapturedRequest[] {
  const out: CapturedRequest[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    const m = BODY.exec(file);
    if (!m) continue;
    const signal = m[2] as Signal;
    const ext = m[3];
    const bytes = fs.readFileSync(path.join(dir, file));
    const json = (): CapturedRequest => ({ file, signal, batch: decodeJson(signal, bytes), body: { bytes, encoding: 'json' } });
    const protobuf = (b: Uint8Array): CapturedRequest => ({ file, signal, batch: decodeProtobuf(signal, b), body: { bytes: b, encoding: 'protobuf' } });
    if (format === 'decodedJson') {
      if (ext === 'json' || ext === 'decoded.json') out.push(json());
      continue;
    }
    if (ext === 'json') out.push(json());
    else if (ext === 'pb') out.push(protobuf(bytes));
    else if (ext === 'pb.gz') out.push(protobuf(zlib.gunzipSync(bytes)));
  }
  return out;
}

export function hasBinaryBodies(dir: string): boolean {
  return fs.readdirSync(dir).some((f) => /\.pb(\.gz)?$/.test(f));
}

/** An in-memory database with the store's schema and connection settings. */
export async function freshDb(): Promise<SqlDatabase> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  for (const p of DEFAULT_PRAGMAS) db.exec(p);
  for (const m of MIGRATIONS) db.exec(m.sql);
  return db;
}

export function scenarioDirs(agent: string): string[] {
  const root = path.join(FIXTURES, agent);
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(root, e.name))
    .sort();
}

// ── splitting and shuffling ───────────────────────────────────────────────

/** Deterministic PRNG (mulberry32) so that a failing shuffle can be replayed. */
/** A seeded PRNG (mulberry32), shared with the listener's fuzz tests. */
export const seededRandom = prng;

export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const rnd = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** One batch per record: each log record, span or data point travels alone. */
export function splitRecordByRecord(requests: readonly CapturedRequest[]): DecodedBatch[] {
  const out: DecodedBatch[] = [];
  for (const { batch } of requests) {
    if (batch.signal === 'logs') for (const r of batch.records) out.push({ signal: 'logs', records: [r], rejected: 0, errors: [] });
    if (batch.signal === 'traces') for (const s of batch.spans) out.push({ signal: 'traces', spans: [s], rejected: 0, errors: [] });
    if (batch.signal === 'metrics') for (const p of batch.points) out.push({ signal: 'metrics', points: [p], rejected: 0, errors: [] });
  }
  return out;
}

/** Batches without their bodies: the store keeps their normalised records as the audit trail. */
export function ingestAll(db: SqlDatabase, batches: readonly DecodedBatch[], workspaceRoots: readonly string[] = []): IngestResult[] {
  return batches.map((batch, i) => ingestBatch(db, batch, { journalSeq: i + 1, receivedAtMs: 1_700_000_000_000 + i, workspaceRoots }));
}

/** Captured requests with their wire bodies, as the store ingests them from the journal. */
export function ingestRequests(db: SqlDatabase, requests: readonly CapturedRequest[], workspaceRoots: readonly string[] = [], firstSeq = 1): IngestResult[] {
  return requests.map((r, i) =>
    ingestBatch(db, r.batch, { journalSeq: firstSeq + i, receivedAtMs: 1_700_000_000_000 + firstSeq + i, workspaceRoots, body: r.body }),
  );
}

// ── the model as one comparable value ─────────────────────────────────────

export interface ModelSnapshot {
  readonly sessions: SessionSummary[];
  readonly prompts: PromptSummary[];
  readonly steps: Record<string, PromptStep[]>;
  readonly files: FileSummary[];
}

export function snapshot(db: SqlDatabase): ModelSnapshot {
  const repo = new ModelRepository(db);
  const prompts = repo.listPrompts();
  const steps: Record<string, PromptStep[]> = {};
  for (const p of prompts) steps[p.id] = repo.promptSteps(p.id);
  return { sessions: repo.listSessions(), prompts, steps, files: repo.filesTouched() };
}

/** Every row of every table, sorted: equality means the databases hold the same data. */
export function dumpTables(db: SqlDatabase, tables: readonly string[]): Record<string, unknown[][]> {
  const out: Record<string, unknown[][]> = {};
  for (const t of tables) {
    const rows = db.exec(`SELECT * FROM ${t}`)[0]?.values ?? [];
    out[t] = rows.map((r) => [...r]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return out;
}

// ── ground truth ──────────────────────────────────────────────────────────

export interface ScenarioToolCall {
  readonly tool: string;
  readonly callId: string;
  readonly decision: 'accept' | 'reject' | null;
  readonly decisionSource: string | null;
  readonly success: boolean | null;
  readonly files: ReadonlyArray<{ readonly path: string; readonly access: string }>;
  readonly subagent?: { readonly parentCallId: string; readonly agentType: string };
  readonly emitted: readonly string[];
}

export interface ScenarioPrompt {
  readonly promptId: string;
  readonly text: string;
  readonly textInTelemetry: string;
  readonly toolCalls: readonly ScenarioToolCall[];
  readonly apiRequests: number;
  readonly apiErrors: number;
  readonly tokens: { readonly input: number; readonly output: number; readonly cacheRead: number; readonly cacheCreation: number };
  readonly costUsd: number;
  readonly costUsdMicros: number;
}

export interface Scenario {
  readonly scenario: string;
  readonly agent: { readonly name: string; readonly version: string; readonly serviceName: string };
  readonly optionalTelemetryFlags: readonly string[];
  readonly workspace: string;
  readonly sessionIds: readonly string[];
  readonly prompts: readonly ScenarioPrompt[];
  readonly slashCommands: ReadonlyArray<{ readonly command: string; readonly promptId: string }>;
  readonly tokens: ScenarioPrompt['tokens'];
  readonly costUsd: number;
  readonly costUsdMicros: number;
  readonly apiErrors: ReadonlyArray<{ readonly promptId: string; readonly statusCode: number; readonly attempt: number; readonly error: string }>;
  readonly apiRetriesExhausted: ReadonlyArray<{ readonly promptId: string; readonly statusCode: number; readonly totalAttempts: number }>;
  readonly models: readonly string[];
  readonly notes: readonly string[];
}

export function readScenario(dir: string): Scenario {
  return JSON.parse(fs.readFileSync(path.join(dir, 'scenario.json'), 'utf8')) as Scenario;
}

/** A call the agent reported in no event and no span cannot be reconstructed from telemetry. */
export function visibleCalls(p: ScenarioPrompt): ScenarioToolCall[] {
  return p.toolCalls.filter((c) => c.emitted.length > 0);
}

/** File paths reach telemetry only with OTEL_LOG_TOOL_DETAILS (tool_input on events, file_path on spans). */
export function filesAreLogged(s: Scenario): boolean {
  return s.optionalTelemetryFlags.includes('OTEL_LOG_TOOL_DETAILS');
}

/** Retried-then-successful requests show only as `attempt=N` on spans; the notes record N. */
export function expectedRetries(s: Scenario, p: ScenarioPrompt): number {
  let retries = 0;
  for (const e of s.apiErrors) if (e.promptId === p.promptId) retries += e.attempt - 1;
  for (const note of s.notes) {
    const m = /\battempt=(\d+)/.exec(note);
    if (m && s.prompts.length === 1) retries += Number(m[1]) - 1;
  }
  return retries;
}
