// What the replay's timeline shows for every captured Claude Code scenario:
// each scenario ingested into an in-memory store, its prompts read back with
// promptDetails() exactly as the panel host reads them, turned into the view
// model. The rows must be the prompt's steps in order with the ground truth's
// tools, decisions (and who decided) and results, and the running cost must
// reach the prompt's total (scenario.json costUsdMicros) at the last step.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { decisionLabel, MAX_PAGE_SIZE, PromptReplay, toolIcon } from '../../../src/core/replay/replayModel';
import { runningAt } from '../../../src/core/replay/running';
import type { StepRow } from '../../../src/core/replay/replayTypes';
import { ModelRepository } from '../../../src/core/store/modelRepository';
import { freshDb, ingestAll, loadRequests, readScenario, scenarioDirs, visibleCalls, type Scenario } from '../model/scenarioSupport';

interface Loaded {
  readonly scenario: Scenario;
  readonly replays: Map<string, PromptReplay>;
}

const cache = new Map<string, Promise<Loaded>>();

function load(name: string): Promise<Loaded> {
  let p = cache.get(name);
  if (!p) {
    p = (async () => {
      const dir = scenarioDirs('claude-code').find((d) => path.basename(d) === name);
      assert.ok(dir, `scenario ${name}`);
      const db = await freshDb();
      ingestAll(db, loadRequests(dir).map((r) => r.batch));
      const repo = new ModelRepository(db);
      const replays = new Map<string, PromptReplay>();
      for (const s of repo.listPrompts()) {
        const details = repo.promptDetails(s.id);
        assert.ok(details);
        replays.set(s.id, new PromptReplay(details));
      }
      db.close();
      return { scenario: readScenario(dir), replays };
    })();
    cache.set(name, p);
  }
  return p;
}

const outcomeOf = (success: boolean | null, decision: string | null): string => (decision === 'reject' ? 'refused' : success === true ? 'ok' : success === false ? 'failed' : 'no_result');

function rows(r: PromptReplay): StepRow[] {
  return r.allRows();
}

describe('replay view model: every Claude Code scenario', () => {
  for (const dir of scenarioDirs('claude-code')) {
    const name = path.basename(dir);
    test(name, async () => {
      const { scenario, replays } = await load(name);
      for (const expected of scenario.prompts) {
        const replay = replays.get(expected.promptId);
        assert.ok(replay, `${name}: prompt ${expected.promptId} has a replay`);
        const all = rows(replay);
        const where = `${name} ${expected.promptId.slice(0, 8)}`;
        assert.equal(all.length, replay.stepCount, `${where}: one row per step`);
        all.forEach((r, i) => assert.equal(r.index, i, `${where}: row ${i} index`));

        // Tool calls: the ground truth's, in order, with decision, source and result.
        const toolRows = all.filter((r) => r.kind === 'tool_call');
        assert.deepEqual(
          toolRows.map((r) => ({ tool: r.title, callId: r.callId, decision: r.decision, source: r.decisionSource, outcome: r.outcome })),
          visibleCalls(expected).map((c) => ({ tool: c.tool, callId: c.callId, decision: c.decision, source: c.decisionSource, outcome: outcomeOf(c.success, c.decision) })),
          `${where}: tool calls`,
        );
        for (const r of toolRows) {
          assert.equal(r.decisionLabel, decisionLabel(r.decision, r.decisionSource));
          assert.equal(r.icon, toolIcon(r.title));
        }

        // The running cost reaches the prompt's total, exactly, at the last step.
        const last = all[all.length - 1];
        assert.ok(last, `${where}: has steps`);
        assert.equal(last.runningCostMicros, expected.costUsdMicros, `${where}: running cost at the last step`);
        assert.equal(replay.header.costMicros, expected.costUsdMicros, `${where}: header total`);
        assert.equal(replay.runningCostAt(all.length - 1), expected.costUsdMicros);
        assert.deepEqual(
          { ...last.runningTokens },
          { input: expected.tokens.input, output: expected.tokens.output, cacheRead: expected.tokens.cacheRead, cacheWrite: expected.tokens.cacheCreation },
          `${where}: running tokens at the last step`,
        );

        // Prefix sums: each step adds its own cost; the overview's series says the same.
        const overview = replay.overview();
        let running = 0;
        for (const r of all) {
          running += r.costMicros;
          assert.equal(r.runningCostMicros, running, `${where}: running cost at step ${r.index}`);
          assert.equal(runningAt(overview.series, r.index).costMicros, r.runningCostMicros, `${where}: series at step ${r.index}`);
          assert.deepEqual(runningAt(overview.series, r.index).tokens, r.runningTokens);
          assert.equal(overview.offsets[r.index], r.offsetMs);
          assert.ok(r.label.startsWith(`Step ${r.index + 1}`));
          if (r.kind !== 'model_request') assert.equal(r.costMicros, 0);
        }
        assert.equal(overview.stepCount, all.length);
        assert.equal(overview.series.costMicros[overview.series.costMicros.length - 1] ?? 0, expected.costUsdMicros);
        assert.equal(overview.prompt.rejected, visibleCalls(expected).filter((c) => c.decision === 'reject').length);
        assert.deepEqual(
          overview.marks.map((m) => m.index),
          all.filter((r) => r.decision === 'reject' || r.outcome === 'failed').filter((r) => r.kind === 'tool_call' || r.kind === 'api_error').map((r) => r.index),
        );
        // Offsets: from the prompt's start, in order (the steps are sorted by time).
        const offsets = all.map((r) => r.offsetMs).filter((x): x is number => x !== null);
        assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), `${where}: offsets in order`);
        assert.ok(offsets.every((o) => o >= 0 && o <= replay.header.durationMs), `${where}: offsets inside the prompt`);
      }
    });
  }
});

