// Both decoders must agree: a protobuf body and the OTLP/JSON of the same
// request decode to deep-equal records. And the committed protobuf descriptor
// must be what scripts/genProto.mjs makes from the vendored .proto files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { decodeJson } from '../../../src/core/otlp/decodeJson';
import { decodeProtobuf } from '../../../src/core/otlp/decodeProtobuf';
import { SIGNAL_TYPES } from '../../../src/core/otlp/protoSchema';
import { recordCount } from '../../../src/core/otlp/types';
import { FIXTURES, fixtureBody, fixtureFiles, toProto3Json } from './helpers';

const root = path.resolve(__dirname, '../../..');

describe('protobuf captures and their OTLP/JSON rendering decode alike', () => {
  // Every .pb (HTTP body or gRPC message) has a .decoded.json written by the recorder.
  const binaries = fixtureFiles().filter((f) => f.kind !== 'json');
  test('there are protobuf captures from all three agents', () => {
    const agents = new Set(binaries.map((f) => f.rel.split('/')[0]));
    assert.deepEqual([...agents].sort(), ['claude-code', 'codex', 'gemini-cli']);
    assert.ok(binaries.length >= 30);
  });
  for (const f of binaries) {
    test(f.rel, () => {
      const json = f.rel.replace(/\.pb(\.gz)?$/, '.decoded.json');
      const fromProtobuf = decodeProtobuf(f.signal, fixtureBody(f.rel));
      const fromJson = decodeJson(f.signal, fixtureBody(json));
      assert.ok(recordCount(fromProtobuf) > 0);
      assert.equal(fromProtobuf.rejected, 0);
      assert.deepEqual(fromProtobuf, fromJson);
    });
  }
});

describe('JSON captures re-encoded as protobuf decode to the same records', () => {
  // Gemini CLI sends JSON only over HTTP: this is how its quirks (empty AnyValues) reach the protobuf path.
  const jsons = fixtureFiles().filter((f) => f.kind === 'json' && f.transport === 'http');
  for (const f of jsons) {
    test(f.rel, () => {
      const body = fixtureBody(f.rel);
      const type = SIGNAL_TYPES[f.signal].request;
      const binary = type.encode(type.fromObject(toProto3Json(JSON.parse(body.toString('utf8'))) as Record<string, unknown>)).finish();
      assert.deepEqual(decodeProtobuf(f.signal, binary), decodeJson(f.signal, body));
    });
  }
});

describe('the generated protobuf descriptor', () => {
  test('is up to date with the vendored .proto files', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/genProto.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });

  test('covers every .proto file under src/core/otlp/proto', () => {
    const descriptor = fs.readFileSync(path.join(root, 'src/core/otlp/otlpProto.json'), 'utf8');
    const protoDir = path.join(root, 'src/core/otlp/proto');
    const packages: string[] = [];
    (function walk(dir: string): void {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.proto')) packages.push(/^package\s+([\w.]+);/m.exec(fs.readFileSync(p, 'utf8'))?.[1] ?? '');
      }
    })(protoDir);
    assert.ok(packages.length >= 9);
    const parsed = JSON.parse(descriptor) as { nested: Record<string, unknown> };
    for (const pkg of packages) {
      let node: { nested?: Record<string, unknown> } | undefined = parsed;
      for (const part of pkg.split('.')) node = node?.nested?.[part] as typeof node;
      assert.ok(node?.nested, `package ${pkg} is in the descriptor`);
    }
    assert.ok(fs.existsSync(FIXTURES));
  });
});
