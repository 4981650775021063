// OtlpForwarder against scripted upstreams: what goes on the wire (path, content
// type, gzip, headers, the body verbatim), which answers are retried (network
// errors, 429/502/503/504 with Retry-After) and which are final, the bounded queue,
// close(); and the pieces (BoundedQueue, backoff, Retry-After, URL checks).
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import zlib from 'node:zlib';
import { BoundedQueue } from '../../../src/core/forward/boundedQueue';
import { displayUrl, ForwardConfigError, OtlpForwarder, parseUpstreamUrl, type ForwarderOptions, type ForwardLogEvent } from '../../../src/core/forward/forwarder';
import { ForwardingSink } from '../../../src/core/forward/forwardingSink';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from '../../../src/core/forward/retryPolicy';
import { STORED, type ReceivedRequest } from '../../../src/core/otlp/sink';
import type { Signal } from '../../../src/core/otlp/types';
import { RecordingSink } from '../otlp/helpers';

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  /** Decompressed. */
  readonly body: Buffer;
  readonly wire: Buffer;
  readonly at: number;
}

type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** An upstream that records every request and answers as `script` says (by arrival index). */
async function scripted(script: (n: number, seen: Seen) => Answer = () => ({ status: 200 })): Promise<{ url: string; port: number; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const wire = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(wire) : wire;
      const s: Seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, wire, at: Date.now() };
      seen.push(s);
      const a = script(seen.length - 1, s);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const FAST: Partial<ForwarderOptions> = { initialBackoffMs: 10, maxBackoffMs: 50, requestTimeoutMs: 2_000 };

function req(signal: Signal, text: string, encoding: 'json' | 'protobuf' = 'json'): Pick<ReceivedRequest, 'signal' | 'encoding' | 'body'> {
  return { signal, encoding, body: Buffer.from(text) };
}

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('what the upstream receives', () => {
  test('<base>/v1/<signal>, the content type, the body verbatim (gzip on the way), extra headers', async () => {
    const up = await scripted();
    const f = new OtlpForwarder({ url: `${up.url}/`, headers: { authorization: 'Bearer team' }, ...FAST });
    try {
      f.enqueue(req('logs', '{"resourceLogs":[]}'));
      f.enqueue(req('metrics', '\x0a\x00', 'protobuf'));
      f.enqueue(req('traces', '{"resourceSpans":[]}'));
      assert.equal(await f.flush(5_000), true);
      const byPath = new Map(up.seen.map((s) => [s.path, s]));
      assert.deepEqual([...byPath.keys()].sort(), ['/v1/logs', '/v1/metrics', '/v1/traces']);
      const logs = byPath.get('/v1/logs') as Seen;
      assert.equal(logs.method, 'POST');
      assert.equal(logs.headers['content-type'], 'application/json');
      assert.equal(logs.headers['content-encoding'], 'gzip');
      assert.equal(logs.headers.authorization, 'Bearer team');
      assert.equal(logs.body.toString(), '{"resourceLogs":[]}');
      assert.deepEqual(zlib.gunzipSync(logs.wire), logs.body);
      const metrics = byPath.get('/v1/metrics') as Seen;
      assert.equal(metrics.headers['content-type'], 'application/x-protobuf');
      assert.deepEqual([...metrics.body], [0x0a, 0x00]);
      assert.deepEqual(f.stats, { forwarded: 3, retried: 0, dropped: 0, rejected: 0, queued: 0, queuedBytes: 0, inFlight: 0, upstreamHealthy: true, lastError: undefined });
    } finally {
      await f.close();
      await up.close();
    }
  });

  test('a base path is kept (/otlp/v1/logs); compression "none" sends the body as received', async () => {
    const up = await scripted();
    const f = new OtlpForwarder({ url: `${up.url}/otlp`, compression: 'none', ...FAST });
    try {
      f.enqueue(req('logs', 'plain body'));
      await f.flush(5_000);
      assert.equal(up.seen[0]?.path, '/otlp/v1/logs');
      assert.equal(up.seen[0]?.headers['content-encoding'], undefined);
      assert.equal(up.seen[0]?.wire.toString(), 'plain body');
    } finally {
      await f.close();
      await up.close();
    }
  });
});

