// The journal on real files: round trips across segments and restarts, group
// commit, torn tails, damage reported with file and offset, retention, clear.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, test } from 'node:test';
import { Journal, JournalCorruptError, JournalUnavailableError, type JournalEntry, type NewJournalEntry } from '../../../src/core/store/journal';
import { crc32, crc32Portable, frameBytes } from '../../../src/core/store/journalFormat';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-journal-'));
  dirs.push(d);
  return d;
}

/** Deterministic bytes for entry `n`, so a replayed payload can be checked exactly. */
function payload(n: number, size = 100): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (n * 31 + i * 7) & 0xff;
  return b;
}

function entry(n: number, size = 100): NewJournalEntry {
  return { receivedAtMs: 1_700_000_000_000 + n, kind: 'otlp', meta: { signal: 'logs', n, gzip: n % 2 === 0 }, payload: payload(n, size) };
}

/** Frame size of entry(n) on disk. */
function entryFrameBytes(n: number, size = 100): number {
  const e = entry(n, size);
  return frameBytes(Buffer.byteLength(e.kind), Buffer.byteLength(JSON.stringify(e.meta)), size);
}

/** Offset of entry `seq` in a segment that starts at entry `firstSeq` (entry n has seq n). */
function offsetOf(seq: number, firstSeq = 1): number {
  let o = 0;
  for (let n = firstSeq; n < seq; n++) o += entryFrameBytes(n);
  return o;
}

async function replayAll(j: Journal, from = 0): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  await j.replay(from, (e) => {
    out.push(e);
  });
  return out;
}

function segmentFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.seg'))
    .sort()
    .map((n) => path.join(dir, n));
}

function copyDir(from: string): string {
  const to = tempDir();
  for (const n of fs.readdirSync(from)) fs.copyFileSync(path.join(from, n), path.join(to, n));
  return to;
}

test('entries round-trip across segments and restarts, with monotonic seqs', async () => {
  const dir = tempDir();
  const j = await Journal.open(dir, { segmentMaxBytes: 4096 });
  assert.equal(j.lastSeq, 0);
  for (let n = 1; n <= 50; n++) assert.equal(await j.append(entry(n, 300)), n);
  const big = await j.append({ receivedAtMs: 1, kind: 'otlp', meta: {}, payload: payload(51, 3 * 1024 * 1024) }); // > one read chunk
  assert.equal(big, 51);
  assert.ok(j.stats().segments > 3, `rotated into several segments (${j.stats().segments})`);

  const all = await replayAll(j);
  assert.deepEqual(
    all.map((e) => e.seq),
    Array.from({ length: 51 }, (_, i) => i + 1),
  );
  for (const e of all.slice(0, 50)) {
    assert.equal(e.kind, 'otlp');
    assert.deepEqual(e.meta, { signal: 'logs', n: e.seq, gzip: e.seq % 2 === 0 });
    assert.equal(e.receivedAtMs, 1_700_000_000_000 + e.seq);
    assert.ok(Buffer.from(e.payload).equals(payload(e.seq, 300)));
  }
  assert.ok(Buffer.from(all[50].payload).equals(payload(51, 3 * 1024 * 1024)));

  const tail = await replayAll(j, 20);
  assert.equal(tail[0].seq, 21);
  assert.equal(tail.length, 31);
  await j.close();

  const reopened = await Journal.open(dir, { segmentMaxBytes: 4096 });
  assert.equal(reopened.lastSeq, 51);
  assert.equal(reopened.recoveredTail, null);
  assert.equal(await reopened.append(entry(52)), 52);
  const result = await reopened.replay(45, () => undefined);
  assert.deepEqual(result, { entries: 7, lastSeq: 52, truncatedTail: false, gaps: [] });
  await reopened.close();
});

