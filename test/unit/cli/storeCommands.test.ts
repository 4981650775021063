// The read and import commands over a real store on disk: every import format
// gives the same model as receiving live, `prompts --json` keeps its public
// contract, a store owned by another process is reported, not written beside.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, describe, test } from 'node:test';
import { createRegistry } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/command';
import { OwnerLock } from '../../../src/core/store/ownerLock';
import { FIXTURES, readScenario } from '../model/scenarioSupport';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const temp = (prefix: string): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
};

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await createRegistry().run(argv, { io, signal: new AbortController().signal, env: { AGENT_TRAIL_DATA_DIR: path.join(temp('at-default-'), 'store') } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const multi = path.join(FIXTURES, 'claude-code/multi-tool-http-json');
const protobuf = path.join(FIXTURES, 'claude-code/multi-tool-http-protobuf-gzip');

async function promptsJson(db: string): Promise<Record<string, unknown>[]> {
  const r = await cli('prompts', '--db', db, '--json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as Record<string, unknown>[];
}

describe('agent-trail import and the read commands', () => {
  test('a capture folder imports; prompts --json keeps the documented contract', async () => {
    const db = temp('at-cli-');
    const r = await cli('import', multi, '--db', db);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /6 requests \(69 records\) from 6 files/);
    const [p] = await promptsJson(db);
    const truth = readScenario(multi).prompts[0];
    // The documented fields, with their types.
    assert.equal(p.id, truth.promptId);
    assert.equal(typeof p.sessionId, 'string');
    assert.equal(p.agent, 'claude-code');
    assert.equal(p.text, truth.textInTelemetry);
    assert.ok(!Number.isNaN(Date.parse(p.startedAt as string)) && (p.startedAt as string).endsWith('Z'));
    assert.ok(!Number.isNaN(Date.parse(p.endedAt as string)));
    assert.equal(p.costUsd, truth.costUsdMicros / 1e6);
    assert.equal(p.costSource, 'agent');
    assert.deepEqual(p.tokens, { input: truth.tokens.input, output: truth.tokens.output, cacheRead: truth.tokens.cacheRead, cacheWrite: truth.tokens.cacheCreation });
    for (const f of p.files as { path: string; access: string }[]) assert.ok(f.access === 'read' || f.access === 'write');
    const calls = p.toolCalls as Record<string, unknown>[];
    assert.deepEqual(
      calls.map((c) => [c.tool, c.callId, c.decision, c.decisionSource, c.success]),
      truth.toolCalls.map((c) => [c.tool, c.callId, c.decision, c.decisionSource, c.success]),
    );
    for (const c of calls) assert.ok(Array.isArray(c.files) && (c.files as unknown[]).every((x) => typeof x === 'string'));
  });

  test('importing the same files again changes nothing', async () => {
    const db = temp('at-cli-');
    await cli('import', multi, '--db', db);
    const once = await promptsJson(db);
    assert.equal((await cli('import', multi, '--db', db)).code, 0);
    assert.deepEqual(await promptsJson(db), once);
  });

  test('protobuf (gzip) bodies and Collector JSON lines give the same model as JSON bodies', async () => {
    const jsonDb = temp('at-cli-');
    await cli('import', multi, '--db', jsonDb);

    // The Collector's file exporter: one export request per line.
    const lines = temp('at-jsonl-');
    const jsonl = fs
      .readdirSync(multi)
      .filter((f) => /^\d{4}-http-\w+\.json$/.test(f))
      .sort()
      .map((f) => JSON.stringify(JSON.parse(fs.readFileSync(path.join(multi, f), 'utf8'))))
      .join('\n');
    fs.writeFileSync(path.join(lines, 'otel-export.jsonl'), `${jsonl}\n`);
    const linesDb = temp('at-cli-');
    const r = await cli('import', path.join(lines, 'otel-export.jsonl'), '--db', linesDb);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(await promptsJson(linesDb), await promptsJson(jsonDb));

    // Protobuf bodies, compressed as sent: a different run of the same scenario.
    const pbDb = temp('at-cli-');
    assert.equal((await cli('import', protobuf, '--db', pbDb)).code, 0);
    const [pb] = await promptsJson(pbDb);
    const truth = readScenario(protobuf).prompts[0];
    assert.equal(pb.id, truth.promptId);
    assert.equal(pb.costUsd, truth.costUsdMicros / 1e6);
    assert.equal((pb.toolCalls as unknown[]).length, truth.toolCalls.length);

    // A protobuf body whose name does not say its signal needs --signal.
    const bare = temp('at-pb-');
    fs.writeFileSync(path.join(bare, 'body.pb'), zlib.gunzipSync(fs.readFileSync(path.join(protobuf, '0001-http-logs.pb.gz'))));
    const refused = await cli('import', path.join(bare, 'body.pb'), '--db', temp('at-cli-'));
    assert.equal(refused.code, 1);
    assert.match(refused.err, /needs its signal/);
    assert.equal((await cli('import', path.join(bare, 'body.pb'), '--signal', 'logs', '--db', temp('at-cli-'))).code, 0);
  });

  test('a bad file is reported and skipped; the good ones are still imported', async () => {
    const src = temp('at-bad-');
    fs.copyFileSync(path.join(multi, '0001-http-logs.json'), path.join(src, '0001-logs.json'));
    fs.writeFileSync(path.join(src, '0002-logs.json'), '{"resourceLogs": [ {"scopeLogs": 7} ]}');
    fs.writeFileSync(path.join(src, '0003-logs.json'), '{ this is not json');
    const db = temp('at-cli-');
    const r = await cli('import', src, '--db', db);
    assert.equal(r.code, 1);
    assert.match(r.err, /0002-logs\.json: not a valid OTLP logs request \(scopeLogs must be an array\)/);
    assert.match(r.err, /0003-logs\.json/);
    assert.match(r.out, /1 requests \(13 records\) from 2 files/);
    const prompts = await promptsJson(db);
    assert.equal(prompts.length, 1, 'the good file is stored');
  });

  test('sessions, steps and files answer as tables and as JSON', async () => {
    const db = temp('at-cli-');
    await cli('import', path.join(FIXTURES, 'claude-code/denied-by-rule'), '--db', db);
    const truth = readScenario(path.join(FIXTURES, 'claude-code/denied-by-rule'));
    const sessions = await cli('sessions', '--db', db);
    assert.match(sessions.out, new RegExp(`${truth.sessionIds[0]}\\s+claude-code`));
    const steps = await cli('steps', truth.prompts[0].promptId, '--db', db);
    assert.equal(steps.code, 0);
    assert.match(steps.out, /Bash rm -f notes\.txt\s+reject \(config\), did not run/);
    assert.match(steps.out, /Write \S*CHANGELOG\.md\s+reject \(unknown\), did not run/);
    const stepsJson = JSON.parse((await cli('steps', truth.prompts[0].promptId, '--db', db, '--json')).out) as { kind: string }[];
    assert.equal(stepsJson.filter((s) => s.kind === 'tool_call').length, truth.prompts[0].toolCalls.length);
    const files = JSON.parse((await cli('files', '--db', db, '--json')).out) as { path: string }[];
    assert.ok(files.some((f) => f.path.endsWith('src/greet.js')));
    const missing = await cli('steps', 'no-such-prompt', '--db', db);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no prompt with id "no-such-prompt"/);
  });

  test('agent text cannot inject terminal escapes into a table', async () => {
    const src = temp('at-evil-');
    const body = JSON.parse(fs.readFileSync(path.join(multi, '0001-http-logs.json'), 'utf8')) as {
      resourceLogs: { scopeLogs: { logRecords: { attributes: { key: string; value: { stringValue?: string } }[] }[] }[] }[];
    };
    for (const r of body.resourceLogs[0].scopeLogs[0].logRecords) {
      for (const a of r.attributes) if (a.key === 'prompt') a.value = { stringValue: 'hi\u001b[2J\u001b]0;owned\u0007\nFAKE LINE' };
    }
    fs.writeFileSync(path.join(src, 'logs.json'), JSON.stringify(body));
    const db = temp('at-cli-');
    await cli('import', src, '--db', db);
    const table = await cli('prompts', '--db', db);
    assert.doesNotMatch(table.out, /\u001b|\u0007/);
    assert.doesNotMatch(table.out, /\nFAKE LINE/);
    assert.match(table.out, /hi�\[2J/);
  });

  test('a store owned by another live process is reported, never written beside it', async () => {
    const db = temp('at-cli-');
    const lock = await OwnerLock.acquire(db, { port: 4999 });
    try {
      const r = await cli('prompts', '--db', db);
      assert.equal(r.code, 1);
      assert.match(r.err, new RegExp(`in use by process ${process.pid} \\(listening on port 4999\\)`));
      const c = await cli('clear', '--yes', '--db', db);
      assert.equal(c.code, 1);
    } finally {
      await lock.release();
    }
  });

  test('clear needs --yes, then removes everything', async () => {
    const db = temp('at-cli-');
    await cli('import', multi, '--db', db);
    assert.equal((await cli('clear', '--db', db)).code, 2);
    assert.equal((await promptsJson(db)).length, 1);
    const r = await cli('clear', '--yes', '--db', db);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(await promptsJson(db), []);
  });

  test('--help on every command; bad arguments exit 2', async () => {
    for (const c of ['serve', 'sessions', 'prompts', 'steps', 'files', 'import', 'clear']) {
      const r = await cli(c, '--help');
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`Usage: agent-trail ${c}`));
    }
    assert.equal((await cli('prompts', '--bogus')).code, 2);
    assert.equal((await cli('import')).code, 2);
    assert.equal((await cli('import', 'x', '--signal', 'spans')).code, 2);
    assert.equal((await cli('steps')).code, 2);
  });
});
