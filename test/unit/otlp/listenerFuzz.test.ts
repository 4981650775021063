// Thousands of damaged bodies (bit flips, truncations, insertions, random bytes),
// JSON and protobuf, plain and gzip, from a seeded PRNG: the listener never
// crashes, answers 200 exactly when the damaged body still decodes and 400 when
// it does not, and still serves a valid request afterwards.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { decodeJson } from '../../../src/core/otlp/decodeJson';
import { decodeProtobuf } from '../../../src/core/otlp/decodeProtobuf';
import type { Encoding } from '../../../src/core/otlp/sink';
import type { Signal } from '../../../src/core/otlp/types';
import { fixture, prng, RecordingSink, startListener } from './helpers';

const SEED = 0x0a6e7; // change to explore; keep fixed in CI
const ROUNDS = 3000;

interface Seed {
  readonly signal: Signal;
  readonly encoding: Encoding;
  readonly body: Buffer;
}

const SEEDS: readonly Seed[] = [
  { signal: 'logs', encoding: 'json', body: fixture('claude-code/multi-tool-http-json/0001-http-logs.json') },
  { signal: 'metrics', encoding: 'json', body: fixture('claude-code/multi-tool-http-json/0003-http-metrics.json') },
  { signal: 'logs', encoding: 'json', body: fixture('codex/multi-http-json/0006-http-logs.json') },
  { signal: 'logs', encoding: 'protobuf', body: fixture('claude-code/multi-tool-http-protobuf/0001-http-logs.pb') },
  { signal: 'traces', encoding: 'protobuf', body: fixture('claude-code/multi-tool-http-protobuf/0002-http-traces.pb') },
  { signal: 'metrics', encoding: 'protobuf', body: fixture('claude-code/multi-tool-http-protobuf/0007-http-metrics.pb') },
  { signal: 'logs', encoding: 'protobuf', body: fixture('codex/multi-http-protobuf/0006-http-logs.pb') },
];

function mutate(body: Buffer, rnd: () => number): { body: Buffer; how: string } {
  const pick = (n: number): number => Math.floor(rnd() * n);
  const b = Buffer.from(body);
  switch (pick(6)) {
    case 0: {
      const flips = 1 + pick(8);
      for (let i = 0; i < flips; i++) {
        const at = pick(b.length);
        b[at] = (b[at] as number) ^ (1 << pick(8));
      }
      return { body: b, how: `${flips} bit flips` };
    }
    case 1: {
      const at = pick(b.length);
      return { body: b.subarray(0, at), how: `truncated at ${at}` };
    }
    case 2: {
      const at = pick(b.length);
      const junk = Buffer.from(Array.from({ length: 1 + pick(16) }, () => pick(256)));
      return { body: Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]), how: `${junk.length} bytes inserted at ${at}` };
    }
    case 3: {
      const at = pick(b.length);
      const n = 1 + pick(32);
      return { body: Buffer.concat([b.subarray(0, at), b.subarray(at + n)]), how: `${n} bytes deleted at ${at}` };
    }
    case 4: {
      const from = pick(b.length);
      const to = pick(b.length);
      const len = 1 + pick(64);
      return { body: Buffer.concat([b.subarray(0, to), b.subarray(from, from + len), b.subarray(to)]), how: `segment copied ${from}→${to}` };
    }
    default:
      return { body: Buffer.from(Array.from({ length: pick(2048) }, () => pick(256))), how: 'random bytes' };
  }
}

/** What the listener must answer: 200 if the decoder still accepts the body, else 400. */
function expectedStatus(s: Seed, body: Buffer, gzip: boolean): number {
  let plain = body;
  if (gzip) {
    try {
      plain = zlib.gunzipSync(body);
    } catch {
      return 400;
    }
  }
  try {
    if (s.encoding === 'json') decodeJson(s.signal, plain);
    else decodeProtobuf(s.signal, plain);
    return 200;
  } catch {
    return 400;
  }
}

function post(agent: http.Agent, port: number, s: Seed, body: Buffer, gzip: boolean): Promise<number> {
  const headers: Record<string, string> = { 'content-type': s.encoding === 'json' ? 'application/json' : 'application/x-protobuf' };
  if (gzip) headers['content-encoding'] = 'gzip';
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/v1/${s.signal}`, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test(`fuzz: ${ROUNDS} damaged bodies, seed ${SEED}`, async (t) => {
  const sink = new RecordingSink();
  const { listener, port } = await startListener(sink);
  const failures: unknown[] = [];
  listener.onDidFail((f) => failures.push(f.error));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const rnd = prng(SEED);
  const counts = { 200: 0, 400: 0, json: 0, protobuf: 0, gzip: 0 };
  try {
    const cases = Array.from({ length: ROUNDS }, (_, i) => {
      const s = SEEDS[i % SEEDS.length] as Seed;
      const gzip = rnd() < 0.25;
      // Damage the wire bytes: for gzip, the compressed stream itself.
      const base = gzip ? zlib.gzipSync(s.body) : s.body;
      const m = mutate(base, rnd);
      return { i, s, gzip, ...m, expected: expectedStatus(s, m.body, gzip) };
    });
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const c = cases[next++];
        if (!c) break;
        const status = await post(agent, port, c.s, c.body, c.gzip);
        assert.equal(status, c.expected, `case ${c.i} (${c.s.encoding} ${c.s.signal}${c.gzip ? ' gzip' : ''}, ${c.how}) answered ${status}`);
        counts[status as 200 | 400]++;
        counts[c.s.encoding]++;
        if (c.gzip) counts.gzip++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    // Both outcomes happened, for both encodings: the fuzzer really exercised both paths.
    assert.ok(counts[200] > 100 && counts[400] > 100, JSON.stringify(counts));
    assert.ok(counts.json > 1000 && counts.protobuf > 1000 && counts.gzip > 500, JSON.stringify(counts));
    assert.deepEqual(failures, [], 'no internal errors');
    t.diagnostic(`answers: ${JSON.stringify(counts)}`);

    const valid = SEEDS[3] as Seed;
    assert.equal(await post(agent, port, valid, valid.body, false), 200, 'still serving after the fuzz');
    assert.equal(sink.requests.at(-1)?.batch.signal, 'logs');
  } finally {
    agent.destroy();
    await listener.stop();
  }
});
