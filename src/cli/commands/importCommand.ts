// `agent-trail import PATH...`: OTLP files into the store, the same way a live
// export arrives: each body is decoded, journalled, fsynced and ingested. When
// another process owns the store (an editor window, `agent-trail serve`), the
// bodies are sent to its listener instead, so there is still one writer.

import { decodeJson } from '../../core/otlp/decodeJson';
import { decodeProtobuf } from '../../core/otlp/decodeProtobuf';
import { CONTENT_TYPES } from '../../core/otlp/routing';
import type { DecodedBatch, Signal } from '../../core/otlp/types';
import { OtlpDecodeError, SIGNALS } from '../../core/otlp/types';
import { listImportFiles, readOtlpFile, ImportError, type OtlpBody } from '../../core/importer/otlpFiles';
import { readOwner } from '../../core/store/ownerLock';
import { formatOptions, parseCommandArgs } from '../args';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command, type CommandContext } from '../command';
import { dataDirOf, openOwnedStore, StoreBusyError } from '../storeAccess';
import { clean } from '../table';

const OPTIONS = {
  db: { type: 'string', valueName: 'DIR', description: 'Store directory (default: the per-user store shared with VS Code)' },
  signal: { type: 'string', valueName: 'S', description: 'Signal of protobuf files whose name does not say: logs, metrics or traces' },
  token: { type: 'string', valueName: 'T', description: "Bearer token of the owner's listener, when it requires one (or AGENT_TRAIL_TOKEN)" },
  json: { type: 'boolean', description: 'Print a JSON summary' },
} as const;

interface Tally {
  files: number;
  requests: number;
  records: number;
  rejected: number;
  failed: number;
}

function decode(b: OtlpBody): DecodedBatch {
  return b.encoding === 'protobuf' ? decodeProtobuf(b.signal, b.body) : decodeJson(b.signal, b.body);
}

const count = (batch: DecodedBatch): number =>
  batch.signal === 'logs' ? batch.records.length : batch.signal === 'metrics' ? batch.points.length : batch.spans.length;

type Deliver = (b: OtlpBody, batch: DecodedBatch) => Promise<void>;

async function importAll(files: readonly string[], signal: Signal | undefined, deliver: Deliver, ctx: CommandContext, tally: Tally): Promise<void> {
  for (const file of files) {
    if (ctx.signal.aborted) return;
    let bodies: OtlpBody[];
    try {
      bodies = await readOtlpFile(file, signal);
    } catch (err) {
      tally.failed++;
      ctx.io.err(`agent-trail import: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    tally.files++;
    for (const b of bodies) {
      try {
        const batch = decode(b);
        await deliver(b, batch);
        tally.requests++;
        tally.records += count(batch);
        tally.rejected += batch.rejected;
      } catch (err) {
        tally.failed++;
        const why = err instanceof OtlpDecodeError ? `not a valid OTLP ${b.signal} request (${err.message})` : err instanceof Error ? err.message : String(err);
        ctx.io.err(`agent-trail import: ${clean(b.source, 300)}: ${why}`);
      }
    }
  }
}

/** Posts to the owner's listener: the owner journals and ingests exactly as for a live agent. */
function viaOwner(port: number, token: string): Deliver {
  return async (b) => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/${b.signal}`, {
      method: 'POST',
      headers: { 'content-type': CONTENT_TYPES[b.encoding], ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: b.body,
    });
    if (res.status !== 200) throw new Error(`the listener on port ${port} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  };
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Import OTLP files (JSON or protobuf bodies, Collector JSON lines) into the store',
  help: () =>
    [
      'Usage: agent-trail import PATH... [--db DIR] [--signal logs|metrics|traces] [--json]',
      '',
      'Each PATH is a file or a folder (read in name order). Accepted: OTLP/JSON request bodies as',
      'captured, protobuf bodies (*.pb, *.pb.gz; the signal from the file name or --signal), and',
      "JSON lines as written by the OpenTelemetry Collector's file exporter. The result is the same",
      'as receiving them live: a body imported twice is not counted twice. A file that cannot be',
      'read is reported and skipped; everything else is still imported (exit 1 if any failed).',
      '',
      'Options:',
      formatOptions(OPTIONS),
    ].join('\n'),

  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS, Number.MAX_SAFE_INTEGER);
    if (positionals.length === 0) throw new UsageError('import needs at least one PATH');
    if (values.signal !== undefined && !(SIGNALS as readonly string[]).includes(values.signal)) {
      throw new UsageError(`--signal must be logs, metrics or traces, not ${JSON.stringify(values.signal)}`);
    }
    const signal = values.signal as Signal | undefined;
    let files: string[];
    try {
      files = await listImportFiles(positionals);
    } catch (err) {
      if (err instanceof ImportError) throw new UsageError(err.message);
      throw err;
    }
    const tally: Tally = { files: 0, requests: 0, records: 0, rejected: 0, failed: 0 };
    const dataDir = dataDirOf(values.db, ctx.env);
    let where: string;
    try {
      const owned = await openOwnedStore(dataDir);
      where = `the store in ${dataDir}`;
      try {
        await importAll(
          files,
          signal,
          async (b, batch) => {
            const verdict = await owned.store.accept({ signal: b.signal, transport: 'http', encoding: b.encoding, body: b.body, batch, receivedAtMs: Date.now() });
            if (verdict.kind !== 'stored') throw new Error(`the store is busy: ${verdict.reason}`);
          },
          ctx,
          tally,
        );
        // Acknowledged means journalled; the import is done when the model has it too.
        await owned.store.settled();
      } finally {
        await owned.close();
      }
    } catch (err) {
      if (!(err instanceof StoreBusyError)) throw err;
      const owner = await readOwner(dataDir);
      if (!owner?.port) {
        ctx.io.err(`agent-trail import: ${err.message}`);
        return EXIT_FAILURE;
      }
      where = `the listener of process ${owner.pid} (port ${owner.port})`;
      await importAll(files, signal, viaOwner(owner.port, values.token ?? ctx.env.AGENT_TRAIL_TOKEN ?? ''), ctx, tally);
    }
    if (values.json) ctx.io.out(JSON.stringify({ ...tally, into: where }));
    else {
      ctx.io.out(
        `agent-trail import: ${tally.requests} requests (${tally.records} records${tally.rejected ? `, ${tally.rejected} rejected` : ''}) from ${tally.files} files into ${where}` +
          (tally.failed ? `; ${tally.failed} failed (see above)` : ''),
      );
    }
    return tally.failed > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};
