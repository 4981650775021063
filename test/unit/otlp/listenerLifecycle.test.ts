// Start, stop, restart, a taken port, and the transport's bounds (timeouts,
// header size, connection cap, clients that vanish).
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { OtlpHttpListener, type RequestEvent } from '../../../src/core/otlp/httpReceiver';
import { ListenerConfigError, resolveListenerOptions } from '../../../src/core/otlp/listenerOptions';
import { PortInUseError } from '../../../src/core/otlp/portInUse';
import { fixture, GateSink, JSON_TYPE, RecordingSink, request, startListener } from './helpers';

const BODY = fixture('claude-code/multi-tool-http-json/0001-http-logs.json');
const post = (port: number) => request(port, { headers: JSON_TYPE, body: BODY });

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface RawResult {
  readonly data: string;
  readonly closedAfterMs: number;
}

/** A raw TCP client: writes `parts` (strings, or numbers = pauses in ms) and collects until close. */
function raw(port: number, parts: ReadonlyArray<string | number>): Promise<RawResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    socket.on('data', (c) => (data += c.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      resolve({ data, closedAfterMs: performance.now() - t0 });
    });
    void (async () => {
      for (const p of parts) {
        if (closed) return;
        if (typeof p === 'number') await new Promise((r) => setTimeout(r, p));
        else socket.write(p);
      }
    })();
  });
}

describe('options', () => {
  test('defaults: 127.0.0.1:4318, 64 MiB, 30 s request timeout, 16 KiB headers', () => {
    const o = resolveListenerOptions();
    assert.equal(o.host, '127.0.0.1');
    assert.equal(o.port, 4318);
    assert.equal(o.maxBodyBytes, 64 * 1024 * 1024);
    assert.equal(o.requestTimeoutMs, 30_000);
    assert.equal(o.maxHeaderBytes, 16 * 1024);
    assert.equal(o.bearerToken, '');
  });

  test('refuses to bind anything but loopback, and bad ports', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'example.com', '']) {
      assert.throws(() => new OtlpHttpListener(new RecordingSink(), { host }), ListenerConfigError, host);
    }
    for (const port of [-1, 65536, 1.5, Number.NaN]) {
      assert.throws(() => new OtlpHttpListener(new RecordingSink(), { port }), /port must be an integer/);
    }
    assert.throws(() => resolveListenerOptions({ maxBodyBytes: 0 }), /maxBodyBytes must be a positive integer/);
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) assert.doesNotThrow(() => resolveListenerOptions({ host }));
  });

  test('binds ::1 too, and reports the chosen port', async () => {
    const { listener, port, url } = await startListener(new RecordingSink(), { host: '::1' });
    try {
      assert.ok(port > 0);
      assert.equal(url, `http://[::1]:${port}`);
      assert.equal(listener.address?.port, port);
    } finally {
      await listener.stop();
    }
  });
});

