// Codex CLI and Gemini CLI captures through the real listeners (OTLP/HTTP JSON,
// HTTP protobuf, and gRPC with the captured message bytes, Gemini's gzip frames
// included) into the real durable store: the model must be the one ingest
// derives from the same records (which the model tests check against each
// scenario.json), and must carry the ground truth's prompts and tool calls.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { GrpcListener } from '../../../src/core/otlp/grpcReceiver';
import { OtlpHttpListener } from '../../../src/core/otlp/httpReceiver';
import { ModelRepository } from '../../../src/core/store/modelRepository';
import { TrailStore } from '../../../src/core/store/trailStore';
import { RawGrpcClient } from '../otlp/grpcHelpers';
import { FIXTURES, freshDb, ingestAll, loadRequests, readScenario } from '../model/scenarioSupport';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Captured {
  readonly transport: 'http' | 'grpc';
  readonly signal: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly gzip: boolean;
}

function captured(dir: string): Captured[] {
  const out: Captured[] = [];
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^\d{4}-(http|grpc)-(logs|metrics|traces)\.(json|pb|pb\.gz)$/.exec(f);
    if (!m) continue;
    const meta = JSON.parse(fs.readFileSync(path.join(dir, f.replace(/\.(json|pb|pb\.gz)$/, '.headers.json')), 'utf8')) as {
      path: string;
      headers: Record<string, string>;
    };
    const headers: Record<string, string> = {};
    for (const k of ['content-type', 'content-encoding']) if (meta.headers[k]) headers[k] = meta.headers[k];
    out.push({ transport: m[1] as 'http' | 'grpc', signal: m[2], path: meta.path, headers, body: fs.readFileSync(path.join(dir, f)), gzip: m[3] === 'pb.gz' });
  }
  return out;
}

async function throughListeners(requests: readonly Captured[]): Promise<unknown> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'at-agents-'));
  dirs.push(dataDir);
  const { store } = await TrailStore.open({ dataDir });
  const http = new OtlpHttpListener(store, { port: 0 });
  const grpc = new GrpcListener(store, { port: 0 });
  const { port } = await http.start();
  const grpcAddress = await grpc.start();
  const client = new RawGrpcClient(grpcAddress.port);
  try {
    for (const r of requests) {
      if (r.transport === 'http') {
        const res = await fetch(`http://127.0.0.1:${port}${r.path}`, { method: 'POST', headers: r.headers, body: r.body });
        assert.equal(res.status, 200, await res.text());
      } else {
        // The recorded gRPC message; a compressed one is sent as its bytes (grpc-js compresses again on the wire).
        const message = r.gzip ? zlib.gunzipSync(r.body) : r.body;
        const { error } = await client.call(r.signal, message);
        assert.equal(error, null);
      }
    }
    await store.settled();
    return { prompts: store.queries.listPrompts(), sessions: store.queries.listSessions().map((s) => s.id) };
  } finally {
    client.close();
    await grpc.stop();
    await http.stop();
    await store.close();
  }
}

async function viaIngest(dir: string): Promise<unknown> {
  const db = await freshDb();
  ingestAll(db, loadRequests(dir).map((r) => r.batch));
  const repo = new ModelRepository(db);
  return { prompts: repo.listPrompts(), sessions: repo.listSessions().map((s) => s.id) };
}

for (const agent of ['codex', 'gemini-cli']) {
  describe(`${agent} captures through the real listeners and store`, () => {
    for (const name of fs.readdirSync(path.join(FIXTURES, agent))) {
      const dir = path.join(FIXTURES, agent, name);
      test(name, async () => {
        const requests = captured(dir);
        assert.ok(requests.length > 0);
        const live = (await throughListeners(requests)) as {
          prompts: { command: string | null; toolCalls: { callId: string | null; decision: string | null; success: boolean | null }[] }[];
          sessions: string[];
        };
        assert.deepEqual(live, await viaIngest(dir), 'the listener path gives the model ingest gives');
        const truth = readScenario(dir);
        // Slash commands (Gemini's /quit) are prompts of their own in the model, listed apart in scenario.json.
        const typed = live.prompts.filter((p) => p.command === null);
        assert.equal(typed.length, truth.prompts.length, 'prompts');
        assert.equal(live.prompts.length - typed.length, (truth.slashCommands ?? []).length, 'slash commands');
        const calls = typed.flatMap((p) => p.toolCalls);
        const expected = truth.prompts.flatMap((p) => p.toolCalls);
        assert.deepEqual(calls.map((c) => c.success), expected.map((c) => c.success), 'tool calls in order, with their success');
        assert.deepEqual(calls.map((c) => c.decision), expected.map((c) => c.decision), 'decisions');
        // And once more in reverse, every request twice: the same model.
        const again = await throughListeners([...requests].reverse().flatMap((r) => [r, r]));
        assert.deepEqual(again, live);
      });
    }
  });
}
