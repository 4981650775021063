// Feeds the recorded Claude Code session (test/fixtures/claude-code/multi-tool-http-json) into a running Agent
// Trail listener, as the agent would have sent it: every NNNN-http-*.json body in order, to the path and with the
// content type it was recorded with, the recorded workspace path rewritten to the demo workspace (so that the
// editor finds the files the agent touched). Used by `npm start` (scripts/start.sh) and the UI tests.
//
//   node test/e2e/feedSession.mjs --workspace DIR [--run-dir DIR | --port N | --data-dir DIR] [--now] [--timeout S]
//     --workspace  the folder the recorded paths are rewritten to (the demo workspace)
//     --run-dir    a run folder of lib/harness.mjs: the port comes from the extension's owner lock in the store
//                  named by the run's user settings (agentTrail.store.dataDir), else agentTrail.listener.port
//     --port       send to this port
//     --data-dir   read the port from this store's owner lock
//     --now        move the recorded times so that the session ends now (the demo reads "just now")
//     --timeout    seconds to wait for the listener to answer (default 120)
//     --watch-pid  give up as soon as this process is gone (scripts/start.sh passes its own pid)
//
// API: import { feedRecordedSession, feedRunOnce, findListenerPort, waitForListener, recordedBodies } from './feedSession.mjs'
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SESSION_FIXTURE, rewriteRecordedPaths } from './demoWorkspace.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_PORT = 4318;

