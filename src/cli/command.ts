// What every `agent-trail <command>` module provides, and what it is given.

/** Where a command writes; lines without their trailing newline. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CommandContext {
  readonly io: CliIo;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop cleanly. */
  readonly signal: AbortSignal;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface Command {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** The full `agent-trail <name> --help` text. */
  help(): string;
  /** Resolves to the exit code. Throw UsageError for bad arguments (exit 2). */
  run(args: readonly string[], ctx: CommandContext): Promise<number>;
}

/** Bad arguments: the registry prints the message and a hint, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
