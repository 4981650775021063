// ReplayData: what the panel host answers from the trail's queries. Replays
// are read once and kept until the data changes; unknown prompts and sessions
// are "not found"; a session lists its prompts in order with its running cost.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { PromptDetails, PromptSummary, SessionSummary } from '../../../src/core/model/views';
import { ReplayData, ReplayNotFoundError, type ReplaySource } from '../../../src/core/replay/replayData';
import { ModelRepository } from '../../../src/core/store/modelRepository';
import { freshDb, ingestAll, loadRequests, readScenario, scenarioDirs } from '../model/scenarioSupport';
import { syntheticPrompt } from '../../browser/syntheticPrompt';

async function scenarioSource(name: string): Promise<{ source: ReplaySource; calls: { details: number }; dir: string }> {
  const dir = scenarioDirs('claude-code').find((d) => path.basename(d) === name) as string;
  const db = await freshDb();
  ingestAll(db, loadRequests(dir).map((r) => r.batch));
  const repo = new ModelRepository(db);
  const calls = { details: 0 };
  return {
    dir,
    calls,
    source: {
      promptDetails: async (id) => {
        calls.details++;
        return repo.promptDetails(id);
      },
      listPrompts: async (q) => repo.listPrompts(q),
      listSessions: async () => repo.listSessions(),
    },
  };
}

test('a prompt is read once, answered in pages, read again after invalidate()', async () => {
  const { source, calls, dir } = await scenarioSource('multi-tool-http-json');
  const id = readScenario(dir).prompts[0]?.promptId as string;
  const data = new ReplayData(source);
  const overview = await data.overview(id);
  assert.equal(overview.stepCount, 13);
  assert.equal(overview.prompt.costMicros, 248067);
  const page = await data.steps(id, 10, 10);
  assert.deepEqual(page.rows.map((r) => r.index), [10, 11, 12]);
  assert.equal(page.rows[2]?.runningCostMicros, 248067);
  assert.equal(calls.details, 1, 'one read for the overview and the pages');
  data.invalidate();
  await data.steps(id, 0, 5);
  assert.equal(calls.details, 2, 'read again after a change');
});

test('unknown prompts and sessions are not found; touched() and edit() answer false and null', async () => {
  const { source } = await scenarioSource('denied-by-rule');
  const data = new ReplayData(source);
  await assert.rejects(data.overview('no-such-prompt'), ReplayNotFoundError);
  await assert.rejects(data.steps('no-such-prompt', 0, 10), ReplayNotFoundError);
  await assert.rejects(data.session('no-such-session'), ReplayNotFoundError);
  assert.equal(await data.touched('no-such-prompt', '/etc/passwd'), false);
  assert.equal(await data.edit('no-such-prompt', 'x'), null);
});

test('a failed read is not kept: the next request tries again', async () => {
  let fail = true;
  const big = syntheticPrompt(50);
  const source: ReplaySource = {
    promptDetails: async () => {
      if (fail) throw new Error('owner went away');
      return big;
    },
    listPrompts: async () => [],
    listSessions: async () => [],
  };
  const data = new ReplayData(source);
  await assert.rejects(data.overview(big.id), /owner went away/);
  fail = false;
  await new Promise((r) => setImmediate(r));
  assert.equal((await data.overview(big.id)).stepCount, 50);
});

test('the cache keeps the most recent prompts only', async () => {
  const prompts = new Map<string, PromptDetails>();
  for (let i = 0; i < 6; i++) prompts.set(`p${i}`, syntheticPrompt(5, i, `p${i}`));
  let reads = 0;
  const data = new ReplayData(
    {
      promptDetails: async (id) => {
        reads++;
        return prompts.get(id) ?? null;
      },
      listPrompts: async () => [],
      listSessions: async () => [],
    },
    { cacheSize: 2 },
  );
  await data.overview('p0');
  await data.overview('p1');
  await data.overview('p0');
  await data.overview('p2'); // evicts p1 (p0 was used more recently)
  assert.equal(reads, 3);
  await data.overview('p0');
  assert.equal(reads, 3, 'p0 still cached');
  await data.overview('p1');
  assert.equal(reads, 4, 'p1 was evicted');
});

test('a session: its prompts in order, the running cost reaching the session total', async () => {
  for (const name of ['interactive-approvals', 'two-prompts-stream-json']) {
    const { source, dir } = await scenarioSource(name);
    const scenario = readScenario(dir);
    const data = new ReplayData(source);
    const session = await data.session(scenario.sessionIds[0] as string);
    const ids = session.prompts.map((p) => p.id).filter((id) => !scenario.slashCommands.some((c) => c.promptId === id));
    assert.deepEqual(ids, scenario.prompts.map((p) => p.promptId), `${name}: prompts in order`);
    assert.equal(session.costMicros, scenario.costUsdMicros, `${name}: session total`);
    assert.equal(session.prompts[session.prompts.length - 1]?.runningCostMicros, scenario.costUsdMicros);
    assert.equal(session.agentLabel, 'Claude Code');
    for (const p of scenario.prompts) assert.equal(session.prompts.find((x) => x.id === p.promptId)?.costMicros, p.costUsdMicros);
    const exit = scenario.slashCommands[0];
    if (exit) assert.equal(session.prompts.find((p) => p.id === exit.promptId)?.command, 'exit');
  }
});

test('a session known only from its prompts still opens', async () => {
  const p = syntheticPrompt(10);
  const { steps: _steps, ...summary } = p;
  const data = new ReplayData({ promptDetails: async () => p, listPrompts: async () => [summary as PromptSummary], listSessions: async () => [] as SessionSummary[] });
  const s = await data.session('synthetic-session');
  assert.equal(s.prompts.length, 1);
  assert.equal(s.costMicros, p.costMicros);
  assert.equal(s.workspace, null);
});

test('live: a prompt that ended within two minutes may still be running', async () => {
  const p = syntheticPrompt(10);
  const end = Date.parse(p.endedAt);
  const source: ReplaySource = { promptDetails: async () => p, listPrompts: async () => [], listSessions: async () => [] };
  assert.equal((await new ReplayData(source, { now: () => end + 30_000 }).overview(p.id)).live, true);
  assert.equal((await new ReplayData(source, { now: () => end + 10 * 60_000 }).overview(p.id)).live, false);
});
