// The read commands: sessions, prompts, steps, files. Each opens the store (or,
// when an editor window or `serve` owns it, asks the owner), answers, and
// closes it; `--json` prints the model's JSON shapes (the `prompts --json`
// array is a public contract, see README), otherwise a table.

import type { TrailQueries } from '../../core/query/trailQueries';
import type { PromptStep } from '../../core/model/views';
import { formatOptions, parseCommandArgs, type OptionSpecs } from '../args';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command, type CommandContext } from '../command';
import { dataDirOf, openQueries } from '../storeAccess';
import { clean, table, usd, when } from '../table';

const DB = { type: 'string', valueName: 'DIR', description: 'Store directory (default: the per-user store shared with VS Code)' } as const;
const JSON_OPT = { type: 'boolean', description: 'Print JSON instead of a table' } as const;

async function withQueries(ctx: CommandContext, db: string | undefined, answer: (q: TrailQueries) => Promise<string[]>): Promise<number> {
  const access = await openQueries(dataDirOf(db, ctx.env));
  try {
    for (const line of await answer(access.queries)) ctx.io.out(line);
    return EXIT_OK;
  } finally {
    await access.close();
  }
}

function readCommand<S extends OptionSpecs>(spec: {
  name: string;
  summary: string;
  usage: string;
  description: string[];
  options: S;
  positionals?: number;
  answer: (q: TrailQueries, values: ReturnType<typeof parseCommandArgs<S>>, json: boolean) => Promise<string[]>;
}): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    help: () => [`Usage: ${spec.usage}`, '', ...spec.description, '', 'Options:', formatOptions(spec.options)].join('\n'),
    async run(args, ctx) {
      const parsed = parseCommandArgs(args, spec.options, spec.positionals ?? 0);
      const values = parsed.values as Record<string, string | boolean | undefined>;
      return withQueries(ctx, values.db as string | undefined, (q) => spec.answer(q, parsed, values.json === true));
    },
  };
}

const json = (v: unknown): string[] => [JSON.stringify(v, null, 2)];

export const sessionsCommand = readCommand({
  name: 'sessions',
  summary: 'List recorded agent sessions',
  usage: 'agent-trail sessions [--db DIR] [--json]',
  description: ['One row per agent session: agent, first and last activity, prompts, tool calls, cost.'],
  options: { db: DB, json: JSON_OPT },
  answer: async (q, _v, asJson) => {
    const sessions = await q.listSessions();
    if (asJson) return json(sessions);
    if (sessions.length === 0) return ['No sessions recorded yet.'];
    return table(sessions, [
      { title: 'SESSION', value: (s) => s.id, max: 36 },
      { title: 'AGENT', value: (s) => s.agent },
      { title: 'LAST ACTIVE', value: (s) => when(s.lastSeen) },
      { title: 'PROMPTS', value: (s) => String(s.prompts), align: 'right' },
      { title: 'TOOLS', value: (s) => String(s.toolCalls), align: 'right' },
      { title: 'COST', value: (s) => usd(s.costUsd, s.costSource), align: 'right' },
    ]);
  },
});

export const promptsCommand = readCommand({
  name: 'prompts',
  summary: 'List prompts with their tool calls, decisions and cost',
  usage: 'agent-trail prompts [--session ID] [--db DIR] [--json]',
  description: [
    'One row per prompt. With --json, an array of prompt objects: id, sessionId, agent, text,',
    'startedAt, endedAt, costUsd, costSource, tokens, files and toolCalls (see README: a public contract).',
  ],
  options: { session: { type: 'string', valueName: 'ID', description: 'Only the prompts of this session' }, db: DB, json: JSON_OPT },
  answer: async (q, v, asJson) => {
    const session = v.values.session;
    if (session === '') throw new UsageError('--session needs a session id');
    const prompts = await q.listPrompts(session ? { sessionId: session } : {});
    if (asJson) return json(prompts);
    if (prompts.length === 0) return ['No prompts recorded yet.'];
    return table(prompts, [
      { title: 'PROMPT', value: (p) => p.id, max: 36 },
      { title: 'AGENT', value: (p) => p.agent },
      { title: 'STARTED', value: (p) => when(p.startedAt) },
      { title: 'TEXT', value: (p) => (p.text === null ? (p.redacted ? '(redacted)' : '(not sent)') : p.text), max: 48 },
      { title: 'TOOLS', value: (p) => String(p.toolCalls.length), align: 'right' },
      { title: 'REJECTED', value: (p) => String(p.toolCalls.filter((t) => t.decision === 'reject').length), align: 'right' },
      { title: 'ERRORS', value: (p) => String(p.toolCalls.filter((t) => t.success === false).length + p.apiErrors), align: 'right' },
      { title: 'COST', value: (p) => usd(p.costUsd, p.costSource), align: 'right' },
    ]);
  },
});

