// Benchmark: the store at scale.
//   (a) ingest through TrailStore.accept() with durable acks (a real journal in a
//       temp directory, fsync per group commit), OTLP/JSON bodies of realistic
//       Claude Code records, 1 and 8 concurrent senders: the ack rate, and the
//       rate at which the model (which follows the acks) has them all;
//   (a2) the same end to end through the real OTLP/HTTP listener, clients in a
//       worker thread;
//   (b) a store of 1,000,000 records: file size, time to open, per-file query
//       (touchesForFile), per-prompt steps query (promptSteps), snapshot time,
//       process RSS.
//
// Records are the multi-tool capture's log records and spans
// (test/fixtures/claude-code/multi-tool-http-json) replicated into many
// sessions and prompts: fresh session, prompt, request, tool call, trace and
// span ids, shifted times, and file paths drawn from a pool of repositories and
// files (a few hot files, many cold ones).
//
// Part of the bench runner (benchStore); also runnable alone:
//   npx tsx test/bench/store.ts [--quick] [--records=1000000]
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJson } from '../../src/core/otlp/decodeJson';
import { decodeProtobuf } from '../../src/core/otlp/decodeProtobuf';
import { SIGNAL_TYPES } from '../../src/core/otlp/protoSchema';
import { toProto3Json } from '../unit/otlp/helpers';
import type { ReceivedRequest } from '../../src/core/otlp/sink';
import type { DecodedBatch, Signal } from '../../src/core/otlp/types';
import { formatTable, type BenchSection } from './section';
import { DatabaseFile } from '../../src/core/store/databaseFile';
import { ingestBatch } from '../../src/core/store/ingest';
import { storePaths } from '../../src/core/store/retention';
import { MIGRATIONS } from '../../src/core/store/schema';
import { TrailStore } from '../../src/core/store/trailStore';
import { OtlpHttpListener } from '../../src/core/otlp/httpReceiver';
import { runLoad } from './listener';

const FIXTURE = path.resolve(__dirname, '../fixtures/claude-code/multi-tool-http-json');

// ── synthetic Claude Code traffic ─────────────────────────────────────────

interface TemplateRecord {
  readonly signal: 'logs' | 'traces';
  /** The OTLP/JSON record as text, with the capture's ids in it. */
  readonly text: string;
}

interface Template {
  readonly records: readonly TemplateRecord[];
  /** OTLP/JSON resource and scope objects per signal, as text. */
  readonly envelope: Record<'logs' | 'traces', { resource: string; scope: string }>;
  /** Capture id → what kind of id it is (replaced per prompt replica). */
  readonly ids: ReadonlyMap<string, 'session' | 'prompt' | 'call' | 'request' | 'trace' | 'span' | 'fileA' | 'fileB' | 'root'>;
}

