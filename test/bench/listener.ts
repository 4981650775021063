// Throughput of the OTLP/HTTP listener: log records per second through loopback
// HTTP (keep-alive clients in another thread, a sink that keeps nothing), against
// decoding the very same bodies with nothing else. Bodies come from the official
// OpenTelemetry JS exporters, captured on the wire.
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import http from 'node:http';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';
import { decodeJson } from '../../src/core/otlp/decodeJson';
import { decodeProtobuf } from '../../src/core/otlp/decodeProtobuf';
import { OtlpHttpListener } from '../../src/core/otlp/httpReceiver';
import { STORED, type Encoding, type TelemetrySink } from '../../src/core/otlp/sink';
import { recordCount } from '../../src/core/otlp/types';
import type { LoadJob, LoadResult } from './loadWorker';
import type { BenchContext, BenchSection } from './section';

interface Corpus {
  readonly label: string;
  readonly encoding: Encoding;
  readonly gzip: boolean;
  readonly recordsPerRequest: number;
  /** Wire bytes, exactly as the exporter sent them. */
  readonly bodies: readonly Buffer[];
  readonly records: readonly number[];
}

const REQUESTS_PER_CORPUS = 24;

/** Runs a real exporter against a server that only keeps the request bodies. */
export async function capture(encoding: Encoding, gzip: boolean, recordsPerRequest: number): Promise<Buffer[]> {
  const bodies: Buffer[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf' });
      res.end(encoding === 'json' ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const config = { url: `http://127.0.0.1:${port}/v1/logs`, compression: gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE };
  const exporter = encoding === 'json' ? new JsonLogExporter(config) : new ProtoLogExporter(config);
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.197', 'os.type': 'linux', 'host.arch': 'amd64' }),
    processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: recordsPerRequest, maxQueueSize: recordsPerRequest * REQUESTS_PER_CORPUS, scheduledDelayMillis: 60_000 })],
  });
  const logger = provider.getLogger('com.anthropic.claude_code.events', '2.1.197');
  const session = '8ad79908-3a8b-47c0-ba7b-a224bb4cc1ce';
  for (let i = 0; i < recordsPerRequest * REQUESTS_PER_CORPUS; i++) {
    // Shaped like Claude Code's tool_result events: a dozen attributes, numbers as strings.
    logger.emit({
      body: 'claude_code.tool_result',
      timestamp: Date.now(),
      attributes: {
        'user.id': '3a8a9a02b7017337a62e218930c9301f0f8b0ba5d4534c0883d26d737c58511b',
        'session.id': session,
        'terminal.type': 'xterm',
        'event.name': 'tool_result',
        'event.timestamp': new Date().toISOString(),
        'event.sequence': i,
        'prompt.id': `c177b31f-31ab-4d8e-8b7f-${String(i % 1000).padStart(12, '0')}`,
        tool_name: ['Read', 'Edit', 'Bash', 'Write'][i % 4] as string,
        tool_use_id: `toolu_bench_${i}`,
        success: 'true',
        duration_ms: String(i % 500),
        tool_input: JSON.stringify({ file_path: `/home/dev/projects/app/src/module${i % 50}.ts` }),
      },
    });
  }
  await provider.forceFlush();
  await provider.shutdown();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return bodies;
}

function decodeWire(c: Corpus, body: Buffer): number {
  const plain = c.gzip ? zlib.gunzipSync(body) : body;
  return recordCount(c.encoding === 'json' ? decodeJson('logs', plain) : decodeProtobuf('logs', plain));
}

/** Records per second decoding the corpus in a loop, nothing else (gunzip included for gzip bodies). */
function decodeOnly(c: Corpus, ms: number): number {
  let records = 0;
  let i = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  while (performance.now() < end) records += decodeWire(c, c.bodies[i++ % c.bodies.length] as Buffer);
  return records / ((performance.now() - t0) / 1000);
}

