// The observable state of the machine-wide trail: who owns the store, and what
// its listener is doing. Plain JSON so a reader can receive it from the owner.
import type { PortHolder } from '../otlp/portInUse';

/** owner: this process writes the store and runs the listener; reader: it asks the owner. */
export type TrailRole = 'starting' | 'owner' | 'reader' | 'stopped';

export type ListenerState =
  | { readonly kind: 'starting' }
  /** warning: a settings change that could not be applied (the old port is kept). */
  | { readonly kind: 'listening'; readonly port: number; readonly url: string; readonly grpcPort?: number; readonly warning?: string }
  /** Paused by the user (command or status bar menu) until resumed or restarted. */
  | { readonly kind: 'paused' }
  /** agentTrail.listener.enabled is false. */
  | { readonly kind: 'disabled' }
  | { readonly kind: 'error'; readonly message: string; readonly port: number | null; readonly holder: PortHolder | null }
  /** A reader that has not heard from the owner yet (or the owner does not answer). */
  | { readonly kind: 'unknown'; readonly message: string };

/** The process that owns the store (this one or another). */
export interface OwnerSummary {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAtMs: number;
  readonly isThisProcess: boolean;
}

/** What an owner tells readers on every poll: one small answer, once a second. */
export interface OwnerStatus {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAtMs: number;
  /** The owner lock's token: changes when another process becomes the owner. */
  readonly token: string;
  readonly dataVersion: number;
  readonly listener: ListenerState;
}

export function describeListener(state: ListenerState): string {
  switch (state.kind) {
    case 'starting':
      return 'starting';
    case 'listening':
      return `listening on ${state.url}${state.warning ? ` (${state.warning})` : ''}`;
    case 'paused':
      return 'paused';
    case 'disabled':
      return 'off (agentTrail.listener.enabled is false)';
    case 'error':
      return state.message;
    case 'unknown':
      return state.message;
  }
}
