// Lets the listener answer before the store has opened: requests wait for the
// open (a few hundred ms at start-up) instead of being refused, and are refused
// with 503 + Retry-After only if it fails, so the agent retries later.
import type { ReceivedRequest, SinkVerdict, TelemetrySink } from '../otlp/sink';

export class PendingStoreSink implements TelemetrySink {
  constructor(private readonly store: () => Promise<TelemetrySink>) {}

  async accept(request: ReceivedRequest): Promise<SinkVerdict> {
    let sink: TelemetrySink;
    try {
      sink = await this.store();
    } catch {
      return { kind: 'busy', retryAfterSeconds: 10, reason: 'the Agent Trail store could not be opened; see its log' };
    }
    return sink.accept(request);
  }
}
