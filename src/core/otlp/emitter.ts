// A minimal typed event source (core cannot use vscode.EventEmitter).

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (e: T) => void) => Disposable;

export class Emitter<T> {
  private readonly listeners = new Set<(e: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  /** A throwing listener never reaches the emitter's caller (the request path). */
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // Listeners log; a broken logger must not break ingest.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