function stepLine(s: PromptStep): { kind: string; what: string; outcome: string; cost: string } {
  switch (s.kind) {
    case 'model_request':
      return {
        kind: 'model',
        what: `${s.model ?? '?'} in ${s.tokens.input}/out ${s.tokens.output}/cache ${s.tokens.cacheRead}+${s.tokens.cacheWrite}`,
        outcome: s.attempts !== null && s.attempts > 1 ? `${s.attempts} attempts` : '',
        cost: usd(s.costMicros / 1e6, s.costSource),
      };
    case 'tool_call': {
      const input = s.input;
      const what = `${s.tool ?? '?'} ${input?.command ?? input?.file ?? input?.pattern ?? input?.path ?? input?.url ?? s.files[0] ?? ''}`;
      const decision = s.decision ? `${s.decision}${s.decisionSource ? ` (${s.decisionSource})` : ''}` : 'no decision';
      const result = s.success === null ? 'did not run' : s.success ? 'ok' : `failed${s.errorType ? ` ${s.errorType}` : ''}`;
      return { kind: 'tool', what, outcome: `${decision}, ${result}`, cost: '' };
    }
    case 'api_error':
      return { kind: 'api error', what: s.error ?? '', outcome: s.statusCode !== null ? `HTTP ${s.statusCode}` : '', cost: '' };
    default:
      return { kind: s.kind, what: s.name ?? '', outcome: '', cost: '' };
  }
}

export const stepsCommand = readCommand({
  name: 'steps',
  summary: "Show one prompt's steps in order: model requests, tool calls, decisions, results",
  usage: 'agent-trail steps PROMPT_ID [--db DIR] [--json]',
  description: ['The chain of one prompt: each model request (tokens, cost), each tool call with its decision,', 'who made it, and its result.'],
  options: { db: DB, json: JSON_OPT },
  positionals: 1,
  answer: async (q, v, asJson) => {
    const id = v.positionals[0];
    if (!id) throw new UsageError('steps needs a PROMPT_ID (see `agent-trail prompts`)');
    if (!(await q.promptDetails(id))) throw new NotFound(`no prompt with id ${JSON.stringify(clean(id, 80))}`);
    const steps = await q.promptSteps(id);
    if (asJson) return json(steps);
    return table(steps.map((s) => ({ s, l: stepLine(s) })), [
      { title: 'TIME', value: ({ s }) => when(s.at).slice(11) },
      { title: 'STEP', value: ({ l }) => l.kind },
      { title: 'WHAT', value: ({ l }) => l.what, max: 60 },
      { title: 'OUTCOME', value: ({ l }) => l.outcome, max: 40 },
      { title: 'COST', value: ({ l }) => l.cost, align: 'right' },
    ]);
  },
});

export const filesCommand = readCommand({
  name: 'files',
  summary: 'List files agents read or changed',
  usage: 'agent-trail files [--session ID] [--db DIR] [--json]',
  description: ['One row per file: how it was accessed, by how many prompts, and when last.'],
  options: { session: { type: 'string', valueName: 'ID', description: 'Only files of this session' }, db: DB, json: JSON_OPT },
  answer: async (q, v, asJson) => {
    const session = v.values.session;
    const files = await q.filesTouched(session ? { sessionId: session } : {});
    if (asJson) return json(files);
    if (files.length === 0) return ['No files touched yet.'];
    return table(files, [
      { title: 'FILE', value: (f) => f.relativePath ?? f.path, max: 70 },
      { title: 'ACCESS', value: (f) => (f.reads + f.writes === 0 ? 'refused' : f.access) },
      { title: 'READS', value: (f) => String(f.reads), align: 'right' },
      { title: 'WRITES', value: (f) => String(f.writes), align: 'right' },
      { title: 'REFUSED', value: (f) => String(f.refused), align: 'right' },
      { title: 'LAST', value: (f) => when(f.lastAt) },
    ]);
  },
});

/** A well-formed request for something that does not exist: exit 1, not a usage error. */
export class NotFound extends Error {
  readonly exitCode = EXIT_FAILURE;
}
