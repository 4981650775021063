// One process writes a data directory: the owner. The first editor window (or
// the CLI) to take <dataDir>/owner.lock owns the store and the listener port;
// everyone else reads the lock to find the owner's port and asks it over loopback.
//
// The lock file is created complete or not at all (written to a temp file, then
// hard-linked into place, which fails if the lock exists), so a reader never sees
// half a lock. A lock whose process is gone is taken over; the take-over renames
// the stale file away first, so two processes racing for it cannot both win.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { errnoCode, fsyncDir, removeFileIfExists } from './fsUtil';

export interface OwnerInfo {
  readonly pid: number;
  readonly hostname: string;
  /** The owner's listener port once it is bound, else null. */
  readonly port: number | null;
  /** The owner's loopback query server (readers ask it); absent in locks of older builds and the CLI. */
  readonly queryPort?: number | null;
  readonly startedAtMs: number;
  /** Distinguishes this acquisition from a later one by a process that reused the pid. */
  readonly token: string;
}

export class OwnerLockHeldError extends Error {
  constructor(
    readonly lockFile: string,
    /** null when the lock exists but cannot be read yet. */
    readonly owner: OwnerInfo | null,
  ) {
    super(
      owner
        ? `${lockFile} is held by pid ${owner.pid} on ${owner.hostname}${owner.port !== null ? ` (port ${owner.port})` : ''}`
        : `${lockFile} is held by another process`,
    );
    this.name = 'OwnerLockHeldError';
  }
}

export interface OwnerLockOptions {
  readonly port?: number | null;
  /** Injected by tests; the default asks the OS with signal 0. */
  readonly isProcessAlive?: (pid: number) => boolean;
}

export const OWNER_LOCK_FILE_NAME = 'owner.lock';

/** An unreadable lock younger than this may be mid-write by the fallback path: treat as held. */
const UNREADABLE_GRACE_MS = 10_000;

export class OwnerLock {
  private released = false;

  private constructor(
    readonly file: string,
    private current: OwnerInfo,
  ) {}

  get info(): OwnerInfo {
    return this.current;
  }

  /** Takes the lock or throws OwnerLockHeldError naming the live owner. */
  static async acquire(dataDir: string, options: OwnerLockOptions = {}): Promise<OwnerLock> {
    await fsp.mkdir(dataDir, { recursive: true });
    const file = path.join(dataDir, OWNER_LOCK_FILE_NAME);
    const alive = options.isProcessAlive ?? isProcessAlive;
    const info: OwnerInfo = {
      pid: process.pid,
      hostname: os.hostname(),
      port: options.port ?? null,
      startedAtMs: Date.now(),
      token: crypto.randomUUID(),
    };
    for (let attempt = 0; attempt < 8; attempt++) {
      if (await createExclusive(file, serialize(info))) {
        await fsyncDir(dataDir);
        return new OwnerLock(file, info);
      }
      const seen = await readLock(file);
      if (seen.state === 'missing') continue;
      if (seen.state === 'ok' && isLive(seen.info, alive)) throw new OwnerLockHeldError(file, seen.info);
      if (seen.state === 'unreadable' && Date.now() - seen.mtimeMs < UNREADABLE_GRACE_MS) throw new OwnerLockHeldError(file, null);
      await takeOverStale(file, seen.bytes);
    }
    throw new OwnerLockHeldError(file, null);
  }

  /** Records the listener port once bound, so readers can find the owner. */
  async setPort(port: number | null): Promise<void> {
    await this.update({ port });
  }