test('group commit: 200 concurrent appends share a handful of fsyncs', async () => {
  const j = await Journal.open(tempDir());
  const seqs = await Promise.all(Array.from({ length: 200 }, (_, i) => j.append(entry(i + 1))));
  assert.deepEqual(
    seqs,
    Array.from({ length: 200 }, (_, i) => i + 1),
    'each append gets its own seq, in call order',
  );
  const s = j.stats();
  assert.equal(s.appends, 200);
  assert.ok(s.fsyncs <= 10, `expected few fsyncs, got ${s.fsyncs}`);
  assert.equal(s.pendingEntries, 0);
  assert.equal((await replayAll(j)).length, 200);
  await j.close();
});

test('appends made while an fsync is in flight go out together in the next one', async () => {
  const j = await Journal.open(tempDir());
  const first = j.append(entry(1));
  await new Promise((r) => setImmediate(r)); // the first group is now writing
  const rest = Array.from({ length: 50 }, (_, i) => j.append(entry(i + 2)));
  await Promise.all([first, ...rest]);
  assert.ok(j.stats().fsyncs <= 3, `expected at most 3 fsyncs, got ${j.stats().fsyncs}`);
  await j.close();
});

test('a torn tail is cut away on open, every complete entry is kept', async () => {
  const dir = tempDir();
  const j = await Journal.open(dir);
  for (let n = 1; n <= 10; n++) await j.append(entry(n));
  await j.close();
  const [seg] = segmentFiles(dir);
  const size = fs.statSync(seg).size;
  // The close seal (44 bytes) plus 20 bytes of entry 10: a crash in the middle of writing it.
  fs.truncateSync(seg, size - frameBytes(0, 0, 0) - 20);

  const reopened = await Journal.open(dir);
  assert.equal(reopened.lastSeq, 9);
  const tail = reopened.recoveredTail;
  assert.ok(tail);
  assert.equal(tail.file, seg);
  assert.equal(tail.problem, 'truncated');
  assert.equal(tail.offset, offsetOf(10));
  assert.equal(tail.copiedTo, null);
  const replayed: JournalEntry[] = [];
  const result = await reopened.replay(0, (e) => {
    replayed.push(e);
  });
  assert.equal(result.truncatedTail, true);
  assert.deepEqual(
    replayed.map((e) => e.seq),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.equal(fs.statSync(seg).size, offsetOf(10), 'the torn bytes are gone from the file');
  assert.equal(await reopened.append(entry(10)), 10, 'appends continue after the cut');
  await reopened.close();
  const again = await Journal.open(dir);
  assert.equal((await replayAll(again)).length, 10);
  await again.close();
});

test('a crash inside a group write (zeros mid-group, later frames of the same group intact) is a torn write', async () => {
  const dir = tempDir();
  const j = await Journal.open(dir);
  for (let n = 1; n <= 5; n++) await j.append(entry(n)); // five acknowledged groups of one
  await Promise.all(Array.from({ length: 40 }, (_, i) => j.append(entry(i + 6)))); // one group: seqs 6..45
  const crashed = copyDir(dir); // the files as a crash would leave them: no close seal
  await j.close();

  const [seg] = segmentFiles(crashed);
  const fd = fs.openSync(seg, 'r+');
  fs.writeSync(fd, Buffer.alloc(entryFrameBytes(20)), 0, entryFrameBytes(20), offsetOf(20)); // seq 20 never reached the disk
  fs.closeSync(fd);

  const reopened = await Journal.open(crashed);
  assert.equal(reopened.lastSeq, 19);
  assert.equal(reopened.recoveredTail?.offset, offsetOf(20));
  assert.equal((await replayAll(reopened)).length, 19);
  await reopened.close();
});

test('damage to acknowledged data in the last segment refuses to open, naming file and offset', async () => {
  const dir = tempDir();
  const j = await Journal.open(dir);
  for (let n = 1; n <= 5; n++) await j.append(entry(n));
  await Promise.all(Array.from({ length: 40 }, (_, i) => j.append(entry(i + 6))));
  const crashed = copyDir(dir);
  await j.close();

  // (a) An earlier, acknowledged group is damaged: later groups follow it.
  const [crashedSeg] = segmentFiles(crashed);
  flipByte(crashedSeg, offsetOf(3) + 60);
  await assert.rejects(Journal.open(crashed), (err: unknown) => {
    assert.ok(err instanceof JournalCorruptError);
    assert.equal(err.file, crashedSeg);
    assert.equal(err.offset, offsetOf(3));
    assert.equal(err.problem, 'checksum');
    assert.match(err.message, new RegExp(`${escape(crashedSeg)} is damaged at offset ${offsetOf(3)} \\(CRC32 mismatch\\)`));
    return true;
  });

  // (b) The last group of a cleanly closed journal: the seal after it proves it was acknowledged.
  const [seg] = segmentFiles(dir);
  const before = fs.readFileSync(seg);
  flipByte(seg, offsetOf(20) + 60);
  await assert.rejects(Journal.open(dir), (err: unknown) => err instanceof JournalCorruptError && err.offset === offsetOf(20));
  assert.equal(fs.statSync(seg).size, before.length, 'a refused open changes nothing');

  // (c) Opting in to repair keeps an untouched copy and cuts at the damage.
  const repaired = await Journal.open(dir, { repairCorruptTail: true });
  assert.equal(repaired.lastSeq, 19);
  const copiedTo = repaired.recoveredTail?.copiedTo;
  assert.ok(copiedTo && fs.existsSync(copiedTo));
  assert.equal(fs.statSync(copiedTo).size, before.length);
  await repaired.close();
});

test('a CRC mismatch in an older segment stops replay there with file and offset, after the entries before it', async () => {
  const dir = tempDir();
  const j = await Journal.open(dir, { segmentMaxBytes: 1024 });
  for (let n = 1; n <= 30; n++) await j.append(entry(n));
  await j.close();
  const segs = segmentFiles(dir);
  assert.ok(segs.length >= 4);
  const victim = segs[1];
  const firstSeqOfVictim = Number(path.basename(victim, '.seg'));
  const frame = entryFrameBytes(firstSeqOfVictim);
  flipByte(victim, frame + 70); // the second frame of the second segment

  const reopened = await Journal.open(dir, { segmentMaxBytes: 1024 }); // only the last segment is checked on open
  const seen: number[] = [];
  await assert.rejects(
    reopened.replay(0, (e) => {
      seen.push(e.seq);
    }),
    (err: unknown) => {
      assert.ok(err instanceof JournalCorruptError);
      assert.equal(err.file, victim);
      assert.equal(err.offset, frame);
      assert.ok(err.message.includes(victim) && err.message.includes(`offset ${frame}`));
      return true;
    },
  );
  assert.deepEqual(
    seen,
    Array.from({ length: firstSeqOfVictim }, (_, i) => i + 1),
    'everything before the damage was delivered, nothing after it',
  );
  await reopened.close();
});

test('prune removes whole old segments, never entries the database has not made durable, never the active one', async () => {
  const dir = tempDir();
  const j = await Journal.open(dir, { segmentMaxBytes: 1024 });
  for (let n = 1; n <= 40; n++) await j.append(entry(n));
  const before = j.stats();

  assert.deepEqual(await j.prune({ keepAfterSeq: 0, maxBytes: 0 }), { removedSegments: 0, removedBytes: 0 });
  assert.deepEqual(await j.prune({ keepAfterSeq: 40 }), { removedSegments: 0, removedBytes: 0 }, 'no limit, nothing goes');

  const pruned = await j.prune({ keepAfterSeq: 20, maxBytes: 0 });
  assert.ok(pruned.removedSegments > 0);
  const after1 = j.stats();
  assert.equal(after1.segments, before.segments - pruned.removedSegments);
  assert.ok(after1.firstSeq <= 21, 'entries after keepAfterSeq are still there');
  const replayed = await j.replay(0, () => undefined);
  assert.deepEqual(replayed.gaps, [{ fromSeq: 1, toSeq: after1.firstSeq - 1 }]);

  const future = Date.now() + 1000 * 24 * 3600 * 1000;
  await j.prune({ keepAfterSeq: Number.POSITIVE_INFINITY, maxAgeMs: 1000 }, future);
  assert.equal(j.stats().segments, 1, 'only the active segment is left');
  assert.equal(segmentFiles(dir).length, 1);
  assert.equal(await j.append(entry(41)), 41);
  await j.close();
});

test('clear removes every entry and keeps seqs counting up', async () => {
  const dir = tempDir();
  const j = await Journal.open(dir, { segmentMaxBytes: 1024 });
  for (let n = 1; n <= 20; n++) await j.append(entry(n));
  await j.clear();
  assert.equal(j.stats().segments, 1);
  assert.deepEqual(await replayAll(j), []);
  assert.equal(await j.append(entry(21)), 21);
  await j.close();
  const reopened = await Journal.open(dir);
  assert.equal(reopened.lastSeq, 21);
  const result = await reopened.replay(0, () => undefined);
  assert.equal(result.entries, 1);
  assert.deepEqual(result.gaps, [{ fromSeq: 1, toSeq: 20 }]);
  await reopened.close();

  // A journal whose active segment holds nothing but close seals clears too.
  const sealedOnly = tempDir();
  await (await Journal.open(sealedOnly)).close();
  const again = await Journal.open(sealedOnly);
  await again.clear();
  assert.equal(await again.append(entry(1)), 1);
  await again.close();
});

test('seqFloor keeps new seqs above what the database has applied, even if the journal was lost', async () => {
  const fresh = await Journal.open(tempDir(), { seqFloor: 100 });
  assert.equal(await fresh.append(entry(1)), 101);
  await fresh.close();

  const dir = tempDir();
  const j = await Journal.open(dir);
  for (let n = 1; n <= 5; n++) await j.append(entry(n));
  await j.close();
  const behind = await Journal.open(dir, { seqFloor: 50 });
  assert.equal(behind.lastSeq, 50);
  assert.equal(await behind.append(entry(6)), 51);
  const result = await behind.replay(0, () => undefined);
  assert.equal(result.entries, 6);
  assert.deepEqual(result.gaps, [{ fromSeq: 6, toSeq: 50 }]);
  await behind.close();
});

test('a failed write rejects its group, is undone, and leaves no hole in the seqs', async () => {
  const dir = tempDir();
  const j = await Journal.open(dir);
  assert.equal(await j.append(entry(1)), 1);
  // Reach the private file handle to make the next fsync fail like a full disk would.
  const internals = j as unknown as { fh: fsp.FileHandle };
  const realDatasync = internals.fh.datasync.bind(internals.fh);
  internals.fh.datasync = () => {
    internals.fh.datasync = realDatasync; // fails once; the undo's own fsync succeeds
    return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
  };
  await assert.rejects(j.append(entry(2)), /ENOSPC/);
  assert.equal(j.lastSeq, 1);
  assert.equal(await j.append(entry(3)), 2, 'the failed entry did not consume a seq');
  await j.close();
  const reopened = await Journal.open(dir);
  assert.deepEqual(
    (await replayAll(reopened)).map((e) => e.meta.n),
    [1, 3],
  );
  await reopened.close();
});

test('append validates its input and refuses after close', async () => {
  const j = await Journal.open(tempDir(), { maxEntryBytes: 1000 });
  await assert.rejects(j.append({ ...entry(1), kind: '' }), TypeError);
  await assert.rejects(j.append({ ...entry(1), meta: { bad: Number.NaN } }), TypeError);
  await assert.rejects(j.append({ ...entry(1), payload: Buffer.alloc(2000) }), RangeError);
  await j.close();
  await assert.rejects(j.append(entry(1)), JournalUnavailableError);
});

test('crc32 matches zlib and the table fallback, including when continued', () => {
  const data = Buffer.from('123456789');
  assert.equal(crc32Portable(data), 0xcbf43926);
  assert.equal(crc32(data), 0xcbf43926);
  const big = payload(7, 100_000);
  assert.equal(crc32Portable(big.subarray(5000), crc32Portable(big.subarray(0, 5000))), crc32(big));
  const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (native) assert.equal(native(big) >>> 0, crc32Portable(big));
});

function flipByte(file: string, offset: number): void {
  const fd = fs.openSync(file, 'r+');
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, offset);
  b[0] ^= 0xff;
  fs.writeSync(fd, b, 0, 1, offset);
  fs.closeSync(fd);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
