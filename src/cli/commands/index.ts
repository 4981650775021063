// Every `agent-trail` command, in help order. A new command is a module in this
// folder plus one line here.
import type { Command } from '../command';
import { clearCommand } from './clearCommand';
import { importCommand } from './importCommand';
import { filesCommand, promptsCommand, sessionsCommand, stepsCommand } from './readCommands';
import { reportCommand } from './reportCommand';
import { serveCommand } from './serve';

export const COMMANDS: readonly Command[] = [
  serveCommand,
  sessionsCommand,
  promptsCommand,
  stepsCommand,
  filesCommand,
  reportCommand,
  importCommand,
  clearCommand,
];
