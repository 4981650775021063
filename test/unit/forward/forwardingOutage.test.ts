// Forwarding end to end: a local listener pair (OTLP/HTTP and OTLP/gRPC) records
// into a RecordingSink through a ForwardingSink, and a second OtlpHttpListener
// plays the team's collector. The collector is stopped mid-stream and brought
// back on the same port: at the end both have every request, body for body, and
// the local acks never waited for the upstream.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OtlpForwarder, type ForwardLogEvent } from '../../../src/core/forward/forwarder';
import { ForwardingSink } from '../../../src/core/forward/forwardingSink';
import { GrpcListener } from '../../../src/core/otlp/grpcReceiver';
import { OtlpHttpListener } from '../../../src/core/otlp/httpReceiver';
import { SIGNAL_TYPES } from '../../../src/core/otlp/protoSchema';
import type { ReceivedRequest } from '../../../src/core/otlp/sink';
import { JSON_TYPE, PROTOBUF_TYPE, RecordingSink, request } from '../otlp/helpers';
import { RawGrpcClient } from '../otlp/grpcHelpers';

/** A distinct logs body per index, as JSON or protobuf. */
function logsBody(i: number, encoding: 'json' | 'protobuf'): Buffer {
  const message = {
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'outage-test' } }] },
      scopeLogs: [{ logRecords: [{ timeUnixNano: String(1_795_000_000_000_000_000n + BigInt(i)), body: { stringValue: `record ${i}` }, attributes: [{ key: 'event.name', value: { stringValue: 'tick' } }, { key: 'i', value: { intValue: i } }] }] }],
    }],
  };
  if (encoding === 'json') return Buffer.from(JSON.stringify(message));
  const type = SIGNAL_TYPES.logs.request;
  return Buffer.from(type.encode(type.fromObject(message)).finish());
}

const key = (r: ReceivedRequest): string => `${r.encoding}:${Buffer.from(r.body).toString('base64')}`;

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

