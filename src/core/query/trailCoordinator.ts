// One store per machine, one writer: the process that takes the owner lock is
// the OWNER (opens the store, runs the OTLP listener with the store as sink,
// serves queries on loopback); every other process is a READER (asks the owner,
// polls its data version). When the owner goes away (lock released, pid gone, or
// its query server refusing connections for a while) a reader takes over: takes
// the lock, opens the store (the journal replay keeps every acknowledged batch)
// and binds the listener port, retrying while the old owner lets go of it.
//
// Every state change runs through one queue, so start/stop/config changes/
// pause/take-over never interleave.
import os from 'node:os';
import { Emitter, type Disposable, type Event } from '../otlp/emitter';
import { OtlpHttpListener, type ListenerAddress, type RequestEvent } from '../otlp/httpReceiver';
import { PortInUseError } from '../otlp/portInUse';
import { GrpcListener } from '../otlp/grpcReceiver';
import type { TelemetrySink } from '../otlp/sink';
import { displayUrl, OtlpForwarder } from '../forward/forwarder';
import { ForwardingSink } from '../forward/forwardingSink';
import { ensureDataDir } from '../store/dataDir';
import { isProcessAlive, OwnerLock, OwnerLockHeldError, readOwner, type OwnerInfo } from '../store/ownerLock';
import { TrailStore } from '../store/trailStore';
import { PendingStoreSink } from './pendingStoreSink';
import type { QueryBackend } from './queryProtocol';
import { ensureQuerySecret, readQuerySecret } from './querySecret';
import { QueryServer } from './queryServer';
import { QueryRequestError, RemoteTrailQueries } from './remoteTrailQueries';
import { LocalTrailQueries, type FileQuery, type PromptQuery, type TrailQueries } from './trailQueries';
import type { ListenerState, OwnerStatus, OwnerSummary, TrailRole } from './trailState';

export type TrailLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
/** component: a short tag such as 'listener', 'store', 'owner', 'query'. */
export type TrailLogger = (level: TrailLogLevel, component: string, message: string) => void;

export interface ListenerSettings {
  readonly enabled: boolean;
  readonly port: number;
  readonly bearerToken: string;
  /** OTLP/gRPC port beside the HTTP listener (Gemini CLI's default is 4317); null = off. */
  readonly grpcPort?: number | null;
  /** Every stored request is also passed on to this OTLP/HTTP collector; '' = off. */
  readonly forwardUrl?: string;
}

export interface TrailCoordinatorOptions {
  readonly dataDir: string;
  readonly listener: ListenerSettings;
  readonly workspaceRoots?: readonly string[];
  readonly wasmPath?: string;
  readonly log?: TrailLogger;
  /** How often a reader asks the owner for its data version (default 1000 ms). */
  readonly pollIntervalMs?: number;
  /** onDidChangeData fires at most this often (default 250 ms). */
  readonly dataDebounceMs?: number;
  /** Binding a taken port is retried this many times, this far apart (the old owner releasing it). */
  readonly bindAttempts?: number;
  readonly bindRetryDelayMs?: number;
  /** A live-looking owner whose query server refuses connections this long is taken over (a reused pid). */
  readonly unreachableOwnerMs?: number;
  /** stop() lets requests in flight finish for at most this long. */
  readonly stopDrainMs?: number;
}

