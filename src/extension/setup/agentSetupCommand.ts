// "Agent Trail: Set Up <agent>": points an agent's telemetry at this machine's
// listener. Shows exactly what changes (file, every key before → after), writes
// only with consent, keeps every other setting, and offers the clipboard when a
// file cannot be merged into safely (SetupError) rather than overwriting it.
//
// Run from the palette it asks (target, then consent). Run with arguments
// (`{ target, confirm: true, folder }`) it asks nothing and returns a SetupResult:
// that is how tests and other commands drive it.
import fsp from 'node:fs/promises';
import * as vscode from 'vscode';
import { copilotSettings, SetupError, shellSnippet, type ListenerEndpoint, type SettingChange, type SetupAgent } from '../../core/setup/agentSetup';
import type { Configuration } from '../config';
import type { ComponentLog } from '../log';
import type { TrailService } from '../trailService';
import { displayPath, SETUP_SPECS, type AgentSetupSpec, type SetupTarget } from './setupTargets';
import { writeFileAtomic } from './writeFileAtomic';

export interface SetupCommandArgs {
  readonly target?: SetupTarget;
  /** true: write without the confirmation dialog. */
  readonly confirm?: boolean;
  /** Workspace folder (fsPath) for target 'workspace'; default the first. */
  readonly folder?: string;
}

export type SetupStatus = 'written' | 'unchanged' | 'copied' | 'cancelled' | 'failed';

export interface SetupResult {
  readonly agent: SetupAgent;
  readonly status: SetupStatus;
  readonly target?: SetupTarget;
  /** The file written or planned (for Copilot: 'VS Code user settings'). */
  readonly file?: string;
  readonly changes: readonly SettingChange[];
  readonly message?: string;
}

export class SetupArgumentsError extends Error {}

const TARGETS: readonly SetupTarget[] = ['workspace', 'user', 'clipboard'];

/** Checks what a caller passed (command arguments can come from anywhere). */
export function parseSetupArgs(raw: unknown): SetupCommandArgs | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new SetupArgumentsError('the argument must be an object { target, confirm, folder }');
  const o = raw as Record<string, unknown>;
  if (o.target !== undefined && !TARGETS.includes(o.target as SetupTarget)) throw new SetupArgumentsError(`target must be one of ${TARGETS.join(', ')}`);
  if (o.confirm !== undefined && typeof o.confirm !== 'boolean') throw new SetupArgumentsError('confirm must be a boolean');
  if (o.folder !== undefined && typeof o.folder !== 'string') throw new SetupArgumentsError('folder must be a path');
  return { target: o.target as SetupTarget | undefined, confirm: o.confirm as boolean | undefined, folder: o.folder as string | undefined };
}

const COPILOT_FILE = 'VS Code user settings';

interface Choice {
  readonly target: SetupTarget;
  readonly folder?: string;
}

export class AgentSetupCommand {
  constructor(
    private readonly service: TrailService,
    private readonly config: Configuration,
    private readonly log: ComponentLog,
  ) {}

  async run(agent: SetupAgent, rawArgs: unknown): Promise<SetupResult> {
    const spec = SETUP_SPECS[agent];
    let args: SetupCommandArgs | undefined;
    try {
      args = parseSetupArgs(rawArgs);
    } catch (err) {
      return { agent, status: 'failed', changes: [], message: (err as Error).message };
    }
    const interactive = args === undefined;
    const endpoint = this.endpoint();
    if (typeof endpoint === 'string') {
      if (!args?.confirm) void vscode.window.showErrorMessage(`Cannot set up ${spec.label}: ${endpoint}`);
      return { agent, status: 'failed', changes: [], message: endpoint };
    }
    const choice = args?.target ? { target: args.target, folder: args.folder } : interactive ? await this.pickTarget(spec) : { target: spec.defaultTarget, folder: args?.folder };
    if (!choice) return { agent, status: 'cancelled', changes: [] };
    if (choice.target === 'clipboard') return this.copy(spec, endpoint, { agent, status: 'copied', target: 'clipboard', changes: [] });
    if (agent === 'copilot') return this.setUpCopilot(endpoint, args);
    return this.setUpFile(spec, endpoint, choice, args);
  }

  /** The listener agents should export to: where it listens now, else the configured port. */
  private endpoint(): ListenerEndpoint | string {
    const state = this.service.listenerState;
    const { port, bearerToken } = this.config.settings.listener;
    const httpPort = state.kind === 'listening' ? state.port : port;
    if (httpPort === 0) return 'the listener is not running and agentTrail.listener.port is 0 (any free port): set a fixed port first.';
    return { host: '127.0.0.1', httpPort, token: bearerToken || undefined };
  }

