// A TelemetrySink decorator that records locally first and forwards second: the
// listener's answer is the inner sink's verdict, returned as soon as the inner
// sink has it; only requests the inner sink stored are queued for the upstream
// (a 'busy' request is retried by its client and forwarded when it is stored, so
// the upstream sees it once). Queuing is synchronous and bounded (OtlpForwarder),
// so an upstream outage never slows or blocks local recording.
import type { ReceivedRequest, SinkVerdict, TelemetrySink } from '../otlp/sink';
import type { OtlpForwarder } from './forwarder';

export class ForwardingSink implements TelemetrySink {
  constructor(
    private readonly inner: TelemetrySink,
    readonly forwarder: Pick<OtlpForwarder, 'enqueue'>,
  ) {}

  async accept(request: ReceivedRequest): Promise<SinkVerdict> {
    const verdict = await this.inner.accept(request);
    if (verdict.kind === 'stored') {
      try {
        this.forwarder.enqueue(request);
      } catch {
        // Forwarding is best effort; the request is stored, the answer stands.
      }
    }
    return verdict;
  }
}
