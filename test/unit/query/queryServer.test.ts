// The owner's loopback query server: who may ask (no web page, no foreign Host,
// only holders of the secret), what may be asked (the allow-list, checked
// params, bounded bodies), and a round trip of every method through the client.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CONTROL_METHODS, QUERY_PATH, READ_METHODS } from '../../../src/core/query/queryProtocol';
import { QueryServer } from '../../../src/core/query/queryServer';
import { QueryRequestError, RemoteTrailQueries } from '../../../src/core/query/remoteTrailQueries';
import { cannedBackend, post } from './support';

const SECRET = 'a'.repeat(64);
const AUTH = { authorization: `Bearer ${SECRET}` };
const { backend, calls } = cannedBackend();
const server = new QueryServer(backend, { secret: SECRET, maxBodyBytes: 1024 });
let port = 0;
let client: RemoteTrailQueries;

before(async () => {
  port = await server.start();
  client = new RemoteTrailQueries({ host: '127.0.0.1', port, secret: SECRET });
});

after(async () => {
  client.dispose();
  await server.stop();
});

const call = (body: unknown, headers: Record<string, string> = AUTH) => post(port, QUERY_PATH, JSON.stringify(body), headers);

test('binds an ephemeral loopback port', () => {
  assert.ok(port > 0);
  assert.equal(server.port, port);
});

test('a request with an Origin header is refused with 403, even with the secret', async () => {
  const r = await call({ method: 'dataVersion' }, { ...AUTH, origin: 'https://evil.example' });
  assert.equal(r.status, 403);
  assert.match(JSON.stringify(r.json), /Origin/);
});

test('a non-loopback Host (DNS rebinding) is refused with 403', async () => {
  const r = await call({ method: 'dataVersion' }, { ...AUTH, host: `evil.example:${port}` });
  assert.equal(r.status, 403);
});

test('no secret, or a wrong one, is 401', async () => {
  const before = calls.length;
  assert.equal((await call({ method: 'listSessions' }, {})).status, 401);
  const wrong = await call({ method: 'listSessions' }, { authorization: `Bearer ${'b'.repeat(64)}` });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers['www-authenticate'], 'Bearer');
  assert.equal(calls.length, before, 'nothing ran');
});

test('only POST with JSON on the query path', async () => {
  assert.equal((await post(port, '/elsewhere', '{}', AUTH)).status, 404);
  assert.equal((await post(port, QUERY_PATH, '', AUTH, 'GET')).status, 405);
  assert.equal((await post(port, QUERY_PATH, '{}', { ...AUTH, 'content-type': 'text/plain' })).status, 415);
  assert.equal((await post(port, QUERY_PATH, 'not json', AUTH)).status, 400);
  assert.equal((await call([1, 2])).status, 400);
});

test('methods outside the allow-list are refused without running anything', async () => {
  const before = calls.length;
  for (const method of ['close', 'rebuildModel', 'constructor', '__proto__', 'accept', 'toString', 42, null]) {
    const r = await call({ method });
    assert.equal(r.status, 404, String(method));
    assert.equal((r.json as { error: { code: string } }).error.code, 'unknown_method');
  }
  assert.equal(calls.length, before);
});

test('params are checked: wrong types are 400, required ones must be there', async () => {
  assert.equal((await call({ method: 'promptDetails', params: {} })).status, 400);
  assert.equal((await call({ method: 'promptDetails', params: { promptId: 7 } })).status, 400);
  assert.equal((await call({ method: 'listPrompts', params: { fromMs: 'yesterday' } })).status, 400);
  assert.equal((await call({ method: 'listPrompts', params: [1] })).status, 400);
  const ok = await call({ method: 'listPrompts', params: { fromMs: 5, junk: { deep: true } } });
  assert.equal(ok.status, 200);
  assert.deepEqual(calls.at(-1), { method: 'listPrompts', args: [{ fromMs: 5 }] }, 'unknown params are dropped');
});

test('a body over the limit is 413', async () => {
  const r = await call({ method: 'touchesForFile', params: { path: 'x'.repeat(2000) } });
  assert.equal(r.status, 413);
});

test('every method round-trips through RemoteTrailQueries', async () => {
  calls.length = 0;
  assert.deepEqual(await client.listSessions(), [{ id: 's1' }]);
  assert.deepEqual(await client.listPrompts({ sessionId: 's1', fromMs: 1, toMs: 2 }), [{ id: 'p1' }]);
  assert.deepEqual(await client.promptDetails('p1'), { id: 'p1', steps: [] });
  assert.equal(await client.promptDetails('missing'), null);
  assert.deepEqual(await client.promptSteps('p1'), [{ kind: 'event', key: 'p1' }]);
  assert.deepEqual(await client.filesTouched({ sessionId: 's1' }), [{ path: '/w/a.ts' }]);
  assert.deepEqual(await client.touchesForFile('/w/a.ts'), [{ path: '/w/a.ts' }]);
  assert.equal(await client.dataVersion(), 42);
  assert.deepEqual(await client.ownerInfo(), { pid: 1, hostname: 'h', startedAtMs: 5, token: 't', dataVersion: 42, listener: { kind: 'paused' } });
  await client.pauseListening();
  await client.resumeListening();
  await client.clearData();
  assert.deepEqual(
    calls.map((c) => [c.method, ...c.args]),
    [
      ['listSessions'],
      ['listPrompts', { sessionId: 's1', fromMs: 1, toMs: 2 }],
      ['promptDetails', 'p1'],
      ['promptDetails', 'missing'],
      ['promptSteps', 'p1'],
      ['filesTouched', { sessionId: 's1' }],
      ['touchesForFile', '/w/a.ts'],
      ['dataVersion'],
      ['ownerInfo'],
      ['pauseListening'],
      ['resumeListening'],
      ['clearData'],
    ],
  );
  assert.equal(new Set(calls.map((c) => c.method)).size, READ_METHODS.length + CONTROL_METHODS.length, 'every method covered');
});

test('the client reports a wrong secret as an http error and a closed port as unreachable', async () => {
  const wrong = new RemoteTrailQueries({ host: '127.0.0.1', port, secret: 'b'.repeat(64) });
  await assert.rejects(wrong.dataVersion(), (e: unknown) => e instanceof QueryRequestError && e.kind === 'http' && e.status === 401);
  wrong.dispose();
  const spare = new QueryServer(cannedBackend().backend, { secret: SECRET });
  const sparePort = await spare.start();
  await spare.stop();
  const gone = new RemoteTrailQueries({ host: '127.0.0.1', port: sparePort, secret: SECRET });
  await assert.rejects(gone.dataVersion(), (e: unknown) => e instanceof QueryRequestError && e.kind === 'unreachable');
  gone.dispose();
});

test('a backend failure is a 503 the reader may retry, not a crash', async () => {
  const failing = cannedBackend().backend;
  const broken = new QueryServer({ ...failing, queries: { ...failing.queries, listSessions: () => Promise.reject(new Error('store is opening')) } }, { secret: SECRET });
  const p = await broken.start();
  const r = await post(p, QUERY_PATH, JSON.stringify({ method: 'listSessions' }), AUTH);
  assert.equal(r.status, 503);
  assert.equal(r.headers['retry-after'], '1');
  await broken.stop();
});
