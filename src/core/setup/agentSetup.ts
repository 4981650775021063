// What "Set Up <agent>" changes in each agent's own configuration so that it
// exports to the Agent Trail listener. Pure functions: the editor shows the plan,
// asks for consent, then writes `newText`; nothing here touches the disk.
// Settings per agent come from TELEMETRY.md §8.

import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

export type SetupAgent = 'claude-code' | 'codex' | 'gemini-cli' | 'copilot';

export interface ListenerEndpoint {
  readonly host: string;
  readonly httpPort: number;
  /** Sent as `Authorization: Bearer <token>` when the listener requires one. */
  readonly token?: string;
}

export interface SetupOptions {
  /** Log prompt text (stays on this machine; off means `<REDACTED>`). */
  readonly logPrompts: boolean;
  /** Claude Code beta spans: they reveal silent denials and the files of refused edits. */
  readonly traces: boolean;
}

export const DEFAULT_SETUP_OPTIONS: SetupOptions = { logPrompts: true, traces: true };

export interface SettingChange {
  readonly key: string;
  readonly before: string | undefined;
  readonly after: string;
}

export interface SetupPlan {
  readonly agent: SetupAgent;
  /** The whole new file content; every key the plan does not name is kept as it was. */
  readonly newText: string;
  readonly changes: readonly SettingChange[];
  readonly createsFile: boolean;
}

/** A configuration file we must not rewrite (unparseable, or shaped in a way we cannot merge into). */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

export function baseUrl(endpoint: ListenerEndpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `http://${host}:${endpoint.httpPort}`;
}