  /** Records where the owner can be reached (listener and query server ports). */
  async update(ports: { readonly port?: number | null; readonly queryPort?: number | null }): Promise<void> {
    this.assertHeld();
    const next: OwnerInfo = { ...this.current, ...ports };
    const tmp = `${this.file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    await fsp.writeFile(tmp, serialize(next));
    await fsp.rename(tmp, this.file); // atomic replace: the lock never disappears
    await fsyncDir(path.dirname(this.file));
    this.current = next;
  }

  /** Removes the lock if it is still ours (never someone else's that replaced a stale one). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const seen = await readLock(this.file);
    if (seen.state === 'ok' && seen.info.token === this.current.token) {
      await removeFileIfExists(this.file);
      await fsyncDir(path.dirname(this.file)).catch(() => undefined);
    }
  }

  /** For process 'exit' handlers, where nothing asynchronous runs. */
  releaseSync(): void {
    if (this.released) return;
    this.released = true;
    try {
      const parsed = parse(fs.readFileSync(this.file));
      if (parsed && parsed.token === this.current.token) fs.unlinkSync(this.file);
    } catch {
      // already gone, or unreadable: either way not ours to remove
    }
  }

  private assertHeld(): void {
    if (this.released) throw new Error(`${this.file} was released`);
  }
}

/** The live owner of `dataDir`, or null when nobody (alive) holds the lock. */
export async function readOwner(dataDir: string, isAlive: (pid: number) => boolean = isProcessAlive): Promise<OwnerInfo | null> {
  const seen = await readLock(path.join(dataDir, OWNER_LOCK_FILE_NAME));
  return seen.state === 'ok' && isLive(seen.info, isAlive) ? seen.info : null;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM'; // exists, owned by someone else
  }
}

function isLive(info: OwnerInfo, alive: (pid: number) => boolean): boolean {
  // Another machine's pid (a shared home over NFS) cannot be checked: assume it lives.
  if (info.hostname !== os.hostname()) return true;
  return alive(info.pid);
}

function serialize(info: OwnerInfo): string {
  return `${JSON.stringify(info)}\n`;
}

function parse(bytes: Buffer): OwnerInfo | null {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof v !== 'object' || v === null) return null;
    const o = v as Record<string, unknown>;
    if (typeof o.pid !== 'number' || typeof o.hostname !== 'string' || typeof o.token !== 'string') return null;
    return {
      pid: o.pid,
      hostname: o.hostname,
      port: typeof o.port === 'number' ? o.port : null,
      ...(typeof o.queryPort === 'number' ? { queryPort: o.queryPort } : {}),
      startedAtMs: typeof o.startedAtMs === 'number' ? o.startedAtMs : 0,
      token: o.token,
    };
  } catch {
    return null;
  }
}

type LockRead =
  | { readonly state: 'missing' }
  | { readonly state: 'ok'; readonly info: OwnerInfo; readonly bytes: Buffer }
  | { readonly state: 'unreadable'; readonly bytes: Buffer; readonly mtimeMs: number };

async function readLock(file: string): Promise<LockRead> {
  try {
    const [bytes, stat] = await Promise.all([fsp.readFile(file), fsp.stat(file)]);
    const info = parse(bytes);
    return info ? { state: 'ok', info, bytes } : { state: 'unreadable', bytes, mtimeMs: stat.mtimeMs };
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { state: 'missing' };
    throw err;
  }
}

/** Creates `file` with `content` only if it does not exist; false when it does. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fh = await fsp.open(tmp, 'wx');
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.link(tmp, file);
    return true;
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw err;
    return createExclusiveWithoutLinks(file, content); // file systems without hard links
  } finally {
    await removeFileIfExists(tmp);
  }
}

async function createExclusiveWithoutLinks(file: string, content: string): Promise<boolean> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, 'wx');
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw err;
  }
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return true;
}

/**
 * Moves a stale lock out of the way. If what was moved turns out not to be the
 * stale lock we judged (a racer replaced it in between), it is put back unless
 * yet another lock has appeared.
 */
async function takeOverStale(file: string, staleBytes: Buffer): Promise<void> {
  const aside = `${file}.stale-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    await fsp.rename(file, aside);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw err;
  }
  const moved = await fsp.readFile(aside);
  if (!moved.equals(staleBytes)) {
    await fsp.link(aside, file).catch(() => undefined);
  }
  await removeFileIfExists(aside);
}
