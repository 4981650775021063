// TrailStore acknowledges a request once it is journalled and fsynced; the model
// follows (ModelApplier). These tests pin what that must not cost: reads see
// every acknowledged request (read your writes), close() hands the model
// everything, and what the model did not get before a crash comes back from
// the journal on open. Real journal, real sql.js files in a temp directory.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { LocalTrailQueries } from '../../../src/core/query/trailQueries';
import { TrailStore } from '../../../src/core/store/trailStore';
import { FIXTURES, loadRequests, type CapturedRequest } from '../model/scenarioSupport';

const SCENARIO = path.join(FIXTURES, 'claude-code', 'multi-tool-http-json');
const scenario = JSON.parse(fs.readFileSync(path.join(SCENARIO, 'scenario.json'), 'utf8')) as { prompts: Array<{ promptId: string }> };
const expectedPrompts = scenario.prompts.map((p) => p.promptId).sort();

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'at-acks-'));
  dirs.push(d);
  return d;
}

async function acceptAll(store: TrailStore, requests: readonly CapturedRequest[]): Promise<void> {
  for (const r of requests) {
    const verdict = await store.accept({ signal: r.signal, transport: 'http', encoding: r.body.encoding, body: r.body.bytes, batch: r.batch, receivedAtMs: Date.now() });
    assert.equal(verdict.kind, 'stored');
  }
}

test('the ack waits for the fsync, not the model; queries still read every acknowledged request', async () => {
  const { store } = await TrailStore.open({ dataDir: tempDir() });
  try {
    const requests = loadRequests(SCENARIO);
    await acceptAll(store, requests);
    // The last ack resolved on the commit path, before any applier turn: the model does not have it yet.
    const { journal, model } = store.stats();
    assert.equal(journal.lastSeq, requests.length);
    assert.ok(model.entries >= 1, `entries waiting for the model at the last ack: ${model.entries}`);
    assert.ok(store.stats().appliedSeq < requests.length);
    const queries = new LocalTrailQueries(async () => store);
    const prompts = await queries.listPrompts();
    assert.deepEqual(prompts.map((p) => p.id).sort(), expectedPrompts, 'a query waits for what was acknowledged before it');
    assert.equal(store.stats().appliedSeq, requests.length);
    assert.equal(store.stats().model.entries, 0);
  } finally {
    await store.close();
  }
});

test('close() gives the model what waits, so the next open has nothing to replay', async () => {
  const dataDir = tempDir();
  const first = await TrailStore.open({ dataDir });
  await acceptAll(first.store, loadRequests(SCENARIO));
  assert.ok(first.store.stats().model.entries >= 1);
  await first.store.close();
  const { store, report } = await TrailStore.open({ dataDir });
  try {
    assert.equal(report.replayedEntries, 0);
    assert.deepEqual(store.queries.listPrompts().map((p) => p.id).sort(), expectedPrompts);
  } finally {
    await store.close();
  }
});

test('requests acknowledged but not in the model when the process dies are replayed from the journal on open', async () => {
  const dataDir = tempDir();
  const requests = loadRequests(SCENARIO);
  const first = await TrailStore.open({ dataDir });
  await acceptAll(first.store, requests.slice(0, 2));
  await first.store.settled();
  await first.store.snapshotNow();
  const applied = first.store.stats().appliedSeq;
  // The rest is acknowledged; then the process "dies": its memory (model and backlog) is gone, only the files stay.
  await acceptAll(first.store, requests.slice(2));
  const survivors = fs.mkdtempSync(path.join(os.tmpdir(), 'at-acks-copy-'));
  dirs.push(survivors);
  fs.cpSync(dataDir, survivors, { recursive: true });
  await first.store.close();
  fs.rmSync(path.join(survivors, 'owner.lock'), { force: true });
  const { store, report } = await TrailStore.open({ dataDir: survivors });
  try {
    assert.equal(applied, 2);
    assert.equal(report.replayedEntries, requests.length - 2);
    assert.deepEqual(store.queries.listPrompts().map((p) => p.id).sort(), expectedPrompts);
  } finally {
    await store.close();
  }
});

test('clear() drops what waits for the model along with the journal; new requests land in the empty store', async () => {
  const dataDir = tempDir();
  const requests = loadRequests(SCENARIO);
  const { store } = await TrailStore.open({ dataDir });
  try {
    await acceptAll(store, requests);
    assert.ok(store.stats().model.entries >= 1);
    await store.clear();
    assert.equal(store.stats().model.entries, 0);
    assert.deepEqual(store.queries.listPrompts(), []);
    await acceptAll(store, requests);
    await store.settled();
    assert.deepEqual(store.queries.listPrompts().map((p) => p.id).sort(), expectedPrompts);
  } finally {
    await store.close();
  }
  const reopened = await TrailStore.open({ dataDir });
  try {
    assert.equal(reopened.report.replayedEntries, 0);
    assert.deepEqual(reopened.store.queries.listPrompts().map((p) => p.id).sort(), expectedPrompts);
  } finally {
    await reopened.store.close();
  }
});
