// The gRPC listener against the official OpenTelemetry JS SDK and its OTLP/gRPC
// exporters (@opentelemetry/exporter-{logs,trace,metrics}-otlp-grpc, the ones
// Gemini CLI and Claude Code use), plain and gzip: what the SDK emits is exactly
// what reaches the sink. A byte-counting TCP relay between exporter and listener
// shows that gzip really was on the wire.
import { SpanKind, SpanStatusCode, type Attributes as ApiAttributes } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { Metadata } from '@grpc/grpc-js';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { GrpcListener, GrpcRequestEvent } from '../../../src/core/otlp/grpcReceiver';
import { STORED } from '../../../src/core/otlp/sink';
import { TEMPORALITY_CUMULATIVE, TEMPORALITY_DELTA } from '../../../src/core/otlp/types';
import { RecordingSink } from './helpers';
import { startGrpcListener } from './grpcHelpers';

/** A TCP relay to the listener that counts the bytes clients send. */
async function relay(targetPort: number): Promise<{ url: string; bytesIn(): number; close(): Promise<void> }> {
  let bytes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (c: Buffer) => (bytes += c.length));
    client.pipe(upstream).pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bytesIn: () => bytes,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const VARIANTS = [false, true] as const;
const label = (gzip: boolean): string => (gzip ? 'gzip' : 'uncompressed');
const compression = (gzip: boolean): CompressionAlgorithm => (gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE);
const resource = (run: string) => resourceFromAttributes({ 'service.name': 'grpc-exporter-test', 'service.version': '1.2.3', 'test.run': run });
const BASE_MS = Date.UTC(2026, 10, 24, 1, 0, 0);

describe('logs through the OTLP/gRPC log exporter', () => {
  const sink = new RecordingSink();
  const events: GrpcRequestEvent[] = [];
  let listener: GrpcListener;
  let port = 0;
  before(async () => {
    ({ listener, port } = await startGrpcListener(sink));
    listener.onDidHandleRequest((e) => events.push(e));
  });
  after(() => listener.stop());

  const wire: Record<string, { wire: number; body: number }> = {};
  for (const gzip of VARIANTS) {
    test(`500 log records, ${label(gzip)}: every record arrives with its values`, async () => {
      const run = `logs-${label(gzip)}`;
      const before = sink.requests.length;
      const tap = await relay(port);
      try {
        const exporter = new OTLPLogExporter({ url: tap.url, compression: compression(gzip) });
        const provider = new LoggerProvider({
          resource: resource(run),
          processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 128, maxQueueSize: 1000, scheduledDelayMillis: 50 })],
        });
        const logger = provider.getLogger('agent-trail.grpc.test', '0.9.0');
        for (let i = 0; i < 500; i++) {
          logger.emit({
            eventName: 'test.event',
            timestamp: BASE_MS + i,
            severityNumber: SeverityNumber.INFO,
            severityText: 'INFO',
            body: `record ${i} ${'x'.repeat(200)}`,
            attributes: {
              'event.name': `event_${i % 7}`,
              index: i,
              'index.string': String(i),
              ratio: i / 8,
              even: i % 2 === 0,
              tags: ['a', `t${i}`],
              nested: { depth: 1, label: `n${i}` },
              big: 2 ** 40 + i,
            },
          });
        }
        await provider.forceFlush();
        await provider.shutdown();
      } finally {
        await tap.close();
      }

      const requests = sink.requests.slice(before);
      assert.ok(requests.length >= 4, `500 records in batches of 128 make at least 4 calls, got ${requests.length}`);
      assert.ok(requests.every((r) => r.transport === 'grpc' && r.encoding === 'protobuf' && r.signal === 'logs'));
      const records = requests.flatMap((r) => (r.batch.signal === 'logs' ? [...r.batch.records] : []));
      assert.equal(records.length, 500);
      const byIndex = new Map(records.map((r) => [r.attributes.index, r]));
      assert.equal(byIndex.size, 500, 'every index exactly once');
      for (let i = 0; i < 500; i++) {
        const r = byIndex.get(i);
        assert.ok(r, `record ${i}`);
        assert.equal(r.body, `record ${i} ${'x'.repeat(200)}`);
        assert.equal(r.eventName, 'test.event');
        assert.equal(r.severityNumber, SeverityNumber.INFO);
        assert.equal(r.severityText, 'INFO');
        assert.equal(r.timeUnixNano, String(BigInt(BASE_MS + i) * 1_000_000n));
        assert.deepEqual(r.attributes, {
          'event.name': `event_${i % 7}`,
          index: i,
          'index.string': String(i),
          ratio: i / 8,
          even: i % 2 === 0,
          tags: ['a', `t${i}`],
          nested: { depth: 1, label: `n${i}` },
          big: 2 ** 40 + i,
        });
        assert.equal(r.resource.attributes['service.name'], 'grpc-exporter-test');
        assert.equal(r.resource.attributes['test.run'], run);
        assert.equal(r.scope.name, 'agent-trail.grpc.test');
        assert.equal(r.scope.version, '0.9.0');
      }
      const mine = events.slice(-requests.length);
      assert.ok(mine.every((e) => e.code === 0 && e.path === '/opentelemetry.proto.collector.logs.v1.LogsService/Export'));
      wire[label(gzip)] = { wire: tap.bytesIn(), body: requests.reduce((s, r) => s + r.body.length, 0) };
    });
  }

  test('gzip was on the wire: the compressed run sent far fewer bytes for the same records', () => {
    const plain = wire.uncompressed;
    const gz = wire.gzip;
    assert.ok(plain && gz);
    assert.ok(plain.wire > plain.body, `uncompressed: ${plain.wire} wire bytes carry ${plain.body} body bytes`);
    assert.ok(gz.wire < gz.body / 3, `gzip: ${gz.wire} wire bytes for ${gz.body} body bytes`);
  });
});