function hex(seed: string, chars: number): string {
  return crypto.createHash('sha1').update(seed).digest('hex').slice(0, chars);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function loadTemplate(): Template {
  const scenario = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'scenario.json'), 'utf8')) as {
    workspace: string;
    sessionIds: string[];
    prompts: Array<{ promptId: string; toolCalls: Array<{ callId: string }> }>;
  };
  const ids = new Map<string, 'session' | 'prompt' | 'call' | 'request' | 'trace' | 'span' | 'fileA' | 'fileB' | 'root'>();
  ids.set(scenario.sessionIds[0], 'session');
  for (const p of scenario.prompts) {
    ids.set(p.promptId, 'prompt');
    for (const c of p.toolCalls) ids.set(c.callId, 'call');
  }
  ids.set(`${scenario.workspace}/src/greet.js`, 'fileA');
  ids.set(`${scenario.workspace}/CHANGELOG.md`, 'fileB');
  ids.set(scenario.workspace, 'root');
  const records: TemplateRecord[] = [];
  const envelope = {} as Template['envelope'];
  for (const file of ['0001-http-logs.json', '0002-http-traces.json', '0004-http-logs.json', '0005-http-traces.json']) {
    const signal = file.includes('logs') ? 'logs' : 'traces';
    const body = JSON.parse(fs.readFileSync(path.join(FIXTURE, file), 'utf8')) as Record<string, Array<Record<string, unknown>>>;
    for (const block of body[signal === 'logs' ? 'resourceLogs' : 'resourceSpans']) {
      for (const scoped of block[signal === 'logs' ? 'scopeLogs' : 'scopeSpans'] as Array<Record<string, unknown>>) {
        envelope[signal] = { resource: JSON.stringify(block.resource), scope: JSON.stringify(scoped.scope) };
        for (const r of scoped[signal === 'logs' ? 'logRecords' : 'spans'] as Array<Record<string, unknown>>) {
          for (const k of ['traceId', 'spanId', 'parentSpanId'] as const) {
            const v = r[k];
            if (typeof v === 'string' && v !== '') ids.set(v, k === 'traceId' ? 'trace' : 'span');
          }
          for (const a of r.attributes as Array<{ key: string; value: { stringValue?: string } }>) {
            if ((a.key === 'request_id' || a.key === 'gen_ai.response.id') && a.value.stringValue) ids.set(a.value.stringValue, 'request');
          }
          records.push({ signal, text: JSON.stringify(r) });
        }
      }
    }
  }
  return { records, envelope, ids };
}

export interface TrafficOptions {
  readonly promptsPerSession?: number;
  /** Repositories sessions work in, and files per repository. */
  readonly repos?: number;
  readonly filesPerRepo?: number;
  /** Distinguishes runs (different ids). */
  readonly runId?: string;
}

/** Generates the capture's records again for prompt replica `n`, with fresh ids, times and paths. */
export class ClaudeTraffic {
  private readonly template = loadTemplate();
  private readonly pattern: RegExp;
  private readonly promptsPerSession: number;
  private readonly repos: number;
  private readonly filesPerRepo: number;
  private readonly runId: string;
  /** Paths generated so far (for the per-file query). */
  readonly paths = new Set<string>();
  readonly recordsPerPrompt: number;
  private readonly baseNanos = 1_795_000_000_000_000_000n;

  constructor(options: TrafficOptions = {}) {
    this.promptsPerSession = options.promptsPerSession ?? 20;
    this.repos = options.repos ?? 20;
    this.filesPerRepo = options.filesPerRepo ?? 500;
    this.runId = options.runId ?? 'run';
    const alternatives = [...this.template.ids.keys()].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    this.pattern = new RegExp(`${alternatives.join('|')}|"(?:timeUnixNano|observedTimeUnixNano|startTimeUnixNano|endTimeUnixNano)":"(\\d+)"`, 'g');
    this.recordsPerPrompt = this.template.records.length;
  }

  sessionOf(n: number): number {
    return Math.floor(n / this.promptsPerSession);
  }

  /** The prompt id of replica n. */
  promptId(n: number): string {
    return uuid(`${this.runId}/${n}/prompt`);
  }

  /** The workspace folder sessions of this repository work in. */
  static root(repo: number): string {
    return `/home/dev/projects/repo-${repo}`;
  }

  get repoCount(): number {
    return this.repos;
  }

