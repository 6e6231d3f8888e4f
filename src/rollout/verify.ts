// Verification: the gate between provisioning a region and routing traffic to it (ARCHITECTURE.md,
// "no region takes traffic before it is verified"). Three checks in order, over real HTTP to every
// replica's OIP endpoint: ready, golden predictions, latency smoke test. The first failure stops
// the rest, which are reported as skipped. Takes plain data (replica URLs), not the provider, so
// the same gate serves local processes and Kubernetes pods.
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { MeridianError } from '../core/errors.js';
import type { GoldenExample, Tolerance } from '../artifacts/golden.js';
import { DEFAULT_TOLERANCE } from '../artifacts/golden.js';
import { checkGolden, checkLatency, checkReady, type CheckContext, type CheckOutcome } from './verify-checks.js';

/** A replica to verify: the provider's id (named in failure reasons) and its OIP base URL. */
export interface ReplicaEndpoint {
  id: string;
  url: string;
}

export interface VerifyRegionOptions {
  model: string;
  version: string;
  replicas: readonly ReplicaEndpoint[];
  /** The artifact's golden examples (at least one). */
  golden: readonly GoldenExample[];
  readyTimeoutMs?: number;
  /** Timeout of every single HTTP call. */
  requestTimeoutMs?: number;
  latency: { requests?: number; p99BudgetMs: number };
  tolerance?: Tolerance;
  /** Cancels verification: `verifyRegion` then rejects with the signal's reason. */
  signal?: AbortSignal;
  clock?: Clock;
}

export const VERIFY_DEFAULTS = {
  /** Provisioning already waited for readiness; this only covers a replica still finishing warm-up. */
  readyTimeoutMs: 10_000,
  /** Kubernetes probes every 10 s; we poll faster because a rollout waits on this. */
  pollIntervalMs: 50,
  /** A healthy replica answers a few rows in milliseconds; a second is ample and bounds a hung one. */
  requestTimeoutMs: 1_000,
  /** Enough for a smoke test; nearest-rank p99 of 20 samples is their maximum. */
  latencyRequests: 20,
} as const;

export type CheckName = 'ready' | 'golden' | 'latency';

export type CheckStatus =
  /** Ran and passed. */
  | 'passed'
  /** Ran and failed: `detail` says which replica and why. */
  | 'failed'
  /** Not run because an earlier check failed. */
  | 'skipped';

export interface VerificationCheck {
  name: CheckName;
  status: CheckStatus;
  /** status === 'passed'. */
  ok: boolean;
  detail: string;
  durationMs: number;
  /** What the check measured, e.g. { p50Ms, p99Ms, requests } for latency. */
  measured?: Record<string, number>;
}

export interface VerificationReport {
  ok: boolean;
  model: string;
  version: string;
  checks: VerificationCheck[];
  /** `<check>: <detail>` of the failed check; absent when ok. */
  reason?: string;
  durationMs: number;
}

/**
 * Verifies one region's replicas of `model:version`. Resolves with a report for passes and
 * failures alike; every HTTP call has a timeout, so it finishes within roughly
 * readyTimeoutMs + (golden examples + latency requests) × requestTimeoutMs.
 *
 * @throws MeridianError INVALID_ARGUMENT for unusable options (no replicas, no golden examples);
 *   rethrows `signal.reason` when cancelled.
 */
export async function verifyRegion(options: VerifyRegionOptions): Promise<VerificationReport> {
  const ctx = compile(options);
  const started = ctx.clock.monotonicMs();
  const steps: [CheckName, (c: CheckContext) => Promise<CheckOutcome>][] = [
    ['ready', checkReady],
    ['golden', checkGolden],
    ['latency', checkLatency],
  ];
  const checks: VerificationCheck[] = [];
  let reason: string | undefined;
  for (const [name, run] of steps) {
    if (reason !== undefined) {
      checks.push({ name, status: 'skipped', ok: false, detail: 'skipped: an earlier check failed', durationMs: 0 });
      continue;
    }
    const t0 = ctx.clock.monotonicMs();
    const outcome = await run(ctx);
    const status: CheckStatus = outcome.ok ? 'passed' : 'failed';
    checks.push({ name, status, ok: outcome.ok, detail: outcome.detail, durationMs: ctx.clock.monotonicMs() - t0, ...(outcome.measured ? { measured: outcome.measured } : {}) });
    if (!outcome.ok) reason = `${name}: ${outcome.detail}`;
  }
  const report: VerificationReport = { ok: reason === undefined, model: ctx.model, version: ctx.version, checks, durationMs: ctx.clock.monotonicMs() - started };
  if (reason !== undefined) report.reason = reason;
  return report;
}

function compile(o: VerifyRegionOptions): CheckContext {
  const where = `verifyRegion(${o.model}:${o.version})`;
  if (o.replicas.length === 0) throw new MeridianError('INVALID_ARGUMENT', `${where}: replicas is empty; provision the region before verifying it`);
  if (o.golden.length === 0) throw new MeridianError('INVALID_ARGUMENT', `${where}: golden is empty; push the model again so the registry computes golden examples`);
  const ids = new Set(o.replicas.map((r) => r.id));
  if (ids.size !== o.replicas.length) throw new MeridianError('INVALID_ARGUMENT', `${where}: replica ids repeat; failure reasons need unique ids`);
  const positive = (field: string, v: number, integer = false): number => {
    if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      throw new MeridianError('INVALID_ARGUMENT', `${where}: ${field} is ${v}; it must be a positive ${integer ? 'integer' : 'number'}`);
    }
    return v;
  };
  const base = (id: string, url: string): string =>
    `${url.replace(/\/+$/, '')}/v2/models/${encodeURIComponent(o.model)}/versions/${encodeURIComponent(o.version)}/${id}`;
  return {
    model: o.model,
    version: o.version,
    replicas: o.replicas.map((r) => ({ id: r.id, url: r.url, readyUrl: base('ready', r.url), inferUrl: base('infer', r.url) })),
    golden: o.golden,
    readyTimeoutMs: positive('readyTimeoutMs', o.readyTimeoutMs ?? VERIFY_DEFAULTS.readyTimeoutMs),
    pollIntervalMs: VERIFY_DEFAULTS.pollIntervalMs,
    requestTimeoutMs: positive('requestTimeoutMs', o.requestTimeoutMs ?? VERIFY_DEFAULTS.requestTimeoutMs),
    latencyRequests: positive('latency.requests', o.latency.requests ?? VERIFY_DEFAULTS.latencyRequests, true),
    p99BudgetMs: positive('latency.p99BudgetMs', o.latency.p99BudgetMs),
    tolerance: o.tolerance ?? DEFAULT_TOLERANCE,
    ...(o.signal ? { signal: o.signal } : {}),
    clock: o.clock ?? systemClock,
  };
}