describe('spans through the OTLP/gRPC trace exporter', () => {
  const sink = new RecordingSink();
  let listener: GrpcListener;
  let url = '';
  before(async () => ({ listener, url } = await startGrpcListener(sink)));
  after(() => listener.stop());

  for (const gzip of VARIANTS) {
    test(`a tree of 201 spans, ${label(gzip)}: ids, parents, events, links and status arrive`, async () => {
      const before = sink.requests.length;
      const provider = new BasicTracerProvider({
        resource: resource(`traces-${label(gzip)}`),
        spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url, compression: compression(gzip) }), { maxExportBatchSize: 64, scheduledDelayMillis: 50 })],
      });
      const tracer = provider.getTracer('agent-trail.grpc.tracer');
      const root = tracer.startSpan('root', { kind: SpanKind.SERVER, startTime: BASE_MS });
      const rootCtx = root.spanContext();
      const { trace, context } = await import('@opentelemetry/api');
      const parent = trace.setSpan(context.active(), root);
      const expected = new Map<string, { name: string; attributes: ApiAttributes; error: boolean }>();
      for (let i = 0; i < 200; i++) {
        const attributes = { index: i, 'tool.name': `tool_${i % 5}`, ok: i % 3 !== 0 };
        const child = tracer.startSpan(`child ${i}`, { kind: SpanKind.CLIENT, attributes, startTime: BASE_MS + i, links: [{ context: rootCtx, attributes: { why: 'test' } }] }, parent);
        child.addEvent('tool.output', { bytes: i * 10 }, BASE_MS + i);
        if (i % 3 === 0) child.setStatus({ code: SpanStatusCode.ERROR, message: `failed ${i}` });
        child.end(BASE_MS + i + 1);
        expected.set(child.spanContext().spanId, { name: `child ${i}`, attributes, error: i % 3 === 0 });
      }
      root.end(BASE_MS + 1000);
      await provider.forceFlush();
      await provider.shutdown();

      const spans = sink.requests.slice(before).flatMap((r) => (r.batch.signal === 'traces' ? [...r.batch.spans] : []));
      assert.equal(spans.length, 201);
      const rootSpan = spans.find((s) => s.name === 'root');
      assert.equal(rootSpan?.traceId, rootCtx.traceId);
      assert.equal(rootSpan?.spanId, rootCtx.spanId);
      assert.equal(rootSpan?.parentSpanId, '');
      assert.equal(rootSpan?.kind, 2);
      assert.equal(rootSpan?.endTimeUnixNano, String(BigInt(BASE_MS + 1000) * 1_000_000n));
      for (const s of spans.filter((x) => x !== rootSpan)) {
        const want = expected.get(s.spanId);
        assert.ok(want, `span ${s.spanId} was emitted`);
        expected.delete(s.spanId);
        assert.equal(s.name, want.name);
        assert.equal(s.traceId, rootCtx.traceId);
        assert.equal(s.parentSpanId, rootCtx.spanId);
        assert.equal(s.kind, 3);
        assert.deepEqual(s.attributes, want.attributes);
        assert.equal(s.events.length, 1);
        assert.equal(s.events[0]?.name, 'tool.output');
        assert.deepEqual(s.events[0]?.attributes, { bytes: Number(want.attributes.index) * 10 });
        assert.deepEqual(s.links.map((l) => [l.traceId, l.spanId, l.attributes.why]), [[rootCtx.traceId, rootCtx.spanId, 'test']]);
        assert.deepEqual(s.status, want.error ? { code: 2, message: `failed ${want.attributes.index}` } : { code: 0, message: '' });
        assert.equal(s.scope.name, 'agent-trail.grpc.tracer');
      }
      assert.equal(expected.size, 0, 'every child span arrived');
    });
  }
});

