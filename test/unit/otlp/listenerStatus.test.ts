// The OTLP/HTTP transport rules, one status code at a time, with the reply body
// decoded the way a client would (JSON, or protobuf google.rpc.Status).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import type { OtlpHttpListener, RequestEvent } from '../../../src/core/otlp/httpReceiver';
import { SIGNAL_TYPES, STATUS_TYPE } from '../../../src/core/otlp/protoSchema';
import { STORED } from '../../../src/core/otlp/sink';
import { FIXTURES, fixture, fixtureBody, JSON_TYPE, logsOf, spansOf, PROTOBUF_TYPE, RecordingSink, request, startListener, type HttpResult } from './helpers';

const CLAUDE_JSON = 'claude-code/multi-tool-http-json/0001-http-logs.json';
const CODEX_PB = 'codex/multi-http-protobuf/0002-http-logs.pb';
const CLAUDE_PB_GZ = 'claude-code/multi-tool-http-protobuf-gzip/0001-http-logs.pb.gz';

function jsonStatus(r: HttpResult): { code: number; message: string } {
  assert.equal(r.headers['content-type'], 'application/json');
  return JSON.parse(r.body.toString('utf8')) as { code: number; message: string };
}

function protobufStatus(r: HttpResult): { code: number; message: string } {
  assert.equal(r.headers['content-type'], 'application/x-protobuf');
  return STATUS_TYPE.toObject(STATUS_TYPE.decode(r.body)) as { code: number; message: string };
}

describe('accepted requests', () => {
  const sink = new RecordingSink();
  let port = 0;
  let listener: OtlpHttpListener;
  before(async () => ({ listener, port } = await startListener(sink)));
  after(() => listener.stop());

  test('JSON: 200 with {} and the body handed over verbatim', async () => {
    const body = fixture(CLAUDE_JSON);
    const r = await request(port, { headers: JSON_TYPE, body });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(r.body.toString()), {});
    const got = sink.requests.at(-1);
    assert.equal(got?.encoding, 'json');
    assert.equal(got?.transport, 'http');
    assert.equal(got?.signal, 'logs');
    assert.ok(got && Buffer.from(got.body).equals(body));
    assert.equal(got && logsOf(got.batch).length, 13);
  });

  test('protobuf: 200 with an empty ExportLogsServiceResponse', async () => {
    const r = await request(port, { headers: PROTOBUF_TYPE, body: fixture(CODEX_PB) });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/x-protobuf');
    assert.equal(r.body.length, 0);
    assert.equal(sink.requests.at(-1)?.encoding, 'protobuf');
    assert.equal(logsOf(sink.requests.at(-1)?.batch ?? assert.fail()).length, 44);
  });

  test('gzip: the sink gets the inflated body', async () => {
    const r = await request(port, { headers: { ...PROTOBUF_TYPE, 'content-encoding': 'gzip' }, body: fixture(CLAUDE_PB_GZ) });
    assert.equal(r.status, 200);
    assert.ok(Buffer.from(sink.requests.at(-1)?.body ?? []).equals(fixtureBody(CLAUDE_PB_GZ)));
  });

  test('deflate, zlib-wrapped and raw', async () => {
    const body = fixture(CLAUDE_JSON);
    for (const compressed of [zlib.deflateSync(body), zlib.deflateRawSync(body)]) {
      const r = await request(port, { headers: { ...JSON_TYPE, 'content-encoding': 'deflate' }, body: compressed });
      assert.equal(r.status, 200);
      assert.ok(Buffer.from(sink.requests.at(-1)?.body ?? []).equals(body));
    }
  });

  test('chunked transfer encoding (no Content-Length)', async () => {
    const body = fixture(CLAUDE_JSON);
    const r = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/logs', headers: JSON_TYPE, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      for (let i = 0; i < body.length; i += 1000) req.write(body.subarray(i, i + 1000));
      req.end();
    });
    assert.equal(r, 200);
    assert.ok(Buffer.from(sink.requests.at(-1)?.body ?? []).equals(body));
  });

  test('Content-Type parameters and case are ignored', async () => {
    for (const type of ['application/json; charset=utf-8', 'Application/JSON', ' application/json ;charset=UTF-8']) {
      const r = await request(port, { headers: { 'content-type': type }, body: fixture(CLAUDE_JSON) });
      assert.equal(r.status, 200, type);
    }
  });

  test('paths: any prefix before /v1/<signal>, a query string, a trailing slash', async () => {
    for (const [path, signal] of [['/anything/v1/logs', 'logs'], ['//v1/logs', 'logs'], ['/a/b/v1/logs?x=1', 'logs'], ['/v1/logs/', 'logs']] as const) {
      const r = await request(port, { path, headers: JSON_TYPE, body: fixture(CLAUDE_JSON) });
      assert.equal(r.status, 200, path);
      assert.equal(sink.requests.at(-1)?.signal, signal);
    }
    const metrics = await request(port, { path: '/otlp/v1/metrics', headers: JSON_TYPE, body: fixture('gemini-cli/multi-http-json/0001-http-metrics.json') });
    assert.equal(metrics.status, 200);
    assert.equal(sink.requests.at(-1)?.signal, 'metrics');
    const traces = await request(port, { path: '/v1/traces', headers: PROTOBUF_TYPE, body: fixture('codex/multi-http-protobuf/0004-http-traces.pb') });
    assert.equal(traces.status, 200);
    assert.equal(spansOf(sink.requests.at(-1)?.batch ?? assert.fail()).length, 68);
  });

  test('an empty body is an empty request: 200', async () => {
    assert.equal((await request(port, { headers: JSON_TYPE, body: '' })).status, 200);
    assert.equal((await request(port, { headers: PROTOBUF_TYPE, body: Buffer.alloc(0) })).status, 200);
  });
});

