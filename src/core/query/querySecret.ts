// The shared secret readers present to the owner's query server. It lives in the
// data directory in a file only this user can read: any process that can read it
// could read the store's files anyway, and no other process (or web page) can.
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../store/fsUtil';

export const QUERY_SECRET_FILE_NAME = 'query.secret';

const secretFile = (dataDir: string): string => path.join(dataDir, QUERY_SECRET_FILE_NAME);
const VALID = /^[0-9a-f]{64}$/;

/** The secret, or null when the file is missing or not one we wrote. */
export async function readQuerySecret(dataDir: string): Promise<string | null> {
  try {
    const text = (await fsp.readFile(secretFile(dataDir), 'utf8')).trim();
    return VALID.test(text) ? text : null;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

/** Reads the secret, creating it (mode 0600) first when missing or malformed. The owner calls this. */
export async function ensureQuerySecret(dataDir: string): Promise<string> {
  const file = secretFile(dataDir);
  const existing = await readQuerySecret(dataDir);
  if (existing !== null) {
    await tightenMode(file);
    return existing;
  }
  const secret = crypto.randomBytes(32).toString('hex');
  // Written beside, then renamed: a reader never sees half a secret.
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  await fsp.writeFile(tmp, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  await fsp.rename(tmp, file);
  return secret;
}

/** A secret file readable by others (copied around, a lax umask on an old build) is made private again. */
async function tightenMode(file: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const st = await fsp.stat(file);
    if ((st.mode & 0o077) !== 0) await fsp.chmod(file, 0o600);
  } catch {
    // Gone meanwhile: the next ensure creates it.
  }
}