describe('metrics through the OTLP/gRPC metric exporter', () => {
  const sink = new RecordingSink();
  let listener: GrpcListener;
  let url = '';
  before(async () => ({ listener, url } = await startGrpcListener(sink)));
  after(() => listener.stop());

  for (const gzip of VARIANTS) {
    for (const temporality of [AggregationTemporality.DELTA, AggregationTemporality.CUMULATIVE]) {
      const kind = temporality === AggregationTemporality.DELTA ? 'delta' : 'cumulative';
      test(`counter, up-down counter, histogram and gauge, ${kind}, ${label(gzip)}`, async () => {
        const before = sink.requests.length;
        const exporter = new OTLPMetricExporter({ url, compression: compression(gzip), temporalityPreference: temporality });
        const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
        const provider = new MeterProvider({ resource: resource(`metrics-${label(gzip)}-${kind}`), readers: [reader] });
        const meter = provider.getMeter('agent-trail.grpc.meter');
        const tokens = meter.createCounter('test.token.usage', { unit: 'tokens' });
        const sessions = meter.createUpDownCounter('test.sessions.open');
        const latency = meter.createHistogram('test.latency', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 100, 1000] } });
        const gauge = meter.createGauge('test.queue.depth');
        for (let i = 0; i < 50; i++) {
          tokens.add(i, { type: i % 2 === 0 ? 'input' : 'output', model: 'm1' });
          latency.record(i * 25, { tool: 'Bash' });
        }
        sessions.add(3);
        sessions.add(-1);
        gauge.record(42.5, { queue: 'journal' });
        await provider.forceFlush();
        await provider.shutdown();

        const points = sink.requests.slice(before).flatMap((r) => (r.batch.signal === 'metrics' ? [...r.batch.points] : []));
        const want = temporality === AggregationTemporality.DELTA ? TEMPORALITY_DELTA : TEMPORALITY_CUMULATIVE;
        const input = points.find((p) => p.name === 'test.token.usage' && p.attributes.type === 'input');
        const output = points.find((p) => p.name === 'test.token.usage' && p.attributes.type === 'output');
        assert.equal(input?.type, 'sum');
        assert.equal(input?.isMonotonic, true);
        assert.equal(input?.temporality, want);
        assert.equal(input?.unit, 'tokens');
        assert.equal(input?.value, 600);
        assert.equal(output?.value, 625);
        assert.equal(input?.attributes.model, 'm1');
        const open = points.find((p) => p.name === 'test.sessions.open');
        assert.equal(open?.value, 2);
        assert.equal(open?.isMonotonic, false);
        const hist = points.find((p) => p.name === 'test.latency');
        assert.equal(hist?.type, 'histogram');
        assert.equal(hist?.count, 50);
        assert.equal(hist?.sum, 30625);
        assert.equal(hist?.min, 0);
        assert.equal(hist?.max, 1225);
        assert.deepEqual(hist?.explicitBounds, [10, 100, 1000]);
        assert.deepEqual(hist?.bucketCounts, [1, 4, 36, 9]);
        const depth = points.find((p) => p.name === 'test.queue.depth');
        assert.equal(depth?.type, 'gauge');
        assert.equal(depth?.value, 42.5);
        assert.ok(points.every((p) => p.resource.attributes['service.name'] === 'grpc-exporter-test' && p.scope.name === 'agent-trail.grpc.meter'));
      });
    }
  }
});

describe('the gRPC exporter against the listener\'s answers', () => {
  test('a bearer token in the metadata: the exporter with it gets through, the one without is refused', async () => {
    const sink = new RecordingSink();
    const { listener, url } = await startGrpcListener(sink, { bearerToken: 'tok-123' });
    const codes: Array<number | undefined> = [];
    listener.onDidHandleRequest((e) => codes.push(e.code));
    try {
      const results: string[] = [];
      for (const token of ['tok-123', undefined]) {
        const metadata = new Metadata();
        if (token) metadata.set('authorization', `Bearer ${token}`);
        const exporter = new OTLPLogExporter({ url, metadata });
        const provider = new LoggerProvider({ resource: resource('token'), processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 10 })] });
        provider.getLogger('token').emit({ body: 'hello' });
        await provider.forceFlush().catch((e: unknown) => results.push(String(e)));
        await provider.shutdown();
      }
      assert.deepEqual(codes, [0, 16]);
      assert.equal(sink.logs().length, 1);
    } finally {
      await listener.stop();
    }
  });

  test('a busy sink answers UNAVAILABLE; the JS gRPC exporter does not retry it (it drops the batch)', async () => {
    let attempts = 0;
    const sink = new RecordingSink(() => (++attempts <= 1 ? { kind: 'busy', retryAfterSeconds: 1, reason: 'catching up' } : STORED));
    const { listener, url } = await startGrpcListener(sink);
    const codes: Array<number | undefined> = [];
    listener.onDidHandleRequest((e) => codes.push(e.code));
    try {
      const provider = new LoggerProvider({ resource: resource('busy'), processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url }), scheduledDelayMillis: 10 })] });
      const logger = provider.getLogger('busy');
      logger.emit({ body: 'first' });
      await provider.forceFlush().catch(() => undefined);
      logger.emit({ body: 'second' });
      await provider.forceFlush();
      await provider.shutdown();
      // Documents the client: @opentelemetry/otlp-grpc-exporter-base reports every gRPC error as a
      // non-retryable failure, so what the HTTP exporter would retry (429/503) is lost over gRPC.
      assert.deepEqual(codes, [14, 0]);
      assert.deepEqual(sink.logs().map((r) => r.body), ['second']);
    } finally {
      await listener.stop();
    }
  });
});
