// Every `agent-trail` command, in help order. A new command is a module in this
// folder plus one line here.
import type { Command } from '../command';
import { serveCommand } from './serve';

export const COMMANDS: readonly Command[] = [serveCommand];
