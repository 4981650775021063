// One writer per data directory: the owner lock.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { OWNER_LOCK_FILE_NAME, OwnerLock, OwnerLockHeldError, readOwner } from '../../../src/core/store/ownerLock';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-lock-'));
  dirs.push(d);
  return d;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function writeLock(dir: string, content: object | string): string {
  const file = path.join(dir, OWNER_LOCK_FILE_NAME);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

test('the first process takes the lock; the next learns who owns it and on which port', async () => {
  const dir = tempDir();
  const lock = await OwnerLock.acquire(dir, { port: 4318 });
  assert.equal(lock.info.pid, process.pid);
  await assert.rejects(OwnerLock.acquire(dir), (err: unknown) => {
    assert.ok(err instanceof OwnerLockHeldError);
    assert.equal(err.owner?.pid, process.pid);
    assert.equal(err.owner?.port, 4318);
    return true;
  });
  await lock.setPort(51234);
  assert.equal((await readOwner(dir))?.port, 51234);
  assert.deepEqual(
    fs.readdirSync(dir).filter((n) => n !== OWNER_LOCK_FILE_NAME),
    [],
    'no temp files left',
  );

  await lock.release();
  assert.equal(fs.existsSync(path.join(dir, OWNER_LOCK_FILE_NAME)), false);
  assert.equal(await readOwner(dir), null);
  const next = await OwnerLock.acquire(dir);
  await next.release();
});

test('a lock left by a dead process is taken over', async () => {
  const dir = tempDir();
  const pid = deadPid();
  writeLock(dir, { pid, hostname: os.hostname(), port: 4318, startedAtMs: 1, token: 'old' });
  assert.equal(await readOwner(dir), null, 'a dead owner is no owner');
  const lock = await OwnerLock.acquire(dir);
  assert.equal(lock.info.pid, process.pid);
  assert.equal(JSON.parse(fs.readFileSync(lock.file, 'utf8')).token, lock.info.token);
  await lock.release();
});

test('an unreadable lock is held while fresh and taken over once old', async () => {
  const dir = tempDir();
  const file = writeLock(dir, '');
  await assert.rejects(OwnerLock.acquire(dir), OwnerLockHeldError);
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(file, old, old);
  const lock = await OwnerLock.acquire(dir);
  await lock.release();
});

test('release never removes a lock that is no longer ours', async () => {
  const dir = tempDir();
  const lock = await OwnerLock.acquire(dir);
  // Someone judged us dead and took over: the file now carries their token.
  writeLock(dir, { pid: process.pid, hostname: os.hostname(), port: null, startedAtMs: 2, token: 'theirs' });
  await lock.release();
  assert.ok(fs.existsSync(path.join(dir, OWNER_LOCK_FILE_NAME)));
});

test('racing acquirers of a stale lock: exactly one wins', async () => {
  const dir = tempDir();
  writeLock(dir, { pid: deadPid(), hostname: os.hostname(), port: null, startedAtMs: 1, token: 'stale' });
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => OwnerLock.acquire(dir)));
  const won = results.filter((r): r is PromiseFulfilledResult<OwnerLock> => r.status === 'fulfilled');
  assert.equal(won.length, 1);
  for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof OwnerLockHeldError);
  await won[0].value.release();
});
