// Load generator for the listener benchmark, in its own thread so the client's
// work does not run on the listener's event loop. Keep-alive connections, each
// posting its bodies in a loop for the given time.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

export interface LoadJob {
  readonly port: number;
  readonly path: string;
  readonly contentType: string;
  readonly contentEncoding: string | undefined;
  readonly bodies: readonly Uint8Array[];
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /**
   * Each body is sent once: connection c sends bodies c, c + connections, ...
   * and stops when its share is sent (a store dedups repeated records, so
   * repeating bodies would measure dedup, not ingest).
   */
  readonly once?: boolean;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** Per-request latency in ms, measured requests only. */
  readonly latencies: readonly number[];
  readonly elapsedMs: number;
  /** Index of each measured request's body, for counting records. */
  readonly bodyIndexes: readonly number[];
}

async function run(job: LoadJob): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const bodies = job.bodies.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  const latencies: number[] = [];
  const bodyIndexes: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const start = performance.now();
  const measureFrom = start + job.warmupMs;
  const end = measureFrom + job.durationMs;
  const post = (body: Buffer): Promise<number> =>
    new Promise((resolve) => {
      const headers: Record<string, string> = { 'content-type': job.contentType, 'content-length': String(body.length) };
      if (job.contentEncoding) headers['content-encoding'] = job.contentEncoding;
      const req = http.request({ host: '127.0.0.1', port: job.port, method: 'POST', path: job.path, headers, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end(body);
    });
  const loop = async (offset: number): Promise<void> => {
    let i = offset;
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end) return;
      if (job.once === true && i >= bodies.length) return;
      const index = i % bodies.length;
      i += job.once === true ? job.connections : 1;
      const status = await post(bodies[index] as Buffer);
      const t1 = performance.now();
      if (status === 0) errors++;
      if (t0 >= measureFrom && t1 <= end) {
        statuses[status] = (statuses[status] ?? 0) + 1;
        latencies.push(t1 - t0);
        bodyIndexes.push(index);
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections }, (_, c) => loop(job.once === true ? c : c * 7)));
  agent.destroy();
  return { requests: latencies.length, errors, statuses, latencies, elapsedMs: Math.min(performance.now(), end) - measureFrom, bodyIndexes };
}

if (parentPort && workerData) {
  void run(workerData as LoadJob).then((r) => parentPort?.postMessage(r));
}