  private async setUpFile(spec: AgentSetupSpec, endpoint: ListenerEndpoint, choice: Choice, args: SetupCommandArgs | undefined): Promise<SetupResult> {
    const agent = spec.agent;
    const file = this.fileFor(spec, choice);
    if (typeof file !== 'string' || !spec.plan) {
      return { agent, status: 'failed', target: choice.target, changes: [], message: typeof file === 'string' ? `${spec.label} has no settings file` : file.error };
    }
    let existing: string | null = null;
    try {
      existing = await fsp.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return this.failed(spec, endpoint, file, choice.target, `cannot read it: ${(err as Error).message}`, args);
    }
    let plan;
    try {
      plan = spec.plan(existing, endpoint);
    } catch (err) {
      if (err instanceof SetupError) return this.failed(spec, endpoint, file, choice.target, err.message, args);
      throw err;
    }
    const base = { agent, target: choice.target, file, changes: plan.changes };
    if (plan.changes.length === 0) {
      if (!args?.confirm) void vscode.window.showInformationMessage(`${spec.label} already exports to Agent Trail (${displayPath(file)}).`);
      return { ...base, status: 'unchanged' };
    }
    if (!args?.confirm) {
      const answer = await this.confirm(spec, displayPath(file), plan.createsFile, plan.changes, endpoint, 'Every other setting in the file stays as it is.');
      if (answer === 'copy') return this.copy(spec, endpoint, { ...base, status: 'copied', target: 'clipboard' });
      if (answer !== 'write') return { ...base, status: 'cancelled' };
    }
    try {
      await writeFileAtomic(file, plan.newText);
    } catch (err) {
      return this.failed(spec, endpoint, file, choice.target, `cannot write it: ${(err as Error).message}`, args);
    }
    this.log.info(`${spec.label}: wrote ${plan.changes.map((c) => c.key).join(', ')} to ${file}`);
    if (!args?.confirm) void this.announce(spec, file);
    return { ...base, status: 'written' };
  }

  private async setUpCopilot(endpoint: ListenerEndpoint, args: SetupCommandArgs | undefined): Promise<SetupResult> {
    const spec = SETUP_SPECS.copilot;
    const conf = vscode.workspace.getConfiguration();
    const wanted = copilotSettings(endpoint);
    const changes: SettingChange[] = [];
    for (const [key, value] of Object.entries(wanted)) {
      const before = conf.inspect(key)?.globalValue;
      if (JSON.stringify(before) === JSON.stringify(value)) continue;
      changes.push({ key, before: before === undefined ? undefined : JSON.stringify(before), after: JSON.stringify(value) });
    }
    const base = { agent: spec.agent, target: 'user' as const, file: COPILOT_FILE, changes };
    if (changes.length === 0) {
      if (!args?.confirm) void vscode.window.showInformationMessage('GitHub Copilot already exports to Agent Trail.');
      return { ...base, status: 'unchanged' };
    }
    if (!args?.confirm) {
      const answer = await this.confirm(spec, COPILOT_FILE, false, changes, endpoint, 'Enterprise policy can override these settings.');
      if (answer === 'copy') return this.copy(spec, endpoint, { ...base, status: 'copied', target: 'clipboard' });
      if (answer !== 'write') return { ...base, status: 'cancelled' };
    }
    try {
      for (const c of changes) await conf.update(c.key, wanted[c.key], vscode.ConfigurationTarget.Global);
    } catch (err) {
      // VS Code refuses settings nobody registered: GitHub Copilot Chat is not installed.
      const why = `VS Code did not accept the settings (is GitHub Copilot Chat installed?): ${(err as Error).message}`;
      return this.failed(spec, endpoint, COPILOT_FILE, 'user', why, args);
    }
    this.log.info(`GitHub Copilot: set ${changes.map((c) => c.key).join(', ')} in the user settings`);
    if (!args?.confirm) void vscode.window.showInformationMessage('GitHub Copilot Chat now exports to Agent Trail (new chat sessions).');
    return { ...base, status: 'written' };
  }

  private fileFor(spec: AgentSetupSpec, choice: Choice): string | { error: string } {
    if (choice.target === 'user') return spec.userFile ? spec.userFile() : { error: `${spec.label} has no user settings file` };
    if (!spec.workspaceFile) return { error: `${spec.label} has no per-workspace settings: use target 'user'` };
    const folder = choice.folder ?? vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
    if (!folder) return { error: 'no workspace folder is open' };
    return spec.workspaceFile(folder);
  }

