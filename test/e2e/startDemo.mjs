// The newcomer's demo (run by scripts/start.sh, i.e. `npm start`): packages the extension, installs the .vsix
// into a fresh code-server profile, creates the demo workspace (test/e2e/demoWorkspace.mjs), starts
// code-server (--auth none) on 127.0.0.1:8080 (or a free port if 8080 is taken), prints the URL and runs
// until SIGINT/SIGTERM, then stops code-server's process group and removes its temp folder.
//
//   node test/e2e/startDemo.mjs [--port N] [--workspace DIR] [--ready-file FILE] [--keep]
//     --port        preferred port (default 8080)
//     --workspace   open this folder instead of a fresh demo workspace (it is left alone)
//     --ready-file  when the server answers, write URL=, WORKSPACE=, RUN_DIR=, PORT= (shell syntax) there
//     --keep        keep the temp folder (profile, server log) on exit
// Needs the development build and `bash test/e2e/setup.sh` (scripts/start.sh does both).
import fs from 'node:fs';
import path from 'node:path';
import { createDemoWorkspace } from './demoWorkspace.mjs';
import {
  assertSetup,
  buildExtension,
  installExtension,
  log,
  makeRunDir,
  onInterrupt,
  packageVsix,
  startCodeServer,
  stopAll,
} from './lib/harness.mjs';

const argv = process.argv.slice(2);
const optValue = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const TAG = 'start';

assertSetup();
const run = makeRunDir('demo', { keep: argv.includes('--keep') });
let stopping = false;
async function shutdown(reason, code = 0) {
  if (stopping) return;
  stopping = true;
  log(TAG, `${reason}: stopping code-server`);
  await stopAll();
  run.finish(code === 0);
  process.exit(code);
}
onInterrupt((sig) => shutdown(sig));

try {
  const vsix = packageVsix(path.join(run.dir, 'agent-trail.vsix'));
  buildExtension(); // vsce's prepublish left the production build in dist/: put the development build back
  installExtension(run, vsix);
  log(TAG, `installed ${path.basename(vsix)} from a fresh package into ${path.join(run.dir, 'exts')}`);

  const workspace = optValue('--workspace')
    ? path.resolve(optValue('--workspace'))
    : createDemoWorkspace({ dir: path.join(run.dir, 'workspace', 'multi-tool-http-json') });
  const server = await startCodeServer(run, { workspace, port: Number(optValue('--port') || 8080) });
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  if (optValue('--ready-file')) {
    const q = (v) => `'${String(v).replace(/'/g, `'\\''`)}'`;
    fs.writeFileSync(
      optValue('--ready-file'),
      `URL=${q(url)}\nWORKSPACE=${q(workspace)}\nRUN_DIR=${q(run.dir)}\nPORT=${q(server.port)}\n`,
    );
  }
  console.log(`
  Agent Trail is running in VS Code (code-server, extension installed from a fresh .vsix).

    Open   ${url}
    Folder ${workspace}
    Log    ${run.serverLog}

  Press Ctrl-C to stop.
`);
  server.group.exited.then((info) => shutdown(`code-server exited (${JSON.stringify(info)})`, 1));
} catch (e) {
  log(TAG, 'error:', e.stack || e.message);
  await shutdown('start failed', 1);
}
