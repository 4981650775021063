// `npm run bench`: runs every benchmark section, or the ones named on the command
// line (`npm run bench -- listener`). Benchmarks print numbers; they do not assert.
// A new section is a module exporting a BenchSection, added to SECTIONS.
import { grpcBench } from './grpc';
import { benchJournal } from './journal';
import { listenerBench } from './listener';
import { replayBench } from './replay';
import { storeBench } from './store';
import { formatTable, type BenchContext, type BenchSection } from './section';

const journalBench: BenchSection = {
  name: 'journal',
  description: 'journal appends/s and entries per fsync by writers and payload size; snapshot cost',
  run: async (ctx) => {
    await benchJournal({ log: ctx.log, ...(ctx.quick ? { secondsPerCase: 0.5, snapshotMegabytes: 20 } : {}) });
  },
};

const SECTIONS: readonly BenchSection[] = [listenerBench, journalBench, storeBench, grpcBench, replayBench];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length > 0 || args.includes('--help')) {
    console.error(`usage: run.ts [--quick] [section...]\nsections: ${SECTIONS.map((s) => `${s.name} (${s.description})`).join(', ')}`);
    process.exitCode = unknown.length > 0 ? 2 : 0;
    return;
  }
  const ctx: BenchContext = {
    quick,
    log: (line) => console.log(line),
    table: (title, header, rows) => console.log(`\n${formatTable(title, header, rows)}\n`),
  };
  for (const section of SECTIONS.filter((s) => names.length === 0 || names.includes(s.name))) {
    console.log(`== ${section.name}: ${section.description}`);
    await section.run(ctx);
  }
}

void main();