  /** The records of prompt replica n, in capture order. */
  prompt(n: number): TemplateRecord[] {
    const session = this.sessionOf(n);
    const repo = session % this.repos;
    const root = ClaudeTraffic.root(repo);
    // Skewed: a few hot files, a long tail.
    const pick = (salt: string): string => {
      const u = parseInt(hex(`${this.runId}/${n}/${salt}`, 8), 16) / 2 ** 32;
      const f = Math.floor(this.filesPerRepo * u * u);
      return `${root}/src/module-${f % 25}/file-${f}.ts`;
    };
    const fileA = pick('a');
    const fileB = pick('b');
    this.paths.add(fileA);
    this.paths.add(fileB);
    const shift = BigInt(n) * 60_000_000_000n;
    const seed = `${this.runId}/${n}`;
    const replace = (match: string, nanos: string | undefined): string => {
      if (nanos !== undefined) return match.replace(nanos, String(BigInt(nanos) - 1_795_483_519_000_000_000n + this.baseNanos + shift));
      switch (this.template.ids.get(match)) {
        case 'session':
          return uuid(`${this.runId}/session/${session}`);
        case 'prompt':
          return this.promptId(n);
        case 'call':
          return `${match}_${n.toString(36)}`;
        case 'request':
          return `req_${hex(`${seed}/${match}`, 24)}`;
        case 'trace':
          return hex(`${seed}/${match}`, 32);
        case 'span':
          return hex(`${seed}/${match}`, 16);
        case 'fileA':
          return fileA;
        case 'fileB':
          return fileB;
        case 'root':
          return root;
        default:
          return match;
      }
    };
    return this.template.records.map((r) => ({ signal: r.signal, text: r.text.replace(this.pattern, replace) }));
  }

  /** An OTLP/JSON export request carrying these records (all of one signal). */
  body(signal: 'logs' | 'traces', texts: readonly string[]): Uint8Array {
    const e = this.template.envelope[signal];
    const json =
      signal === 'logs'
        ? `{"resourceLogs":[{"resource":${e.resource},"scopeLogs":[{"scope":${e.scope},"logRecords":[${texts.join(',')}]}]}]}`
        : `{"resourceSpans":[{"resource":${e.resource},"scopeSpans":[{"scope":${e.scope},"spans":[${texts.join(',')}]}]}]}`;
    return Buffer.from(json, 'utf8');
  }
}

export interface SyntheticRequest {
  readonly signal: Signal;
  readonly encoding: 'json' | 'protobuf';
  /** The OTLP body (a Buffer: off the JS heap, so thousands of them cost the GC nothing). */
  readonly body: Uint8Array;
  readonly records: number;
  readonly sender: number;
  /** Decodes the body as the listener does (each call decodes again: decoded batches are short-lived, as in the listener). */
  decode(): DecodedBatch;
}

/**
 * Requests as `senders` Claude Code processes would send them: each sender
 * works through its own sessions, one prompt after another, and exports its
 * logs and spans in requests of `batchSize` records.
 */
export function synthesize(
  traffic: ClaudeTraffic,
  options: { prompts: number; batchSize: number; senders: number; signals?: 'logs' | 'both'; firstPrompt?: number; encoding?: 'json' | 'protobuf' },
): SyntheticRequest[][] {
  const out: SyntheticRequest[][] = Array.from({ length: options.senders }, () => []);
  const first = options.firstPrompt ?? 0;
  const pending = Array.from({ length: options.senders }, () => ({ logs: [] as string[], traces: [] as string[] }));
  const emit = (sender: number, signal: 'logs' | 'traces', texts: string[]): void => {
    const json = traffic.body(signal, texts);
    if (options.encoding === 'protobuf') {
      // The same records as Claude Code sends them with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf (what `setup` configures).
      const type = SIGNAL_TYPES[signal].request;
      const body = Buffer.from(type.encode(type.fromObject(toProto3Json(JSON.parse(Buffer.from(json).toString('utf8'))) as Record<string, unknown>)).finish());
      out[sender].push({ signal, encoding: 'protobuf', body, records: texts.length, sender, decode: () => decodeProtobuf(signal, body) });
      return;
    }
    out[sender].push({ signal, encoding: 'json', body: json, records: texts.length, sender, decode: () => decodeJson(signal, json) });
  };
  for (let n = first; n < first + options.prompts; n++) {
    const sender = traffic.sessionOf(n) % options.senders;
    for (const r of traffic.prompt(n)) {
      if (r.signal === 'traces' && options.signals === 'logs') continue;
      const buf = pending[sender][r.signal];
      buf.push(r.text);
      if (buf.length >= options.batchSize) emit(sender, r.signal, buf.splice(0));
    }
  }
  pending.forEach((p, sender) => {
    if (p.logs.length > 0) emit(sender, 'logs', p.logs);
    if (p.traces.length > 0) emit(sender, 'traces', p.traces);
  });
  return out;
}

