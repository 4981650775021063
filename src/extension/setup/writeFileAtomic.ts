// Writes a settings file the way an editor should: the whole new content to a
// temp file beside it, then a rename, so an agent starting at that moment reads
// the old file or the new one, never half of one. An existing file keeps its mode.
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  let mode = 0o644;
  try {
    mode = (await fsp.stat(file)).mode & 0o777;
  } catch {
    // a new file
  }
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    await fsp.writeFile(tmp, text, { mode, flag: 'wx' });
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}
