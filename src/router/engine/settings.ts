// Every default of the forwarding engine, each with its reason (STYLE #3: Options → WithDefaults →
// Compiled). The budget we design to is Meridian's promise: fail a region over in under a second
// and drop no request doing it. ANCHORS.md "Global routing and failover" gives the figures cited.
import { MeridianError } from '../../core/errors.js';

/** The engine's tunables, resolved: no optional fields, durations in ms. */
export interface EngineSettings {
  /** Active health checks: time between two probes of one endpoint. */
  healthIntervalMs: number;
  /** Consecutive failed probes (timeouts, refused) before an endpoint counts as down. */
  healthUnhealthyThreshold: number;
  /** Consecutive passed probes before a down endpoint counts as up again. */
  healthHealthyThreshold: number;
  /** Probe timeout = 2 × emulated one-way delay + this margin. */
  healthTimeoutMarginMs: number;
  /** Weight of a new measurement in the smoothed RTT (EWMA). */
  rttSmoothing: number;
  /** Passive outlier detection: consecutive failed attempts before an endpoint is ejected. */
  outlierConsecutiveFailures: number;
  /** First ejection lasts this long; the n-th lasts n times as long. */
  outlierBaseEjectionMs: number;
  /** Ejections never last longer than this. */
  outlierMaxEjectionMs: number;
  /** At most this share of a region's endpoints is ejected at once (at least one); a region whose endpoints all fail is unhealthy regardless. */
  outlierMaxEjectionPercent: number;
  /** Retry budget: concurrent retries + hedges ≤ max(min, percent × active requests / 100). */
  retryBudgetPercent: number;
  retryBudgetMinConcurrent: number;
  /** Overall deadline of one forwarded request, every attempt included. */
  deadlineMs: number;
  /** Per-try timeout = multiple × recent p99 + 2 × delay (floored, capped by the deadline). */
  perTryP99Multiple: number;
  perTryFloorMs: number;
  /** Per-try timeout before a region has `latencyMinSamples` measurements. */
  coldPerTryTimeoutMs: number;
  /** Hedge after max(recent p95, floor) + 2 × delay without an answer. */
  hedgeFloorMs: number;
  /** Hedge delay before a region has `latencyMinSamples` measurements. */
  coldHedgeDelayMs: number;
  /** Hedges per request. */
  maxHedges: number;
  /** An attempt past its per-try timeout with no retry slot free looks for one again this often. */
  budgetRecheckMs: number;
  /** An endpoint that refused a connection, or timed out without answering anything meanwhile, is tried last for this long at most, unless an answer or a passing probe clears it; 0: never. */
  suspectMs: number;
  /** Measurements kept per model × region × action for the adaptive timeouts. */
  latencyWindow: number;
  /** Measurements needed before the percentiles are trusted. */
  latencyMinSamples: number;
  /** Output samples kept per model × region × version. */
  sampleCapacity: number;
  /** Values kept from each output tensor of a sample. */
  sampleValuesPerOutput: number;
  /** Share of inference requests whose attempt outcomes and outputs are sampled (0..1); a model's `sampleRate` in the routing table overrides it. */
  sampleRate: number;
  /** While the router's own event loop is this far behind (ms), attempts are neither hedged nor timed out early: their wait is the router's. */
  overloadLagMs: number;
  /** While the event loop has been this far behind (ms) for two ticks in a row, new requests are refused at once with 503 OVERLOADED and Retry-After; 0: never. */
  shedLagMs: number;
  /** Mirror copies in flight at once; beyond it a copy is skipped. */
  mirrorMaxInFlight: number;
  /** How long a mirror copy may take (ms): fixed, not the stable version's adaptive per-try timeout. */
  mirrorTimeoutMs: number;
  /** Upstream response bodies larger than this are refused. */
  maxResponseBytes: number;
}

