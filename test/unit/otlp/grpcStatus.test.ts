// The gRPC listener's answers (OTLP spec, "OTLP/gRPC Response"): OK with an empty
// or partial-success Export*ServiceResponse, INVALID_ARGUMENT, RESOURCE_EXHAUSTED
// (also for a gzip bomb), UNAVAILABLE + RetryInfo, UNAUTHENTICATED,
// PERMISSION_DENIED and UNIMPLEMENTED.
import { Metadata, status } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import zlib from 'node:zlib';
import type { GrpcRequestEvent } from '../../../src/core/otlp/grpcReceiver';
import { decodeStatusDetails, grpcCodeName, statusWithRetryInfo, STATUS_DETAILS_KEY } from '../../../src/core/otlp/grpcStatus';
import { SIGNAL_TYPES } from '../../../src/core/otlp/protoSchema';
import type { ListenerFailure } from '../../../src/core/otlp/httpReceiver';
import { fixtureBody, RecordingSink } from './helpers';
import { bearer, grpcFrame, rawH2Call, RawGrpcClient, startGrpcListener } from './grpcHelpers';

const LOGS = fixtureBody('claude-code/multi-tool-grpc/0001-grpc-logs.pb');
const LOGS_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

async function withListener(
  sink: RecordingSink,
  options: Parameters<typeof startGrpcListener>[1],
  body: (ctx: { client: RawGrpcClient; port: number; events: GrpcRequestEvent[]; failures: ListenerFailure[] }) => Promise<void>,
): Promise<void> {
  const { listener, port } = await startGrpcListener(sink, options);
  const events: GrpcRequestEvent[] = [];
  const failures: ListenerFailure[] = [];
  listener.onDidHandleRequest((e) => events.push(e));
  listener.onDidFail((f) => failures.push(f));
  const client = new RawGrpcClient(port);
  try {
    await body({ client, port, events, failures });
  } finally {
    client.close();
    await listener.stop();
  }
}

describe('OK', () => {
  test('an empty message is a success with no records; the response is an empty Export*ServiceResponse', async () => {
    const sink = new RecordingSink();
    await withListener(sink, {}, async ({ client, events }) => {
      for (const signal of ['logs', 'metrics', 'traces'] as const) {
        const { error, response } = await client.call(signal, Buffer.alloc(0));
        assert.equal(error, null);
        assert.equal(response?.length, 0);
      }
      assert.equal(sink.requests.length, 3);
      assert.deepEqual(events.map((e) => [e.signal, e.code, e.records]), [['logs', 0, 0], ['metrics', 0, 0], ['traces', 0, 0]]);
    });
  });

  test('refused records: OK with partial_success (rejected_log_records and error_message), the rest kept', async () => {
    const sink = new RecordingSink();
    await withListener(sink, {}, async ({ client }) => {
      const type = SIGNAL_TYPES.logs.request;
      const body = Buffer.from(type.encode(type.fromObject({
        resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'kept' } }, { traceId: Buffer.from([1, 2, 3]), body: { stringValue: 'bad id' } }] }] }],
      })).finish());
      const { error, response } = await client.call('logs', body);
      assert.equal(error, null);
      const reply = SIGNAL_TYPES.logs.response.toObject(SIGNAL_TYPES.logs.response.decode(response as Buffer), { longs: Number }) as {
        partialSuccess: { rejectedLogRecords: number; errorMessage: string };
      };
      assert.equal(reply.partialSuccess.rejectedLogRecords, 1);
      assert.match(reply.partialSuccess.errorMessage, /traceId is not 32 hex digits/);
      assert.equal(sink.logs().length, 1);
      // Spans: rejected_spans; metrics: rejected_data_points.
      const spans = SIGNAL_TYPES.traces.request;
      const rs = await client.call('traces', Buffer.from(spans.encode(spans.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'no ids' }] }] }] })).finish()));
      assert.equal((SIGNAL_TYPES.traces.response.toObject(SIGNAL_TYPES.traces.response.decode(rs.response as Buffer), { longs: Number }) as { partialSuccess: { rejectedSpans: number } }).partialSuccess.rejectedSpans, 1);
      const metrics = SIGNAL_TYPES.metrics.request;
      const rm = await client.call('metrics', Buffer.from(metrics.encode(metrics.fromObject({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'empty' }] }] }] })).finish()));
      assert.equal((SIGNAL_TYPES.metrics.response.toObject(SIGNAL_TYPES.metrics.response.decode(rm.response as Buffer), { longs: Number }) as { partialSuccess: { rejectedDataPoints: number } }).partialSuccess.rejectedDataPoints, 1);
    });
  });
});

