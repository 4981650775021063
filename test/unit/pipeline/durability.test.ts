// Durability of `agent-trail serve` as a real process: a SIGKILL while a real
// OpenTelemetry exporter is sending loses nothing the listener acknowledged,
// and a damaged database file is moved aside and rebuilt from the journal.
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { TrailStore } from '../../../src/core/store/trailStore';
import { storePaths } from '../../../src/core/store/retention';

const root = path.resolve(__dirname, '../../..');
const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<number | null>;
}

async function startServe(dataDir: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'serve', '--port', '0', '--grpc-port', '0', '--json', '--db', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${buf}`)), 30_000);
    child.stdout?.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /"type":"listening"[^\n]*?"port":(\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr?.on('data', (c: Buffer) => (buf += c.toString()));
    child.on('exit', () => reject(new Error(`serve exited: ${buf}`)));
  });
  return { child, port, exited };
}

/** Passes batches to the real exporter and remembers which ones it reported as delivered. */
class AckTracker implements LogRecordExporter {
  readonly acked: string[] = [];
  constructor(private readonly inner: LogRecordExporter) {}
  export(records: ReadableLogRecord[], done: (r: ExportResult) => void): void {
    this.inner.export(records, (result) => {
      if (result.code === ExportResultCode.SUCCESS) for (const r of records) this.acked.push(String(r.attributes['prompt.id']));
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
}

async function storedPromptIds(dataDir: string): Promise<Set<string>> {
  const { store } = await TrailStore.open({ dataDir });
  try {
    return new Set(store.queries.listPrompts().map((p) => p.id));
  } finally {
    await store.close();
  }
}

test('SIGKILL while an exporter sends: every acknowledged record survives the restart', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'at-kill-'));
  dirs.push(dataDir);
  const server = await startServe(dataDir);
  const tracker = new AckTracker(new OTLPLogExporter({ url: `http://127.0.0.1:${server.port}/v1/logs`, timeoutMillis: 2000 }));
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.197' }),
    processors: [new BatchLogRecordProcessor({ exporter: tracker, maxExportBatchSize: 25, scheduledDelayMillis: 5, maxQueueSize: 100_000 })],
  });
  const logger = provider.getLogger('com.anthropic.claude_code.events');
  const session = 'kill-test-session';
  let sent = 0;
  const t0 = Date.now();
  // Emit Claude Code prompts until enough were acknowledged, then kill the server mid-stream.
  while (tracker.acked.length < 400 && Date.now() - t0 < 30_000) {
    for (let i = 0; i < 25; i++, sent++) {
      logger.emit({
        body: 'claude_code.user_prompt',
        severityNumber: SeverityNumber.INFO,
        attributes: { 'event.name': 'user_prompt', 'session.id': session, 'prompt.id': `prompt-${sent}`, prompt: `prompt number ${sent}`, prompt_length: 16 },
      });
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  server.child.kill('SIGKILL');
  await server.exited;
  const acked = [...tracker.acked];
  await provider.shutdown().catch(() => undefined);
  assert.ok(acked.length >= 400, `acknowledged ${acked.length} of ${sent}`);

  // A new process recovers the store from the journal; then read it.
  const again = await startServe(dataDir);
  again.child.kill('SIGTERM');
  assert.equal(await again.exited, 0);
  const stored = await storedPromptIds(dataDir);
  const lost = acked.filter((id) => !stored.has(id));
  assert.deepEqual(lost, [], `${lost.length} acknowledged prompts lost of ${acked.length}`);
});

test('a damaged database file is moved aside and rebuilt from the journal', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'at-corrupt-'));
  dirs.push(dataDir);
  const server = await startServe(dataDir);
  const fixture = path.join(root, 'test/fixtures/claude-code/multi-tool-http-json');
  for (const f of fs.readdirSync(fixture).filter((n) => /^\d{4}-http-\w+\.json$/.test(n)).sort()) {
    const signal = /-(logs|metrics|traces)\.json$/.exec(f)?.[1];
    const res = await fetch(`http://127.0.0.1:${server.port}/v1/${signal}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: fs.readFileSync(path.join(fixture, f)),
    });
    assert.equal(res.status, 200);
  }
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
  const before = await storedPromptIds(dataDir);
  assert.equal(before.size, 1);

  // Overwrite the middle of the snapshot with garbage.
  const db = storePaths(dataDir).database;
  const bytes = fs.readFileSync(db);
  const damaged = Buffer.from(bytes);
  for (let i = 100; i < Math.min(damaged.length, 8192); i++) damaged[i] = (i * 31) & 0xff;
  fs.writeFileSync(db, damaged);

  const { store, report } = await TrailStore.open({ dataDir });
  try {
    assert.ok(report.recoveredDatabase, 'the damaged file was noticed');
    assert.deepEqual(fs.readFileSync(report.recoveredDatabase.movedTo), damaged, 'moved aside byte for byte, not overwritten');
    assert.ok(report.replayedEntries >= 6, `replayed ${report.replayedEntries} journal entries`);
    assert.deepEqual(new Set(store.queries.listPrompts().map((p) => p.id)), before);
    assert.equal(store.queries.listPrompts()[0].toolCalls.length, 7);
  } finally {
    await store.close();
  }
});