describe('refused requests', () => {
  const sink = new RecordingSink();
  let port = 0;
  let listener: OtlpHttpListener;
  const events: RequestEvent[] = [];
  before(async () => {
    ({ listener, port } = await startListener(sink, { maxBodyBytes: 64 * 1024 }));
    listener.onDidHandleRequest((e) => events.push(e));
  });
  after(() => listener.stop());

  test('405 for another method, with Allow: POST', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      const r = await request(port, { method, path: '/v1/traces' });
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.allow, 'POST');
      assert.equal(jsonStatus(r).code, 12);
    }
    const pb = await request(port, { method: 'PUT', headers: PROTOBUF_TYPE, body: fixture(CODEX_PB) });
    assert.equal(pb.status, 405);
    assert.match(protobufStatus(pb).message, /PUT is not allowed/);
  });

  test('404 for a path that is not an OTLP endpoint', async () => {
    for (const path of ['/', '/v1/log', '/v1/profiles', '/v2/logs', '/v1/logs/extra', '/logs']) {
      const r = await request(port, { path, headers: JSON_TYPE, body: '{}' });
      assert.equal(r.status, 404, path);
      assert.match(jsonStatus(r).message, /no OTLP endpoint/);
    }
    assert.equal(sink.requests.length, 0);
  });

  test('415 for an unknown Content-Type or Content-Encoding', async () => {
    const types: Array<Record<string, string>> = [{ 'content-type': 'text/plain' }, { 'content-type': 'application/protobuf+json' }, {}, { 'content-type': 'application/jsonx' }];
    for (const headers of types) {
      const r = await request(port, { headers, body: '{}' });
      assert.equal(r.status, 415, JSON.stringify(headers));
      assert.match(jsonStatus(r).message, /unsupported Content-Type/);
    }
    const br = await request(port, { headers: { ...PROTOBUF_TYPE, 'content-encoding': 'br' }, body: 'x' });
    assert.equal(br.status, 415);
    assert.match(protobufStatus(br).message, /unsupported Content-Encoding "br"/);
  });

  test('400 with a JSON Status for a JSON body that does not decode', async () => {
    for (const body of ['{"resourceLogs":', 'not json', '[1,2]', '{"resourceLogs":{}}', Buffer.from([0xff, 0xfe, 0x7b, 0x7d])]) {
      const r = await request(port, { headers: JSON_TYPE, body });
      assert.equal(r.status, 400, String(body));
      const status = jsonStatus(r);
      assert.equal(status.code, 3);
      assert.ok(status.message.length > 0);
    }
  });

  test('400 with a protobuf Status for a protobuf body that does not decode', async () => {
    for (const body of [Buffer.from('not protobuf at all'), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), Buffer.from([0x0f])]) {
      const r = await request(port, { headers: PROTOBUF_TYPE, body });
      assert.equal(r.status, 400);
      const status = protobufStatus(r);
      assert.equal(status.code, 3);
      assert.match(status.message, /protobuf body does not decode/);
    }
  });

  test('400 for a corrupt or truncated gzip body', async () => {
    const gz = fixture(CLAUDE_PB_GZ);
    for (const body of [gz.subarray(0, gz.length / 2), Buffer.from('definitely not gzip')]) {
      const r = await request(port, { headers: { ...PROTOBUF_TYPE, 'content-encoding': 'gzip' }, body });
      assert.equal(r.status, 400);
      assert.match(protobufStatus(r).message, /gzip body does not inflate/);
    }
  });

  test('400 for truncated bodies that no longer decode', async () => {
    const json = fixture(CLAUDE_JSON);
    const r1 = await request(port, { headers: JSON_TYPE, body: json.subarray(0, json.length - 10) });
    assert.equal(r1.status, 400);
    const pb = fixture(CODEX_PB);
    const r2 = await request(port, { headers: PROTOBUF_TYPE, body: pb.subarray(0, 1001) });
    assert.equal(r2.status, 400);
    assert.match(protobufStatus(r2).message, /index out of range|does not decode/);
  });

  test('413 when Content-Length is above the limit, before reading the body', async () => {
    const r = await request(port, { headers: JSON_TYPE, body: Buffer.alloc(64 * 1024 + 1, 0x20) });
    assert.equal(r.status, 413);
    assert.match(jsonStatus(r).message, /exceeds the limit of 65536 bytes/);
    assert.equal(jsonStatus(r).code, 8);
  });

  test('413 while reading a chunked body that grows past the limit', async () => {
    const r = await new Promise<HttpResult>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/logs', headers: PROTOBUF_TYPE, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      const piece = Buffer.alloc(16 * 1024, 1);
      for (let i = 0; i < 8; i++) req.write(piece);
      req.end();
    });
    assert.equal(r.status, 413);
    assert.match(protobufStatus(r).message, /request body exceeds/);
  });

  test('413 after decompression, though the compressed body is small', async () => {
    const compressed = zlib.gzipSync(Buffer.alloc(200 * 1024, 0x20));
    assert.ok(compressed.length < 1024);
    const r = await request(port, { headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: compressed });
    assert.equal(r.status, 413);
    assert.match(jsonStatus(r).message, /decompressed request body exceeds the limit of 65536 bytes/);
    const event = events.filter((e) => e.status === 413).at(-1);
    assert.ok(event && event.bodyBytes > 64 * 1024 && event.bodyBytes <= 64 * 1024 * 2, `stopped at ${event?.bodyBytes}`);
  });

  test('the listener still accepts after all that', async () => {
    assert.equal((await request(port, { headers: JSON_TYPE, body: '{"resourceLogs":[]}' })).status, 200);
  });
});

