// The gRPC listener against what the real agents sent over OTLP/gRPC
// (test/fixtures/*/*-grpc: Claude Code and Gemini CLI through grpc-js, Codex
// through tonic; Gemini's messages gzip-compressed): each recorded message
// reaches the sink byte for byte and decodes to the records of its .decoded.json.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { decodeJson } from '../../../src/core/otlp/decodeJson';
import { GRPC_EXPORT_PATHS, type GrpcListener, type GrpcRequestEvent } from '../../../src/core/otlp/grpcReceiver';
import { SIGNAL_TYPES } from '../../../src/core/otlp/protoSchema';
import { recordCount } from '../../../src/core/otlp/types';
import { FIXTURES, fixture, fixtureBody, fixtureFiles, RecordingSink, type FixtureFile } from './helpers';
import { grpcFrame, rawH2Call, RawGrpcClient, startGrpcListener } from './grpcHelpers';

interface Capture {
  readonly file: FixtureFile;
  readonly headers: { path: string; headers: Record<string, string>; grpcFrame: { compressed: number; length: number } };
}

const captures: Capture[] = fixtureFiles()
  .filter((f) => f.transport === 'grpc')
  .map((file) => ({
    file,
    headers: JSON.parse(fs.readFileSync(path.join(FIXTURES, file.rel.replace(/\.pb(\.gz)?$/, '.headers.json')), 'utf8')) as Capture['headers'],
  }));

const decodedTwin = (f: FixtureFile) => decodeJson(f.signal, fixtureBody(f.rel.replace(/\.pb(\.gz)?$/, '.decoded.json')));

test('the gRPC captures cover all three agents, and Gemini CLI compressed its messages', () => {
  assert.deepEqual([...new Set(captures.map((c) => c.file.rel.split('/')[0]))].sort(), ['claude-code', 'codex', 'gemini-cli']);
  assert.equal(captures.length, 15);
  const gemini = captures.filter((c) => c.file.rel.startsWith('gemini-cli/'));
  assert.equal(gemini.length, 3);
  for (const c of gemini) {
    assert.equal(c.file.kind, 'pb.gz');
    assert.equal(c.headers.headers['grpc-encoding'], 'gzip');
    assert.equal(c.headers.grpcFrame.compressed, 1);
  }
  for (const c of captures) assert.equal(c.headers.path, GRPC_EXPORT_PATHS[c.file.signal]);
});

describe('recorded gRPC frames, byte for byte over HTTP/2 (the recorded compression flag and grpc-encoding)', () => {
  const sink = new RecordingSink();
  const events: GrpcRequestEvent[] = [];
  let listener: GrpcListener;
  let port = 0;
  before(async () => {
    ({ listener, port } = await startGrpcListener(sink));
    listener.onDidHandleRequest((e) => events.push(e));
  });
  after(() => listener.stop());

  for (const c of captures) {
    test(c.file.rel, async () => {
      const wire = fixture(c.file.rel);
      const compressed = c.headers.grpcFrame.compressed === 1;
      assert.equal(wire.length, c.headers.grpcFrame.length);
      const headers: Record<string, string> = { 'user-agent': c.headers.headers['user-agent'] ?? 'test' };
      if (compressed) headers['grpc-encoding'] = c.headers.headers['grpc-encoding'] as string;
      const before = sink.requests.length;
      const r = await rawH2Call(port, c.headers.path, grpcFrame(wire, compressed), headers);
      assert.equal(r.httpStatus, 200);
      assert.equal(r.grpcStatus, 0, r.grpcMessage);
      // An empty Export*ServiceResponse (no partial_success).
      assert.deepEqual(r.messages, [Buffer.alloc(0)]);
      assert.deepEqual(SIGNAL_TYPES[c.file.signal].response.toObject(SIGNAL_TYPES[c.file.signal].response.decode(r.messages[0] as Buffer)), {});
      assert.equal(sink.requests.length, before + 1);
      const got = sink.requests.at(-1);
      assert.ok(got);
      assert.equal(got.transport, 'grpc');
      assert.equal(got.encoding, 'protobuf');
      assert.equal(got.signal, c.file.signal);
      // The body is the message after decompression, byte for byte.
      assert.ok(Buffer.from(got.body).equals(compressed ? zlib.gunzipSync(wire) : wire));
      const want = decodedTwin(c.file);
      assert.ok(recordCount(want) > 0);
      assert.deepEqual(got.batch, want);
      const e = events.at(-1);
      assert.equal(e?.code, 0);
      assert.equal(e?.records, recordCount(want));
      assert.equal(e?.bodyBytes, got.body.length);
    });
  }
});

describe('recorded gRPC messages through a grpc-js client (pass-through serializer)', () => {
  const sink = new RecordingSink();
  let listener: GrpcListener;
  let port = 0;
  before(async () => ({ listener, port } = await startGrpcListener(sink)));
  after(() => listener.stop());

  for (const gzip of [false, true]) {
    test(`every capture${gzip ? ', re-sent gzip-compressed by grpc-js' : ''}`, async () => {
      // grpc.default_compression_algorithm 2 = gzip: grpc-js compresses each message and flags it.
      const client = new RawGrpcClient(port, gzip ? { 'grpc.default_compression_algorithm': 2 } : {});
      try {
        const before = sink.requests.length;
        for (const c of captures) {
          const message = fixtureBody(c.file.rel);
          const { error, response } = await client.call(c.file.signal, message);
          assert.equal(error, null, `${c.file.rel}: ${error?.message}`);
          assert.equal(response?.length, 0);
          const got = sink.requests.at(-1);
          assert.ok(got && Buffer.from(got.body).equals(message), c.file.rel);
          assert.deepEqual(got.batch, decodedTwin(c.file), c.file.rel);
        }
        assert.equal(sink.requests.length, before + captures.length);
      } finally {
        client.close();
      }
    });
  }
});