/** The defaults, each with the reason for its value. */
export const ENGINE_DEFAULTS: Readonly<EngineSettings> = Object.freeze({
  // Sub-second detection. ANCHORS "physical limits": detection ≥ (threshold−1) × interval + timeout
  // = 250 + (2×delay + 100) ms, well under a second for any delay on Earth (≤ ~150 ms one way).
  // Route 53's 10–30 s and GCP's 5 s are for DNS and LBs that do not retry; a ready probe costs
  // the replica microseconds, so 4 per second per router is cheap.
  healthIntervalMs: 250,
  // GCP's default (unhealthy after 2): one lost probe is noise, two in a row is a pattern.
  healthUnhealthyThreshold: 2,
  // GCP's and Route 53's symmetry: as much evidence to come back as to go away.
  healthHealthyThreshold: 2,
  // A ready probe answers in ~1 ms; the margin absorbs event-loop and GC pauses of either process.
  healthTimeoutMarginMs: 100,
  // RFC 6298's SRTT gain (alpha = 1/8): smooth enough to ignore one slow probe, fast enough
  // (~8 samples, i.e. ~2 s of probes) to follow a real path change.
  rttSmoothing: 1 / 8,
  // Envoy and GCP use 5. Each failure costs a retry from a budget every request shares, and at 250
  // ms probes the hard failures are caught actively; passive detection is for gray failures (ready
  // answers, inference fails), where 3 in a row is already no accident. "In a row" means in
  // sequence: requests failing together in one stall count once (outlier-detector.ts).
  outlierConsecutiveFailures: 3,
  // Envoy's and GCP's base_ejection_time (30 s) and Envoy's cap (300 s): long enough that a broken
  // replica does not take a share of traffic every few seconds.
  outlierBaseEjectionMs: 30_000,
  outlierMaxEjectionMs: 300_000,
  // GCP's 50% (Envoy's 10% blocks failing out a small pool; Istio #34605 had to raise it). It
  // limits ejection, never region failover: see OutlierDetector.
  outlierMaxEjectionPercent: 50,
  // Envoy's retry budget: 20% of active requests, at least 3 concurrent retries. It bounds the
  // amplification a full outage can cause to 1.2× plus 3. Replacements that duplicate no work (after
  // a refused connection; off a region gone silent) take no slot: attempt-race.ts.
  retryBudgetPercent: 20,
  retryBudgetMinConcurrent: 3,
  // Room for a slow inference, a timed-out try and a second inference in another region across the
  // globe (ANCHORS "physical limits"), below Envoy's 15 s route timeout.
  deadlineMs: 10_000,
  // 4 × p99: a healthy replica rarely exceeds it, a hung one is abandoned after a few normal
  // request times instead of the whole deadline.
  perTryP99Multiple: 4,
  // Event-loop and GC pauses last tens of ms; below 100 ms healthy replicas time out for reasons
  // that are not theirs.
  perTryFloorMs: 100,
  // Until we know a model's latency, allow a slow model (hundreds of ms on CPU) to answer; hedging
  // already covers a hung replica at cold start.
  coldPerTryTimeoutMs: 1_000,
  // "The Tail at Scale" (Dean & Barroso) hedges at the p95: ~5% extra load. The floor, Envoy's 25 ms
  // retry back-off base, keeps hedges from chasing scheduling noise on fast models.
  hedgeFloorMs: 25,
  // Cold start: a hung replica costs at most 100 ms + 2 × delay before another is asked.
  coldHedgeDelayMs: 100,
  // One hedge: the second copy covers a hung replica; more copies only add load.
  maxHedges: 1,
  // Envoy's retry back-off base (25 ms). A timed-out attempt is abandoned only for a retry; while
  // the budget has no slot it keeps its chance to answer and looks again this often.
  budgetRecheckMs: 25,
  // Suspicion bridges the time until the active checks decide: ≤ (threshold−1) × interval + probe
  // timeout = 250 + 100 + 2 × delay ≈ 650 ms for the farthest region, more when a loaded machine
  // delays probes. 2 s covers that three times over; past it, a dead endpoint is kept out by the
  // checks' verdict. A live one never waits that long: its next passing probe (≤ 250 ms) or any
  // answer clears it.
  suspectMs: 2_000,
  // 200 measurements: the p99 rests on the 2 slowest, and at 100 req/s the window spans 2 s, so
  // timeouts follow a model that got slower within seconds.
  latencyWindow: 200,
  // 20 measurements: enough for a p95 that is not just the maximum of a handful.
  latencyMinSamples: 20,
  // The control plane polls every ~250 ms; at a few thousand sampled requests per second (the
  // sample rate raised to 1 while a release is analysed) 4,096 per region × version is 1–2 s of
  // them, several polls' worth, so a late poll loses nothing. Kayenta wants ≥ 50 points per metric.
  sampleCapacity: 4096,
  // Enough values to compare class scores of small models; a sample is not a copy of the response.
  sampleValuesPerOutput: 8,
  // 5 %: a sampled request costs a JSON.parse of its answer and a sample per attempt (~10 µs on a
  // small answer, bench:router), an unsampled one a random draw. At 100 req/s that is still 5
  // samples a second per router for dashboards; the control plane sets the model's rate to 1 in
  // the routing table while it analyses a release.
  sampleRate: 0.05,
  // Twice the hedge floor: a loop 50 ms behind is the router's own overload (~250 requests queued
  // at ~200 µs each), not a slow replica, and a hedge or early retry would only add to it.
  overloadLagMs: 50,
  // Queueing a request behind a quarter second of the router's own backlog only makes every
  // client late; a fast 503 lets the client (or its load balancer) go elsewhere. Two late ticks in
  // a row, so one GC pause or one descheduling of a busy machine sheds nothing.
  shedLagMs: 250,
  // A copy must never cost the primary path: bound the memory and sockets held by mirrors.
  mirrorMaxInFlight: 64,
  // A copy's answer reaches no user, so nothing is gained by cutting it off early — and a slower
  // candidate must be measured as slow, not cut off at the stable version's per-try timeout and
  // counted as failing. Bounded so a hung candidate cannot hold the in-flight slots for long.
  mirrorTimeoutMs: 2000,
  // 4 × the model server's 16 MiB request cap: outputs may be larger than inputs, but never unbounded.
  maxResponseBytes: 64 * 1024 * 1024,
});

