// The ModelApplier's promises: entries reach the model in seq order, out of a
// busy listener's way but never further behind than the lag and backlog bounds;
// settled() is not starved by a steady stream; a failure stops it without
// dropping anything. Real timers, small bounds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JournalEntry } from '../../../src/core/store/journal';
import { ModelApplier, type ModelApplierOptions } from '../../../src/core/store/modelApplier';

function entry(seq: number, bytes = 100): JournalEntry {
  return { seq, receivedAtMs: 0, kind: 'otlp', meta: {}, payload: new Uint8Array(bytes) };
}

function recording(options: Partial<ModelApplierOptions> = {}): { applier: ModelApplier; applied: number[] } {
  const applied: number[] = [];
  const applier = new ModelApplier({
    apply: (entries) => {
      for (const e of entries) applied.push(e.seq);
    },
    ...options,
  });
  return { applier, applied };
}

test('an idle listener: committed entries reach the model at once, in seq order', async () => {
  const { applier, applied } = recording();
  applier.enqueue([entry(1), entry(2)]);
  applier.enqueue([entry(3)]);
  assert.deepEqual(applied, [], 'nothing runs on the commit path itself');
  await sleep(20);
  assert.deepEqual(applied, [1, 2, 3]);
  assert.equal(applier.pendingEntries, 0);
  assert.equal(applier.pendingBytes, 0);
  assert.equal(applier.stats().applied, 3);
  applier.dispose();
});

test('a busy listener is left alone until the model is maxLagMs behind, then they take turns', async () => {
  const { applier, applied } = recording({ maxLagMs: 300, busyWindowMs: 100 });
  let sending = true;
  const sender = (async () => {
    while (sending) {
      applier.noteRequest();
      await sleep(5);
    }
  })();
  applier.enqueue([entry(1)]);
  await sleep(80);
  assert.deepEqual(applied, [], 'held back while requests keep coming and the lag is under the bound');
  assert.ok(applier.stats().lagMs >= 70);
  await sleep(500);
  assert.deepEqual(applied, [1], 'applied once the lag bound was reached, though requests still come');
  sending = false;
  await sender;
  applier.dispose();
});

test('when the listener pauses, the backlog is applied without waiting for the lag bound', async () => {
  const { applier, applied } = recording({ maxLagMs: 10_000, busyWindowMs: 20 });
  applier.noteRequest();
  applier.enqueue([entry(1), entry(2)]);
  await sleep(5);
  assert.deepEqual(applied, []);
  await sleep(60);
  assert.deepEqual(applied, [1, 2]);
  applier.dispose();
});

test('over maxBacklogBytes new requests wait (whenBelowLimit) while the applier runs flat out', async () => {
  const { applier, applied } = recording({ maxBacklogBytes: 250, maxLagMs: 10_000 });
  applier.noteRequest();
  applier.enqueue([entry(1), entry(2)]);
  assert.equal(applier.overLimit, false);
  const immediately = await Promise.race([applier.whenBelowLimit().then(() => 'resolved'), sleep(1).then(() => 'waiting')]);
  assert.equal(immediately, 'resolved', 'under the limit nothing waits');
  applier.enqueue([entry(3)]);
  assert.equal(applier.overLimit, true);
  applier.noteRequest(); // still busy: only the limit makes it run
  let released = false;
  const wait = applier.whenBelowLimit().then(() => {
    released = true;
  });
  assert.equal(released, false);
  await wait;
  assert.ok(applied.length >= 1, 'entries were applied to get under the limit');
  assert.ok(applier.pendingBytes <= 250);
  applier.dispose();
});

test('settled() waits for what was enqueued before it, not for a stream that keeps coming', async () => {
  const { applier, applied } = recording({ maxLagMs: 10_000 });
  let seq = 0;
  let streaming = true;
  const stream = (async () => {
    while (streaming) {
      applier.noteRequest();
      applier.enqueue([entry(++seq)]);
      await sleep(1);
    }
  })();
  await sleep(20);
  const target = seq;
  await applier.settled();
  assert.ok(applied.includes(target), `entry ${target} is in the model once settled() resolves`);
  assert.deepEqual(applied, [...applied].sort((a, b) => a - b), 'in seq order');
  streaming = false;
  await stream;
  await applier.settled();
  assert.equal(applier.pendingEntries, 0);
  applier.dispose();
});

test('a failing apply stops the model without dropping the entry; waiters are released', async () => {
  const logs: string[] = [];
  let fail = true;
  const applied: number[] = [];
  const applier = new ModelApplier({
    apply: (entries) => {
      if (fail && entries[0].seq === 2) throw new Error('disk image is malformed');
      for (const e of entries) applied.push(e.seq);
    },
    onLog: (level, message) => logs.push(`${level}: ${message}`),
    maxBacklogBytes: 150,
  });
  applier.enqueue([entry(1), entry(2), entry(3)]);
  await applier.settled();
  await applier.whenBelowLimit();
  assert.deepEqual(applied, [1]);
  assert.equal(applier.failed, 'disk image is malformed');
  assert.equal(applier.pendingEntries, 2, 'entries 2 and 3 still wait (the journal keeps them for the next open)');
  assert.match(logs.join('\n'), /error: the model stopped at journal entry 2: disk image is malformed/);
  fail = false;
  applier.enqueue([entry(4)]);
  await sleep(10);
  assert.deepEqual(applied, [1], 'stopped means stopped: nothing is applied out of order after a failure');
  applier.dispose();
});

test('drain() applies synchronously within its budget; discardThrough() drops cleared entries; hold() pauses', async () => {
  const { applier, applied } = recording();
  const release = applier.hold();
  applier.enqueue([entry(1), entry(2), entry(3), entry(4)]);
  await sleep(10);
  assert.deepEqual(applied, [], 'held');
  assert.equal(applier.discardThrough(2), 2);
  assert.equal(applier.pendingEntries, 2);
  assert.equal(applier.pendingBytes, 200);
  release();
  release(); // twice is harmless
  assert.equal(applier.drain(), 0);
  assert.deepEqual(applied, [3, 4]);
  applier.enqueue([entry(5), entry(6)]);
  assert.equal(applier.drain(0), 1, 'a zero budget still applies one whole entry');
  assert.deepEqual(applied, [3, 4, 5]);
  applier.dispose();
  assert.equal(applier.pendingEntries, 0);
  await applier.settled();
});
