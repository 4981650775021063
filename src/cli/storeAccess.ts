// How a CLI command gets at the store. The store has one writer per data
// directory (the owner lock): when no one owns it, the command becomes the
// owner for its run; when an editor window or `agent-trail serve` owns it, the
// command says so instead of writing beside it.

import os from 'node:os';
import { resolveDataDir, ensureDataDir } from '../core/store/dataDir';
import { OwnerLock, OwnerLockHeldError, readOwner } from '../core/store/ownerLock';
import { readQuerySecret } from '../core/query/querySecret';
import { RemoteTrailQueries } from '../core/query/remoteTrailQueries';
import { LocalTrailQueries, type TrailQueries } from '../core/query/trailQueries';
import { TrailStore, type OpenReport } from '../core/store/trailStore';
import type { StoreLogger } from '../core/store/fsUtil';
import { EXIT_FAILURE } from './command';

export interface OwnedStore {
  readonly store: TrailStore;
  readonly report: OpenReport;
  readonly dataDir: string;
  readonly lock: OwnerLock;
  close(): Promise<void>;
}

/** The store is owned by another live process; `message` says which and what to do. */
export class StoreBusyError extends Error {
  readonly exitCode = EXIT_FAILURE;
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number | null,
    readonly ownerPort: number | null,
  ) {
    super(
      `the store in ${dataDir} is in use by ${ownerPid !== null ? `process ${ownerPid}` : 'another process'}` +
        `${ownerPort !== null ? ` (listening on port ${ownerPort})` : ''}; ` +
        'stop it first, or pass --db DIR to use another store',
    );
    this.name = 'StoreBusyError';
  }
}

export function dataDirOf(db: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return resolveDataDir(db, { env, platform: process.platform, homedir: os.homedir() });
}

export async function openOwnedStore(dataDir: string, onLog?: StoreLogger): Promise<OwnedStore> {
  await ensureDataDir(dataDir);
  let lock: OwnerLock;
  try {
    lock = await OwnerLock.acquire(dataDir);
  } catch (err) {
    if (err instanceof OwnerLockHeldError) throw new StoreBusyError(dataDir, err.owner?.pid ?? null, err.owner?.port ?? null);
    throw err;
  }
  try {
    const { store, report } = await TrailStore.open({ dataDir, onLog });
    return {
      store,
      report,
      dataDir,
      lock,
      close: async () => {
        try {
          await store.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

export interface QueryAccess {
  readonly queries: TrailQueries;
  /** 'owner': this command opened the store; 'reader': it asks the process that owns it. */
  readonly via: 'owner' | 'reader';
  close(): Promise<void>;
}

/**
 * Read access to a store: open it when no one owns it; otherwise ask the owner
 * (an editor window or `agent-trail serve`) through its loopback query server.
 */
export async function openQueries(dataDir: string): Promise<QueryAccess> {
  try {
    const owned = await openOwnedStore(dataDir);
    return { queries: new LocalTrailQueries(async () => owned.store), via: 'owner', close: () => owned.close() };
  } catch (err) {
    if (!(err instanceof StoreBusyError)) throw err;
    const owner = await readOwner(dataDir);
    const secret = await readQuerySecret(dataDir);
    if (!owner?.queryPort || !secret) throw err;
    const remote = new RemoteTrailQueries({ host: '127.0.0.1', port: owner.queryPort, secret });
    return { queries: remote, via: 'reader', close: async () => remote.dispose() };
  }
}
