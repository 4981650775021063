// The small pure pieces of the transport: routing, guards, codings, summaries.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseContentEncoding } from '../../../src/core/otlp/bodyReader';
import { decodeJson } from '../../../src/core/otlp/decodeJson';
import { decodeProtobuf } from '../../../src/core/otlp/decodeProtobuf';
import { BearerToken, hostOfHeader, isLoopbackHost, refusalReason } from '../../../src/core/otlp/requestGuard';
import { SIGNAL_TYPES } from '../../../src/core/otlp/protoSchema';
import { exportReply, statusReply } from '../../../src/core/otlp/responses';
import { encodingForContentType, signalForPath } from '../../../src/core/otlp/routing';
import { formatNames, summarizeBatch } from '../../../src/core/otlp/summary';
import { OtlpDecodeError } from '../../../src/core/otlp/types';
import { fixtureBody, logsOf } from './helpers';

describe('routing', () => {
  test('signal from the path', () => {
    const cases: Array<[string, string | undefined]> = [
      ['/v1/logs', 'logs'], ['/v1/metrics', 'metrics'], ['/v1/traces', 'traces'], ['/x/y/v1/traces?a=b', 'traces'],
      ['/v1/logs#frag', 'logs'], ['/v1/logs/', 'logs'], ['/v1/Logs', undefined], ['/v1/logsx', undefined], ['/v1', undefined], ['', undefined],
    ];
    for (const [path, signal] of cases) assert.equal(signalForPath(path), signal, path);
    assert.equal(signalForPath(undefined), undefined);
  });

  test('encoding from the Content-Type', () => {
    assert.equal(encodingForContentType('application/json'), 'json');
    assert.equal(encodingForContentType('application/json; charset=utf-8'), 'json');
    assert.equal(encodingForContentType('APPLICATION/X-PROTOBUF'), 'protobuf');
    assert.equal(encodingForContentType('application/x-protobuf;proto=opentelemetry'), 'protobuf');
    for (const t of [undefined, '', 'text/plain', 'application/grpc', 'application/json-seq']) assert.equal(encodingForContentType(t), undefined);
  });

  test('content codings', () => {
    assert.equal(parseContentEncoding(undefined), 'identity');
    assert.equal(parseContentEncoding('identity'), 'identity');
    assert.equal(parseContentEncoding(' GZIP '), 'gzip');
    assert.equal(parseContentEncoding('x-gzip'), 'gzip');
    assert.equal(parseContentEncoding('deflate'), 'deflate');
    assert.equal(parseContentEncoding('br'), undefined);
    assert.equal(parseContentEncoding('gzip, br'), undefined);
  });
});

describe('guards', () => {
  test('loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.9.9.9', 'localhost', 'LocalHost', '::1']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['0.0.0.0', '10.0.0.1', 'example.com', 'localhost.example.com', '::', '128.0.0.1', '']) assert.ok(!isLoopbackHost(h), h);
  });

  test('Host header parsing', () => {
    assert.equal(hostOfHeader('127.0.0.1:4318'), '127.0.0.1');
    assert.equal(hostOfHeader('[::1]:4318'), '::1');
    assert.equal(hostOfHeader('[::1]'), '::1');
    assert.equal(hostOfHeader('localhost'), 'localhost');
    assert.equal(hostOfHeader('a:b:c'), undefined);
    assert.equal(hostOfHeader('127.0.0.1:99999999'), undefined);
  });

  test('refusals', () => {
    assert.equal(refusalReason({ host: '127.0.0.1:4318' }), undefined);
    assert.match(refusalReason({ host: '127.0.0.1:4318', origin: 'vscode-webview://x' }) ?? '', /Origin/);
    assert.match(refusalReason({}) ?? '', /Host header/);
    assert.match(refusalReason({ host: 'attacker.example:4318' }) ?? '', /not a loopback address/);
  });

  test('bearer tokens', () => {
    const t = new BearerToken('abc');
    assert.ok(t.matches('Bearer abc'));
    assert.ok(t.matches('bearer   abc '));
    for (const a of [undefined, '', 'Bearer', 'Bearer abcd', 'Bearer ab', 'Token abc', 'abc', 'Bearer abc extra']) assert.ok(!t.matches(a), String(a));
  });
});

describe('replies', () => {
  test('success bodies are the empty response in each encoding', () => {
    assert.equal(exportReply('logs', 'json', 0, '').body.toString(), '{}');
    assert.equal(exportReply('traces', 'protobuf', 0, '').body.length, 0);
    assert.equal(exportReply('metrics', 'json', 0, '').headers['content-type'], 'application/json');
  });

  test('partial success names the right counter per signal', () => {
    assert.deepEqual(JSON.parse(exportReply('metrics', 'json', 2, 'why').body.toString()), { partialSuccess: { rejectedDataPoints: '2', errorMessage: 'why' } });
    assert.deepEqual(JSON.parse(exportReply('traces', 'json', 1, 'x').body.toString()), { partialSuccess: { rejectedSpans: '1', errorMessage: 'x' } });
  });

  test('statuses carry the google.rpc code', () => {
    assert.deepEqual(JSON.parse(statusReply(404, 'json', 'nope').body.toString()), { code: 5, message: 'nope' });
    assert.equal(statusReply(503, 'json', 'later', { 'retry-after': '2' }).headers['retry-after'], '2');
  });
});