describe('forwarding through an upstream outage', () => {
  const local = new RecordingSink();
  const upstreamSink = new RecordingSink();
  let upstream: OtlpHttpListener;
  let upstreamPort = 0;
  let forwarder: OtlpForwarder;
  let http: OtlpHttpListener;
  let grpc: GrpcListener;
  let client: RawGrpcClient;
  let httpPort = 0;
  const logs: ForwardLogEvent[] = [];

  before(async () => {
    upstream = new OtlpHttpListener(upstreamSink, { port: 0 });
    upstreamPort = (await upstream.start()).port;
    forwarder = new OtlpForwarder({ url: `http://127.0.0.1:${upstreamPort}`, initialBackoffMs: 20, maxBackoffMs: 200, requestTimeoutMs: 2_000 });
    forwarder.onDidLog((e) => logs.push(e));
    const sink = new ForwardingSink(local, forwarder);
    http = new OtlpHttpListener(sink, { port: 0 });
    httpPort = (await http.start()).port;
    grpc = new GrpcListener(sink, { port: 0 });
    client = new RawGrpcClient((await grpc.start()).port);
  });
  after(async () => {
    client.close();
    await http.stop();
    await grpc.stop();
    await forwarder.close(100);
    await upstream.stop();
  });

  /** Sends requests from..to-1 (HTTP JSON, HTTP protobuf and gRPC in turn), 4 at a time; returns each ack's latency. */
  async function send(from: number, to: number): Promise<number[]> {
    const latencies: number[] = [];
    let next = from;
    const lane = async (): Promise<void> => {
      while (next < to) {
        const i = next++;
        const t0 = performance.now();
        if (i % 3 === 0) assert.equal((await request(httpPort, { headers: JSON_TYPE, body: logsBody(i, 'json') })).status, 200);
        else if (i % 3 === 1) assert.equal((await request(httpPort, { headers: PROTOBUF_TYPE, body: logsBody(i, 'protobuf') })).status, 200);
        else assert.equal((await client.call('logs', logsBody(i, 'protobuf'))).error, null);
        latencies.push(performance.now() - t0);
      }
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
    return latencies;
  }

  test('every request reaches both sides, the acks never wait for the upstream', async () => {
    const up1 = await send(0, 150);
    assert.equal(await forwarder.flush(5_000), true);
    assert.equal(upstreamSink.requests.length, 150);

    // The collector goes away mid-stream.
    await upstream.stop();
    const down = await send(150, 450);
    await new Promise((r) => setTimeout(r, 300));
    const during = forwarder.stats;
    assert.equal(during.upstreamHealthy, false);
    assert.ok(during.retried > 0);
    assert.ok(during.queued + during.inFlight > 0, 'requests wait for the upstream');
    assert.equal(upstreamSink.requests.length, 150);
    assert.equal(local.requests.length, 450, 'local recording went on');

    // Back on the same port.
    upstream = new OtlpHttpListener(upstreamSink, { port: upstreamPort });
    await upstream.start();
    const up2 = await send(450, 600);
    assert.equal(await forwarder.flush(10_000), true);

    const localKeys = local.requests.map(key).sort();
    const upstreamKeys = upstreamSink.requests.map(key).sort();
    assert.equal(localKeys.length, 600);
    assert.equal(new Set(localKeys).size, 600, 'every body is distinct');
    assert.deepEqual(upstreamKeys, localKeys, 'the upstream got every request, body and content type unchanged, none twice');
    assert.ok(local.requests.some((r) => r.transport === 'grpc') && upstreamSink.requests.every((r) => r.transport === 'http'), 'gRPC requests went up as OTLP/HTTP protobuf');
    // The decoded records agree too.
    assert.deepEqual(upstreamSink.logs().map((r) => r.attributes.i).sort((a, b) => Number(a) - Number(b)), Array.from({ length: 600 }, (_, i) => i));

    const s = forwarder.stats;
    assert.deepEqual([s.forwarded, s.dropped, s.rejected, s.queued, s.inFlight, s.upstreamHealthy], [600, 0, 0, 0, 0, true]);
    assert.ok(logs.some((l) => l.level === 'warn' && /retrying with backoff, local recording continues/.test(l.message)));
    assert.ok(logs.some((l) => l.level === 'info' && /works again/.test(l.message)));

    // Acks while the upstream was down were as quick as while it was up: nobody waited for a backoff (20-200 ms).
    const p50Up = percentile([...up1, ...up2], 50);
    const p50Down = percentile(down, 50);
    const p99Down = percentile(down, 99);
    console.log(`ack latency ms: up p50 ${p50Up.toFixed(2)}, down p50 ${p50Down.toFixed(2)} p99 ${p99Down.toFixed(2)} max ${Math.max(...down).toFixed(2)}`);
    // (Loose bounds: the unit tests run in parallel on shared machines.)
    assert.ok(p50Down < Math.max(25, p50Up * 3), `median ack while down ${p50Down} ms vs ${p50Up} ms while up`);
    assert.ok(p99Down < Math.max(250, percentile([...up1, ...up2], 99) * 3), `p99 ack while down ${p99Down} ms`);
  });
});

describe('an upstream that accepts connections but never answers', () => {
  test('acks stay immediate although every forward attempt hangs until its timeout', async () => {
    const net = await import('node:net');
    const held: import('node:net').Socket[] = [];
    const blackHole = net.createServer((socket) => {
      held.push(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const forwarder = new OtlpForwarder({ url: `http://127.0.0.1:${(blackHole.address() as import('node:net').AddressInfo).port}`, requestTimeoutMs: 5_000 });
    const local = new RecordingSink();
    const listener = new OtlpHttpListener(new ForwardingSink(local, forwarder), { port: 0 });
    const { port } = await listener.start();
    try {
      const latencies: number[] = [];
      for (let i = 0; i < 60; i++) {
        const t0 = performance.now();
        assert.equal((await request(port, { headers: JSON_TYPE, body: logsBody(i, 'json') })).status, 200);
        latencies.push(performance.now() - t0);
      }
      assert.equal(local.requests.length, 60);
      const s = forwarder.stats;
      assert.equal(s.forwarded, 0);
      assert.equal(s.inFlight, 4, 'four attempts hang at the upstream');
      assert.equal(s.queued, 56);
      // A design that waited for the upstream would take 5 s per ack here.
      assert.ok(percentile(latencies, 50) < 50 && Math.max(...latencies) < 1_000, `acks: p50 ${percentile(latencies, 50)} ms, max ${Math.max(...latencies)} ms`);
    } finally {
      await listener.stop();
      const stats = await forwarder.close(50);
      assert.equal(stats.dropped, 60, 'abandoned at close, all of them recorded locally');
      for (const s of held) s.destroy();
      await new Promise<void>((r) => blackHole.close(() => r()));
    }
  });
});