// ── the benchmark ─────────────────────────────────────────────────────────

export interface StoreBenchOptions {
  /** Ingest cases to run (default: TrailStore and body-passed, 1 and 8 senders, 100–500 records a request). */
  readonly cases?: readonly IngestCase[];
  /** Records of the big store (default 1,000,000). */
  readonly records?: number;
  /** Records measured per ingest case, after a warm-up of a fifth as many (default 100,000). */
  readonly ingestRecords?: number;
  readonly quick?: boolean;
  readonly log?: (line: string) => void;
  readonly table?: (title: string, header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>) => void;
}

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
const mib = (bytes: number): number => round(bytes / 2 ** 20, 1);
const rssMiB = (): number => mib(process.memoryUsage().rss);

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface IngestCase {
  readonly senders: number;
  readonly batchSize: number;
  readonly signals: 'logs' | 'both';
  /** Request bodies (default json). */
  readonly encoding?: 'json' | 'protobuf';
}

interface IngestOutcome {
  readonly records: number;
  /** Records acknowledged (journalled and fsynced) per second of wall time. */
  readonly ackRate: number;
  /** Records per second until the model held all of them (first request to settled()). */
  readonly modelRate: number;
  /** How far the model was behind at the last ack (ms). */
  readonly lagAtLastAckMs: number;
  readonly cpuRate: number;
  readonly ackP50: number;
  readonly ackP99: number;
  readonly entriesPerFsync: number;
  readonly dbBytes: number;
}

/**
 * Senders push requests through TrailStore.accept() (decoding each just
 * before, as the listener does) and await each ack: journal append + group
 * fsync. The model follows in the background; after the last ack the bench
 * waits for settled() and reports both rates.
 */
