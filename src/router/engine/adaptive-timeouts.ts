// Per-try timeouts and hedge delays that follow each region's normal latency, so a hung replica
// costs a few normal request times rather than the whole deadline. Server time is measured
// without the emulated network delay, which is added back exactly: 2 × one-way delay.
import type { EngineSettings } from './settings.js';

type TimeoutSettings = Pick<EngineSettings, 'perTryP99Multiple' | 'perTryFloorMs' | 'coldPerTryTimeoutMs' | 'hedgeFloorMs' | 'coldHedgeDelayMs'>;

/**
 * max(multiple × p99, floor) + 2 × delay, or the cold value + 2 × delay while p99 is unknown; the
 * server part doubled for each timeout in a row with no answer in between (a model that became
 * slower everywhere would otherwise time out on every try); never more than what is left of the
 * deadline.
 */
export function perTryTimeoutMs(s: TimeoutSettings, p99: number | undefined, timeoutStreak: number, oneWayDelayMs: number, remainingMs: number): number {
  const server = (p99 === undefined ? s.coldPerTryTimeoutMs : Math.max(s.perTryP99Multiple * p99, s.perTryFloorMs)) * 2 ** Math.min(timeoutStreak, 30);
  return Math.max(0, Math.min(server + 2 * oneWayDelayMs, remainingMs));
}

/** max(p95, floor) + 2 × delay ("The Tail at Scale": hedge at the p95), or the cold value while p95 is unknown. */
export function hedgeDelayMs(s: TimeoutSettings, p95: number | undefined, oneWayDelayMs: number): number {
  return (p95 === undefined ? s.coldHedgeDelayMs : Math.max(p95, s.hedgeFloorMs)) + 2 * oneWayDelayMs;
}
