// Which requests are sampled for release analysis, and what each of their attempts leaves behind.
// The choice is made once per request (the model's `sampleRate` from the routing table, else the
// engine's): a sampled request records every upstream attempt's outcome under one request id — the
// answer the client got, each failure on the way (attributed to the region and version that
// failed, even when a retry elsewhere saved the request) and its mirror copy's outcome. An
// unsampled request costs one random draw. Attempts that lost a hedge race, or were left because
// the request moved on, are no evidence against their version and leave nothing.
import type { AttemptOutcome, RaceRole } from './race-hooks.js';
import type { OutputSamples } from './output-samples.js';
import { sampleOutputs } from './output-samples.js';
import type { ModelView } from './table-views.js';
import type { ForwardRequest, SampledOutput, Target, UpstreamResponse } from './types.js';
import { UpstreamError, type FailureReason } from './upstream-error.js';

/** What a sampler needs to know. */
export interface SamplerOptions {
  store: OutputSamples;
  /** The engine's rate, for models whose table entry sets none. */
  sampleRate: number;
  sampleValuesPerOutput: number;
  random: () => number;
  /** Starts every request id: unique to this router process (ids are only compared within a model's samples). */
  idPrefix: string;
}

/**
 * The status a failed attempt is recorded with: the upstream's own for a 5xx, 502 (bad gateway) for
 * a refused, reset or broken connection or an oversized answer, 504 (gateway timeout) for a
 * timeout or an attempt still running at the request's deadline; undefined when it is no evidence
 * (lost to a hedge, moved off, or the request ended otherwise).
 */
export function failureStatus(reason: FailureReason, httpStatus: number | undefined, pastDeadline: boolean): number | undefined {
  switch (reason) {
    case 'http_5xx':
      return httpStatus ?? 500;
    case 'refused':
    case 'reset':
    case 'network':
    case 'too_large':
      return 502;
    case 'timeout':
      return 504;
    case 'aborted':
      return pastDeadline ? 504 : undefined;
    case 'slow':
      return undefined;
  }
}

/** Decides which requests are sampled and records their attempts. */
export class Sampler {
  private count = 0;

  constructor(private readonly o: SamplerOptions) {}

  /** A fresh request id when this request is sampled, else undefined. Only inference is sampled. */
  idFor(r: ForwardRequest, model: ModelView): string | undefined {
    if (r.action !== 'infer') return undefined;
    const rate = model.sampleRate ?? this.o.sampleRate;
    if (rate <= 0 || (rate < 1 && this.o.random() >= rate)) return undefined;
    return this.o.idPrefix + (++this.count).toString(36);
  }

  /** One attempt of a sampled request ended (`won`: its answer went to the client). */
  attempt(id: string, t: Target, role: RaceRole, out: AttemptOutcome, latencyMs: number, won: boolean, pastDeadline: boolean): void {
    if (out.ok) {
      // A twin that answered after the winner is no news: the winner is the request's answer.
      if (won) this.record(id, t, role, out.response.status, this.outputsOf(out.response), latencyMs);
      return;
    }
    const status = failureStatus(out.reason, out.status, pastDeadline);
    if (status !== undefined) this.record(id, t, role, status, [], latencyMs);
  }

  /** The mirror copy of a sampled request ended: its answer, or why it failed. */
  mirror(id: string, t: Target, outcome: UpstreamResponse | UpstreamError, latencyMs: number): void {
    if (outcome instanceof UpstreamError) {
      const status = failureStatus(outcome.reason, undefined, false);
      if (status !== undefined) this.record(id, t, 'mirror', status, [], latencyMs);
      return;
    }
    this.record(id, t, 'mirror', outcome.status, this.outputsOf(outcome), latencyMs);
  }

  private outputsOf(res: UpstreamResponse): SampledOutput[] {
    return res.status === 200 ? sampleOutputs(res.body, this.o.sampleValuesPerOutput) : [];
  }

  private record(requestId: string, t: Target, role: RaceRole | 'mirror', status: number, outputs: SampledOutput[], latencyMs: number): void {
    this.o.store.record(t.model, { requestId, region: t.region, version: t.version, latencyMs, status, outputs, mirror: role === 'mirror', role });
  }
}