async function ingestThroughStore(root: string, c: IngestCase, measured: number, runId: string, maxBacklogBytes?: number): Promise<IngestOutcome> {
  const traffic = new ClaudeTraffic({ runId });
  const perPrompt = c.signals === 'logs' ? 25 : traffic.recordsPerPrompt;
  const warmup = Math.round(measured / 5);
  const prompts = Math.ceil((warmup + measured) / perPrompt);
  const perSender = synthesize(traffic, { prompts, batchSize: c.batchSize, senders: c.senders, signals: c.signals, encoding: c.encoding });
  const dataDir = fs.mkdtempSync(path.join(root, 'ingest-'));
  const workspaceRoots = Array.from({ length: traffic.repoCount }, (_, i) => ClaudeTraffic.root(i));
  const { store } = await TrailStore.open({ dataDir, workspaceRoots, maxModelBacklogBytes: maxBacklogBytes });
  try {
    let decodeMs = 0;
    const accept = (r: SyntheticRequest, timed = false): Promise<{ kind: string }> => {
      const d0 = timed ? cpuMs() : 0;
      const batch = r.decode();
      if (timed) decodeMs += cpuMs() - d0;
      return store.accept({ signal: r.signal, transport: 'http', encoding: r.encoding, body: r.body, batch, receivedAtMs: Date.now() } satisfies ReceivedRequest);
    };
    // Warm-up (JIT, caches, a database that is not empty): each sender's first requests, then let the model catch up.
    const split = perSender.map((list) => {
      let n = 0;
      let at = 0;
      while (at < list.length && n < warmup / c.senders) n += list[at++].records;
      return at;
    });
    await Promise.all(perSender.map(async (list, s) => {
      for (const r of list.slice(0, split[s])) await accept(r);
    }));
    await store.settled();
    const fsyncs0 = store.stats().journal.fsyncs;
    const appends0 = store.stats().journal.appends;
    const latencies: number[] = [];
    let records = 0;
    const cpu0 = cpuMs();
    const t0 = performance.now();
    await Promise.all(perSender.map(async (list, s) => {
      for (const r of list.slice(split[s])) {
        const start = performance.now();
        const verdict = await accept(r, true);
        if (verdict.kind !== 'stored') throw new Error(`request refused: ${JSON.stringify(verdict)}`);
        latencies.push(performance.now() - start);
        records += r.records;
      }
    }));
    const ackWall = performance.now() - t0;
    const lagAtLastAckMs = store.stats().model.lagMs;
    await store.settled();
    const modelWall = performance.now() - t0;
    const cpu = cpuMs() - cpu0 - decodeMs;
    const j = store.stats().journal;
    await store.snapshotNow();
    const dbBytes = fs.statSync(storePaths(dataDir).database).size;
    return {
      records,
      ackRate: Math.round((records / ackWall) * 1000),
      modelRate: Math.round((records / modelWall) * 1000),
      lagAtLastAckMs: Math.round(lagAtLastAckMs),
      cpuRate: Math.round((records / cpu) * 1000),
      ackP50: round(percentile(latencies, 50), 2),
      ackP99: round(percentile(latencies, 99), 2),
      entriesPerFsync: round((j.appends - appends0) / Math.max(1, j.fsyncs - fsyncs0), 1),
      dbBytes,
    };
  } finally {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface HttpOutcome {
  readonly records: number;
  readonly ackRate: number;
  readonly ackP50: number;
  readonly ackP99: number;
  readonly modelRate: number;
  readonly statuses: string;
}

/**
 * End to end: the real OTLP/HTTP listener with TrailStore behind it, fed by
 * keep-alive connections from a worker thread, each body (distinct records)
 * sent once. The first 200 ms are warm-up.
 */
async function ingestThroughHttp(root: string, records: number, batchSize: number, connections: number, encoding: 'json' | 'protobuf'): Promise<HttpOutcome> {
  const traffic = new ClaudeTraffic({ runId: `http-${batchSize}-${connections}-${encoding}` });
  const bodies = synthesize(traffic, { prompts: Math.ceil(records / 25), batchSize, senders: 1, signals: 'logs', encoding })[0];
  const dataDir = fs.mkdtempSync(path.join(root, 'http-'));
  const workspaceRoots = Array.from({ length: traffic.repoCount }, (_, i) => ClaudeTraffic.root(i));
  const { store } = await TrailStore.open({ dataDir, workspaceRoots });
  const listener = new OtlpHttpListener(store, { port: 0 });
  const { port } = await listener.start();
  try {
    const t0 = performance.now();
    const result = await runLoad({
      port,
      path: '/v1/logs',
      contentType: encoding === 'json' ? 'application/json' : 'application/x-protobuf',
      contentEncoding: undefined,
      bodies: bodies.map((b) => b.body),
      connections,
      warmupMs: 200,
      durationMs: 60_000,
      once: true,
    });
    await store.settled();
    const modelWall = performance.now() - t0;
    const measured = result.bodyIndexes.reduce((sum, i) => sum + bodies[i].records, 0);
    const sorted = [...result.latencies].sort((a, b) => a - b);
    return {
      records: measured,
      ackRate: Math.round((measured / result.elapsedMs) * 1000),
      ackP50: round(percentile(sorted, 50), 2),
      ackP99: round(percentile(sorted, 99), 2),
      modelRate: Math.round((bodies.reduce((s, b) => s + b.records, 0) / modelWall) * 1000),
      statuses: JSON.stringify(result.statuses),
    };
  } finally {
    await listener.stop();
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** decodeJson alone over the same bodies: the listener's share of the work, before accept(). */
function decodeRate(measured: number): number {
  const traffic = new ClaudeTraffic({ runId: 'decode' });
  const requests = synthesize(traffic, { prompts: Math.ceil(measured / 25), batchSize: 200, senders: 1, signals: 'logs' })[0];
  for (const r of requests.slice(0, 20)) decodeJson('logs', r.body);
  const c0 = cpuMs();
  let n = 0;
  for (const r of requests) n += recordsOfBatch(decodeJson('logs', r.body));
  return Math.round((n / (cpuMs() - c0)) * 1000);
}

function recordsOfBatch(b: DecodedBatch): number {
  return b.signal === 'logs' ? b.records.length : b.signal === 'traces' ? b.spans.length : b.points.length;
}

interface BigStore {
  readonly dataDir: string;
  readonly records: number;
  readonly prompts: number;
  readonly traffic: ClaudeTraffic;
  readonly buildRate: number;
  readonly snapshotExportMs: number;
  readonly snapshotWriteMs: number;
  readonly fileBytes: number;
  readonly rssAfterBuild: number;
}

/** Builds the big store through ingestBatch (one transaction per request, as the store does), then snapshots it. */
async function buildBigStore(root: string, records: number, log: (l: string) => void): Promise<BigStore> {
  const traffic = new ClaudeTraffic({ runId: 'big' });
  const dataDir = fs.mkdtempSync(path.join(root, 'big-'));
  const dbPath = storePaths(dataDir).database;
  const workspaceRoots = Array.from({ length: traffic.repoCount }, (_, i) => ClaudeTraffic.root(i));
  const { file } = await DatabaseFile.open({ path: dbPath, migrations: MIGRATIONS, snapshotDelayMs: 3_600_000 });
  let stored = 0;
  let prompts = 0;
  let seq = 0;
  const t0 = performance.now();
  const chunk = 200;
  while (stored < records) {
    const requests = synthesize(traffic, { prompts: chunk, batchSize: 200, senders: 4, firstPrompt: prompts }).flat();
    for (const r of requests) {
      seq++;
      file.transaction(() => {
        ingestBatch(file.db, r.decode(), { journalSeq: seq, receivedAtMs: Date.now(), workspaceRoots, body: { bytes: r.body, encoding: 'json' } });
        file.setAppliedJournalSeq(seq);
      });
      stored += r.records;
    }
    prompts += chunk;
    if (prompts % 2000 === 0) log(`  built ${stored.toLocaleString('en-US')} records (${prompts} prompts), rss ${rssMiB()} MiB`);
  }
  const buildRate = Math.round((stored / (performance.now() - t0)) * 1000);
  const rssAfterBuild = rssMiB();
  await file.snapshotNow();
  const snap = file.stats().lastSnapshot;
  await file.close();
  return {
    dataDir,
    records: stored,
    prompts,
    traffic,
    buildRate,
    snapshotExportMs: round(snap?.exportMs ?? 0, 0),
    snapshotWriteMs: round(snap?.writeMs ?? 0, 0),
    fileBytes: fs.statSync(dbPath).size,
    rssAfterBuild,
  };
}

function timeQueries<T>(inputs: readonly T[], query: (input: T) => unknown): { median: number; p95: number; p99: number; results: number } {
  const times: number[] = [];
  let results = 0;
  for (const input of inputs) {
    const t = performance.now();
    const out = query(input);
    times.push(performance.now() - t);
    if (Array.isArray(out)) results += out.length;
  }
  return {
    median: round(percentile(times, 50), 3),
    p95: round(percentile(times, 95), 3),
    p99: round(percentile(times, 99), 3),
    results: Math.round(results / Math.max(1, inputs.length)),
  };
}

function sample<T>(items: readonly T[], n: number, seed: number): T[] {
  let a = seed >>> 0;
  const rnd = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => items[Math.floor(rnd() * items.length)]);
}

export async function benchStore(options: StoreBenchOptions = {}): Promise<void> {
  const quick = options.quick ?? false;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const table =
    options.table ??
    ((title: string, header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>) => log(`\n${formatTable(title, header, rows)}\n`));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-bench-store-'));
  try {
    // (a) ingest with durable acks
    const measured = options.ingestRecords ?? (quick ? 20_000 : 100_000);
    const cases: readonly IngestCase[] = options.cases ?? [
      { senders: 1, batchSize: 200, signals: 'logs' },
      { senders: 8, batchSize: 200, signals: 'logs' },
      { senders: 1, batchSize: 100, signals: 'logs' },
      { senders: 1, batchSize: 500, signals: 'logs' },
      { senders: 8, batchSize: 500, signals: 'logs' },
      { senders: 1, batchSize: 200, signals: 'logs', encoding: 'protobuf' },
      { senders: 8, batchSize: 200, signals: 'logs', encoding: 'protobuf' },
      { senders: 8, batchSize: 200, signals: 'both' },
    ];
    const rows: Array<Array<string | number>> = [];
    for (const [i, c] of cases.entries()) {
      const o = await ingestThroughStore(root, c, measured, `ingest-${i}`);
      rows.push([
        `${c.encoding ?? 'json'}: ${c.senders} sender${c.senders > 1 ? 's' : ''}, ${c.batchSize}/request, ${c.signals === 'logs' ? 'log records' : 'logs + spans'}`,
        o.records, o.ackRate, o.ackP50, o.ackP99, o.entriesPerFsync, o.modelRate, o.lagAtLastAckMs, o.cpuRate, round(o.dbBytes / o.records / 1.2, 0),
      ]);
      log(`  ingest ${rows[rows.length - 1].join(' | ')}`);
    }
    table(
      `(a) ingest through TrailStore.accept(): Claude Code records as OTLP/JSON or protobuf (protobuf is what \`setup\` configures for Claude Code); each ack waits for the journal's fsync (target >= 50,000 records/s).\n` +
        `Each request is decoded (the listener's work) just before accept(): the ack rate includes it.\n` +
        `The model follows the acks (ModelApplier): "into the model" is records / time from the first request until settled(); "lag" is how far behind it was at the last ack`,
      ['case', 'records', 'acked records/s', 'ack p50 ms', 'ack p99 ms', 'entries/fsync', 'into the model, records/s', 'lag at last ack ms', 'records/s of CPU (store)', 'db B/record'],
      rows,
    );
    // Sustained: more than the backlog limit, so the acks are held to the model's pace.
    const sustained = await ingestThroughStore(root, { senders: 8, batchSize: 200, signals: 'logs' }, measured, 'ingest-sustained', 8 * 1024 * 1024);
    log(
      `  sustained (model backlog limited to 8 MiB, ${sustained.records.toLocaleString('en-US')} records, 8 senders): ` +
        `${sustained.ackRate.toLocaleString('en-US')} acked records/s, ${sustained.modelRate.toLocaleString('en-US')} into the model, ack p99 ${sustained.ackP99} ms`,
    );
    const httpRows: Array<Array<string | number>> = [];
    for (const [encoding, batchSize, connections] of [['json', 200, 8], ['json', 100, 8], ['json', 500, 4], ['protobuf', 200, 8], ['protobuf', 100, 8]] as const) {
      const o = await ingestThroughHttp(root, measured, batchSize, connections, encoding);
      httpRows.push([`${encoding}: ${connections} connections, ${batchSize}/request`, o.records, o.ackRate, o.ackP50, o.ackP99, o.modelRate, o.statuses]);
      log(`  http ${httpRows[httpRows.length - 1].join(' | ')}`);
    }
    table(
      '(a2) end to end: the real OTLP/HTTP listener + TrailStore (durable acks), Claude Code log records, keep-alive connections from a worker thread, each body sent once',
      ['case', 'records (after 200 ms warm-up)', 'acked records/s', 'p50 ms', 'p99 ms', 'into the model, records/s', 'statuses'],
      httpRows,
    );
    log(`  decodeJson alone (the listener, before accept): ${decodeRate(quick ? 10_000 : 50_000).toLocaleString('en-US')} log records/s of CPU`);

    // (b) a big store
    const target = options.records ?? (quick ? 100_000 : 1_000_000);
    if (target <= 0) return;
    const big = await buildBigStore(root, target, log);
    const open0 = performance.now();
    const { store } = await TrailStore.open({ dataDir: big.dataDir, workspaceRoots: Array.from({ length: big.traffic.repoCount }, (_, i) => ClaudeTraffic.root(i)) });
    const openMs = performance.now() - open0;
    const paths = sample([...big.traffic.paths], 200, 1);
    const first0 = performance.now();
    store.queries.touchesForFile(paths[0]);
    const firstQueryMs = performance.now() - first0;
    const rssAfterOpen = rssMiB();
    const promptIds = sample(Array.from({ length: big.prompts }, (_, n) => big.traffic.promptId(n)), 200, 2);
    // Warm: statements are prepared once per database, on first use.
    for (let i = 0; i < 5; i++) {
      store.queries.touchesForFile(paths[paths.length - 1 - i]);
      store.queries.promptSteps(promptIds[promptIds.length - 1 - i]);
    }
    const files = timeQueries(paths, (p) => store.queries.touchesForFile(p));
    const steps = timeQueries(promptIds, (id) => store.queries.promptSteps(id));
    const sessionIds = sample(store.queries.listSessions().map((s) => s.id), 50, 3);
    const sessionPrompts = timeQueries(sessionIds, (id) => store.queries.listPrompts({ sessionId: id }));
    const rssAfterQueries = rssMiB();
    await store.close();
    table(
      `(b) a store of ${big.records.toLocaleString('en-US')} records (${big.prompts.toLocaleString('en-US')} prompts, logs + spans; target: touchesForFile < 2 ms)`,
      ['measure', 'value'],
      [
        ['build through ingestBatch (records/s)', big.buildRate],
        ['database file (MiB)', mib(big.fileBytes)],
        ['bytes per record', Math.round(big.fileBytes / big.records)],
        ['snapshot: export, blocking (ms)', big.snapshotExportMs],
        ['snapshot: write + fsync + rename (ms)', big.snapshotWriteMs],
        ['open: TrailStore.open (ms)', round(openMs, 0)],
        ['open: first query (ms)', round(firstQueryMs, 1)],
        [`touchesForFile, 200 paths: median / p95 / p99 (ms; ${files.results} touches avg)`, `${files.median} / ${files.p95} / ${files.p99}`],
        [`promptSteps, 200 prompts: median / p95 / p99 (ms; ${steps.results} steps avg)`, `${steps.median} / ${steps.p95} / ${steps.p99}`],
        [
          `listPrompts of a session, 50 sessions: median / p95 / p99 (ms; ${sessionPrompts.results} prompts avg)`,
          `${sessionPrompts.median} / ${sessionPrompts.p95} / ${sessionPrompts.p99}`,
        ],
        ['process RSS after build / after open / after queries (MiB)', `${big.rssAfterBuild} / ${rssAfterOpen} / ${rssAfterQueries}`],
      ],
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export const storeBench: BenchSection = {
  name: 'store',
  description: 'ingest records/s with durable acks (TrailStore.accept() and the real HTTP listener) and into the model; a 1,000,000-record store: size, open, queries, snapshot, RSS',
  run: (ctx) => benchStore({ quick: ctx.quick, log: ctx.log, table: ctx.table }),
};

if (require.main === module) {
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  benchStore({
    quick: process.argv.includes('--quick'),
    records: arg('records') === undefined ? undefined : Number(arg('records')),
    ingestRecords: arg('ingest') === undefined ? undefined : Number(arg('ingest')),
  }).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