  private async pickTarget(spec: AgentSetupSpec): Promise<Choice | undefined> {
    type Item = vscode.QuickPickItem & { choice: Choice };
    const items: Item[] = [];
    if (spec.workspaceFile) {
      for (const f of vscode.workspace.workspaceFolders ?? []) {
        if (f.uri.scheme !== 'file') continue;
        items.push({
          label: `$(folder) This workspace: ${f.name}`,
          description: displayPath(spec.workspaceFile(f.uri.fsPath)),
          detail: 'Only sessions started in this project export.',
          choice: { target: 'workspace', folder: f.uri.fsPath },
        });
      }
    }
    if (spec.userFile) {
      items.push({ label: '$(home) All my projects', description: displayPath(spec.userFile()), detail: 'Your user settings: every session exports.', choice: { target: 'user' } });
    } else {
      items.push({ label: '$(settings-gear) VS Code user settings', description: 'github.copilot.chat.otel.*', choice: { target: 'user' } });
    }
    items.push({
      label: '$(clippy) Copy to the clipboard',
      detail: spec.agent === 'codex' ? 'The [otel] table for config.toml.' : 'Environment variables for a terminal session; nothing is written.',
      choice: { target: 'clipboard' },
    });
    const picked = await vscode.window.showQuickPick(items, { title: `Set up ${spec.label} to export to Agent Trail`, placeHolder: 'Where should the settings go?' });
    return picked?.choice;
  }

  private async confirm(
    spec: AgentSetupSpec,
    where: string,
    createsFile: boolean,
    changes: readonly SettingChange[],
    endpoint: ListenerEndpoint,
    footer: string,
  ): Promise<'write' | 'copy' | undefined> {
    const mask = (v: string): string => (endpoint.token ? v.split(endpoint.token).join('••••') : v);
    const lines = [`${createsFile ? 'Creates' : 'Changes'} ${where}:`, ''];
    for (const c of changes) lines.push(`${c.key}: ${c.before === undefined ? '(not set)' : mask(c.before)} → ${mask(c.after)}`);
    lines.push('', footer);
    if (this.config.settings.listener.port === 0) lines.push(`agentTrail.listener.port is 0: port ${endpoint.httpPort} may change when VS Code restarts.`);
    const write = createsFile ? 'Create File' : 'Write Settings';
    const copy = 'Copy Instead';
    const answer = await vscode.window.showInformationMessage(`Set up ${spec.label} to export to Agent Trail?`, { modal: true, detail: lines.join('\n') }, write, copy);
    return answer === write ? 'write' : answer === copy ? 'copy' : undefined;
  }

  /** A file we must not rewrite: say why and offer the clipboard (never overwrite). */
  private async failed(
    spec: AgentSetupSpec,
    endpoint: ListenerEndpoint,
    file: string,
    target: SetupTarget,
    reason: string,
    args: SetupCommandArgs | undefined,
  ): Promise<SetupResult> {
    const message = `Cannot update ${displayPath(file)}: ${reason}`;
    this.log.warn(`${spec.label}: ${message}`);
    const result: SetupResult = { agent: spec.agent, status: 'failed', target, file, changes: [], message };
    if (args?.confirm) return result;
    const copy = 'Copy Settings to Clipboard';
    if ((await vscode.window.showErrorMessage(message, copy)) !== copy) return result;
    return this.copy(spec, endpoint, { ...result, status: 'copied', target: 'clipboard' });
  }

  private async copy(spec: AgentSetupSpec, endpoint: ListenerEndpoint, result: SetupResult): Promise<SetupResult> {
    const text = spec.agent === 'copilot' ? `${JSON.stringify(copilotSettings(endpoint), null, 2)}\n` : `${shellSnippet(spec.agent, endpoint)}\n`;
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(
      spec.agent === 'codex'
        ? 'Copied the [otel] table: paste it into ~/.codex/config.toml.'
        : spec.agent === 'copilot'
          ? 'Copied the settings: paste them into your settings.json.'
          : `Copied the environment for ${spec.label}: paste it into the terminal before starting it.`,
    );
    return result;
  }

  private async announce(spec: AgentSetupSpec, file: string): Promise<void> {
    const open = 'Open File';
    const answer = await vscode.window.showInformationMessage(`${spec.label} will export to Agent Trail from its next start (${displayPath(file)}).`, open);
    if (answer === open) await vscode.window.showTextDocument(vscode.Uri.file(file));
  }
}