export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // Workers do not inherit tsx's hooks: register them, then load the TypeScript module.
    const file = JSON.stringify(path.join(__dirname, 'loadWorker.ts'));
    const worker = new Worker(`require('tsx/cjs'); require(${file});`, { eval: true, workerData: job });
    worker.once('message', (r: LoadResult) => {
      resolve(r);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const noopSink: TelemetrySink = { accept: async () => STORED };

/** The same client against a node:http server that reads the body and answers 200: the HTTP ceiling. */
async function bareServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Round {
  readonly recordsPerSecond: number;
  readonly requestsPerSecond: number;
  readonly latencies: readonly number[];
}

async function loadRound(c: Corpus, port: number, ms: number, connections: number, ctx: BenchContext): Promise<Round> {
  const result = await runLoad({
    port,
    path: '/v1/logs',
    contentType: c.encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    contentEncoding: c.gzip ? 'gzip' : undefined,
    bodies: c.bodies,
    connections,
    warmupMs: 200,
    durationMs: ms,
  });
  const ok = result.statuses['200'] ?? 0;
  if (ok !== result.requests || result.errors > 0) ctx.log(`  ${c.label}: unexpected answers ${JSON.stringify(result.statuses)}, ${result.errors} errors`);
  const seconds = result.elapsedMs / 1000;
  const records = result.bodyIndexes.reduce((sum, i) => sum + (c.records[i] ?? 0), 0);
  return { recordsPerSecond: records / seconds, requestsPerSecond: result.requests / seconds, latencies: result.latencies };
}

/**
 * Alternates short rounds of decode-only, listener and bare-HTTP load and keeps the
 * best of each: on a shared machine the best round is the closest to its capacity.
 */
async function measure(c: Corpus, ctx: BenchContext, connections: number): Promise<Array<string | number>> {
  const rounds = ctx.quick ? 2 : 5;
  const ms = ctx.quick ? 700 : 1_500;
  const listener = new OtlpHttpListener(noopSink, { port: 0 });
  const { port } = await listener.start();
  const bare = await bareServer();
  decodeOnly(c, 300);
  let baseline = 0;
  let ceiling = 0;
  let best: Round = { recordsPerSecond: 0, requestsPerSecond: 0, latencies: [] };
  for (let r = 0; r < rounds; r++) {
    baseline = Math.max(baseline, decodeOnly(c, ms));
    const round = await loadRound(c, port, ms, connections, ctx);
    if (round.recordsPerSecond > best.recordsPerSecond) best = round;
    ceiling = Math.max(ceiling, (await loadRound(c, bare.port, ms / 2, connections, ctx)).requestsPerSecond);
  }
  await listener.stop();
  await bare.close();
  const sorted = [...best.latencies].sort((a, b) => a - b);
  const bytes = Math.round(c.bodies.reduce((s, b) => s + b.length, 0) / c.bodies.length);
  return [
    c.label,
    c.recordsPerRequest,
    bytes,
    Math.round(best.recordsPerSecond),
    Math.round(best.requestsPerSecond),
    percentile(sorted, 50).toFixed(2),
    percentile(sorted, 99).toFixed(2),
    Math.round(baseline),
    (best.recordsPerSecond / baseline).toFixed(2),
    Math.round(ceiling),
  ];
}

export const listenerBench: BenchSection = {
  name: 'listener',
  description: 'OTLP/HTTP log records per second through the listener vs. decoding alone',
  async run(ctx: BenchContext): Promise<void> {
    const connections = 8;
    const plan: Array<[Encoding, boolean, number]> = [
      ['json', false, 10],
      ['json', false, 100],
      ['protobuf', false, 10],
      ['protobuf', false, 100],
      ['protobuf', true, 100],
    ];
    const corpora: Corpus[] = [];
    for (const [encoding, gzip, n] of plan) {
      const bodies = await capture(encoding, gzip, n);
      const corpus: Corpus = { label: `${encoding}${gzip ? '+gzip' : ''}`, encoding, gzip, recordsPerRequest: n, bodies, records: [] };
      corpora.push({ ...corpus, records: bodies.map((b) => decodeWire(corpus, b)) });
    }
    ctx.log(`bodies captured from @opentelemetry/exporter-logs-otlp-{http,proto}; ${connections} keep-alive connections from a worker thread; no-op sink`);
    const rows: Array<Array<string | number>> = [];
    for (const c of corpora) rows.push(await measure(c, ctx, connections));
    ctx.table(
      'Listener throughput, best of rounds (ratio = listener rec/s ÷ decode-only rec/s; bare req/s = node:http that only reads the body)',
      ['body', 'records/req', 'bytes/req', 'listener rec/s', 'req/s', 'p50 ms', 'p99 ms', 'decode-only rec/s', 'ratio', 'bare req/s'],
      rows,
    );
  },
};