describe('retries', () => {
  test('503 and 502 are retried with backoff; the request arrives once it is accepted', async () => {
    const up = await scripted((n) => (n === 0 ? { status: 503 } : n === 1 ? { status: 502 } : { status: 200 }));
    const logs: ForwardLogEvent[] = [];
    const f = new OtlpForwarder({ url: up.url, ...FAST });
    f.onDidLog((e) => logs.push(e));
    try {
      f.enqueue(req('logs', 'x'));
      assert.equal(await f.flush(5_000), true);
      assert.equal(up.seen.length, 3);
      assert.ok(up.seen.every((s) => s.body.toString() === 'x'));
      const s = f.stats;
      assert.deepEqual([s.forwarded, s.retried, s.rejected, s.dropped, s.upstreamHealthy], [1, 2, 0, 0, true]);
      assert.equal(logs.length, 2, JSON.stringify(logs));
      assert.match(logs[0]?.message ?? '', /failed \(HTTP 503.*retrying with backoff, local recording continues/);
      assert.match(logs[1]?.message ?? '', /works again after 2 retries/);
    } finally {
      await f.close();
      await up.close();
    }
  });

  test('429 with Retry-After: the next attempt waits that long (seconds, and an HTTP date)', async () => {
    const up = await scripted((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : n === 1 ? { status: 503, headers: { 'retry-after': new Date(Date.now() + 1_000).toUTCString() } } : { status: 200 }));
    const f = new OtlpForwarder({ url: up.url, ...FAST });
    try {
      f.enqueue(req('logs', 'x'));
      assert.equal(await f.flush(10_000), true);
      assert.equal(up.seen.length, 3);
      const [a, b, c] = up.seen as [Seen, Seen, Seen];
      assert.ok(b.at - a.at >= 950, `Retry-After: 1 honoured (${b.at - a.at} ms)`);
      // HTTP dates have whole seconds: the wait is between 0 and 1 s, not the 10-50 ms backoff... unless the second rounded down.
      assert.ok(c.at - b.at >= 0 && c.at - b.at <= 1_500, `an HTTP-date Retry-After (${c.at - b.at} ms)`);
      assert.equal(f.stats.retried, 2);
    } finally {
      await f.close();
      await up.close();
    }
  });

  test('400, 401, 404, 413 and 500 are final: counted as rejected, logged, not retried; the next request goes on', async () => {
    const statuses = [400, 401, 404, 413, 500];
    const up = await scripted((n) => (n < statuses.length ? { status: statuses[n] as number, body: '{"code":3,"message":"bad data"}' } : { status: 200 }));
    const logs: ForwardLogEvent[] = [];
    const f = new OtlpForwarder({ url: up.url, ...FAST, concurrency: 1 });
    f.onDidLog((e) => logs.push(e));
    try {
      for (let i = 0; i <= statuses.length; i++) f.enqueue(req('traces', `r${i}`));
      assert.equal(await f.flush(5_000), true);
      assert.equal(up.seen.length, statuses.length + 1);
      const s = f.stats;
      assert.deepEqual([s.forwarded, s.rejected, s.retried], [1, statuses.length, 0]);
      assert.match(s.lastError ?? '', /HTTP 500: \{"code":3,"message":"bad data"\}/);
      assert.equal(logs.length, statuses.length);
      assert.match(logs[0]?.message ?? '', /refused a traces request \(HTTP 400: .*bad data.*\); not retrying it/);
    } finally {
      await f.close();
      await up.close();
    }
  });

  test('an upstream that does not answer: the attempt times out and is retried', async () => {
    const up = await scripted((n) => (n === 0 ? 'hang' : { status: 200 }));
    const f = new OtlpForwarder({ url: up.url, ...FAST, requestTimeoutMs: 150 });
    try {
      f.enqueue(req('logs', 'x'));
      assert.equal(await f.flush(5_000), true);
      assert.equal(up.seen.length, 2);
      assert.equal(f.stats.retried, 1);
      assert.match(f.stats.lastError ?? '', /ETIMEDOUT|no answer/);
    } finally {
      await f.close();
      await up.close();
    }
  });

  test('nobody listening: retried with growing delays until the upstream appears', async () => {
    const probe = await scripted();
    const port = probe.port;
    await probe.close();
    const f = new OtlpForwarder({ url: `http://127.0.0.1:${port}`, initialBackoffMs: 20, maxBackoffMs: 100 });
    try {
      f.enqueue(req('logs', 'late'));
      await until('a few retries', () => f.stats.retried >= 4);
      assert.equal(f.stats.upstreamHealthy, false);
      assert.match(f.stats.lastError ?? '', /ECONNREFUSED/);
      assert.equal(f.stats.inFlight, 1);
      const up = await new Promise<http.Server>((resolve) => {
        const s = http.createServer((rq, rs) => {
          rq.resume();
          rq.on('end', () => rs.writeHead(200).end('{}'));
        });
        s.listen(port, '127.0.0.1', () => resolve(s));
      });
      try {
        assert.equal(await f.flush(5_000), true);
        assert.equal(f.stats.forwarded, 1);
        assert.equal(f.stats.upstreamHealthy, true);
      } finally {
        up.closeAllConnections();
        await new Promise<void>((r) => up.close(() => r()));
      }
    } finally {
      await f.close();
    }
  });
});

describe('the bounded queue while the upstream is down', () => {
  test('count bound: the oldest are dropped and counted; the newest reach the upstream when it is back', async () => {
    let down = true;
    const up = await scripted(() => (down ? { status: 503, headers: { 'retry-after': '0' } } : { status: 200 }));
    const logs: ForwardLogEvent[] = [];
    const f = new OtlpForwarder({ url: up.url, ...FAST, concurrency: 1, maxQueueRequests: 10 });
    f.onDidLog((e) => logs.push(e));
    try {
      const t0 = performance.now();
      for (let i = 0; i < 50; i++) f.enqueue(req('logs', `r${i}`));
      const enqueueMs = performance.now() - t0;
      assert.ok(enqueueMs < 50, `enqueue never waits (${enqueueMs} ms for 50)`);
      await until('the first attempt', () => up.seen.length > 0);
      // One request is with the worker, ten are queued, the rest were dropped oldest-first.
      const s = f.stats;
      assert.equal(s.queued, 10);
      assert.equal(s.inFlight, 1);
      assert.equal(s.dropped, 39);
      assert.equal(logs.filter((l) => /queue is full/.test(l.message)).length, 1, 'one log line per drop episode');
      down = false;
      assert.equal(await f.flush(5_000), true);
      const delivered = [...new Set(up.seen.filter((x) => x.body.length > 0).map((x) => x.body.toString()))];
      assert.deepEqual(delivered, ['r0', ...Array.from({ length: 10 }, (_, i) => `r${40 + i}`)]);
      assert.equal(f.stats.forwarded, 11);
    } finally {
      await f.close();
      await up.close();
    }
  });

  test('byte bound: a body larger than the whole queue is dropped on arrival; others make room by dropping the oldest', async () => {
    const up = await scripted(() => 'hang');
    const f = new OtlpForwarder({ url: up.url, ...FAST, concurrency: 1, maxQueueBytes: 100, requestTimeoutMs: 60_000 });
    try {
      f.enqueue(req('logs', 'held by the worker'));
      await until('the first attempt', () => up.seen.length === 1);
      f.enqueue(req('logs', 'x'.repeat(101)));
      assert.equal(f.stats.dropped, 1);
      for (let i = 0; i < 4; i++) f.enqueue(req('logs', `${i}`.repeat(40)));
      const s = f.stats;
      assert.equal(s.queued, 2);
      assert.equal(s.queuedBytes, 80);
      assert.equal(s.dropped, 3);
    } finally {
      const stats = await f.close(50);
      assert.equal(stats.dropped, 6, 'the two queued and the one in flight are abandoned at close');
      await up.close();
    }
  });

  test('close(): gives up after its timeout, counts what was left, and refuses later requests', async () => {
    const probe = await scripted();
    await probe.close();
    const f = new OtlpForwarder({ url: probe.url, ...FAST });
    for (let i = 0; i < 5; i++) f.enqueue(req('logs', `r${i}`));
    const t0 = performance.now();
    const stats = await f.close(100);
    assert.ok(performance.now() - t0 < 1_500);
    assert.equal(stats.dropped, 5);
    assert.equal(stats.forwarded, 0);
    f.enqueue(req('logs', 'after'));
    assert.equal(f.stats.dropped, 6);
  });
});

describe('ForwardingSink', () => {
  test('forwards only what the inner sink stored, after it stored it, and returns its verdict', async () => {
    const queued: string[] = [];
    const inner = new RecordingSink((r) => (Buffer.from(r.body).toString() === 'busy' ? { kind: 'busy', retryAfterSeconds: 1, reason: 'later' } : STORED));
    const sink = new ForwardingSink(inner, { enqueue: (r) => queued.push(`${Buffer.from(r.body).toString()} stored=${inner.requests.length}`) });
    const mk = (text: string): ReceivedRequest => ({ signal: 'logs', transport: 'http', encoding: 'json', body: Buffer.from(text), batch: { signal: 'logs', records: [], rejected: 0, errors: [] }, receivedAtMs: 0 });
    assert.deepEqual(await sink.accept(mk('a')), STORED);
    assert.equal((await sink.accept(mk('busy'))).kind, 'busy');
    assert.deepEqual(queued, ['a stored=1']);
    // A failing inner sink: its error reaches the listener (which answers 503), nothing is forwarded.
    const failing = new ForwardingSink({ accept: () => Promise.reject(new Error('disk full')) }, { enqueue: () => queued.push('never') });
    await assert.rejects(failing.accept(mk('b')), /disk full/);
    // A throwing forwarder never changes the answer.
    const broken = new ForwardingSink(new RecordingSink(), { enqueue: () => { throw new Error('bug'); } });
    assert.deepEqual(await broken.accept(mk('c')), STORED);
    assert.deepEqual(queued, ['a stored=1']);
  });
});

describe('pieces', () => {
  test('BoundedQueue: FIFO, both bounds, drops oldest, compacts', () => {
    const q = new BoundedQueue<{ bytes: number; id: number }>(3, 10);
    assert.deepEqual(q.push({ bytes: 4, id: 1 }), []);
    assert.deepEqual(q.push({ bytes: 4, id: 2 }), []);
    assert.deepEqual(q.push({ bytes: 4, id: 3 }).map((x) => x.id), [1]);
    assert.deepEqual([q.length, q.bytes], [2, 8]);
    assert.deepEqual(q.push({ bytes: 11, id: 4 }).map((x) => x.id), [4]);
    assert.deepEqual(q.push({ bytes: 1, id: 5 }), []);
    assert.deepEqual(q.push({ bytes: 1, id: 6 }).map((x) => x.id), [2]);
    assert.deepEqual([q.shift()?.id, q.shift()?.id, q.shift()?.id, q.shift()], [3, 5, 6, undefined]);
    assert.equal(q.bytes, 0);
    const big = new BoundedQueue<{ bytes: number; id: number }>(5000, 1e9);
    for (let i = 0; i < 4000; i++) big.push({ bytes: 1, id: i });
    for (let i = 0; i < 3000; i++) assert.equal(big.shift()?.id, i);
    big.push({ bytes: 1, id: 4000 });
    assert.equal(big.length, 1001);
    assert.deepEqual(big.clear().map((x) => x.id).slice(0, 2), [3000, 3001]);
    assert.throws(() => new BoundedQueue(0, 1));
  });

  test('backoff grows exponentially with jitter inside [d/2, d], capped', () => {
    const o = { initialMs: 100, maxMs: 1_000 };
    assert.deepEqual([1, 2, 3, 4, 5, 50].map((a) => backoffDelay(a, o, () => 1)), [100, 200, 400, 800, 1000, 1000]);
    assert.deepEqual([1, 2, 3].map((a) => backoffDelay(a, o, () => 0)), [50, 100, 200]);
  });

  test('Retry-After: seconds, HTTP date, garbage; capped and never negative', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    assert.equal(parseRetryAfter('3', 60_000, now), 3_000);
    assert.equal(parseRetryAfter(' 1.5 ', 60_000, now), 1_500);
    assert.equal(parseRetryAfter(new Date(now + 10_000).toUTCString(), 60_000, now), 10_000);
    assert.equal(parseRetryAfter(new Date(now - 10_000).toUTCString(), 60_000, now), 0);
    assert.equal(parseRetryAfter('86400', 60_000, now), 60_000);
    assert.equal(parseRetryAfter('soon', 60_000, now), undefined);
    assert.equal(parseRetryAfter(undefined, 60_000, now), undefined);
    assert.deepEqual([429, 502, 503, 504, 500, 400, 408].map(isRetryableStatus), [true, true, true, true, false, false, false]);
  });

  test('upstream URLs: http(s) base URLs only; credentials hidden in logs', () => {
    assert.equal(parseUpstreamUrl('http://collector:4318').href, 'http://collector:4318/');
    assert.equal(parseUpstreamUrl('https://otel.example.com/otlp/').pathname, '/otlp/');
    assert.throws(() => parseUpstreamUrl('collector:4318x'), ForwardConfigError);
    assert.throws(() => parseUpstreamUrl('grpc://collector:4317'), /http:\/\/ or https:\/\//);
    assert.throws(() => parseUpstreamUrl('http://collector:4318/v1/logs'), /base URL \(e\.g\. http:\/\/collector:4318\), not a signal endpoint/);
    assert.throws(() => parseUpstreamUrl('not a url'), /not a URL/);
    assert.equal(displayUrl(parseUpstreamUrl('https://user:pw@otel.example.com/x')), 'https://otel.example.com/x');
    assert.throws(() => new OtlpForwarder({ url: 'http://c:4318', concurrency: 0 }), /concurrency must be a positive integer/);
  });
});
