// Retention policy (which journal segments may go) and clearing all data.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Journal } from '../../../src/core/store/journal';
import { OwnerLock, OwnerLockHeldError } from '../../../src/core/store/ownerLock';
import {
  clearAll,
  DEFAULT_RETENTION,
  retentionCutoffMs,
  selectPrunableSegments,
  storePaths,
  type SegmentInfo,
} from '../../../src/core/store/retention';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-retention-'));
  dirs.push(d);
  return d;
}

const DAY = 24 * 3600 * 1000;
const NOW = 1_750_000_000_000;

/** Four segments of 100 entries and 1000 bytes each, a day apart; the last is active. */
function segments(): SegmentInfo[] {
  return [0, 1, 2, 3].map((i) => ({
    file: `s${i}`,
    firstSeq: i * 100 + 1,
    lastSeq: i * 100 + 100,
    bytes: 1000,
    lastWriteMs: NOW - (3 - i) * DAY - 1,
  }));
}

const names = (s: readonly SegmentInfo[]): string[] => s.map((x) => x.file);

test('defaults are bounded', () => {
  assert.equal(DEFAULT_RETENTION.maxAgeMs, 90 * DAY);
  assert.equal(DEFAULT_RETENTION.maxJournalBytes, 1024 ** 3);
  assert.equal(retentionCutoffMs(DEFAULT_RETENTION, NOW), NOW - 90 * DAY);
});

test('segments go oldest first by age, only as a prefix, never the active one', () => {
  assert.deepEqual(names(selectPrunableSegments(segments(), { keepAfterSeq: 1000, maxAgeMs: 2.5 * DAY }, NOW)), ['s0']);
  assert.deepEqual(names(selectPrunableSegments(segments(), { keepAfterSeq: 1000, maxAgeMs: 0 }, NOW)), ['s0', 's1', 's2']);
  const outOfOrder = segments();
  outOfOrder[0] = { ...outOfOrder[0], lastWriteMs: NOW }; // the oldest is fresh: nothing behind it goes either
  assert.deepEqual(names(selectPrunableSegments(outOfOrder, { keepAfterSeq: 1000, maxAgeMs: 0 }, NOW)), []);
});

test('segments go oldest first while the journal is over its size', () => {
  assert.deepEqual(names(selectPrunableSegments(segments(), { keepAfterSeq: 1000, maxBytes: 2500 }, NOW)), ['s0', 's1']);
  assert.deepEqual(names(selectPrunableSegments(segments(), { keepAfterSeq: 1000, maxBytes: 4000 }, NOW)), []);
  assert.deepEqual(names(selectPrunableSegments(segments(), { keepAfterSeq: 1000, maxBytes: 0 }, NOW)), ['s0', 's1', 's2']);
});

test('entries the database snapshot has not made durable are never pruned', () => {
  assert.deepEqual(names(selectPrunableSegments(segments(), { keepAfterSeq: 150, maxBytes: 0, maxAgeMs: 0 }, NOW)), ['s0']);
  assert.deepEqual(names(selectPrunableSegments(segments(), { keepAfterSeq: 0, maxBytes: 0 }, NOW)), []);
  assert.deepEqual(names(selectPrunableSegments(segments(), { keepAfterSeq: 1000 }, NOW)), [], 'no limits, nothing goes');
});

test('clearAll removes the database, its temp and corrupt copies and the journal, nothing else', async () => {
  const dataDir = tempDir();
  const paths = storePaths(dataDir);
  fs.writeFileSync(paths.database, 'db');
  fs.writeFileSync(`${paths.database}.tmp-1234`, 'tmp');
  fs.writeFileSync(`${paths.database}.corrupt-20250101T000000_000Z`, 'old');
  fs.writeFileSync(path.join(dataDir, 'settings.json'), '{}');
  const journal = await Journal.open(paths.journalDir);
  await journal.append({ receivedAtMs: 1, kind: 'otlp', meta: {}, payload: Buffer.from('x') });
  await journal.close();

  const result = await clearAll(dataDir);
  assert.equal(result.removed.length, 4);
  assert.deepEqual(fs.readdirSync(dataDir), ['settings.json'], 'only unrelated files remain, the lock was released');
});

test('clearAll refuses while another owner holds the store, and works for the owner', async () => {
  const dataDir = tempDir();
  fs.writeFileSync(storePaths(dataDir).database, 'db');
  const lock = await OwnerLock.acquire(dataDir);
  try {
    await assert.rejects(clearAll(dataDir), OwnerLockHeldError);
    assert.ok(fs.existsSync(storePaths(dataDir).database));
    await clearAll(dataDir, { lock });
    assert.equal(fs.existsSync(storePaths(dataDir).database), false);
  } finally {
    await lock.release();
  }
});
