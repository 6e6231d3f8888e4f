// Traffic mirroring (Envoy's request_mirror_policies, Seldon's `mirror {name, percent}`): a copy
// of `percent`% of a region's inference requests goes to the mirror version, fire and forget. The
// copy never changes the client's response or its latency: it is not awaited, has no retries and
// takes nothing from the retry budget, and at most `mirrorMaxInFlight` copies are held at once.
// Its outcomes — answers and failures alike — go to `onOutcome`, which records them as samples
// flagged `mirror` (under the request id of the answer they shadow) for comparing the candidate.
import { Cancel } from './cancel.js';
import type { EngineMetrics } from './engine-metrics.js';
import { pickEndpoint } from './endpoint-picker.js';
import type { LabelSets } from './metric-labels.js';
import type { RegionView } from './table-views.js';
import { oipPath, type Dispatch, type ForwardRequest, type Target, type UpstreamResponse } from './types.js';
import { UpstreamError, toUpstreamError } from './upstream-error.js';

/** What mirroring needs from the engine. */
export interface MirrorOptions {
  /** The observed attempt stack (delay, timeout, outlier detection on the mirror's endpoints). */
  dispatch: Dispatch;
  maxInFlight: number;
  random: () => number;
  monotonicMs: () => number;
  endpointUsable: (t: Target, region: RegionView) => boolean;
  outstanding: (key: string) => number;
  timeoutMs: (t: Target) => number;
  metrics: EngineMetrics;
  labels: LabelSets;
  /** A copy's outcome: the answer (any status), or why it failed; with the attempt's latency and the caller's tag (a sample id). */
  onOutcome: (t: Target, outcome: UpstreamResponse | UpstreamError, latencyMs: number, tag: string | undefined) => void;
}

const STOPPED = new UpstreamError('aborted', 'the router is stopping: mirror copy abandoned');

/** Sends mirror copies; {@link stop} abandons those in flight. */
export class Mirror {
  private readonly running = new Set<Promise<void>>();
  private readonly stopper = new Cancel();

  constructor(private readonly o: MirrorOptions) {}

  /** Maybe sends a copy of `r` to `region`'s mirror version; returns at once. `tag` comes back with the outcome. */
  maybeSend(region: RegionView, r: ForwardRequest, tag?: string): void {
    const m = region.mirror;
    if (m === undefined || r.action !== 'infer' || this.o.random() * 100 >= m.percent) return;
    const labels = (result: string): Record<string, string> => this.o.labels.of({ model: r.model, region: region.region.region, version: m.version, result });
    if (this.running.size >= this.o.maxInFlight) return this.o.metrics.mirrors.inc(labels('skipped_busy'));
    const t = pickEndpoint(
      m.targets.filter((x) => this.o.endpointUsable(x, region)),
      this.o.outstanding,
      this.o.random,
    );
    if (t === undefined) return this.o.metrics.mirrors.inc(labels('no_endpoint'));
    const started = this.o.monotonicMs();
    const req = { target: t, role: 'mirror' as const, action: 'infer' as const, method: r.method, path: oipPath(r.model, m.version, 'infer'), headers: r.headers, body: r.body, timeoutMs: this.o.timeoutMs(t) };
    // One cancel per copy, tied to the stopper: stop() reaches every copy in flight.
    const cancel = new Cancel();
    const onStop = (): void => cancel.abort(STOPPED);
    this.stopper.on(onStop);
    const p = this.o
      .dispatch(req, cancel)
      .then(
        (res) => {
          this.o.metrics.mirrors.inc(labels(res.status >= 500 ? 'http_5xx' : 'ok'));
          this.o.onOutcome(t, res, this.o.monotonicMs() - started, tag);
        },
        (e: unknown) => {
          const err = toUpstreamError(e, t.endpoint.id, cancel);
          this.o.metrics.mirrors.inc(labels(err.reason));
          this.o.onOutcome(t, err, this.o.monotonicMs() - started, tag);
        },
      )
      .finally(() => {
        this.stopper.off(onStop);
        this.running.delete(p);
      });
    this.running.add(p);
  }

  /** Abandons every copy in flight and waits for them to settle. */
  async stop(): Promise<void> {
    this.stopper.abort(STOPPED);
    await Promise.all(this.running);
  }
}
