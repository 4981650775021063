// Where the store lives when nobody says otherwise: one machine-wide directory
// per user, so the CLI and every editor window share a single store (and a
// single owner, see ownerLock.ts).
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const DATA_DIR_ENV = 'AGENT_TRAIL_DATA_DIR';
const APP_DIR = 'agent-trail';

export interface DataDirContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly homedir: string;
}

const current = (): DataDirContext => ({ env: process.env, platform: process.platform, homedir: os.homedir() });

/**
 * $AGENT_TRAIL_DATA_DIR when set; else the platform's per-user data directory:
 * $XDG_DATA_HOME/agent-trail or ~/.local/share/agent-trail (Linux and others),
 * ~/Library/Application Support/agent-trail (macOS), %LOCALAPPDATA%\agent-trail (Windows).
 */
export function defaultDataDir(ctx: DataDirContext = current()): string {
  const p = ctx.platform === 'win32' ? path.win32 : path.posix;
  const fromEnv = ctx.env[DATA_DIR_ENV];
  if (fromEnv && fromEnv.trim() !== '') return p.resolve(expandHome(fromEnv.trim(), ctx.homedir, p));
  switch (ctx.platform) {
    case 'win32':
      return p.join(ctx.env.LOCALAPPDATA || p.join(ctx.homedir, 'AppData', 'Local'), APP_DIR);
    case 'darwin':
      return p.join(ctx.homedir, 'Library', 'Application Support', APP_DIR);
    default: {
      // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
      const xdg = ctx.env.XDG_DATA_HOME;
      return p.join(xdg && p.isAbsolute(xdg) ? xdg : p.join(ctx.homedir, '.local', 'share'), APP_DIR);
    }
  }
}

/** An explicit setting (`~` expanded) wins over the environment and the platform default. */
export function resolveDataDir(setting: string | undefined, ctx: DataDirContext = current()): string {
  const s = setting?.trim();
  if (!s) return defaultDataDir(ctx);
  const p = ctx.platform === 'win32' ? path.win32 : path.posix;
  return p.resolve(expandHome(s, ctx.homedir, p));
}

function expandHome(value: string, homedir: string, p: path.PlatformPath): string {
  if (value === '~') return homedir;
  if (value.startsWith('~/') || value.startsWith('~\\')) return p.join(homedir, value.slice(2));
  return value;
}

/** Creates the directory readable by this user only (it holds prompts and the query secret). */
export async function ensureDataDir(dataDir: string): Promise<void> {
  await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 });
}
