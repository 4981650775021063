// A real process appends in a loop and is killed with SIGKILL mid-flight:
// every append it saw resolve (it prints the seq after the await) must be on
// disk afterwards. Three rounds in one directory, so each restart also recovers
// whatever the previous kill tore.
//
// This file is also the child: run with AGENT_TRAIL_JOURNAL_CHILD=<dir> it
// appends until killed instead of defining tests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Journal } from '../../../src/core/store/journal';

const CHILD_ENV = 'AGENT_TRAIL_JOURNAL_CHILD';
const WRITERS = 8;

/** Deterministic content per token, so a replayed entry proves its bytes too. */
function payloadFor(token: string): Buffer {
  const size = 200 + (token.length * 97) % 3000;
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = token.charCodeAt(i % token.length) ^ (i & 0xff);
  return b;
}

async function runChild(dir: string): Promise<void> {
  const journal = await Journal.open(dir, { segmentMaxBytes: 256 * 1024 });
  process.stdout.write(`ready ${journal.lastSeq} ${journal.recoveredTail ? journal.recoveredTail.droppedBytes : 0}\n`);
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; ; i++) {
        const token = `${process.pid}-${w}-${i}`;
        const seq = await journal.append({ receivedAtMs: Date.now(), kind: 'otlp', meta: { token }, payload: payloadFor(token) });
        process.stdout.write(`${seq} ${token}\n`); // only after the append resolved: an acknowledgement
      }
    }),
  );
}

interface Round {
  readonly acked: Map<number, string>;
  readonly startSeq: number;
  /** Bytes of a torn write the child cut away when it opened (0 when the kill tore nothing). */
  readonly tornBytes: number;
}

/** Starts a child, waits for `minAcks` acknowledgements, then SIGKILLs it. */
function runAndKill(dir: string, minAcks: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename], {
      env: { ...process.env, [CHILD_ENV]: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked = new Map<number, string>();
    let startSeq = -1;
    let tornBytes = 0;
    let buffered = '';
    let killed = false;
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child made only ${acked.size} acknowledgements in time`));
    }, 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? ''; // a line cut by the kill is not an acknowledgement
      for (const line of lines) {
        const [a, b, c] = line.split(' ');
        if (a === 'ready') {
          startSeq = Number(b);
          tornBytes = Number(c);
        } else acked.set(Number(a), b);
      }
      if (!killed && acked.size >= minAcks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timeout);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code ?? signal} before it was killed`));
      else resolve({ acked, startSeq, tornBytes });
    });
  });
}

if (process.env[CHILD_ENV]) {
  runChild(process.env[CHILD_ENV]).catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
} else {
  test('every append acknowledged before a SIGKILL is replayed, over three kills', { timeout: 120_000 }, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-crash-'));
    try {
      const allAcked = new Map<number, string>();
      let previousEnd = 0;
      for (let round = 0; round < 3; round++) {
        const { acked, startSeq, tornBytes } = await runAndKill(dir, 400 + round * 300);
        t.diagnostic(`round ${round}: resumed at seq ${startSeq}, cut ${tornBytes} torn bytes, ${acked.size} acknowledged`);
        assert.ok(startSeq >= previousEnd, `round ${round} resumed at ${startSeq}, at or after the last acknowledged ${previousEnd}`);
        for (const [seq, token] of acked) {
          assert.ok(!allAcked.has(seq), `seq ${seq} acknowledged twice`);
          allAcked.set(seq, token);
        }
        previousEnd = Math.max(...acked.keys());
      }

      const journal = await Journal.open(dir);
      t.diagnostic(`final open: cut ${journal.recoveredTail?.droppedBytes ?? 0} torn bytes; last seq ${journal.lastSeq}`);
      try {
        const found = new Map<number, { token: unknown; ok: boolean }>();
        let expected = 1;
        const result = await journal.replay(0, (e) => {
          assert.equal(e.seq, expected++, 'replayed seqs are contiguous');
          const token = e.meta.token;
          found.set(e.seq, { token, ok: typeof token === 'string' && Buffer.from(e.payload).equals(payloadFor(token)) });
        });
        assert.deepEqual(result.gaps, []);
        for (const [seq, token] of allAcked) {
          const f = found.get(seq);
          assert.ok(f, `acknowledged seq ${seq} is missing after the kills`);
          assert.equal(f.token, token, `seq ${seq} holds what was acknowledged`);
          assert.ok(f.ok, `seq ${seq} payload intact`);
        }
        assert.ok(allAcked.size >= 1500, `${allAcked.size} acknowledged appends checked`);
      } finally {
        await journal.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
