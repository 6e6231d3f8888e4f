// Traffic mirroring (Envoy's request_mirror_policies, Seldon's `mirror {name, percent}`): a copy
// of `percent`% of a region's inference requests goes to the mirror version, fire and forget. The
// copy never changes the client's response or its latency: it is not awaited, has no retries and
// takes nothing from the retry budget, and at most `mirrorMaxInFlight` copies are held at once.
// Its answers are recorded as samples flagged `mirror`, for comparing the candidate's outputs.
import { setMaxListeners } from 'node:events';
import type { RoutingRegion } from '../../core/routing-table.js';
import type { EngineMetrics } from './engine-metrics.js';
import { pickEndpoint } from './endpoint-picker.js';
import { oipPath, targetKey, type Dispatch, type ForwardRequest, type Target, type UpstreamResponse } from './types.js';
import { toUpstreamError } from './upstream-error.js';

/** What mirroring needs from the engine. */
export interface MirrorOptions {
  /** The observed attempt stack (delay, timeout, outlier detection on the mirror's endpoints). */
  dispatch: Dispatch;
  maxInFlight: number;
  random: () => number;
  monotonicMs: () => number;
  endpointUsable: (t: Target) => boolean;
  outstanding: (key: string) => number;
  timeoutMs: (t: Target) => number;
  metrics: EngineMetrics;
  /** An answer of the mirror version (any status), with the attempt's latency. */
  onAnswer: (t: Target, res: UpstreamResponse, latencyMs: number) => void;
}

/** Sends mirror copies; {@link stop} abandons those in flight. */
export class Mirror {
  private readonly running = new Set<Promise<void>>();
  private readonly stopper = new AbortController();

  constructor(private readonly o: MirrorOptions) {
    setMaxListeners(0, this.stopper.signal); // one listener per copy in flight, up to maxInFlight
  }

  /** Maybe sends a copy of `r` to `region`'s mirror version; returns at once. */
  maybeSend(region: RoutingRegion, r: ForwardRequest): void {
    const m = region.mirror;
    if (m === undefined || r.action !== 'infer' || this.o.random() * 100 >= m.percent) return;
    const labels = { model: r.model, region: region.region, version: m.version };
    if (this.running.size >= this.o.maxInFlight) return this.o.metrics.mirrors.inc({ ...labels, result: 'skipped_busy' });
    const candidates = m.endpoints
      .map((endpoint): Target => ({ model: r.model, region: region.region, version: m.version, endpoint, key: targetKey(r.model, m.version, endpoint) }))
      .filter((t) => this.o.endpointUsable(t));
    const t = pickEndpoint(candidates, this.o.outstanding, this.o.random);
    if (t === undefined) return this.o.metrics.mirrors.inc({ ...labels, result: 'no_endpoint' });
    const started = this.o.monotonicMs();
    const req = { target: t, role: 'mirror' as const, action: 'infer' as const, method: r.method, path: oipPath(r.model, m.version, 'infer'), headers: r.headers, body: r.body, timeoutMs: this.o.timeoutMs(t) };
    const p = this.o
      .dispatch(req, this.stopper.signal)
      .then(
        (res) => {
          this.o.metrics.mirrors.inc({ ...labels, result: res.status >= 500 ? 'http_5xx' : 'ok' });
          this.o.onAnswer(t, res, this.o.monotonicMs() - started);
        },
        (e: unknown) => this.o.metrics.mirrors.inc({ ...labels, result: toUpstreamError(e, t.endpoint.id).reason }),
      )
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Abandons every copy in flight and waits for them to settle. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await Promise.all(this.running);
  }
}
