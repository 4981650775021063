// A thin typed layer over node:util parseArgs: option specs double as help text,
// and every parsing problem becomes a UsageError.
import { parseArgs } from 'node:util';
import { UsageError } from './command';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder shown in help: `--port N`. */
  readonly valueName?: string;
  readonly description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export type OptionValues<S extends OptionSpecs> = {
  readonly [K in keyof S]: S[K]['type'] extends 'boolean' ? boolean : string | undefined;
};

export interface ParsedArgs<S extends OptionSpecs> {
  readonly values: OptionValues<S>;
  readonly positionals: readonly string[];
}

export function parseCommandArgs<S extends OptionSpecs>(args: readonly string[], specs: S, maxPositionals = 0): ParsedArgs<S> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(specs)) options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (err) {
    // parseArgs messages are clear but verbose; keep their first sentence.
    throw new UsageError(String((err as Error).message).split('. ')[0] as string);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[maxPositionals])}`);
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const v = parsed.values[name];
    values[name] = spec.type === 'boolean' ? v === true : (v as string | undefined);
  }
  return { values: values as OptionValues<S>, positionals: parsed.positionals };
}

/** The options block of a help text, aligned. `--help` is listed for every command. */
export function formatOptions(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    return [flag, spec.description] as const;
  });
  rows.push(['-h, --help', 'Show this help']);
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`).join('\n');
}

/** A TCP port, 0 to 65535 (0 = any free port). */
export function parsePort(text: string, flag = '--port'): number {
  if (!/^\d{1,5}$/.test(text.trim()) || Number(text) > 65535) {
    throw new UsageError(`${flag} must be a port number from 0 to 65535 (0 = any free port), not ${JSON.stringify(text)}`);
  }
  return Number(text);
}
