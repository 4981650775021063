// `agent-trail clear --yes`: remove every record, the model and the journal.
import { clearAll } from '../../core/store/retention';
import { OwnerLockHeldError } from '../../core/store/ownerLock';
import { formatOptions, parseCommandArgs } from '../args';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from '../command';
import { dataDirOf } from '../storeAccess';

const OPTIONS = {
  db: { type: 'string', valueName: 'DIR', description: 'Store directory (default: the per-user store shared with VS Code)' },
  yes: { type: 'boolean', description: 'Confirm: without it nothing is removed' },
} as const;

export const clearCommand: Command = {
  name: 'clear',
  summary: 'Remove all recorded data (database and journal)',
  help: () =>
    [
      'Usage: agent-trail clear --yes [--db DIR]',
      '',
      'Deletes the database, its snapshots and the journal of the store. Refuses while another',
      'process (an editor window, `agent-trail serve`) owns the store: clear it from there.',
      '',
      'Options:',
      formatOptions(OPTIONS),
    ].join('\n'),
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, OPTIONS);
    if (!values.yes) throw new UsageError('clear removes every record; pass --yes to confirm');
    const dataDir = dataDirOf(values.db, ctx.env);
    try {
      const result = await clearAll(dataDir);
      ctx.io.out(`agent-trail clear: removed ${result.removed.length} files from ${dataDir}`);
      return EXIT_OK;
    } catch (err) {
      if (err instanceof OwnerLockHeldError) {
        ctx.io.err(`agent-trail clear: ${err.message}; stop that process or clear from it`);
        return EXIT_FAILURE;
      }
      throw err;
    }
  },
};
