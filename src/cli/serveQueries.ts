// While `serve` owns the store, editor windows and the read commands cannot open
// it: they ask `serve` instead, through the same loopback query server an
// owning editor window runs (authenticated with the store's secret).
import os from 'node:os';
import type { OtlpHttpListener } from '../core/otlp/httpReceiver';
import { QueryServer } from '../core/query/queryServer';
import { ensureQuerySecret } from '../core/query/querySecret';
import { LocalTrailQueries } from '../core/query/trailQueries';
import type { ListenerState } from '../core/query/trailState';
import type { OwnedStore } from './storeAccess';

function listenerState(listener: OtlpHttpListener, paused: boolean): ListenerState {
  const a = listener.address;
  if (paused) return { kind: 'paused' };
  return a ? { kind: 'listening', port: a.port, url: a.url } : { kind: 'starting' };
}

/** Starts the query server and records its port in the owner lock. */
export async function serveQueries(owned: OwnedStore, listener: OtlpHttpListener): Promise<QueryServer> {
  let paused = false;
  const secret = await ensureQuerySecret(owned.dataDir);
  const server = new QueryServer(
    {
      queries: new LocalTrailQueries(async () => owned.store),
      ownerStatus: () => ({
        pid: process.pid,
        hostname: os.hostname(),
        startedAtMs: owned.lock.info.startedAtMs,
        token: owned.lock.info.token,
        dataVersion: owned.store.dataVersion,
        listener: listenerState(listener, paused),
      }),
      pauseListening: async () => {
        paused = true;
        await listener.stop();
      },
      resumeListening: async () => {
        paused = false;
        await listener.start();
      },
      clearData: () => owned.store.clear(),
    },
    { secret },
  );
  const queryPort = await server.start();
  await owned.lock.update({ port: listener.address?.port ?? null, queryPort });
  return server;
}
