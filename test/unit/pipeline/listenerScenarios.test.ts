// Every captured Claude Code scenario fed through the real listener into the
// real durable store (journal on disk, sql.js), byte for byte as the CLI sent
// it: the reconstruction must match the scenario's ground truth, and must not
// change when the requests arrive in another order, each of them twice.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { OtlpHttpListener } from '../../../src/core/otlp/httpReceiver';
import { TrailStore } from '../../../src/core/store/trailStore';
import type { PromptSummary } from '../../../src/core/model/views';
import { FIXTURES, readScenario, visibleCalls, type Scenario } from '../model/scenarioSupport';

interface WireRequest {
  readonly file: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** The HTTP requests of a capture folder, with the headers they were sent with. */
function wireRequests(dir: string): WireRequest[] {
  const out: WireRequest[] = [];
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^(\d{4})-http-(logs|metrics|traces)\.(json|pb|pb\.gz)$/.exec(f);
    if (!m) continue;
    const meta = JSON.parse(fs.readFileSync(path.join(dir, f.replace(/\.(json|pb|pb\.gz)$/, '.headers.json')), 'utf8')) as {
      path: string;
      headers: Record<string, string>;
    };
    const headers: Record<string, string> = { 'content-type': meta.headers['content-type'] };
    if (meta.headers['content-encoding']) headers['content-encoding'] = meta.headers['content-encoding'];
    out.push({ file: f, path: meta.path, headers, body: fs.readFileSync(path.join(dir, f)) });
  }
  return out;
}

const tmpDirs: string[] = [];
after(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

async function feed(requests: readonly WireRequest[]): Promise<{ prompts: PromptSummary[]; store: TrailStore; close: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'at-scenario-'));
  tmpDirs.push(dataDir);
  const { store } = await TrailStore.open({ dataDir });
  const listener = new OtlpHttpListener(store, { port: 0 });
  const { port } = await listener.start();
  for (const r of requests) {
    const res = await fetch(`http://127.0.0.1:${port}${r.path}`, { method: 'POST', headers: r.headers, body: r.body });
    assert.equal(res.status, 200, `${r.file}: ${await res.text()}`);
    await res.arrayBuffer().catch(() => undefined);
  }
  await listener.stop();
  await store.settled();
  return { prompts: store.queries.listPrompts(), store, close: () => store.close() };
}

function checkGroundTruth(prompts: readonly PromptSummary[], s: Scenario): void {
  const slash = new Set(s.slashCommands.map((c) => c.promptId));
  const real = prompts.filter((p) => !slash.has(p.id));
  assert.deepEqual(real.map((p) => p.id), s.prompts.map((p) => p.promptId), 'prompts in order');
  for (const expected of s.prompts) {
    const p = real.find((x) => x.id === expected.promptId);
    assert.ok(p);
    assert.equal(p.text, expected.textInTelemetry === '<REDACTED>' ? null : expected.textInTelemetry);
    assert.deepEqual(
      p.toolCalls.map((c) => [c.tool, c.callId, c.decision, c.decisionSource, c.success]),
      visibleCalls(expected).map((c) => [c.tool, c.callId, c.decision, c.decisionSource, c.success]),
      `${p.id} tool calls with decision, source and success`,
    );
    assert.deepEqual(p.tokens, {
      input: expected.tokens.input,
      output: expected.tokens.output,
      cacheRead: expected.tokens.cacheRead,
      cacheWrite: expected.tokens.cacheCreation,
    });
    assert.equal(p.costMicros, expected.costUsdMicros, `${p.id}: the agent's cost to the micro-dollar`);
    assert.equal(p.costSource, 'agent');
  }
}

const scenarios = fs
  .readdirSync(path.join(FIXTURES, 'claude-code'))
  .map((name) => path.join(FIXTURES, 'claude-code', name))
  .filter((dir) => wireRequests(dir).length > 0);

describe('Claude Code captures through the real listener and store', () => {
  test('there are HTTP captures to feed', () => assert.ok(scenarios.length >= 12, `${scenarios.length} scenarios`));

  for (const dir of scenarios) {
    const name = path.basename(dir);
    test(name, async () => {
      const scenario = readScenario(dir);
      const requests = wireRequests(dir);
      const inOrder = await feed(requests);
      checkGroundTruth(inOrder.prompts, scenario);
      await inOrder.close();

      // Reversed, every request sent twice (a retried export): the same model.
      const reversed = [...requests].reverse().flatMap((r) => [r, r]);
      const disorder = await feed(reversed);
      assert.deepEqual(disorder.prompts, inOrder.prompts);
      await disorder.close();
    });
  }
});