/** Queries made while no store is reachable (stopped, or the owner does not answer yet). */
export class TrailUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrailUnavailableError';
  }
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class TrailCoordinator {
  readonly dataDir: string;
  /** Works in every role; see TrailService.queries. */
  readonly queries: TrailQueries;

  private settings: ListenerSettings;
  /** The companions of the HTTP listener: gRPC and forwarding (see startCompanions). */
  private grpcListener: GrpcListener | undefined;
  private forwarder: OtlpForwarder | undefined;
  private readonly options: TrailCoordinatorOptions;
  private readonly log: TrailLogger;
  private readonly pollIntervalMs: number;
  private readonly dataDebounceMs: number;
  private readonly bindAttempts: number;
  private readonly bindRetryDelayMs: number;
  private readonly unreachableOwnerMs: number;
  private readonly stopDrainMs: number;

  private currentRole: TrailRole = 'stopped';
  private currentListener: ListenerState = { kind: 'starting' };
  private currentOwner: OwnerSummary | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private starting: Promise<void> | undefined;
  /** False once stop() was called: queued polls and timers do nothing. */
  private active = false;
  private paused = false;

  // owner
  private lock: OwnerLock | undefined;
  private exitHook: (() => void) | undefined;
  private storeOpening: Promise<TrailStore> | undefined;
  private store: TrailStore | undefined;
  private listener: OtlpHttpListener | undefined;
  private listenerSubscriptions: Disposable[] = [];
  private queryServer: QueryServer | undefined;
  private readonly local: LocalTrailQueries;

  // reader
  private remote: RemoteTrailQueries | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private seenToken: string | undefined;
  private seenVersion: number | undefined;
  private unreachableSinceMs: number | undefined;
  private lastOwnerListener: ListenerState | undefined;

  private dataTimer: NodeJS.Timeout | undefined;
  private readonly stateChanged = new Emitter<void>();
  private readonly dataChangedEmitter = new Emitter<void>();
  /** role, owner or listener state changed. */
  readonly onDidChangeState: Event<void> = this.stateChanged.event;
  /** New or removed data (debounced). */
  readonly onDidChangeData: Event<void> = this.dataChangedEmitter.event;

  constructor(options: TrailCoordinatorOptions) {
    this.options = options;
    this.dataDir = options.dataDir;
    this.settings = options.listener;
    this.log = options.log ?? (() => undefined);
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.dataDebounceMs = options.dataDebounceMs ?? 250;
    this.bindAttempts = Math.max(1, options.bindAttempts ?? 20);
    this.bindRetryDelayMs = options.bindRetryDelayMs ?? 250;
    this.unreachableOwnerMs = options.unreachableOwnerMs ?? 10_000;
    this.stopDrainMs = options.stopDrainMs ?? 1_000;
    this.local = new LocalTrailQueries(() => this.ownedStore());
    this.queries = this.switchingQueries();
  }

  get role(): TrailRole {
    return this.currentRole;
  }

  get listenerState(): ListenerState {
    return this.currentListener;
  }

  get owner(): OwnerSummary | undefined {
    return this.currentOwner;
  }

  /** The listener's address when this process listens. */
  get listenerAddress(): ListenerAddress | undefined {
    return this.listener?.address;
  }

  get listenerSettings(): ListenerSettings {
    return this.settings;
  }

  /** Decides the role (owner or reader) and starts; resolves once the role is known. */
  start(): Promise<void> {
    if (this.starting) return this.starting;
    this.active = true;
    this.starting = this.serial(() => this.elect());
    return this.starting;
  }

  /** Resolves once start() has settled the role (immediately when never started). */
  async whenReady(): Promise<void> {
    await this.starting;
  }

  /**
   * Ends this process's part: an owner stops its listener (letting requests in
   * flight finish), flushes and closes the store, then releases the lock, in
   * that order so the next owner finds the port free and the store complete.
   */
  stop(): Promise<void> {
    this.active = false;
    this.starting = undefined;
    clearTimeout(this.pollTimer);
    return this.serial(() => this.teardown());
  }

  /** Applies listener settings: a new port or token restarts the listener, enabled=false stops it. */
  updateListenerSettings(next: ListenerSettings): Promise<void> {
    return this.serial(async () => {
      const prev = this.settings;
      this.settings = next;
      if (this.currentRole !== 'owner') return;
      if (!next.enabled) {
        if (prev.enabled) this.log('info', 'listener', 'turned off (agentTrail.listener.enabled is false)');
        await this.stopListener();
        this.setListener({ kind: 'disabled' });
        return;
      }
      if (this.paused) return;
      if (!this.listener) {
        await this.startListener(1);
        return;
      }
      if ((prev.grpcPort ?? null) !== (next.grpcPort ?? null) || (prev.forwardUrl ?? '') !== (next.forwardUrl ?? '') || prev.bearerToken !== next.bearerToken) {
        // The companions hold the sink and the token: rebuild the lot (requests in flight finish first).
        await this.stopListener();
        await this.startListener(1);
        return;
      }
      if (prev.port === next.port) return;
      await this.restartListener();
    });
  }

  /** Stops the machine's listener until resume(); a reader asks the owner to. */
  pause(): Promise<void> {
    return this.serial(async () => {
      if (this.currentRole === 'reader') {
        await this.requireRemote().pauseListening();
        await this.pollOnce();
        return;
      }
      this.paused = true;
      if (this.currentRole !== 'owner') return;
      await this.stopListener();
      this.setListener({ kind: 'paused' });
      this.log('info', 'listener', 'paused');
    });
  }

  /** Starts the listener again (also: retries after a start-up error such as a taken port). */
  resume(): Promise<void> {
    return this.serial(async () => {
      if (this.currentRole === 'reader') {
        await this.requireRemote().resumeListening();
        await this.pollOnce();
        return;
      }
      this.paused = false;
      if (this.currentRole !== 'owner' || this.listener?.address) return;
      await this.startListener(1);
    });
  }

  /** Removes every recorded record, model row and journal entry (in the owner). */
  clearData(): Promise<void> {
    return this.serial(async () => {
      if (this.currentRole === 'reader') {
        await this.requireRemote().clearData();
        await this.pollOnce();
        return;
      }
      const store = await this.ownedStore();
      await store.clear();
      this.log('info', 'store', 'all recorded data was cleared');
      this.dataChanged();
    });
  }

  dispose(): void {
    void this.stop();
    clearTimeout(this.dataTimer);
    this.stateChanged.dispose();
    this.dataChangedEmitter.dispose();
  }

  // ------------------------------------------------------------------ election

  private async elect(): Promise<void> {
    this.setRole('starting');
    this.setListener({ kind: 'starting' });
    let lock: OwnerLock;
    try {
      await ensureDataDir(this.dataDir);
      lock = await OwnerLock.acquire(this.dataDir);
    } catch (err) {
      if (err instanceof OwnerLockHeldError) {
        this.log('info', 'owner', `another process owns ${this.dataDir}${err.owner ? ` (pid ${err.owner.pid})` : ''}: reading through it`);
        await this.becomeReader(err.owner);
        return;
      }
      this.log('error', 'owner', `cannot use the data directory ${this.dataDir}: ${errorText(err)}`);
      this.setListener({ kind: 'error', message: `cannot use the data directory ${this.dataDir}: ${errorText(err)}`, port: null, holder: null });
      this.setRole('stopped');
      return;
    }
    await this.becomeOwner(lock);
  }

  private async becomeOwner(lock: OwnerLock): Promise<void> {
    this.lock = lock;
    const hook = (): void => lock.releaseSync();
    this.exitHook = hook;
    process.on('exit', hook);
    this.currentOwner = { pid: lock.info.pid, hostname: lock.info.hostname, startedAtMs: lock.info.startedAtMs, isThisProcess: true };
    this.setRole('owner');
    this.log('info', 'owner', `this process (pid ${process.pid}) owns ${this.dataDir}`);
    // The store opens while the port binds: requests wait for it (PendingStoreSink).
    const opening = this.openStore(lock);
    this.storeOpening = opening;
    opening.catch(() => undefined);
    await this.startListener(this.bindAttempts);
    await this.startQueryServer(lock);
  }

  private async openStore(lock: OwnerLock): Promise<TrailStore> {
    const started = performance.now();
    try {
      const { store, report } = await TrailStore.open({
        dataDir: this.dataDir,
        workspaceRoots: this.options.workspaceRoots,
        wasmPath: this.options.wasmPath,
        onLog: (level, message) => this.log(level, 'store', message),
      });
      if (this.lock !== lock) {
        // Stopped while opening.
        await store.close();
        throw new TrailUnavailableError('the store was closed while it opened');
      }
      store.onDidIngest(() => this.dataChanged());
      this.store = store;
      this.log(
        'info',
        'store',
        `opened ${this.dataDir} in ${(performance.now() - started).toFixed(0)} ms (${report.replayedEntries} journal entries replayed, version ${store.dataVersion})`,
      );
      this.dataChanged();
      return store;
    } catch (err) {
      if (!(err instanceof TrailUnavailableError)) {
        this.log('error', 'store', `cannot open the store in ${this.dataDir}: ${errorText(err)}`);
        this.setListener({ kind: 'error', message: `the store cannot be opened: ${errorText(err)}`, port: this.listener?.address?.port ?? null, holder: null });
      }
      throw err;
    }
  }

  private ownedStore(): Promise<TrailStore> {
    if (this.currentRole !== 'owner' || !this.storeOpening) return Promise.reject(new TrailUnavailableError('this process does not own the store'));
    return this.storeOpening;
  }

  private async startQueryServer(lock: OwnerLock): Promise<void> {
    try {
      const secret = await ensureQuerySecret(this.dataDir);
      const server = new QueryServer(this.queryBackend(), { secret });
      server.onDidAnswer((e) => {
        if (e.status === 200) this.log('trace', 'query', `${e.method} ${e.durationMs.toFixed(1)} ms`);
        else this.log('warn', 'query', `${e.status} ${e.method || '-'}: ${e.message ?? ''}`);
      });
      const port = await server.start();
      this.queryServer = server;
      await lock.update({ queryPort: port, port: this.listener?.address?.port ?? null });
      this.log('info', 'query', `readers are served on 127.0.0.1:${port}`);
    } catch (err) {
      this.log('error', 'query', `cannot serve other windows: ${errorText(err)}`);
    }
  }

  private queryBackend(): QueryBackend {
    return {
      queries: this.local,
      ownerStatus: (): OwnerStatus => ({
        pid: process.pid,
        hostname: os.hostname(),
        startedAtMs: this.lock?.info.startedAtMs ?? 0,
        token: this.lock?.info.token ?? '',
        dataVersion: this.store?.dataVersion ?? 0,
        listener: this.currentListener,
      }),
      pauseListening: () => this.pause(),
      resumeListening: () => this.resume(),
      clearData: () => this.clearData(),
    };
  }

  // ------------------------------------------------------------------ listener (owner)

  private async startListener(attempts: number): Promise<void> {
    const s = this.settings;
    if (!s.enabled) {
      this.setListener({ kind: 'disabled' });
      return;
    }
    if (this.paused) {
      this.setListener({ kind: 'paused' });
      return;
    }
    this.setListener({ kind: 'starting' });
    let listener: OtlpHttpListener;
    const sink = this.listenerSink(s);
    try {
      listener = new OtlpHttpListener(sink, { port: s.port, bearerToken: s.bearerToken });
    } catch (err) {
      await this.stopCompanions();
      this.failListener(err, s.port);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const address = await listener.start();
        this.listener = listener;
        this.listenerSubscriptions = this.watchListener(listener);
        this.log('info', 'listener', `listening on ${address.url}${attempt > 1 ? ` (after ${attempt} attempts)` : ''}`);
        const warning = await this.startGrpc(s, sink);
        this.setListener({ kind: 'listening', port: address.port, url: address.url, ...(this.grpcListener?.address ? { grpcPort: this.grpcListener.address.port } : {}), ...(warning ? { warning } : {}) });
        await this.lock?.update({ port: address.port });
        return;
      } catch (err) {
        if (err instanceof PortInUseError && attempt < attempts && this.active) {
          await sleep(this.bindRetryDelayMs);
          continue;
        }
        await this.stopCompanions();
        this.failListener(err, s.port);
        return;
      }
    }
  }

  /** The store, with forwarding to the team's collector in front when configured (it never delays the answer). */
  private listenerSink(s: ListenerSettings): TelemetrySink {
    const local = new PendingStoreSink(() => this.ownedStore());
    if (!s.forwardUrl) return local;
    try {
      this.forwarder = new OtlpForwarder({ url: s.forwardUrl });
      this.forwarder.onDidLog((e) => this.log('warn', 'forward', e.message));
      this.log('info', 'forward', `passing every stored request on to ${displayUrl(this.forwarder.url)}`);
      return new ForwardingSink(local, this.forwarder);
    } catch (err) {
      this.log('error', 'forward', `not forwarding: ${errorText(err)}`);
      return local;
    }
  }

  /** OTLP/gRPC beside HTTP; a taken gRPC port is a warning, not a reason to stop recording over HTTP. */
  private async startGrpc(s: ListenerSettings, sink: TelemetrySink): Promise<string | undefined> {
    if (s.grpcPort === null || s.grpcPort === undefined) return undefined;
    const grpc = new GrpcListener(sink, { port: s.grpcPort, bearerToken: s.bearerToken });
    try {
      const address = await grpc.start();
      this.grpcListener = grpc;
      this.log('info', 'listener', `OTLP/gRPC on 127.0.0.1:${address.port}`);
      return undefined;
    } catch (err) {
      this.log('warn', 'listener', `no OTLP/gRPC: ${errorText(err)}`);
      return `OTLP/gRPC is off: ${errorText(err)}`;
    }
  }

  private async stopCompanions(drainMs?: number): Promise<void> {
    const grpc = this.grpcListener;
    const forwarder = this.forwarder;
    this.grpcListener = undefined;
    this.forwarder = undefined;
    await grpc?.stop(drainMs);
    await forwarder?.close(drainMs ?? 1_000);
  }

  private failListener(err: unknown, port: number): void {
    const holder = err instanceof PortInUseError ? err.holder ?? null : null;
    this.setListener({ kind: 'error', message: errorText(err), port, holder });
    this.log('warn', 'listener', `not listening: ${errorText(err)}`);
  }

  private async restartListener(): Promise<void> {
    const listener = this.listener as OtlpHttpListener;
    const { port, bearerToken } = this.settings;
    try {
      const address = await listener.restart({ port, bearerToken });
      this.log('info', 'listener', `now listening on ${address.url}`);
      this.setListener({ kind: 'listening', port: address.port, url: address.url });
      await this.lock?.update({ port: address.port });
    } catch (err) {
      const still = listener.address;
      if (still) {
        // A different port could not be bound: the old server keeps running.
        this.setListener({ kind: 'listening', port: still.port, url: still.url, warning: `could not move to port ${port}: ${errorText(err)}` });
        this.log('warn', 'listener', `could not move to port ${port}, still on ${still.port}: ${errorText(err)}`);
      } else {
        await this.stopListener();
        this.failListener(err, port);
      }
    }
  }

  private watchListener(listener: OtlpHttpListener): Disposable[] {
    return [
      listener.onDidHandleRequest((e: RequestEvent) => {
        const what = `${e.status} ${e.method} ${e.path}${e.encoding ? ` ${e.encoding}` : ''}: ${e.records} records${e.rejected ? ` (${e.rejected} rejected)` : ''}, ${e.durationMs.toFixed(1)} ms`;
        if (e.status === 200) this.log('trace', 'listener', what);
        else this.log(e.status === 0 ? 'info' : 'warn', 'listener', `${what}${e.message ? ` — ${e.message}` : ''}`);
      }),
      listener.onDidFail((f) => this.log('warn', 'listener', `${f.context}: ${errorText(f.error)}`)),
    ];
  }

  /** `recordInLock`: false when the lock is about to be released anyway (teardown). */
  private async stopListener(drainMs?: number, recordInLock = true): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    for (const d of this.listenerSubscriptions.splice(0)) d.dispose();
    await this.stopCompanions(drainMs);
    if (!listener) return;
    await listener.stop(drainMs);
    if (recordInLock) await this.lock?.update({ port: null }).catch(() => undefined);
  }

  // ------------------------------------------------------------------ reader

  private async becomeReader(seen: OwnerInfo | null): Promise<void> {
    this.setRole('reader');
    this.currentOwner = seen ? this.summaryOf(seen) : undefined;
    this.setListener({ kind: 'unknown', message: 'waiting for the window that records' });
    await this.pollOnce();
    this.schedulePoll();
  }

  private schedulePoll(): void {
    clearTimeout(this.pollTimer);
    if (!this.active || this.currentRole !== 'reader') return;
    this.pollTimer = setTimeout(() => {
      void this.serial(() => this.pollOnce())
        .catch((err: unknown) => this.log('warn', 'owner', `checking the owner failed: ${errorText(err)}`))
        .finally(() => this.schedulePoll());
    }, this.pollIntervalMs);
    this.pollTimer.unref?.();
  }

  /** One look at the lock and the owner; takes over when the owner is gone. */
  private async pollOnce(): Promise<void> {
    if (!this.active || this.currentRole !== 'reader') return;
    let info: OwnerInfo | null;
    try {
      info = await readOwner(this.dataDir);
    } catch (err) {
      this.setListener({ kind: 'unknown', message: `cannot read the owner lock: ${errorText(err)}` });
      return;
    }
    if (!info) {
      await this.takeOver(undefined);
      return;
    }
    if (info.token !== this.seenToken) {
      this.seenToken = info.token;
      this.seenVersion = undefined;
      this.unreachableSinceMs = undefined;
      this.dropRemote();
      this.currentOwner = this.summaryOf(info);
      this.stateChanged.fire();
      this.log('info', 'owner', `the store is recorded by pid ${info.pid}${info.hostname !== os.hostname() ? ` on ${info.hostname}` : ''}`);
    }
    if (info.hostname !== os.hostname()) {
      this.setListener({ kind: 'unknown', message: `the store is recorded on another machine (${info.hostname}, pid ${info.pid})` });
      return;
    }
    if (info.queryPort === undefined || info.queryPort === null) {
      this.dropRemote();
      this.setListener(
        info.port !== null
          ? { kind: 'listening', port: info.port, url: `http://127.0.0.1:${info.port}` }
          : { kind: 'unknown', message: `pid ${info.pid} owns the store but does not serve other windows (yet)` },
      );
      return;
    }
    const remote = await this.remoteFor(info.queryPort);
    if (!remote) {
      this.setListener({ kind: 'unknown', message: 'the query secret is missing from the data directory' });
      return;
    }
    try {
      const status = await remote.ownerInfo(2_000);
      this.unreachableSinceMs = undefined;
      this.lastOwnerListener = status.listener;
      this.setListener(status.listener);
      if (status.dataVersion !== this.seenVersion) {
        this.seenVersion = status.dataVersion;
        this.dataChanged();
      }
    } catch (err) {
      if (err instanceof QueryRequestError && err.kind === 'unreachable') {
        const now = Date.now();
        this.unreachableSinceMs ??= now;
        if (now - this.unreachableSinceMs >= this.unreachableOwnerMs) {
          this.log('warn', 'owner', `pid ${info.pid} holds the lock but has not answered for ${now - this.unreachableSinceMs} ms: taking over`);
          await this.takeOver(info);
          return;
        }
      }
      if (err instanceof QueryRequestError && err.status === 401) this.dropRemote(); // re-read the secret
      this.setListener({ kind: 'unknown', message: `the window that records (pid ${info.pid}) does not answer: ${errorText(err)}` });
    }
  }

  private async remoteFor(queryPort: number): Promise<RemoteTrailQueries | undefined> {
    if (this.remote && this.remote.endpoint.port === queryPort) return this.remote;
    this.dropRemote();
    const secret = await readQuerySecret(this.dataDir);
    if (!secret) return undefined;
    this.remote = new RemoteTrailQueries({ host: '127.0.0.1', port: queryPort, secret });
    return this.remote;
  }

  private dropRemote(): void {
    this.remote?.dispose();
    this.remote = undefined;
  }

  private requireRemote(): RemoteTrailQueries {
    if (!this.remote) throw new TrailUnavailableError('the window that records does not answer');
    return this.remote;
  }

  /** `stale`: an owner judged gone although its pid looks alive (it stopped answering). */
  private async takeOver(stale: OwnerInfo | undefined): Promise<void> {
    let lock: OwnerLock;
    try {
      lock = await OwnerLock.acquire(this.dataDir, {
        isProcessAlive: stale ? (pid) => pid !== stale.pid && isProcessAlive(pid) : isProcessAlive,
      });
    } catch (err) {
      if (!(err instanceof OwnerLockHeldError)) this.log('warn', 'owner', `could not take over the store: ${errorText(err)}`);
      return; // someone else won the race: they are the owner now, read through them
    }
    const previous = this.currentOwner;
    clearTimeout(this.pollTimer);
    this.dropRemote();
    this.seenToken = undefined;
    this.seenVersion = undefined;
    this.unreachableSinceMs = undefined;
    // A listener the user paused stays paused in the next owner.
    this.paused = this.paused || this.lastOwnerListener?.kind === 'paused';
    this.log('info', 'owner', `taking over the store${previous ? ` from pid ${previous.pid}` : ''}`);
    await this.becomeOwner(lock);
  }

  private summaryOf(info: OwnerInfo): OwnerSummary {
    return {
      pid: info.pid,
      hostname: info.hostname,
      startedAtMs: info.startedAtMs,
      isThisProcess: info.pid === process.pid && info.hostname === os.hostname() && info.token === this.lock?.info.token,
    };
  }

  // ------------------------------------------------------------------ teardown

  private async teardown(): Promise<void> {
    clearTimeout(this.pollTimer);
    this.dropRemote();
    this.seenToken = undefined;
    this.seenVersion = undefined;
    this.unreachableSinceMs = undefined;
    const lock = this.lock;
    if (lock) {
      const started = performance.now();
      await this.stopListener(this.stopDrainMs, false).catch((err: unknown) => this.log('warn', 'listener', `closing: ${errorText(err)}`));
      await this.queryServer?.stop().catch(() => undefined);
      this.queryServer = undefined;
      const store = await this.storeOpening?.catch(() => undefined);
      this.lock = undefined; // an open still under way closes itself
      this.storeOpening = undefined;
      this.store = undefined;
      if (store) await store.close().catch((err: unknown) => this.log('error', 'store', `flushing on close: ${errorText(err)}`));
      if (this.exitHook) process.off('exit', this.exitHook);
      this.exitHook = undefined;
      await lock.release().catch((err: unknown) => this.log('warn', 'owner', `releasing the lock: ${errorText(err)}`));
      this.log('info', 'owner', `stopped in ${(performance.now() - started).toFixed(0)} ms: listener closed, store flushed, lock released`);
    }
    this.currentOwner = undefined;
    this.paused = false;
    this.setListener({ kind: 'starting' });
    this.setRole('stopped');
  }

  // ------------------------------------------------------------------ plumbing

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private setRole(role: TrailRole): void {
    if (this.currentRole === role) return;
    this.currentRole = role;
    this.stateChanged.fire();
  }

  private setListener(state: ListenerState): void {
    if (JSON.stringify(state) === JSON.stringify(this.currentListener)) return;
    this.currentListener = state;
    this.stateChanged.fire();
  }

  private dataChanged(): void {
    if (this.dataTimer) return;
    this.dataTimer = setTimeout(() => {
      this.dataTimer = undefined;
      this.dataChangedEmitter.fire();
    }, this.dataDebounceMs);
    this.dataTimer.unref?.();
  }

  /** Routes each call to the store (owner) or the owner (reader); a vanished owner is looked for once more. */
  private switchingQueries(): TrailQueries {
    const backend = async (): Promise<TrailQueries> => {
      if (!this.starting) throw new TrailUnavailableError('Agent Trail is stopped');
      await this.starting;
      if (this.currentRole === 'owner') return this.local;
      if (this.currentRole === 'reader' && this.remote) return this.remote;
      throw new TrailUnavailableError(this.currentRole === 'reader' ? 'the window that records does not answer' : 'Agent Trail is stopped');
    };
    const run = async <T>(call: (q: TrailQueries) => Promise<T>): Promise<T> => {
      const q = await backend();
      try {
        return await call(q);
      } catch (err) {
        const ownerGone = q instanceof RemoteTrailQueries && err instanceof QueryRequestError && err.kind !== 'http';
        if (!ownerGone) throw err;
        await this.serial(() => this.pollOnce());
        const again = await backend();
        if (again === q) throw err;
        return call(again);
      }
    };
    return {
      listSessions: () => run((q) => q.listSessions()),
      listPrompts: (query?: PromptQuery) => run((q) => q.listPrompts(query)),
      promptDetails: (id: string) => run((q) => q.promptDetails(id)),
      promptSteps: (id: string) => run((q) => q.promptSteps(id)),
      filesTouched: (query?: FileQuery) => run((q) => q.filesTouched(query)),
      touchesForFile: (path: string) => run((q) => q.touchesForFile(path)),
      dataVersion: () => run((q) => q.dataVersion()),
    };
  }
}