/** The `env` entries Claude Code reads (its settings file or the shell). */
export function claudeCodeEnv(endpoint: ListenerEndpoint, options: SetupOptions = DEFAULT_SETUP_OPTIONS): Record<string, string> {
  const env: Record<string, string> = {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_ENDPOINT: baseUrl(endpoint),
    OTEL_LOGS_EXPORT_INTERVAL: '1000',
    OTEL_METRIC_EXPORT_INTERVAL: '10000',
    // Without this there is no tool_input: no file paths, no commands.
    OTEL_LOG_TOOL_DETAILS: '1',
    OTEL_LOG_USER_PROMPTS: options.logPrompts ? '1' : '0',
  };
  if (options.traces) {
    env.CLAUDE_CODE_ENHANCED_TELEMETRY_BETA = '1';
    env.OTEL_TRACES_EXPORTER = 'otlp';
    env.OTEL_TRACES_EXPORT_INTERVAL = '1000';
  }
  if (endpoint.token) env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer ${endpoint.token}`;
  return env;
}

export function geminiTelemetry(endpoint: ListenerEndpoint, options: SetupOptions = DEFAULT_SETUP_OPTIONS): Record<string, string | boolean> {
  // Gemini CLI's "http" protocol is OTLP/HTTP JSON; it appends v1/<signal> to the endpoint.
  return {
    enabled: true,
    target: 'local',
    otlpEndpoint: baseUrl(endpoint),
    otlpProtocol: 'http',
    logPrompts: options.logPrompts,
    traces: options.traces,
  };
}

export function copilotSettings(endpoint: ListenerEndpoint, options: SetupOptions = DEFAULT_SETUP_OPTIONS): Record<string, string | boolean> {
  const settings: Record<string, string | boolean> = {
    'github.copilot.chat.otel.enabled': true,
    'github.copilot.chat.otel.exporterType': 'otlp-http',
    'github.copilot.chat.otel.protocol': 'http/json',
    'github.copilot.chat.otel.otlpEndpoint': baseUrl(endpoint),
    'github.copilot.chat.otel.captureContent': options.logPrompts,
  };
  if (endpoint.token) settings['github.copilot.chat.otel.headers'] = `Authorization=Bearer ${endpoint.token}`;
  return settings;
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const JSON_FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

/**
 * Sets `values` under the object at `section` of a JSON (or JSONC) document,
 * keeping every other key, comment and the file's formatting.
 */
export function planJsonSection(
  agent: SetupAgent,
  existingText: string | null,
  section: string,
  values: Readonly<Record<string, unknown>>,
): SetupPlan {
  const createsFile = existingText === null || existingText.trim() === '';
  let text = createsFile ? '{}\n' : (existingText as string);
  const errors: ParseError[] = [];
  const doc: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const e = errors[0];
    throw new SetupError(`the file is not valid JSON (${printParseErrorCode(e.error)} at offset ${e.offset}); fix it or copy the settings instead`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new SetupError('the file does not hold a JSON object');
  const current = (doc as Record<string, unknown>)[section];
  if (current !== undefined && (typeof current !== 'object' || current === null || Array.isArray(current))) {
    throw new SetupError(`"${section}" in the file is not an object; fix it or copy the settings instead`);
  }
  const before = (current ?? {}) as Record<string, unknown>;
  const changes: SettingChange[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (JSON.stringify(before[key]) === JSON.stringify(value)) continue;
    changes.push({ key: `${section}.${key}`, before: before[key] === undefined ? undefined : display(before[key]), after: display(value) });
    text = applyEdits(text, modify(text, [section, key], value, JSON_FORMAT));
  }
  return { agent, newText: text, changes, createsFile };
}

export function planClaudeCode(existingText: string | null, endpoint: ListenerEndpoint, options: SetupOptions = DEFAULT_SETUP_OPTIONS): SetupPlan {
  return planJsonSection('claude-code', existingText, 'env', claudeCodeEnv(endpoint, options));
}

export function planGeminiCli(existingText: string | null, endpoint: ListenerEndpoint, options: SetupOptions = DEFAULT_SETUP_OPTIONS): SetupPlan {
  return planJsonSection('gemini-cli', existingText, 'telemetry', geminiTelemetry(endpoint, options));
}

function tomlString(s: string): string {
  return JSON.stringify(s); // a TOML basic string accepts JSON's escapes for these characters
}

/** The `[otel]` keys Codex reads; endpoints are full per-signal URLs (Codex does not append paths). */
export function codexOtel(endpoint: ListenerEndpoint, options: SetupOptions = DEFAULT_SETUP_OPTIONS): Record<string, string> {
  const url = baseUrl(endpoint);
  const headers = endpoint.token ? `, headers = { "authorization" = ${tomlString(`Bearer ${endpoint.token}`)} }` : '';
  const exporter = (signal: string): string => `{ otlp-http = { endpoint = ${tomlString(`${url}/v1/${signal}`)}, protocol = "binary"${headers} } }`;
  return {
    environment: tomlString('agent-trail'),
    log_user_prompt: options.logPrompts ? 'true' : 'false',
    exporter: exporter('logs'),
    metrics_exporter: exporter('metrics'),
  };
}

const TABLE_HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/;

/** Sets keys of the `[otel]` table of a config.toml, keeping every other line as it was. */
export function planCodex(existingText: string | null, endpoint: ListenerEndpoint, options: SetupOptions = DEFAULT_SETUP_OPTIONS): SetupPlan {
  const values = codexOtel(endpoint, options);
  const createsFile = existingText === null || existingText.trim() === '';
  const lines = createsFile ? [] : (existingText as string).replace(/\r\n/g, '\n').split('\n');
  let start = -1;
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const m = TABLE_HEADER.exec(lines[i]);
    if (!m) continue;
    const name = m[1].replace(/\s+/g, '');
    if (name.startsWith('otel.') && Object.keys(values).some((k) => name === `otel.${k}` || name.startsWith(`otel.${k}.`))) {
      throw new SetupError(`config.toml defines [${name}] as a table; remove it or copy the settings instead`);
    }
    if (name === 'otel') start = i;
    else if (start >= 0 && end === lines.length && i > start) end = i;
  }
  const changes: SettingChange[] = [];
  if (start < 0) {
    if (lines.length > 0 && lines[lines.length - 1].trim() !== '') lines.push('');
    start = lines.length;
    lines.push('[otel]');
    end = lines.length;
  }
  for (const [key, value] of Object.entries(values)) {
    const keyLine = new RegExp(`^\\s*${key}\\s*=\\s*(.*?)\\s*$`);
    let found = -1;
    for (let i = start + 1; i < end; i++) if (keyLine.test(lines[i])) found = i;
    const line = `${key} = ${value}`;
    if (found >= 0) {
      const before = (keyLine.exec(lines[found]) as RegExpExecArray)[1];
      if (before === value) continue;
      changes.push({ key: `otel.${key}`, before, after: value });
      lines[found] = line;
    } else {
      changes.push({ key: `otel.${key}`, before: undefined, after: value });
      // Insert after the last non-blank line of the table so blank separators stay put.
      let at = end;
      while (at > start + 1 && lines[at - 1].trim() === '') at--;
      lines.splice(at, 0, line);
      end++;
    }
  }
  let newText = lines.join('\n');
  if (!newText.endsWith('\n')) newText += '\n';
  return { agent: 'codex', newText, changes, createsFile };
}

/** Shell lines for the clipboard, for agents launched from a terminal. */
export function shellSnippet(agent: SetupAgent, endpoint: ListenerEndpoint, options: SetupOptions = DEFAULT_SETUP_OPTIONS): string {
  const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
  switch (agent) {
    case 'claude-code':
      return Object.entries(claudeCodeEnv(endpoint, options)).map(([k, v]) => `export ${k}=${quote(v)}`).join('\n');
    case 'gemini-cli': {
      const t = geminiTelemetry(endpoint, options);
      return [
        `export GEMINI_TELEMETRY_ENABLED=true`,
        `export GEMINI_TELEMETRY_TARGET=local`,
        `export GEMINI_TELEMETRY_OTLP_ENDPOINT=${quote(String(t.otlpEndpoint))}`,
        `export GEMINI_TELEMETRY_OTLP_PROTOCOL=http`,
        `export GEMINI_TELEMETRY_LOG_PROMPTS=${options.logPrompts}`,
        `export GEMINI_TELEMETRY_TRACES_ENABLED=${options.traces}`,
      ].join('\n');
    }
    case 'codex':
      return ['[otel]', ...Object.entries(codexOtel(endpoint, options)).map(([k, v]) => `${k} = ${v}`)].join('\n');
    case 'copilot':
      return [
        `export COPILOT_OTEL_ENABLED=true`,
        `export OTEL_EXPORTER_OTLP_ENDPOINT=${quote(baseUrl(endpoint))}`,
        `export OTEL_EXPORTER_OTLP_PROTOCOL=http/json`,
        `export OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=${options.logPrompts}`,
        ...(endpoint.token ? [`export OTEL_EXPORTER_OTLP_HEADERS=${quote(`Authorization=Bearer ${endpoint.token}`)}`] : []),
      ].join('\n');
  }
}