describe('decoder inputs', () => {
  test('protobuf int64 values: exact numbers when safe, decimal strings beyond 2^53, negatives too', () => {
    const type = SIGNAL_TYPES.logs.request;
    const ints = ['-5', '9007199254740991', '9007199254740993', '-9007199254740993', '1152921504606846976', '-1'];
    const body = type.encode(type.fromObject({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{
        timeUnixNano: '18446744073709551615',
        observedTimeUnixNano: '1795483524314000001',
        attributes: ints.map((v, i) => ({ key: `i${i}`, value: { intValue: v } })),
      }] }] }],
    })).finish();
    const [r] = logsOf(decodeProtobuf('logs', body));
    assert.deepEqual(r?.attributes, { i0: -5, i1: 9007199254740991, i2: '9007199254740993', i3: '-9007199254740993', i4: '1152921504606846976', i5: -1 });
    assert.equal(r?.timeUnixNano, '18446744073709551615');
    assert.equal(r?.observedTimeUnixNano, '1795483524314000001');
  });

  test('protobuf from a plain Uint8Array decodes like from a Buffer', () => {
    const buf = fixtureBody('claude-code/multi-tool-http-protobuf/0002-http-traces.pb');
    assert.deepEqual(decodeProtobuf('traces', new Uint8Array(buf)), decodeProtobuf('traces', buf));
  });
});

describe('hostile nesting', () => {
  test('JSON nested 200,000 levels deep decodes, cut at the value depth limit', () => {
    const depth = 200_000;
    const open = '{"kvlistValue":{"values":[{"key":"k","value":';
    const close = '}]}}';
    const json = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"a","value":${open.repeat(depth)}{"stringValue":"x"}${close.repeat(depth)}}]}]}]}]}`;
    const [record] = logsOf(decodeJson('logs', Buffer.from(json)));
    let v: unknown = record?.attributes.a;
    let levels = 0;
    while (v && typeof v === 'object') {
      v = (v as Record<string, unknown>).k;
      levels++;
    }
    assert.equal(v, null);
    assert.ok(levels <= 16, `kept ${levels} levels`);
  });

  test('protobuf nested 5,000 levels deep is refused, not a stack overflow', () => {
    const ld = (tag: number, b: Buffer): Buffer => {
      const len: number[] = [];
      let n = b.length;
      while (n > 127) {
        len.push((n & 127) | 128);
        n >>>= 7;
      }
      len.push(n);
      return Buffer.concat([Buffer.from([tag]), Buffer.from(len), b]);
    };
    let value: Buffer = Buffer.from([0x0a, 0x01, 0x78]);
    for (let i = 0; i < 5000; i++) value = ld(0x32, ld(0x0a, Buffer.concat([ld(0x0a, Buffer.from('k')), ld(0x12, value)])));
    const body = ld(0x0a, ld(0x12, ld(0x12, ld(0x32, Buffer.concat([ld(0x0a, Buffer.from('a')), ld(0x12, value)])))));
    assert.throws(() => decodeProtobuf('logs', body), (e: unknown) => e instanceof OtlpDecodeError && /max depth exceeded/.test(e.message));
  });
});

describe('batch summaries', () => {
  test('Claude Code logs: service and event names in order with counts', () => {
    const s = summarizeBatch(decodeJson('logs', fixtureBody('claude-code/multi-tool-http-json/0001-http-logs.json')));
    assert.equal(s.records, 13);
    assert.deepEqual(s.services, ['claude-code']);
    assert.equal(formatNames(s.names), 'user_prompt, tool_decision ×4, tool_result ×3, api_request ×3, assistant_response ×2');
  });

  test('Codex logs: the event.name attribute, not the call-site eventName', () => {
    const s = summarizeBatch(decodeProtobuf('logs', fixtureBody('codex/multi-http-protobuf/0002-http-logs.pb')));
    assert.deepEqual(s.services, ['codex_exec']);
    assert.equal(s.names[0]?.name, 'codex.conversation_starts');
    assert.ok(s.names.every((n) => !n.name.startsWith('event ')));
    assert.match(formatNames(s.names, 2), /\+\d+ more$/);
  });

  test('metrics and spans are named by metric and span name', () => {
    const m = summarizeBatch(decodeJson('metrics', fixtureBody('gemini-cli/multi-http-json/0001-http-metrics.json')));
    assert.deepEqual(m.services, ['gemini-cli']);
    assert.deepEqual(m.names.find((n) => n.name === 'gemini_cli.token.usage'), { name: 'gemini_cli.token.usage', count: 10 });
    const t = summarizeBatch(decodeProtobuf('traces', fixtureBody('codex/multi-http-protobuf/0004-http-traces.pb')));
    assert.equal(t.records, 68);
  });
});
