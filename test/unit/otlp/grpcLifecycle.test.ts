// Start, stop, restart and a taken port, for the gRPC listener; stop() and
// restart() with calls in flight.
import { status } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { DEFAULT_GRPC_PORT, GrpcListener, GrpcPortInUseError, resolveGrpcListenerOptions } from '../../../src/core/otlp/grpcReceiver';
import { ListenerConfigError } from '../../../src/core/otlp/listenerOptions';
import { PortInUseError } from '../../../src/core/otlp/portInUse';
import { fixtureBody, GateSink, RecordingSink } from './helpers';
import { bearer, RawGrpcClient, startGrpcListener } from './grpcHelpers';

const LOGS = fixtureBody('claude-code/multi-tool-grpc/0001-grpc-logs.pb');

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function occupy(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('options', () => {
  test('4317 by default, the HTTP listener\'s limits, loopback only', () => {
    assert.equal(DEFAULT_GRPC_PORT, 4317);
    const o = resolveGrpcListenerOptions();
    assert.equal(o.port, 4317);
    assert.equal(o.host, '127.0.0.1');
    assert.equal(o.maxBodyBytes, 64 * 1024 * 1024);
    assert.equal(resolveGrpcListenerOptions({ port: 0 }).port, 0);
    assert.throws(() => new GrpcListener(new RecordingSink(), { host: '0.0.0.0' }), ListenerConfigError);
    assert.throws(() => new GrpcListener(new RecordingSink(), { port: 70000 }), ListenerConfigError);
  });
});

describe('start and stop', () => {
  test('port 0 picks a free port; start() twice is the same address; stop() frees the port', async () => {
    const sink = new RecordingSink();
    const listener = new GrpcListener(sink, { port: 0 });
    assert.equal(listener.address, undefined);
    const a = await listener.start();
    assert.ok(a.port > 0);
    assert.equal(a.host, '127.0.0.1');
    assert.equal(a.url, `http://127.0.0.1:${a.port}`);
    assert.deepEqual(await listener.start(), a);
    const client = new RawGrpcClient(a.port);
    assert.equal((await client.call('logs', LOGS)).error, null);
    client.close();
    await listener.stop();
    assert.equal(listener.address, undefined);
    // The port is free again: bind it with a plain server.
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(a.port, '127.0.0.1', resolve));
    await new Promise<void>((r) => probe.close(() => r()));
    await listener.stop(); // twice is fine
  });

  test('::1 works too', async () => {
    const listener = new GrpcListener(new RecordingSink(), { host: '::1', port: 0 });
    try {
      const a = await listener.start();
      assert.equal(a.url, `http://[::1]:${a.port}`);
      const client = new RawGrpcClient(a.port, {}, '[::1]');
      assert.equal((await client.call('logs', LOGS)).error, null);
      client.close();
    } catch (err) {
      // Hosts without IPv6 loopback cannot run this case.
      if (!/EADDRNOTAVAIL|EAFNOSUPPORT/.test(String((err as Error).message))) throw err;
    } finally {
      await listener.stop();
    }
  });

  test('a taken port: GrpcPortInUseError (a PortInUseError) naming the holder and the gRPC settings; nothing left bound', async () => {
    const taken = await occupy();
    try {
      const listener = new GrpcListener(new RecordingSink(), { port: taken.port });
      const err = await listener.start().then(
        () => assert.fail('should not start'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof GrpcPortInUseError);
      assert.ok(err instanceof PortInUseError);
      assert.equal(err.code, 'EADDRINUSE');
      assert.equal(err.port, taken.port);
      assert.match(err.message, new RegExp(`OTLP/gRPC port ${taken.port} on 127\\.0\\.0\\.1 is already in use`));
      if (process.platform === 'linux') assert.equal(err.holder?.pid, process.pid);
      assert.match(err.message, /--grpc-port N/);
      assert.match(err.message, /agentTrail\.listener\.grpcPort/);
      assert.match(err.message, /--no-grpc/);
      assert.equal(listener.address, undefined);
      // The same object can start elsewhere afterwards.
      const a = await listener.restart({ port: 0 });
      assert.ok(a.port > 0 && a.port !== taken.port);
      await listener.stop();
    } finally {
      await taken.close();
    }
  });

  test('a second listener on the same port is refused (no SO_REUSEPORT sharing)', async () => {
    const { listener, port } = await startGrpcListener(new RecordingSink());
    try {
      await assert.rejects(new GrpcListener(new RecordingSink(), { port }).start(), GrpcPortInUseError);
    } finally {
      await listener.stop();
    }
  });
});

describe('stop with calls in flight', () => {
  test('stop() lets calls in flight finish, refuses new ones, then resolves', async () => {
    const sink = new GateSink();
    const { listener, port } = await startGrpcListener(sink);
    const client = new RawGrpcClient(port);
    try {
      const calls = [client.call('logs', LOGS), client.call('logs', LOGS), client.call('traces', fixtureBody('claude-code/multi-tool-grpc/0002-grpc-traces.pb'))];
      await until('three calls at the sink', () => sink.arrived === 3);
      assert.equal(listener.requestsInFlight, 3);
      let stopped = false;
      const stopping = listener.stop(5_000).then(() => (stopped = true));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(stopped, false, 'stop() waits for the calls');
      // A new client cannot connect any more.
      const late = new RawGrpcClient(port);
      const refused = await late.call('logs', LOGS, undefined, { deadline: Date.now() + 1_000 });
      late.close();
      assert.ok(refused.error && [status.UNAVAILABLE, status.DEADLINE_EXCEEDED].includes(refused.error.code), String(refused.error?.code));
      sink.open();
      const results = await Promise.all(calls);
      assert.deepEqual(results.map((r) => r.error), [null, null, null]);
      await stopping;
      assert.equal(sink.requests.length, 3);
      assert.equal(listener.requestsInFlight, 0);
    } finally {
      client.close();
      sink.open();
      await listener.stop();
    }
  });

  test('stop(timeout) gives up on a call that never finishes: forced closed after the timeout', async () => {
    const sink = new GateSink();
    const { listener, port } = await startGrpcListener(sink);
    const client = new RawGrpcClient(port);
    try {
      const call = client.call('logs', LOGS);
      await until('the call at the sink', () => sink.arrived === 1);
      const t0 = performance.now();
      await listener.stop(200);
      const took = performance.now() - t0;
      assert.ok(took >= 180 && took < 2_000, `stopped after ${took} ms`);
      const { error } = await call;
      assert.ok(error, 'the client sees the call fail');
      assert.ok([status.UNAVAILABLE, status.CANCELLED, status.INTERNAL].includes(error.code), `code ${error.code}`);
    } finally {
      client.close();
      sink.open();
    }
  });
});

describe('restart', () => {
  test('to another port: the new port serves at once, the call in flight on the old one still finishes', async () => {
    const sink = new GateSink();
    const { listener, port } = await startGrpcListener(sink);
    const oldClient = new RawGrpcClient(port);
    try {
      const inFlight = oldClient.call('logs', LOGS);
      await until('the call at the sink', () => sink.arrived === 1);
      const moved = await listener.restart({ port: 0 });
      assert.notEqual(moved.port, port);
      assert.deepEqual(listener.address, moved);
      assert.equal(listener.requestsInFlight, 1, 'the draining server still counts');
      sink.open();
      assert.equal((await inFlight).error, null);
      const newClient = new RawGrpcClient(moved.port);
      assert.equal((await newClient.call('logs', LOGS)).error, null);
      newClient.close();
      assert.equal(sink.requests.length, 2);
    } finally {
      oldClient.close();
      sink.open();
      await listener.stop();
    }
  });

  test('on the same port with a new token: the old server stops accepting first, the new one applies the token', async () => {
    const sink = new RecordingSink();
    const { listener, port } = await startGrpcListener(sink);
    // A fixed port, as a user setting would give.
    await listener.restart({ port });
    const client = new RawGrpcClient(port);
    try {
      assert.equal((await client.call('logs', LOGS)).error, null);
      const a = await listener.restart({ port, bearerToken: 'tok' });
      assert.equal(a.port, port);
      const c2 = new RawGrpcClient(port);
      assert.equal((await c2.call('logs', LOGS)).error?.code, status.UNAUTHENTICATED);
      assert.equal((await c2.call('logs', LOGS, bearer('tok'))).error, null);
      c2.close();
    } finally {
      client.close();
      await listener.stop();
    }
  });

  test('to a taken port: the error is thrown and the old server keeps serving', async () => {
    const taken = await occupy();
    const sink = new RecordingSink();
    const { listener, port } = await startGrpcListener(sink);
    try {
      await assert.rejects(listener.restart({ port: taken.port }), GrpcPortInUseError);
      assert.equal(listener.address?.port, port);
      const client = new RawGrpcClient(port);
      assert.equal((await client.call('logs', LOGS)).error, null);
      client.close();
    } finally {
      await listener.stop();
      await taken.close();
    }
  });

  test('restart() before start() just starts with the new options', async () => {
    const listener = new GrpcListener(new RecordingSink(), { port: 0 });
    try {
      const a = await listener.restart({ bearerToken: 'x' });
      assert.ok(a.port > 0);
      assert.equal(listener.options.bearerToken, 'x');
    } finally {
      await listener.stop();
    }
  });
});