/** The fixture's request bodies in recording order: { file, path, contentType, text }. */
export function recordedBodies(fixtureDir = path.join(ROOT, SESSION_FIXTURE)) {
  return fs
    .readdirSync(fixtureDir)
    .filter((f) => /^\d{4}-http-[a-z]+\.json$/.test(f))
    .sort()
    .map((file) => {
      const meta = JSON.parse(fs.readFileSync(path.join(fixtureDir, file.replace(/\.json$/, '.headers.json')), 'utf8'));
      const headers = Object.fromEntries(Object.entries(meta.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
      return {
        file,
        path: meta.path || `/v1/${meta.signal}`,
        contentType: headers['content-type'] || 'application/json',
        text: fs.readFileSync(path.join(fixtureDir, file), 'utf8'),
      };
    });
}

const NANO_KEYS = /"(timeUnixNano|observedTimeUnixNano|startTimeUnixNano|endTimeUnixNano)":"(\d+)"/g;

/** The latest recorded time (ns) across bodies. */
function latestNanos(bodies) {
  let max = 0n;
  for (const b of bodies) for (const m of b.text.matchAll(NANO_KEYS)) if (BigInt(m[2]) > max) max = BigInt(m[2]);
  return max;
}

/** Moves every OTLP time of a JSON body by `deltaNs` (zero stays zero: "not set"). */
export function shiftTimes(text, deltaNs) {
  return text.replace(NANO_KEYS, (_m, key, v) => (v === '0' ? `"${key}":"0"` : `"${key}":"${BigInt(v) + deltaNs}"`));
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** The store folder the extension uses when nothing names one (src/core/store/dataDir.ts, Linux). */
function defaultDataDir() {
  if (process.env.AGENT_TRAIL_DATA_DIR) return path.resolve(process.env.AGENT_TRAIL_DATA_DIR);
  const xdg = process.env.XDG_DATA_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.local', 'share'), 'agent-trail');
}

/**
 * Where the listener is, as far as files tell: the owner lock's port (the truth once the owner bound it), else
 * the agentTrail.listener.port setting when it names a fixed port. null when neither says yet.
 */
export function findListenerPort({ runDir, dataDir, port } = {}) {
  if (port) return Number(port);
  let settingsPort = null;
  if (runDir && !dataDir) {
    const settings = readJson(path.join(runDir, 'udd/User/settings.json')) || {};
    dataDir = settings['agentTrail.store.dataDir'] || defaultDataDir();
    const p = settings['agentTrail.listener.port'];
    settingsPort = p === undefined ? DEFAULT_PORT : p || null;
  }
  const lock = readJson(path.join(dataDir || defaultDataDir(), 'owner.lock'));
  if (lock && typeof lock.port === 'number' && lock.port > 0) return lock.port;
  return settingsPort;
}

function request(port, { method = 'POST', path: p, contentType, body }) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: p, agent: false, headers: contentType ? { 'content-type': contentType } : {} },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Waits until an OTLP listener answers on the port that `locate()` names (it is asked again on every try: the
 * extension only starts once a browser has the workbench open, and it writes its lock when it binds).
 */
export async function waitForListener(locate, { timeoutMs = 120000, intervalMs = 500, stillWanted = () => true } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no port known yet';
  for (;;) {
    if (!stillWanted()) throw new Error('no longer wanted (the process it feeds for has gone)');
    const port = locate();
    if (port) {
      try {
        // A GET stores nothing: an OTLP listener answers 405 (wrong method).
        const r = await request(port, { method: 'GET', path: '/v1/logs' });
        if (r.status === 405) return port;
        last = `port ${port} answered ${r.status}`;
      } catch (e) {
        last = `port ${port}: ${e.message}`;
      }
    }
    if (Date.now() > deadline) throw new Error(`no Agent Trail listener answered within ${timeoutMs} ms (${last})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Posts the recorded bodies to 127.0.0.1:port in order, the workspace path rewritten; retries a body the listener
 * asks to retry (429/503 + Retry-After). `now`: shift the times so that the session ends now. Returns the statuses.
 */
export async function feedRecordedSession({ port, workspace, fixtureDir, now = false, log = () => {} }) {
  const bodies = recordedBodies(fixtureDir);
  const delta = now ? BigInt(Date.now()) * 1_000_000n - latestNanos(bodies) : 0n;
  const results = [];
  for (const b of bodies) {
    let text = rewriteRecordedPaths(b.text, workspace);
    if (delta !== 0n) text = shiftTimes(text, delta);
    for (let attempt = 1; ; attempt++) {
      const r = await request(port, { path: b.path, contentType: b.contentType, body: text });
      if ((r.status === 429 || r.status === 503) && attempt < 5) {
        await new Promise((res) => setTimeout(res, Math.min(5, Number(r.headers['retry-after']) || 1) * 1000));
        continue;
      }
      log(`${b.file} → ${b.path}: ${r.status}`);
      if (r.status !== 200) throw new Error(`${b.file}: the listener answered ${r.status} ${r.body.slice(0, 200)}`);
      results.push({ file: b.file, status: r.status });
      break;
    }
  }
  return results;
}

const fedRuns = new Map();
/**
 * For UI tests sharing one workbench: feeds the session into the run's listener once (later calls get the first
 * call's result), with the times moved to now. Resolves to { port, results }.
 */
export function feedRunOnce({ runDir, workspace, log = () => {}, timeoutMs = 60000 }) {
  if (!fedRuns.has(runDir)) {
    fedRuns.set(
      runDir,
      (async () => {
        const port = await waitForListener(() => findListenerPort({ runDir }), { timeoutMs });
        const results = await feedRecordedSession({ port, workspace, now: true, log });
        return { port, results };
      })(),
    );
  }
  return fedRuns.get(runDir);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const opt = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const workspace = opt('--workspace');
  if (!workspace) {
    console.error('usage: node test/e2e/feedSession.mjs --workspace DIR [--run-dir DIR | --port N | --data-dir DIR] [--now] [--timeout S]');
    process.exit(2);
  }
  const say = (...a) => console.log('[feed]', ...a);
  try {
    const started = Date.now();
    const locate = () => findListenerPort({ runDir: opt('--run-dir'), dataDir: opt('--data-dir'), port: opt('--port') });
    const watched = Number(opt('--watch-pid')) || 0;
    const alive = () => {
      if (!watched) return true;
      try {
        process.kill(watched, 0);
        return true;
      } catch {
        return false;
      }
    };
    const port = await waitForListener(locate, { timeoutMs: Number(opt('--timeout') || 120) * 1000, stillWanted: alive });
    say(`listener answers on 127.0.0.1:${port} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    const results = await feedRecordedSession({ port, workspace, now: argv.includes('--now'), log: say });
    say(`fed ${results.length} recorded requests of ${SESSION_FIXTURE} for ${path.resolve(workspace)}`);
  } catch (e) {
    console.error('[feed] error:', e.message);
    process.exit(1);
  }
}