describe('a gzip bomb', () => {
  const ONE_GIB = 2 ** 30;
  /** CRC-32 of 1 GiB of zeros (zlib.crc32 over 1024 MiB of zeros), for a valid gzip trailer. */
  const CRC_OF_ONE_GIB_OF_ZEROS = 1533330096;

  /**
   * A single-member gzip of 1 GiB of zeros, ~1 MB: a deflate stream of zeros settles
   * into identical sync-flushed blocks, so one block is repeated instead of compressing 1 GiB.
   */
  async function makeBomb(): Promise<Buffer> {
    const deflate = zlib.createDeflateRaw({ level: 9 });
    const out: Buffer[] = [];
    deflate.on('data', (c: Buffer) => out.push(c));
    const mib = Buffer.alloc(1 << 20);
    const block = async (): Promise<Buffer> => {
      out.length = 0;
      deflate.write(mib);
      await new Promise<void>((resolve) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
      return Buffer.concat(out);
    };
    const first = await block();
    const steady = await block();
    assert.ok(steady.equals(await block()), 'the steady-state block repeats');
    out.length = 0;
    deflate.end();
    await new Promise((resolve) => deflate.on('end', resolve));
    const tail = Buffer.concat(out);
    const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(CRC_OF_ONE_GIB_OF_ZEROS, 0);
    trailer.writeUInt32LE(ONE_GIB % 2 ** 32, 4);
    return Buffer.concat([header, first, ...Array<Buffer>(1023).fill(steady), tail, trailer]);
  }

  test('1 GiB of zeros in ~1 MB of gzip: 413 fast, inflating stops at the 64 MiB limit', async () => {
    const bomb = await makeBomb();
    assert.ok(bomb.length < 1_200_000, `bomb is ${bomb.length} bytes`);

    const sink = new RecordingSink();
    const { listener, port } = await startListener(sink); // default limit: 64 MiB
    const events: RequestEvent[] = [];
    listener.onDidHandleRequest((e) => events.push(e));
    try {
      const rssBefore = process.memoryUsage().rss;
      const t0 = performance.now();
      const r = await request(port, { headers: { ...PROTOBUF_TYPE, 'content-encoding': 'gzip' }, body: bomb });
      const ms = performance.now() - t0;
      const grown = process.memoryUsage().rss - rssBefore;
      assert.equal(r.status, 413);
      assert.match(protobufStatus(r).message, /decompressed request body exceeds the limit of 67108864 bytes/);
      assert.ok(ms < 5_000, `took ${ms.toFixed(0)} ms`);
      const inflated = events[0]?.bodyBytes ?? 0;
      assert.ok(inflated > 64 * 2 ** 20 && inflated <= 64 * 2 ** 20 + 64 * 1024, `inflater stopped at ${inflated} bytes`);
      assert.ok(grown < 512 * 2 ** 20, `rss grew by ${(grown / 2 ** 20).toFixed(0)} MiB`);
      assert.equal(sink.requests.length, 0);
    } finally {
      await listener.stop();
    }

    // It really is a valid 1 GiB gzip: count (without keeping) what it inflates to.
    let total = 0;
    await new Promise<void>((resolve, reject) => {
      const gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
      gunzip.on('data', (c: Buffer) => (total += c.length));
      gunzip.on('end', resolve);
      gunzip.on('error', reject);
      gunzip.end(bomb);
    });
    assert.equal(total, ONE_GIB);
  });
});

describe('the sink says it cannot keep up', () => {
  test('429 with Retry-After and a Status in the request encoding when the sink is busy', async () => {
    const sink = new RecordingSink(() => ({ kind: 'busy', retryAfterSeconds: 7, reason: 'journal is 3 s behind' }));
    const { listener, port } = await startListener(sink);
    try {
      const j = await request(port, { headers: JSON_TYPE, body: fixture(CLAUDE_JSON) });
      assert.equal(j.status, 429);
      assert.equal(j.headers['retry-after'], '7');
      assert.deepEqual(jsonStatus(j), { code: 8, message: 'journal is 3 s behind' });
      const p = await request(port, { headers: PROTOBUF_TYPE, body: fixture(CODEX_PB) });
      assert.equal(p.status, 429);
      assert.equal(p.headers['retry-after'], '7');
      assert.equal(protobufStatus(p).message, 'journal is 3 s behind');
    } finally {
      await listener.stop();
    }
  });

  test('503 with Retry-After when the sink throws; the error is reported and the listener lives on', async () => {
    let fail = true;
    const sink = new RecordingSink(() => {
      if (fail) throw new Error('disk full');
      return STORED;
    });
    const { listener, port } = await startListener(sink, { retryAfterSeconds: 3 });
    const failures: unknown[] = [];
    listener.onDidFail((f) => failures.push(f.error));
    try {
      const r = await request(port, { headers: PROTOBUF_TYPE, body: fixture(CODEX_PB) });
      assert.equal(r.status, 503);
      assert.equal(r.headers['retry-after'], '3');
      assert.equal(protobufStatus(r).code, 14);
      assert.equal((failures[0] as Error).message, 'disk full');
      fail = false;
      assert.equal((await request(port, { headers: PROTOBUF_TYPE, body: fixture(CODEX_PB) })).status, 200);
    } finally {
      await listener.stop();
    }
  });
});

describe('partial success', () => {
  const badLog = { traceId: 'zz', body: { stringValue: 'refused' } };
  const goodLog = { body: { stringValue: 'kept' }, attributes: [{ key: 'event.name', value: { stringValue: 'ok' } }] };

  test('JSON: 200 with partialSuccess.rejectedLogRecords and errorMessage', async () => {
    const sink = new RecordingSink();
    const { listener, port } = await startListener(sink);
    try {
      const body = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [goodLog, badLog, goodLog] }] }] });
      const r = await request(port, { headers: JSON_TYPE, body });
      assert.equal(r.status, 200);
      const reply = JSON.parse(r.body.toString()) as { partialSuccess: { rejectedLogRecords: string; errorMessage: string } };
      assert.equal(reply.partialSuccess.rejectedLogRecords, '1');
      assert.match(reply.partialSuccess.errorMessage, /traceId/);
      assert.equal(sink.logs().length, 2);
      // Spans without ids and metrics without data are refused alike.
      const spans = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'no ids' }] }] }] });
      const rs = await request(port, { path: '/v1/traces', headers: JSON_TYPE, body: spans });
      assert.equal((JSON.parse(rs.body.toString()) as { partialSuccess: { rejectedSpans: string } }).partialSuccess.rejectedSpans, '1');
      const metrics = JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'empty' }] }] }] });
      const rm = await request(port, { path: '/v1/metrics', headers: JSON_TYPE, body: metrics });
      assert.equal((JSON.parse(rm.body.toString()) as { partialSuccess: { rejectedDataPoints: string } }).partialSuccess.rejectedDataPoints, '1');
    } finally {
      await listener.stop();
    }
  });

  test('protobuf: 200 with an ExportLogsServiceResponse carrying partial_success', async () => {
    const sink = new RecordingSink();
    const { listener, port } = await startListener(sink);
    try {
      const type = SIGNAL_TYPES.logs.request;
      const body = type.encode(type.fromObject({
        resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'kept' } }, { traceId: Buffer.from([1, 2, 3]), body: { stringValue: 'bad id' } }] }] }],
      })).finish();
      const r = await request(port, { headers: PROTOBUF_TYPE, body: Buffer.from(body) });
      assert.equal(r.status, 200);
      const response = SIGNAL_TYPES.logs.response.toObject(SIGNAL_TYPES.logs.response.decode(r.body), { longs: Number }) as {
        partialSuccess: { rejectedLogRecords: number; errorMessage: string };
      };
      assert.equal(response.partialSuccess.rejectedLogRecords, 1);
      assert.match(response.partialSuccess.errorMessage, /traceId is not 32 hex digits/);
      assert.equal(sink.logs().length, 1);
    } finally {
      await listener.stop();
    }
  });
});

