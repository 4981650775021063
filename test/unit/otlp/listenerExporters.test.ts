// The listener against the official OpenTelemetry JS SDK and its OTLP/HTTP
// exporters (JSON and protobuf, plain and gzip): what the SDK emits is exactly
// what reaches the sink.
import { SpanKind, SpanStatusCode, type Attributes as ApiAttributes } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm, type OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OtlpHttpListener, RequestEvent } from '../../../src/core/otlp/httpReceiver';
import type { Encoding } from '../../../src/core/otlp/sink';
import { STORED } from '../../../src/core/otlp/sink';
import { TEMPORALITY_CUMULATIVE, TEMPORALITY_DELTA } from '../../../src/core/otlp/types';
import { RecordingSink, startListener } from './helpers';

type Variant = { readonly encoding: Encoding; readonly gzip: boolean };
const VARIANTS: readonly Variant[] = [
  { encoding: 'json', gzip: false },
  { encoding: 'protobuf', gzip: false },
  { encoding: 'json', gzip: true },
  { encoding: 'protobuf', gzip: true },
];
const label = (v: Variant): string => `${v.encoding}${v.gzip ? ' + gzip' : ''}`;

function exporterConfig(url: string, v: Variant, extra: Partial<OTLPExporterNodeConfigBase> = {}): OTLPExporterNodeConfigBase {
  return { url, compression: v.gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE, ...extra };
}

function logExporter(url: string, v: Variant, extra?: Partial<OTLPExporterNodeConfigBase>): LogRecordExporter {
  const config = exporterConfig(`${url}/v1/logs`, v, extra);
  return v.encoding === 'json' ? new JsonLogExporter(config) : new ProtoLogExporter(config);
}

function traceExporter(url: string, v: Variant): SpanExporter {
  const config = exporterConfig(`${url}/v1/traces`, v);
  return v.encoding === 'json' ? new JsonTraceExporter(config) : new ProtoTraceExporter(config);
}

function metricExporter(url: string, v: Variant, temporality: AggregationTemporality): PushMetricExporter {
  const config = { ...exporterConfig(`${url}/v1/metrics`, v), temporalityPreference: temporality };
  return v.encoding === 'json' ? new JsonMetricExporter(config) : new ProtoMetricExporter(config);
}

const resource = (run: string) => resourceFromAttributes({ 'service.name': 'exporter-test', 'service.version': '1.2.3', 'test.run': run });

/** Milliseconds, exactly representable, for the i-th record. */
const BASE_MS = Date.UTC(2026, 10, 24, 1, 0, 0);

