// OTLP/gRPC ingest and the cost of forwarding.
//  1. Log records per second through the gRPC listener into a no-op sink, the
//     messages serialised by the official @opentelemetry/exporter-logs-otlp-grpc
//     (captured by the listener itself) and replayed by grpc-js clients in a worker
//     thread, plain and gzip; next to the OTLP/HTTP listener with the same bytes
//     and to decoding alone.
//  2. OTLP/HTTP listener throughput with and without a ForwardingSink passing every
//     request on to a local upstream (a bare node:http server in a worker thread that
//     reads the body and answers 200), gzip on the way and not, with the forwarder's counters.
import * as grpc from '@grpc/grpc-js';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { OtlpForwarder } from '../../src/core/forward/forwarder';
import { ForwardingSink } from '../../src/core/forward/forwardingSink';
import { decodeProtobuf } from '../../src/core/otlp/decodeProtobuf';
import { GRPC_EXPORT_PATHS, GrpcListener } from '../../src/core/otlp/grpcReceiver';
import { OtlpHttpListener } from '../../src/core/otlp/httpReceiver';
import { STORED, type TelemetrySink } from '../../src/core/otlp/sink';
import { recordCount } from '../../src/core/otlp/types';
import { runLoad } from './listener';
import type { BenchContext, BenchSection } from './section';

const REQUESTS_PER_CORPUS = 24;
const noopSink: TelemetrySink = { accept: async () => STORED };

/** Runs the real OTLP/gRPC log exporter against a GrpcListener that keeps the message bytes. */
async function captureGrpc(recordsPerRequest: number): Promise<Buffer[]> {
  const bodies: Buffer[] = [];
  const listener = new GrpcListener({ accept: async (r) => (bodies.push(Buffer.from(r.body)), STORED) }, { port: 0 });
  const { url } = await listener.start();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'gemini-cli', 'service.version': 'v20.20.2', 'os.type': 'linux', 'host.arch': 'x64' }),
    processors: [
      new BatchLogRecordProcessor({
        exporter: new GrpcLogExporter({ url, compression: CompressionAlgorithm.NONE }),
        maxExportBatchSize: recordsPerRequest,
        maxQueueSize: recordsPerRequest * REQUESTS_PER_CORPUS,
        scheduledDelayMillis: 60_000,
      }),
    ],
  });
  const logger = provider.getLogger('gemini-cli');
  for (let i = 0; i < recordsPerRequest * REQUESTS_PER_CORPUS; i++) {
    // Shaped like Gemini CLI's gemini_cli.tool_call events.
    logger.emit({
      body: `Tool call: run_shell_command. Decision: auto_accept. Success: true. Duration: ${i % 900}ms.`,
      timestamp: Date.now(),
      attributes: {
        'session.id': '0c3f0b5e-6a58-4a8e-9d1c-3a4b5c6d7e8f',
        'installation.id': '5f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
        'event.name': 'gemini_cli.tool_call',
        'event.timestamp': new Date().toISOString(),
        prompt_id: `0c3f0b5e#${i % 100}`,
        function_name: ['read_file', 'write_file', 'replace', 'run_shell_command'][i % 4] as string,
        function_args: JSON.stringify({ file_path: `/home/dev/projects/app/src/module${i % 50}.ts` }),
        duration_ms: i % 900,
        success: true,
        decision: 'auto_accept',
        tool_type: 'native',
      },
    });
  }
  await provider.forceFlush();
  await provider.shutdown();
  await listener.stop();
  return bodies;
}

interface GrpcLoadJob {
  readonly kind: 'grpc-load';
  readonly port: number;
  readonly path: string;
  readonly bodies: readonly Uint8Array[];
  readonly channels: number;
  readonly callsPerChannel: number;
  readonly gzip: boolean;
  readonly warmupMs: number;
  readonly durationMs: number;
}

interface GrpcLoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly latencies: readonly number[];
  readonly elapsedMs: number;
  readonly bodyIndexes: readonly number[];
}

/** In the worker: `channels` grpc-js clients (own HTTP/2 connections), each with `callsPerChannel` calls outstanding. */
async function grpcLoad(job: GrpcLoadJob): Promise<GrpcLoadResult> {
  const bodies = job.bodies.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  const clients = Array.from(
    { length: job.channels },
    () =>
      new grpc.Client(`127.0.0.1:${job.port}`, grpc.credentials.createInsecure(), {
        'grpc.default_compression_algorithm': job.gzip ? 2 : 0,
        // One connection per client, not one shared subchannel.
        'grpc.use_local_subchannel_pool': 1,
      }),
  );
  const pass = (b: Buffer): Buffer => b;
  const latencies: number[] = [];
  const bodyIndexes: number[] = [];
  let errors = 0;
  const start = performance.now();
  const measureFrom = start + job.warmupMs;
  const end = measureFrom + job.durationMs;
  const call = (client: grpc.Client, body: Buffer): Promise<boolean> =>
    new Promise((resolve) => client.makeUnaryRequest(job.path, pass, pass, body, (err) => resolve(!err)));
  const loop = async (client: grpc.Client, offset: number): Promise<void> => {
    let i = offset;
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end) return;
      const index = i++ % bodies.length;
      const ok = await call(client, bodies[index] as Buffer);
      const t1 = performance.now();
      if (!ok) errors++;
      else if (t0 >= measureFrom && t1 <= end) {
        latencies.push(t1 - t0);
        bodyIndexes.push(index);
      }
    }
  };
  await Promise.all(clients.flatMap((c, ci) => Array.from({ length: job.callsPerChannel }, (_, k) => loop(c, ci * 5 + k * 3))));
  for (const c of clients) c.close();
  return { requests: latencies.length, errors, latencies, elapsedMs: Math.min(performance.now(), end) - measureFrom, bodyIndexes };
}

