// Entry point of the `agent-trail` CLI (bundled to dist/cli.js).
import pkg from '../../package.json';
import type { CliIo } from './command';
import { COMMANDS } from './commands';
import { CommandRegistry } from './registry';

export function createRegistry(): CommandRegistry {
  const registry = new CommandRegistry('agent-trail', pkg.version);
  for (const command of COMMANDS) registry.register(command);
  return registry;
}

const processIo: CliIo = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

async function main(): Promise<void> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second Ctrl+C means "now".
    if (controller.signal.aborted) process.exit(130);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `agent-trail serve | head`: when the reader goes away, stop as on Ctrl+C instead of crashing.
  process.stdout.on('error', () => controller.abort('stdout closed'));
  const code = await createRegistry().run(process.argv.slice(2), { io: processIo, signal: controller.signal, env: process.env });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.exitCode = code;
}

if (require.main === module) void main();