const FRACTIONS = new Set<keyof EngineSettings>(['rttSmoothing', 'sampleRate']);
const PERCENTS = new Set<keyof EngineSettings>(['outlierMaxEjectionPercent', 'retryBudgetPercent']);
const MAY_BE_ZERO = new Set<keyof EngineSettings>(['maxHedges', 'healthTimeoutMarginMs', 'hedgeFloorMs', 'perTryFloorMs', 'sampleRate', 'suspectMs', 'shedLagMs']);
const COUNTS = new Set<keyof EngineSettings>([
  'healthUnhealthyThreshold',
  'healthHealthyThreshold',
  'outlierConsecutiveFailures',
  'retryBudgetMinConcurrent',
  'maxHedges',
  'latencyWindow',
  'latencyMinSamples',
  'sampleCapacity',
  'sampleValuesPerOutput',
  'mirrorMaxInFlight',
]);

/**
 * Fills in defaults and validates: every value a finite number, durations positive, counts whole,
 * fractions in 0..1, percents in 0..100.
 * @throws MeridianError `INVALID_ARGUMENT` naming the field and the allowed range.
 */
export function resolveEngineSettings(partial: Partial<EngineSettings> = {}): EngineSettings {
  const s: EngineSettings = { ...ENGINE_DEFAULTS, ...partial };
  for (const k of Object.keys(s) as (keyof EngineSettings)[]) {
    const v = s[k];
    const max = FRACTIONS.has(k) ? 1 : PERCENTS.has(k) ? 100 : Infinity;
    const min = MAY_BE_ZERO.has(k) || PERCENTS.has(k) ? 0 : Number.MIN_VALUE;
    const whole = COUNTS.has(k);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (whole && !Number.isInteger(v))) {
      const kind = whole ? 'a whole number' : 'a number';
      const range = max === Infinity ? `${kind} ${min === 0 ? '≥ 0' : '> 0'}` : `${kind} from ${min === 0 ? 0 : 'above 0'} to ${max}`;
      throw new MeridianError('INVALID_ARGUMENT', `engine option ${k}: ${String(v)} is not valid; use ${range} (default ${ENGINE_DEFAULTS[k]})`);
    }
  }
  if (s.outlierMaxEjectionMs < s.outlierBaseEjectionMs) {
    throw new MeridianError('INVALID_ARGUMENT', `engine option outlierMaxEjectionMs (${s.outlierMaxEjectionMs}) is below outlierBaseEjectionMs (${s.outlierBaseEjectionMs}); raise it or lower the base`);
  }
  if (s.latencyMinSamples > s.latencyWindow) {
    throw new MeridianError('INVALID_ARGUMENT', `engine option latencyMinSamples (${s.latencyMinSamples}) exceeds latencyWindow (${s.latencyWindow}); it could never be reached`);
  }
  return s;
}