describe('INVALID_ARGUMENT', () => {
  test('bytes that are not an Export*ServiceRequest: refused, nothing stored, the reason in the message', async () => {
    const sink = new RecordingSink();
    await withListener(sink, {}, async ({ client, events }) => {
      for (const garbage of [Buffer.from('this is not protobuf at all'), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), LOGS.subarray(0, LOGS.length - 7)]) {
        const { error } = await client.call('logs', garbage);
        assert.equal(error?.code, status.INVALID_ARGUMENT);
        assert.match(error?.details ?? '', /does not decode/);
      }
      // A valid logs message sent to the traces method does not decode as traces either.
      assert.equal((await client.call('traces', LOGS)).error?.code, status.INVALID_ARGUMENT);
      assert.equal(sink.requests.length, 0);
      assert.ok(events.every((e) => e.code === status.INVALID_ARGUMENT && e.codeName === 'INVALID_ARGUMENT' && e.request === undefined));
    });
  });
});

describe('RESOURCE_EXHAUSTED', () => {
  test('a message over maxBodyBytes, uncompressed: refused before the handler; the event says so', async () => {
    const sink = new RecordingSink();
    await withListener(sink, { maxBodyBytes: 4096 }, async ({ client, events }) => {
      assert.ok(LOGS.length > 4096);
      const { error } = await client.call('logs', LOGS);
      assert.equal(error?.code, status.RESOURCE_EXHAUSTED);
      assert.equal(sink.requests.length, 0);
      // Still fine below the limit.
      assert.equal((await client.call('logs', Buffer.alloc(0))).error, null);
      await new Promise((r) => setTimeout(r, 20));
      const refused = events.find((e) => e.code === undefined);
      assert.equal(refused?.codeName, 'ENDED_BY_TRANSPORT');
      assert.equal(refused?.signal, 'logs');
      assert.match(refused?.message ?? '', /larger than 4096 bytes/);
    });
  });

  test('a gzip bomb: 64 KiB on the wire inflating to 64 MiB stops at the limit', async () => {
    const sink = new RecordingSink();
    await withListener(sink, { maxBodyBytes: 1024 * 1024 }, async ({ port }) => {
      const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
      assert.ok(bomb.length < 1024 * 1024);
      const before = process.memoryUsage().rss;
      const r = await rawH2Call(port, LOGS_PATH, grpcFrame(bomb, true), { 'grpc-encoding': 'gzip' });
      assert.equal(r.grpcStatus, status.RESOURCE_EXHAUSTED);
      assert.match(r.grpcMessage, /decompresses to a size larger than 1048576/);
      assert.equal(sink.requests.length, 0);
      assert.ok(process.memoryUsage().rss - before < 48 * 1024 * 1024, 'the bomb was not inflated whole');
    });
  });

  test('the same message compressed fits when its inflated size does: the limit is on the message, not the wire', async () => {
    const sink = new RecordingSink();
    await withListener(sink, { maxBodyBytes: LOGS.length }, async ({ port }) => {
      const ok = await rawH2Call(port, LOGS_PATH, grpcFrame(zlib.gzipSync(LOGS), true), { 'grpc-encoding': 'gzip' });
      assert.equal(ok.grpcStatus, 0, ok.grpcMessage);
      const over = Buffer.concat([LOGS, Buffer.from([0x0a, 0x00])]); // one more (empty) ResourceLogs
      const tooBig = await rawH2Call(port, LOGS_PATH, grpcFrame(zlib.gzipSync(over), true), { 'grpc-encoding': 'gzip' });
      assert.equal(tooBig.grpcStatus, status.RESOURCE_EXHAUSTED);
      assert.equal(sink.requests.length, 1);
    });
  });
});

describe('UNAVAILABLE', () => {
  test('a busy sink: UNAVAILABLE with a RetryInfo detail carrying the sink\'s retry delay', async () => {
    const sink = new RecordingSink(() => ({ kind: 'busy', retryAfterSeconds: 2.5, reason: 'the journal is behind' }));
    await withListener(sink, {}, async ({ client, events }) => {
      const { error } = await client.call('logs', LOGS);
      assert.equal(error?.code, status.UNAVAILABLE);
      assert.equal(error?.details, 'the journal is behind');
      const details = error?.metadata.get(STATUS_DETAILS_KEY)[0];
      assert.ok(Buffer.isBuffer(details));
      assert.deepEqual(decodeStatusDetails(details), { code: status.UNAVAILABLE, message: 'the journal is behind', retryDelayMs: 3000 });
      assert.equal(events[0]?.codeName, 'UNAVAILABLE');
      assert.ok(events[0]?.request, 'decoded before the sink refused it');
    });
  });

  test('a throwing sink: UNAVAILABLE (retry later), the error reported through onDidFail', async () => {
    const sink = new RecordingSink(() => {
      throw new Error('disk on fire');
    });
    await withListener(sink, { retryAfterSeconds: 7 }, async ({ client, failures }) => {
      const { error } = await client.call('metrics', fixtureBody('codex/multi-grpc/0005-grpc-metrics.pb'));
      assert.equal(error?.code, status.UNAVAILABLE);
      assert.equal(decodeStatusDetails(error?.metadata.get(STATUS_DETAILS_KEY)[0] as Buffer).retryDelayMs, 7000);
      assert.equal(failures.length, 1);
      assert.match(String((failures[0]?.error as Error).message), /disk on fire/);
      assert.match(failures[0]?.context ?? '', /metrics gRPC call/);
    });
  });
});

