// File-system primitives the durable store is built on: full positional writes,
// durable whole-file writes, directory fsync, and no-clobber renames; plus the
// two small types the store's file-level modules share (logger, disposable).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/** How the store's file-level modules report what they did; the host routes it to its log. */
export type StoreLogLevel = 'info' | 'warn' | 'error';
export type StoreLogger = (level: StoreLogLevel, message: string) => void;

export const noLog: StoreLogger = () => undefined;

/** Returned by onDidX subscriptions (same shape as vscode.Disposable, without importing it). */
export interface Disposable {
  dispose(): void;
}

/** writev accepts at most IOV_MAX (1024 on Linux) buffers per call; stay well below. */
const MAX_BUFFERS_PER_WRITEV = 256;

/**
 * Writes every byte of `buffers` at `position`, looping over short writes.
 * A short write is legal for writev and would otherwise leave a silent hole.
 */
export async function writeAllAt(fh: fsp.FileHandle, buffers: readonly Uint8Array[], position: number): Promise<number> {
  let pos = position;
  let index = 0;
  let skip = 0; // bytes of buffers[index] already written
  while (index < buffers.length) {
    const batch: Uint8Array[] = [];
    let want = 0;
    for (let i = index; i < buffers.length && batch.length < MAX_BUFFERS_PER_WRITEV; i++) {
      const b = i === index ? buffers[i].subarray(skip) : buffers[i];
      if (b.byteLength === 0) continue;
      batch.push(b);
      want += b.byteLength;
    }
    if (want === 0) break;
    const { bytesWritten } = await fh.writev(batch, pos);
    if (bytesWritten <= 0) throw new Error(`short write at offset ${pos}: the file system accepted no bytes`);
    pos += bytesWritten;
    let left = bytesWritten;
    while (left > 0) {
      const remaining = buffers[index].byteLength - skip;
      if (left >= remaining) {
        left -= remaining;
        index++;
        skip = 0;
      } else {
        skip += left;
        left = 0;
      }
    }
    while (index < buffers.length && buffers[index].byteLength - skip === 0) {
      index++;
      skip = 0;
    }
  }
  return pos - position;
}

/**
 * Makes a directory entry (a create, rename or unlink inside `dir`) durable.
 * Windows cannot open a directory for fsync and orders metadata itself; some
 * file systems refuse fsync on directories: both are treated as done.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch (err) {
    const code = errnoCode(err);
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'ENOTSUP') throw err;
  } finally {
    await fh?.close();
  }
}

/** Writes `data` to `file` (created or truncated) and fsyncs it before returning. */
export async function writeFileSynced(file: string, data: Uint8Array): Promise<void> {
  const fh = await fsp.open(file, 'w');
  try {
    await writeAllAt(fh, [data], 0);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Reads a whole file, or null when it does not exist. Every other error propagates. */
export async function readFileIfExists(file: string): Promise<Buffer | null> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

/** Removes a file; false when it was already gone. */
export async function removeFileIfExists(file: string): Promise<boolean> {
  try {
    await fsp.unlink(file);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

/** A sortable timestamp that is a legal file name on every platform (no colons). */
export function fileTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace('.', '_');
}

/**
 * Renames `file` to `<file>.<label>-<timestamp>` without ever replacing an
 * existing file (rename would clobber silently on POSIX), then fsyncs the
 * directory. Returns the new path.
 */
export async function moveAside(file: string, label: string, date: Date = new Date()): Promise<string> {
  const base = `${file}.${label}-${fileTimestamp(date)}`;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const target = attempt === 0 ? base : `${base}-${attempt}`;
    if (fs.existsSync(target)) continue;
    await fsp.rename(file, target);
    await fsyncDir(path.dirname(file));
    return target;
  }
  throw new Error(`cannot find a free name to move ${file} aside`);
}

export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