describe('a port that is taken', () => {
  test('EADDRINUSE becomes a PortInUseError naming the port, the holder and the way out', async () => {
    const first = await startListener(new RecordingSink());
    const second = new OtlpHttpListener(new RecordingSink(), { port: first.port });
    try {
      const err = await second.start().then(
        () => assert.fail('the second listener should not start'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof PortInUseError);
      assert.equal(err.port, first.port);
      assert.equal(err.code, 'EADDRINUSE');
      assert.match(err.message, new RegExp(`port ${first.port} on 127\\.0\\.0\\.1 is already in use`));
      assert.match(err.message, /agentTrail\.listener\.port/);
      assert.match(err.message, /--port N/);
      assert.match(err.message, /0 for any free port/);
      if (process.platform === 'linux') {
        // The holder is this very process: found through /proc/net/tcp and /proc/<pid>/fd.
        assert.equal(err.holder?.pid, process.pid);
        assert.match(err.message, new RegExp(`by process ${process.pid}`));
      }
      assert.equal(second.address, undefined);
      // The first listener is unharmed.
      assert.equal((await post(first.port)).status, 200);
    } finally {
      await first.listener.stop();
    }
  });
});

describe('stop and restart', () => {
  test('stop() lets requests in flight finish before it resolves', async () => {
    const sink = new GateSink();
    const { listener, port } = await startListener(sink);
    const replies = [post(port), post(port), post(port)];
    await until('3 requests in the sink', () => sink.arrived === 3);
    assert.equal(listener.requestsInFlight, 3);
    let stopped = false;
    const stopping = listener.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(stopped, false, 'stop waits for the requests in flight');
    await assert.rejects(post(port), /ECONNREFUSED/, 'no new connections while stopping');
    sink.open();
    assert.deepEqual((await Promise.all(replies)).map((r) => r.status), [200, 200, 200]);
    await stopping;
    assert.equal(sink.requests.length, 3);
  });

  test('stop(timeout) gives up on a sink that never answers', async () => {
    const { listener, port } = await startListener(new GateSink());
    const reply = post(port).then(
      (r) => r.status,
      () => 'reset',
    );
    await until('a request in flight', () => listener.requestsInFlight === 1);
    const t0 = performance.now();
    await listener.stop(200);
    const ms = performance.now() - t0;
    assert.ok(ms >= 150 && ms < 2_000, `stop took ${ms.toFixed(0)} ms`);
    assert.equal(await reply, 'reset');
  });

  test('restart() on a new port loses none of the requests in flight', async () => {
    const sink = new GateSink();
    const { listener, port: oldPort } = await startListener(sink);
    const events: RequestEvent[] = [];
    listener.onDidHandleRequest((e) => events.push(e));
    const onOld = Array.from({ length: 10 }, () => post(oldPort));
    await until('10 requests in flight', () => sink.arrived === 10);

    const address = await listener.restart({ port: 0 });
    assert.notEqual(address.port, oldPort);
    assert.equal(listener.address?.port, address.port);
    assert.equal(listener.requestsInFlight, 10, 'the old server still holds its requests');
    const onNew = Array.from({ length: 5 }, () => post(address.port));
    await until('15 requests in flight', () => sink.arrived === 15);
    sink.open();

    const statuses = (await Promise.all([...onOld, ...onNew])).map((r) => r.status);
    assert.deepEqual(statuses, Array(15).fill(200));
    assert.equal(sink.requests.length, 15);
    await until('the old server drained', () => listener.requestsInFlight === 0);
    await assert.rejects(post(oldPort), /ECONNREFUSED/, 'the old port is closed');
    assert.equal((await post(address.port)).status, 200);
    assert.equal(events.filter((e) => e.status === 200).length, 16);
    await listener.stop();
  });

  test('restart() on the same port with new options keeps requests in flight too', async () => {
    const sink = new GateSink();
    const { listener, port } = await startListener(sink);
    const inFlight = Array.from({ length: 4 }, () => post(port));
    await until('4 requests in flight', () => sink.arrived === 4);
    const address = await listener.restart({ port, bearerToken: 'now-with-token' });
    assert.equal(address.port, port);
    sink.open();
    assert.deepEqual((await Promise.all(inFlight)).map((r) => r.status), [200, 200, 200, 200]);
    assert.equal((await post(port)).status, 401, 'the new options apply');
    assert.equal((await request(port, { headers: { ...JSON_TYPE, authorization: 'Bearer now-with-token' }, body: BODY })).status, 200);
    await listener.stop();
  });

  test('restart() to a taken port fails and the old server keeps serving', async () => {
    const other = await startListener(new RecordingSink());
    const { listener, port } = await startListener(new RecordingSink());
    const failures: unknown[] = [];
    listener.onDidFail((f) => failures.push(f.error));
    try {
      await assert.rejects(listener.restart({ port: other.port }), PortInUseError);
      assert.deepEqual(failures, [], 'reported once, as the rejection, not also as a server error');
      assert.equal(listener.address?.port, port);
      assert.equal((await post(port)).status, 200);
    } finally {
      await listener.stop();
      await other.listener.stop();
    }
  });

  test('start() after stop() binds again', async () => {
    const { listener } = await startListener(new RecordingSink());
    await listener.stop();
    const again = await listener.start();
    assert.equal((await post(again.port)).status, 200);
    await listener.stop();
  });
});

describe('transport bounds', () => {
  test('a slow-loris body gets 408 or is closed once the request timeout passes', async () => {
    const { listener, port } = await startListener(new RecordingSink(), { requestTimeoutMs: 1_000, headersTimeoutMs: 500 });
    try {
      const head = `POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
      const trickle = Array.from({ length: 40 }, () => ['x', 150]).flat();
      const r = await raw(port, [head, ...trickle]);
      assert.ok(r.closedAfterMs < 3_000, `closed after ${r.closedAfterMs.toFixed(0)} ms`);
      assert.ok(r.data === '' || r.data.startsWith('HTTP/1.1 408'), r.data.slice(0, 40));
      assert.equal((await post(port)).status, 200);
    } finally {
      await listener.stop();
    }
  });

  test('slow headers are cut off by the headers timeout', async () => {
    const { listener, port } = await startListener(new RecordingSink(), { requestTimeoutMs: 1_000, headersTimeoutMs: 500 });
    try {
      const r = await raw(port, ['POST /v1/logs HTTP/1.1\r\n', ...Array.from({ length: 30 }, (_, i) => [`X-Slow-${i}: y\r\n`, 100]).flat()]);
      assert.ok(r.closedAfterMs < 2_500, `closed after ${r.closedAfterMs.toFixed(0)} ms`);
    } finally {
      await listener.stop();
    }
  });

  test('headers above the limit get 431', async () => {
    const { listener, port } = await startListener(new RecordingSink());
    try {
      const r = await raw(port, [`POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`]);
      assert.match(r.data, /^HTTP\/1\.1 431/);
      assert.equal((await post(port)).status, 200);
    } finally {
      await listener.stop();
    }
  });

  test('connections beyond the cap are closed on arrival', async () => {
    const { listener, port } = await startListener(new RecordingSink(), { maxConnections: 3 });
    const held = Array.from({ length: 3 }, () => net.connect(port, '127.0.0.1'));
    try {
      await Promise.all(held.map((s) => new Promise((r) => s.once('connect', r))));
      await new Promise((r) => setTimeout(r, 50));
      const extra = await raw(port, [`POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`]);
      assert.equal(extra.data, '', 'the 4th connection is closed without an answer');
    } finally {
      for (const s of held) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await post(port)).status, 200, 'served again once connections are free');
    await listener.stop();
  });

  test('a client that vanishes mid-body, or sends garbage, harms nothing', async () => {
    const sink = new RecordingSink();
    const { listener, port } = await startListener(sink);
    const events: RequestEvent[] = [];
    listener.onDidHandleRequest((e) => events.push(e));
    try {
      const head = `POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n`;
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(head + BODY.subarray(0, 100).toString('latin1'));
      await until('the request is seen', () => listener.requestsInFlight === 1);
      socket.destroy();
      await until('the aborted request is reported', () => events.length === 1);
      assert.equal(events[0]?.status, 0);
      assert.match(events[0]?.message ?? '', /closed the connection/);
      const garbage = await raw(port, ['GARBAGE \x00\x01\x02 NOT HTTP\r\n\r\n']);
      assert.match(garbage.data, /^HTTP\/1\.1 400/);
      assert.equal(sink.requests.length, 0);
      assert.equal((await post(port)).status, 200);
    } finally {
      await listener.stop();
    }
  });
});