describe('who may write', () => {
  test('403 for any Origin header (a web page) and for a Host that is not loopback (DNS rebinding)', async () => {
    const sink = new RecordingSink();
    const { listener, port } = await startListener(sink);
    try {
      const refused: Array<Record<string, string>> = [
        { origin: 'https://evil.example' },
        { origin: 'null' },
        { origin: `http://127.0.0.1:${port}` },
        { host: `evil.example:${port}` },
        { host: 'evil.example' },
        { host: `127.0.0.1.nip.io:${port}` },
        { host: `192.168.1.10:${port}` },
        { host: `[::2]:${port}` },
      ];
      for (const headers of refused) {
        const r = await request(port, { headers: { ...JSON_TYPE, ...headers }, body: fixture(CLAUDE_JSON) });
        assert.equal(r.status, 403, JSON.stringify(headers));
        assert.equal(jsonStatus(r).code, 7);
      }
      const pb = await request(port, { headers: { ...PROTOBUF_TYPE, origin: 'https://evil.example' }, body: fixture(CODEX_PB) });
      assert.equal(pb.status, 403);
      assert.match(protobufStatus(pb).message, /Origin/);
      assert.equal(sink.requests.length, 0);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `[::1]:${port}`, '127.0.0.1', `LOCALHOST:${port}`]) {
        const r = await request(port, { headers: { ...JSON_TYPE, host }, body: fixture(CLAUDE_JSON) });
        assert.equal(r.status, 200, host);
      }
    } finally {
      await listener.stop();
    }
  });

  test('401 without the right bearer token, when one is configured', async () => {
    const sink = new RecordingSink();
    const { listener, port } = await startListener(sink, { bearerToken: 's3cret-token' });
    try {
      for (const authorization of [undefined, 'Bearer wrong', 'Bearer s3cret-toke', 'Bearer s3cret-token2', 'Basic czNjcmV0LXRva2Vu', 's3cret-token']) {
        const headers = authorization === undefined ? JSON_TYPE : { ...JSON_TYPE, authorization };
        const r = await request(port, { headers, body: fixture(CLAUDE_JSON) });
        assert.equal(r.status, 401, String(authorization));
        assert.equal(r.headers['www-authenticate'], 'Bearer');
        assert.equal(jsonStatus(r).code, 16);
      }
      assert.equal(sink.requests.length, 0);
      for (const authorization of ['Bearer s3cret-token', 'bearer s3cret-token']) {
        const r = await request(port, { headers: { ...JSON_TYPE, authorization }, body: fixture(CLAUDE_JSON) });
        assert.equal(r.status, 200);
      }
    } finally {
      await listener.stop();
    }
  });

  test('fixtures are read from test/fixtures only', () => {
    assert.ok(FIXTURES.endsWith('test/fixtures'));
  });
});