describe('logs through the SDK exporters', () => {
  const sink = new RecordingSink();
  const events: RequestEvent[] = [];
  let listener: OtlpHttpListener;
  let url = '';
  before(async () => {
    ({ listener, url } = await startListener(sink));
    listener.onDidHandleRequest((e) => events.push(e));
  });
  after(() => listener.stop());

  for (const v of VARIANTS) {
    test(`500 log records, ${label(v)}: every record arrives with its values`, async () => {
      const run = `logs-${label(v)}`;
      const before = sink.requests.length;
      const provider = new LoggerProvider({
        resource: resource(run),
        processors: [new BatchLogRecordProcessor({ exporter: logExporter(url, v), maxExportBatchSize: 128, maxQueueSize: 1000, scheduledDelayMillis: 50 })],
      });
      const logger = provider.getLogger('agent-trail.test', '0.9.0');
      for (let i = 0; i < 500; i++) {
        logger.emit({
          eventName: 'test.event',
          timestamp: BASE_MS + i,
          severityNumber: SeverityNumber.INFO,
          severityText: 'INFO',
          body: `record ${i}`,
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

      const requests = sink.requests.slice(before);
      assert.ok(requests.length >= 4, `500 records in batches of 128 make at least 4 requests, got ${requests.length}`);
      assert.ok(requests.every((r) => r.encoding === v.encoding && r.signal === 'logs'));
      const records = requests.flatMap((r) => (r.batch.signal === 'logs' ? [...r.batch.records] : []));
      assert.equal(records.length, 500);
      const byIndex = new Map(records.map((r) => [r.attributes.index, r]));
      assert.equal(byIndex.size, 500, 'every index exactly once');
      for (let i = 0; i < 500; i++) {
        const r = byIndex.get(i);
        assert.ok(r, `record ${i}`);
        assert.equal(r.body, `record ${i}`);
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
        assert.equal(r.resource.attributes['service.name'], 'exporter-test');
        assert.equal(r.resource.attributes['test.run'], run);
        assert.equal(r.scope.name, 'agent-trail.test');
        assert.equal(r.scope.version, '0.9.0');
      }
      if (v.gzip) {
        const mine = events.slice(-requests.length);
        assert.ok(mine.every((e) => e.wireBytes < e.bodyBytes), 'the bodies arrived compressed');
      }
    });
  }
});

describe('spans through the SDK exporters', () => {
  const sink = new RecordingSink();
  let listener: OtlpHttpListener;
  let url = '';
  before(async () => ({ listener, url } = await startListener(sink)));
  after(() => listener.stop());

  for (const v of VARIANTS) {
    test(`a tree of 201 spans, ${label(v)}: ids, parents, events, links and status arrive`, async () => {
      const before = sink.requests.length;
      const provider = new BasicTracerProvider({
        resource: resource(`traces-${label(v)}`),
        spanProcessors: [new BatchSpanProcessor(traceExporter(url, v), { maxExportBatchSize: 64, scheduledDelayMillis: 50 })],
      });
      const tracer = provider.getTracer('agent-trail.test.tracer');
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
        assert.equal(s.scope.name, 'agent-trail.test.tracer');
      }
      assert.equal(expected.size, 0, 'every child span arrived');
    });
  }
});

describe('metrics through the SDK exporters', () => {
  const sink = new RecordingSink();
  let listener: OtlpHttpListener;
  let url = '';
  before(async () => ({ listener, url } = await startListener(sink)));
  after(() => listener.stop());

  for (const v of VARIANTS) {
    for (const temporality of [AggregationTemporality.DELTA, AggregationTemporality.CUMULATIVE]) {
      const kind = temporality === AggregationTemporality.DELTA ? 'delta' : 'cumulative';
      test(`counter, up-down counter, histogram and gauge, ${kind}, ${label(v)}`, async () => {
        const before = sink.requests.length;
        const reader = new PeriodicExportingMetricReader({ exporter: metricExporter(url, v, temporality), exportIntervalMillis: 60_000 });
        const provider = new MeterProvider({ resource: resource(`metrics-${label(v)}-${kind}`), readers: [reader] });
        const meter = provider.getMeter('agent-trail.test.meter');
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
        assert.equal(input?.value, 600); // 0 + 2 + ... + 48
        assert.equal(output?.value, 625); // 1 + 3 + ... + 49
        assert.equal(input?.attributes.model, 'm1');
        const open = points.find((p) => p.name === 'test.sessions.open');
        assert.equal(open?.value, 2);
        assert.equal(open?.isMonotonic, false);
        const hist = points.find((p) => p.name === 'test.latency');
        assert.equal(hist?.type, 'histogram');
        assert.equal(hist?.count, 50);
        assert.equal(hist?.sum, 30625); // 25 × (0 + ... + 49)
        assert.equal(hist?.min, 0);
        assert.equal(hist?.max, 1225);
        assert.deepEqual(hist?.explicitBounds, [10, 100, 1000]);
        assert.deepEqual(hist?.bucketCounts, [1, 4, 36, 9]);
        const depth = points.find((p) => p.name === 'test.queue.depth');
        assert.equal(depth?.type, 'gauge');
        assert.equal(depth?.value, 42.5);
        assert.equal(depth?.attributes.queue, 'journal');
        assert.ok(points.every((p) => p.resource.attributes['service.name'] === 'exporter-test' && p.scope.name === 'agent-trail.test.meter'));
      });
    }
  }
});

describe('exporter behaviour against the listener\'s answers', () => {
  test('a busy sink (429 + Retry-After): the exporter retries and the records arrive once', async () => {
    let attempts = 0;
    const sink = new RecordingSink(() => (++attempts <= 2 ? { kind: 'busy', retryAfterSeconds: 1, reason: 'catching up' } : STORED));
    const { listener, url } = await startListener(sink);
    const statuses: number[] = [];
    listener.onDidHandleRequest((e) => statuses.push(e.status));
    try {
      const provider = new LoggerProvider({ resource: resource('busy'), processors: [new BatchLogRecordProcessor({ exporter: logExporter(url, { encoding: 'protobuf', gzip: false }), scheduledDelayMillis: 10 })] });
      const logger = provider.getLogger('busy');
      for (let i = 0; i < 20; i++) logger.emit({ body: `r${i}`, attributes: { i } });
      await provider.forceFlush();
      await provider.shutdown();
      assert.deepEqual(statuses, [429, 429, 200]);
      assert.equal(sink.logs().length, 20);
    } finally {
      await listener.stop();
    }
  });

  test('a bearer token: the exporter with the header gets through, the one without is refused', async () => {
    const sink = new RecordingSink();
    const { listener, url } = await startListener(sink, { bearerToken: 'tok-123' });
    const statuses: number[] = [];
    listener.onDidHandleRequest((e) => statuses.push(e.status));
    try {
      for (const headers of [{ Authorization: 'Bearer tok-123' }, {}] as Array<Record<string, string>>) {
        const provider = new LoggerProvider({ resource: resource('token'), processors: [new BatchLogRecordProcessor({ exporter: logExporter(url, { encoding: 'json', gzip: false }, { headers }), scheduledDelayMillis: 10 })] });
        provider.getLogger('token').emit({ body: 'hello' });
        await provider.forceFlush();
        await provider.shutdown();
      }
      assert.deepEqual(statuses, [200, 401]);
      assert.equal(sink.logs().length, 1);
    } finally {
      await listener.stop();
    }
  });
});