describe('replay view model: what each scenario shows', () => {
  const only = async (name: string): Promise<{ replay: PromptReplay; rows: StepRow[] }> => {
    const { scenario, replays } = await load(name);
    const replay = replays.get(scenario.prompts[0]?.promptId ?? '');
    assert.ok(replay);
    return { replay, rows: rows(replay) };
  };

  test('denied-by-rule: the Bash refused by a config rule, the Write refused silently (source unknown)', async () => {
    const { replay, rows: all } = await only('denied-by-rule');
    const bash = all.find((r) => r.title === 'Bash');
    assert.ok(bash);
    assert.equal(bash.decision, 'reject');
    assert.equal(bash.decisionSource, 'config');
    assert.equal(bash.decisionLabel, 'rejected by config');
    assert.equal(bash.outcome, 'refused');
    assert.equal(bash.summary, 'rm -f notes.txt');
    assert.equal(bash.detail, 'Delete the notes file');
    const write = all.find((r) => r.title === 'Write');
    assert.ok(write);
    assert.equal(write.decision, 'reject');
    assert.equal(write.decisionSource, 'unknown');
    assert.equal(write.decisionLabel, 'rejected without asking (source unknown)');
    assert.equal(write.outcome, 'refused');
    assert.equal(write.outcomeLabel, 'did not run');
    assert.deepEqual(write.files.map((f) => [f.path, f.access]), [['/home/dev/projects/denied-by-rule/CHANGELOG.md', 'write']]);
    assert.match(write.label, /rejected without asking \(source unknown\)/);
    const read = all.find((r) => r.title === 'Read');
    assert.equal(read?.decisionLabel, 'accepted by user (always allow)');
    assert.equal(read?.waitedForUser, true);
    assert.equal(replay.header.rejected, 2);
    assert.equal(replay.header.text, 'Delete notes.txt and add a changelog.');
    assert.ok(replay.touches('/home/dev/projects/denied-by-rule/CHANGELOG.md'));
    assert.ok(!replay.touches('/etc/passwd'));
  });

  test('api-error-retried: the request that succeeded on its third attempt', async () => {
    const { replay, rows: all } = await only('api-error-retried');
    const retried = all.filter((r) => r.kind === 'model_request' && r.attempts === 3);
    assert.equal(retried.length, 1);
    assert.equal(retried[0]?.outcome, 'ok');
    assert.equal(retried[0]?.outcomeLabel, 'answered after 3 attempts');
    assert.equal(replay.header.retries, 2);
    assert.equal(all.filter((r) => r.kind === 'api_error').length, 0, 'a retry that succeeded is not an API error');
  });

  test('api-retries-exhausted: the failed request and the give-up event, nothing spent', async () => {
    const { replay, rows: all } = await only('api-retries-exhausted');
    const error = all.find((r) => r.kind === 'api_error');
    assert.ok(error);
    assert.equal(error.outcome, 'failed');
    assert.equal(error.attempts, 3);
    assert.equal(error.title, 'API error 500');
    assert.match(error.summary, /Internal server error/);
    assert.equal(error.outcomeLabel, 'failed after 3 attempts');
    const gaveUp = all.find((r) => r.kind === 'event');
    assert.equal(gaveUp?.outcome, 'failed');
    assert.equal(gaveUp?.title, 'Api retries exhausted');
    assert.equal(replay.header.costMicros, 0);
    assert.equal(replay.header.failed, 1);
    assert.deepEqual(replay.overview().series.index, []);
  });

  test('subagent: the nested calls and requests sit under the Agent call', async () => {
    const { rows: all } = await only('subagent');
    const agent = all.find((r) => r.title === 'Agent');
    assert.ok(agent);
    assert.equal(agent.depth, 0);
    assert.equal(agent.icon, 'agent');
    assert.equal(agent.summary, 'general-purpose');
    assert.equal(agent.detail, 'Inspect greeting module');
    const nested = all.filter((r) => r.kind === 'tool_call' && r.depth === 1);
    assert.deepEqual(nested.map((r) => r.title), ['Read', 'Bash']);
    for (const r of nested) {
      assert.equal(r.parentCallId, agent.callId);
      assert.equal(r.subagentType, 'general-purpose');
      assert.match(r.label, /in a subagent/);
    }
    const subRequests = all.filter((r) => r.kind === 'model_request' && r.depth === 1);
    assert.equal(subRequests.length, 3);
    assert.ok(subRequests.every((r) => r.detail?.includes('general-purpose')));
    const done = all.find((r) => r.kind === 'subagent');
    assert.equal(done?.title, 'Subagent');
    assert.equal(done?.detail, '2 tool uses · 11,799 tokens');
  });

  test('tool-failure: the failed read and the failed commands', async () => {
    const { replay, rows: all } = await only('tool-failure');
    const failed = all.filter((r) => r.outcome === 'failed');
    assert.deepEqual(failed.map((r) => r.title), ['Read', 'Bash', 'Bash']);
    for (const r of failed) {
      assert.equal(r.decision, 'accept');
      assert.match(r.outcomeLabel, /^failed/);
      assert.ok(r.error !== null && r.error.length > 0, 'the error is shown');
    }
    assert.equal(replay.header.failed, 3);
    assert.equal(replay.overview().marks.filter((m) => m.kind === 'failed').length, 3);
  });

  test('hook-deny: the Edit blocked by a hook, the hook steps', async () => {
    const { rows: all } = await only('hook-deny');
    const edit = all.find((r) => r.title === 'Edit');
    assert.equal(edit?.decision, 'reject');
    assert.equal(edit?.decisionLabel, 'rejected by hook');
    const hooks = all.filter((r) => r.kind === 'hook');
    assert.equal(hooks.length, 2);
    assert.ok(hooks.every((h) => h.summary === 'PreToolUse:Edit'));
    assert.equal(hooks[1]?.outcomeLabel, 'blocked the call');
  });

  test('interactive-approvals: the waits for the user, and the Write the user rejected', async () => {
    const { replay, rows: all } = await only('interactive-approvals');
    const edit = all.find((r) => r.title === 'Edit');
    assert.equal(edit?.decisionSource, 'user_temporary');
    assert.equal(edit?.waitedForUser, true);
    assert.ok((edit?.waitMs ?? 0) > 1000, 'about a second waiting for the keypress');
    const write = all.find((r) => r.title === 'Write');
    assert.equal(write?.decision, 'reject');
    assert.equal(write?.decisionLabel, 'rejected by user');
    assert.equal(write?.outcome, 'refused');
    assert.match(write?.label ?? '', /waited .* for the user/);
    assert.equal(replay.header.rejected, 1);
  });

  test('multi-tool-http-json: readable summaries of each tool input', async () => {
    const { rows: all } = await only('multi-tool-http-json');
    assert.deepEqual(
      all.filter((r) => r.kind === 'tool_call').map((r) => [r.title, r.summary, r.icon]),
      [
        ['TaskCreate', 'Make greet() return "Hello, <name>!" and keep test.js passing', 'task'],
        ['Read', '/home/dev/projects/multi-tool-http-json/src/greet.js', 'read'],
        ['Edit', '/home/dev/projects/multi-tool-http-json/src/greet.js', 'edit'],
        ['Bash', 'node test.js', 'shell'],
        ['Write', '/home/dev/projects/multi-tool-http-json/CHANGELOG.md', 'write'],
        ['Bash', 'git status --short', 'shell'],
        ['TaskUpdate', '', 'task'],
      ],
    );
    const model = all.find((r) => r.kind === 'model_request');
    assert.ok(model?.tokens);
    assert.equal(model.title, 'claude-opus-4-8');
    assert.match(model.summary, /^in [\d.]+k? · out \d+ · cache/);
  });

  test('paging: pages are slices of the rows, clamped, at most MAX_PAGE_SIZE', async () => {
    const { replay, rows: all } = await only('multi-tool-http-json');
    const page = replay.page(3, 4);
    assert.equal(page.offset, 3);
    assert.equal(page.total, all.length);
    assert.deepEqual(page.rows, all.slice(3, 7));
    assert.deepEqual(replay.page(all.length - 2, 50).rows, all.slice(-2));
    assert.deepEqual(replay.page(10_000, 5).rows, []);
    assert.equal(replay.page(10_000, 5).offset, all.length);
    assert.deepEqual(replay.page(-5, 2).rows, all.slice(0, 2));
    assert.deepEqual(replay.page(0, 0).rows, []);
    assert.equal(replay.page(0, MAX_PAGE_SIZE * 10).rows.length, Math.min(all.length, MAX_PAGE_SIZE));
    assert.equal(replay.row(2), replay.row(2), 'rows are built once');
  });
});