if (!isMainThread && parentPort && (workerData as { kind?: string } | undefined)?.kind === 'grpc-load') {
  void grpcLoad(workerData as GrpcLoadJob).then((r) => parentPort?.postMessage(r));
}

function runGrpcLoad(job: Omit<GrpcLoadJob, 'kind'>): Promise<GrpcLoadResult> {
  return new Promise((resolve, reject) => {
    const file = JSON.stringify(path.join(__dirname, 'grpc.ts'));
    const worker = new Worker(`require('tsx/cjs'); require(${file});`, { eval: true, workerData: { kind: 'grpc-load', ...job } });
    worker.once('message', (r: GrpcLoadResult) => {
      resolve(r);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function decodeOnly(bodies: readonly Buffer[], ms: number): number {
  let records = 0;
  let i = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  while (performance.now() < end) records += recordCount(decodeProtobuf('logs', bodies[i++ % bodies.length] as Buffer));
  return records / ((performance.now() - t0) / 1000);
}

interface Rate {
  readonly recordsPerSecond: number;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
}

function rate(records: readonly number[], r: { requests: number; elapsedMs: number; latencies: readonly number[]; bodyIndexes: readonly number[] }): Rate {
  const seconds = r.elapsedMs / 1000;
  const sorted = [...r.latencies].sort((a, b) => a - b);
  return {
    recordsPerSecond: r.bodyIndexes.reduce((s, i) => s + (records[i] ?? 0), 0) / seconds,
    requestsPerSecond: r.requests / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

const best = (a: Rate | undefined, b: Rate): Rate => (a && a.recordsPerSecond >= b.recordsPerSecond ? a : b);

/** A grpc-js server whose Export answers at once without looking at the message: the gRPC ceiling. */
async function bareGrpcServer(): Promise<{ port: number; close(): void }> {
  const pass = (b: Buffer): Buffer => b;
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  const definition = {
    Export: { path: GRPC_EXPORT_PATHS.logs, requestStream: false, responseStream: false, requestDeserialize: pass, requestSerialize: pass, responseSerialize: pass, responseDeserialize: pass },
  };
  server.addService(definition, { Export: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.alloc(0)) });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { port, close: () => server.forceShutdown() };
}

async function ingest(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 2 : 4;
  const ms = ctx.quick ? 700 : 1_500;
  const rows: Array<Array<string | number>> = [];
  for (const n of [10, 100]) {
    const bodies = await captureGrpc(n);
    const records = bodies.map((b) => recordCount(decodeProtobuf('logs', b)));
    const bytes = Math.round(bodies.reduce((s, b) => s + b.length, 0) / bodies.length);
    const grpcListener = new GrpcListener(noopSink, { port: 0 });
    const { port: grpcPort } = await grpcListener.start();
    const httpListener = new OtlpHttpListener(noopSink, { port: 0 });
    const { port: httpPort } = await httpListener.start();
    const bare = await bareGrpcServer();
    let ceiling = 0;
    decodeOnly(bodies, 200);
    let plain: Rate | undefined;
    let gz: Rate | undefined;
    let viaHttp: Rate | undefined;
    let decode = 0;
    for (let r = 0; r < rounds; r++) {
      decode = Math.max(decode, decodeOnly(bodies, ms));
      const job = { port: grpcPort, path: GRPC_EXPORT_PATHS.logs, bodies, channels: 2, callsPerChannel: 4, warmupMs: 200, durationMs: ms };
      const a = await runGrpcLoad({ ...job, gzip: false });
      const b = await runGrpcLoad({ ...job, gzip: true });
      if (a.errors + b.errors > 0) ctx.log(`  ${n} records/req: ${a.errors + b.errors} failed gRPC calls`);
      plain = best(plain, rate(records, a));
      gz = best(gz, rate(records, b));
      const h = await runLoad({ port: httpPort, path: '/v1/logs', contentType: 'application/x-protobuf', contentEncoding: undefined, bodies, connections: 8, warmupMs: 200, durationMs: ms });
      viaHttp = best(viaHttp, rate(records, h));
      ceiling = Math.max(ceiling, rate(records, await runGrpcLoad({ ...job, port: bare.port, gzip: false, durationMs: ms / 2 })).requestsPerSecond);
    }
    bare.close();
    await grpcListener.stop();
    await httpListener.stop();
    for (const [label, r] of [['gRPC', plain], ['gRPC + gzip', gz], ['HTTP protobuf', viaHttp]] as const) {
      if (!r) continue;
      const bareCell = label === 'gRPC' ? Math.round(ceiling) : '-';
      rows.push([label, n, bytes, Math.round(r.recordsPerSecond), Math.round(r.requestsPerSecond), r.p50.toFixed(2), r.p99.toFixed(2), Math.round(decode), (r.recordsPerSecond / decode).toFixed(2), bareCell]);
    }
  }
  ctx.table(
    'OTLP/gRPC ingest, best of rounds: messages from @opentelemetry/exporter-logs-otlp-grpc; 2 grpc-js channels x 4 calls in flight (HTTP: 8 keep-alive connections), worker thread; no-op sink (ratio = rec/s ÷ decode-only; bare req/s = a grpc-js server that answers without decoding)',
    ['transport', 'records/req', 'bytes/req', 'rec/s', 'req/s', 'p50 ms', 'p99 ms', 'decode-only rec/s', 'ratio', 'bare req/s'],
    rows,
  );
}

/** The upstream, in a worker thread (its own event loop): reads the body, answers 200, counts requests. */
async function bareUpstream(): Promise<{ url: string; requests(): Promise<number>; close(): Promise<void> }> {
  const code = `
    const http = require('node:http');
    const { parentPort } = require('node:worker_threads');
    let n = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => { n++; res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }); res.end(); });
    });
    server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
    parentPort.on('message', () => parentPort.postMessage({ requests: n }));
  `;
  const worker = new Worker(code, { eval: true });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port));
    worker.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () =>
      new Promise<number>((resolve) => {
        worker.once('message', (m: { requests: number }) => resolve(m.requests));
        worker.postMessage('count');
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}

async function forwarding(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 2 : 4;
  const ms = ctx.quick ? 700 : 1_500;
  const bodies = await captureGrpc(100);
  const records = bodies.map((b) => recordCount(decodeProtobuf('logs', b)));
  const rows: Array<Array<string | number>> = [];
  for (const mode of ['off', 'none', 'gzip'] as const) {
    const upstream = mode === 'off' ? undefined : await bareUpstream();
    const forwarder = upstream ? new OtlpForwarder({ url: upstream.url, compression: mode === 'gzip' ? 'gzip' : 'none' }) : undefined;
    const sink = forwarder ? new ForwardingSink(noopSink, forwarder) : noopSink;
    const listener = new OtlpHttpListener(sink, { port: 0 });
    const { port } = await listener.start();
    let bestRate: Rate | undefined;
    for (let r = 0; r < rounds; r++) {
      const h = await runLoad({ port, path: '/v1/logs', contentType: 'application/x-protobuf', contentEncoding: undefined, bodies, connections: 8, warmupMs: 200, durationMs: ms });
      bestRate = best(bestRate, rate(records, h));
    }
    const flushed = forwarder ? await forwarder.flush(30_000) : true;
    const stats = forwarder ? await forwarder.close(0) : undefined;
    const arrived = upstream ? await upstream.requests() : undefined;
    await listener.stop();
    await upstream?.close();
    const r = bestRate as Rate;
    rows.push([
      mode === 'off' ? 'no forwarding' : `forwarding, ${mode === 'gzip' ? 'gzip' : 'uncompressed'}`,
      Math.round(r.recordsPerSecond),
      Math.round(r.requestsPerSecond),
      r.p50.toFixed(2),
      r.p99.toFixed(2),
      stats ? stats.forwarded : '-',
      arrived ?? '-',
      stats ? stats.dropped : '-',
      stats ? (flushed ? 'yes' : 'no') : '-',
    ]);
  }
  const base = Number(rows[0]?.[1]);
  for (const row of rows) row.splice(2, 0, `${((Number(row[1]) / base) * 100).toFixed(0)}%`);
  ctx.table(
    'Forwarding cost: OTLP/HTTP protobuf, 100 records/req, 8 connections, no-op local sink; upstream = a bare node:http server in a worker thread (dropped = oldest requests dropped from the forward queue when the upstream falls behind)',
    ['mode', 'rec/s', 'vs off', 'req/s', 'p50 ms', 'p99 ms', 'forwarded', 'upstream got', 'dropped', 'queue drained'],
    rows,
  );
}

export const grpcBench: BenchSection = {
  name: 'grpc',
  description: 'OTLP/gRPC records/s (real grpc exporter bodies, plain and gzip) and the cost of forwarding to an upstream',
  async run(ctx: BenchContext): Promise<void> {
    await ingest(ctx);
    await forwarding(ctx);
  },
};
