// The store's default location: one per user and machine, shared by the CLI and
// every editor window; the environment and the setting override it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { defaultDataDir, ensureDataDir, resolveDataDir } from '../../../src/core/store/dataDir';
import { tempDir } from './support';

const linux = { platform: 'linux' as const, homedir: '/home/u', env: {} };

test('Linux: $XDG_DATA_HOME/agent-trail, else ~/.local/share/agent-trail (a relative XDG_DATA_HOME is ignored)', () => {
  assert.equal(defaultDataDir(linux), '/home/u/.local/share/agent-trail');
  assert.equal(defaultDataDir({ ...linux, env: { XDG_DATA_HOME: '/data' } }), '/data/agent-trail');
  assert.equal(defaultDataDir({ ...linux, env: { XDG_DATA_HOME: 'rel' } }), '/home/u/.local/share/agent-trail');
});

test('macOS: ~/Library/Application Support/agent-trail', () => {
  assert.equal(defaultDataDir({ platform: 'darwin', homedir: '/Users/u', env: {} }), '/Users/u/Library/Application Support/agent-trail');
});

test('Windows: %LOCALAPPDATA%\\agent-trail', () => {
  assert.equal(defaultDataDir({ platform: 'win32', homedir: 'C:\\Users\\u', env: { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' } }), 'C:\\Users\\u\\AppData\\Local\\agent-trail');
  assert.equal(defaultDataDir({ platform: 'win32', homedir: 'C:\\Users\\u', env: {} }), 'C:\\Users\\u\\AppData\\Local\\agent-trail');
});

test('AGENT_TRAIL_DATA_DIR overrides the default; the setting overrides both; ~ is expanded', () => {
  const env = { AGENT_TRAIL_DATA_DIR: '~/trail', XDG_DATA_HOME: '/data' };
  assert.equal(defaultDataDir({ ...linux, env }), '/home/u/trail');
  assert.equal(resolveDataDir(undefined, { ...linux, env }), '/home/u/trail');
  assert.equal(resolveDataDir('  ', { ...linux, env }), '/home/u/trail');
  assert.equal(resolveDataDir('~/elsewhere', { ...linux, env }), '/home/u/elsewhere');
  assert.equal(resolveDataDir('/abs/dir', { ...linux, env }), '/abs/dir');
});

test('ensureDataDir creates the directory readable by this user only', async () => {
  const { dir, remove } = tempDir();
  try {
    const d = path.join(dir, 'a', 'b');
    await ensureDataDir(d);
    if (process.platform !== 'win32') assert.equal(fs.statSync(d).mode & 0o777, 0o700);
  } finally {
    remove();
  }
});