describe('who may write', () => {
  test('UNAUTHENTICATED without the bearer token or with a wrong one; OK with it (any case of "Bearer")', async () => {
    const sink = new RecordingSink();
    await withListener(sink, { bearerToken: 's3cret' }, async ({ client, events }) => {
      assert.equal((await client.call('logs', LOGS)).error?.code, status.UNAUTHENTICATED);
      assert.equal((await client.call('logs', LOGS, bearer('wrong'))).error?.code, status.UNAUTHENTICATED);
      const basic = new Metadata();
      basic.set('authorization', 'Basic czNjcmV0');
      assert.equal((await client.call('logs', LOGS, basic)).error?.code, status.UNAUTHENTICATED);
      assert.equal(sink.requests.length, 0, 'nothing is decoded or stored before the token matches');
      assert.equal((await client.call('logs', LOGS, bearer('s3cret'))).error, null);
      const lower = new Metadata();
      lower.set('authorization', 'bearer s3cret');
      assert.equal((await client.call('logs', LOGS, lower)).error, null);
      assert.equal(sink.requests.length, 2);
      assert.deepEqual(events.map((e) => e.codeName), ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'OK', 'OK']);
    });
  });

  test('PERMISSION_DENIED for a browser Origin and for an :authority that is not loopback', async () => {
    const sink = new RecordingSink();
    await withListener(sink, {}, async ({ client, port }) => {
      const web = new Metadata();
      web.set('origin', 'https://evil.example');
      assert.equal((await client.call('logs', LOGS, web)).error?.code, status.PERMISSION_DENIED);
      const rebound = await rawH2Call(port, LOGS_PATH, grpcFrame(LOGS, false), { ':authority': 'evil.example:4317' });
      assert.equal(rebound.grpcStatus, status.PERMISSION_DENIED);
      assert.match(rebound.grpcMessage, /not a loopback address/);
      for (const authority of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
        assert.equal((await rawH2Call(port, LOGS_PATH, grpcFrame(LOGS, false), { ':authority': authority })).grpcStatus, 0, authority);
      }
      assert.equal(sink.requests.length, 3);
    });
  });
});

describe('UNIMPLEMENTED and other transport answers', () => {
  test('unknown methods (profiles, another service, a typo) are UNIMPLEMENTED', async () => {
    const sink = new RecordingSink();
    await withListener(sink, {}, async ({ client }) => {
      for (const path of [
        '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export',
        '/opentelemetry.proto.collector.logs.v1.LogsService/Exprt',
        '/grpc.health.v1.Health/Check',
      ]) {
        assert.equal((await client.call(path, Buffer.alloc(0))).error?.code, status.UNIMPLEMENTED, path);
      }
      assert.equal(sink.requests.length, 0);
    });
  });

  test('a corrupt gzip message and an unknown grpc-encoding are refused by grpc-js (INTERNAL, UNIMPLEMENTED)', async () => {
    const sink = new RecordingSink();
    await withListener(sink, {}, async ({ port }) => {
      const gz = zlib.gzipSync(LOGS);
      gz[gz.length - 6] ^= 0xff; // break the CRC
      const corrupt = await rawH2Call(port, LOGS_PATH, grpcFrame(gz, true), { 'grpc-encoding': 'gzip' });
      assert.equal(corrupt.grpcStatus, status.INTERNAL);
      const snappy = await rawH2Call(port, LOGS_PATH, grpcFrame(LOGS, true), { 'grpc-encoding': 'snappy' });
      assert.equal(snappy.grpcStatus, status.UNIMPLEMENTED);
      // Uncompressed frames ignore grpc-encoding.
      assert.equal((await rawH2Call(port, LOGS_PATH, grpcFrame(LOGS, false), { 'grpc-encoding': 'snappy' })).grpcStatus, 0);
      assert.equal(sink.requests.length, 1);
    });
  });
});

describe('grpcStatus helpers', () => {
  test('RetryInfo round trip and code names', () => {
    assert.deepEqual(decodeStatusDetails(statusWithRetryInfo(14, 'slow down', 1500)), { code: 14, message: 'slow down', retryDelayMs: 1500 });
    assert.deepEqual(decodeStatusDetails(statusWithRetryInfo(14, '', 0)), { code: 14, message: '', retryDelayMs: 0 });
    assert.equal(grpcCodeName(16), 'UNAUTHENTICATED');
    assert.equal(grpcCodeName(99), 'CODE_99');
  });
});
