// The extension's one log: a LogOutputChannel ("Agent Trail" in the Output view)
// whose lines carry a component tag ([listener], [store], [owner]...). The user
// picks the level in the Output view; prompt text is only ever written at trace.
import * as vscode from 'vscode';
import type { TrailLogger, TrailLogLevel } from '../core/query/trailCoordinator';

export type LogComponent = 'activation' | 'config' | 'listener' | 'store' | 'owner' | 'query' | 'status' | 'setup' | 'commands' | 'replay';

export interface ComponentLog {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  /** For core code (src/core), which knows levels and tags but not vscode. */
  readonly core: TrailLogger = (level, component, message) => this.write(level, component, message);

  constructor(name = 'Agent Trail') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  component(component: LogComponent): ComponentLog {
    return {
      trace: (m) => this.write('trace', component, m),
      debug: (m) => this.write('debug', component, m),
      info: (m) => this.write('info', component, m),
      warn: (m) => this.write('warn', component, m),
      error: (m) => this.write('error', component, m instanceof Error ? (m.stack ?? m.message) : m),
    };
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }

  private write(level: TrailLogLevel, component: string, message: string): void {
    const line = `[${component}] ${message}`;
    switch (level) {
      case 'trace':
        this.channel.trace(line);
        break;
      case 'debug':
        this.channel.debug(line);
        break;
      case 'info':
        this.channel.info(line);
        break;
      case 'warn':
        this.channel.warn(line);
        break;
      case 'error':
        this.channel.error(line);
        break;
    }
  }
}
