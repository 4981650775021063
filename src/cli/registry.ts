// The command table of `agent-trail`. Each command is its own module under
// ./commands and is registered once; the registry owns dispatch, help and exit codes.
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type Command, type CommandContext } from './command';

export class CommandRegistry {
  private readonly commands = new Map<string, Command>();

  constructor(
    private readonly program: string,
    private readonly version: string,
  ) {}

  register(command: Command): this {
    if (this.commands.has(command.name)) throw new Error(`command ${command.name} is registered twice`);
    this.commands.set(command.name, command);
    return this;
  }

  get(name: string): Command | undefined {
    return this.commands.get(name);
  }

  list(): readonly Command[] {
    return [...this.commands.values()];
  }

  help(): string {
    const width = Math.max(4, ...this.list().map((c) => c.name.length));
    const rows = this.list().map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
    return [
      `${this.program} ${this.version}: a flight recorder for AI coding agents (OpenTelemetry).`,
      '',
      `Usage: ${this.program} <command> [options]`,
      '',
      'Commands:',
      ...rows,
      `  ${'help'.padEnd(width)}  Show help for a command`,
      '',
      `Run "${this.program} <command> --help" for a command's options.`,
    ].join('\n');
  }

  /** Runs argv (without node and the script) and resolves to the exit code. Never throws. */
  async run(argv: readonly string[], ctx: CommandContext): Promise<number> {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h') {
      (first === undefined ? ctx.io.err : ctx.io.out)(this.help());
      return first === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (first === '--version' || first === '-V') {
      ctx.io.out(this.version);
      return EXIT_OK;
    }
    if (first === 'help') {
      const target = rest[0] === undefined ? undefined : this.commands.get(rest[0]);
      if (rest[0] !== undefined && !target) return this.usageError(ctx, `unknown command ${JSON.stringify(rest[0])}`);
      ctx.io.out(target ? target.help() : this.help());
      return EXIT_OK;
    }
    const command = this.commands.get(first);
    if (!command) return this.usageError(ctx, `unknown command ${JSON.stringify(first)}`);
    // `--help` anywhere before a `--` asks for help, whatever else is there.
    const end = rest.indexOf('--');
    const flags = end === -1 ? rest : rest.slice(0, end);
    if (flags.includes('--help') || flags.includes('-h')) {
      ctx.io.out(command.help());
      return EXIT_OK;
    }
    try {
      return await command.run(rest, ctx);
    } catch (err) {
      if (err instanceof UsageError) return this.usageError(ctx, err.message, command);
      ctx.io.err(`${this.program} ${command.name}: ${err instanceof Error ? err.message : String(err)}`);
      return EXIT_FAILURE;
    }
  }

  private usageError(ctx: CommandContext, message: string, command?: Command): number {
    const where = command ? `${this.program} ${command.name}` : this.program;
    ctx.io.err(`${where}: ${message}`);
    ctx.io.err(`Run "${where} --help" for usage.`);
    return EXIT_USAGE;
  }
}
