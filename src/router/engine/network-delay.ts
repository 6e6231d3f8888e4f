// Emulated network distance (ARCHITECTURE.md "Local regions"): every region runs on this machine,
// so the one-way delay from this edge is slept before a request leaves and again before its
// response counts as received. RTT is then 2 × delay + server time, as across real continents.
import type { Clock } from '../../core/clock.js';
import type { Interceptor } from './types.js';

/** Sleeps `delayMs(region)` before sending and after receiving; 0 adds nothing. Aborts with the signal. */
export function withNetworkDelay(delayMs: (region: string) => number, clock: Clock): Interceptor {
  return (next) => async (req, signal) => {
    const d = delayMs(req.target.region);
    if (d > 0) await clock.sleep(d, signal);
    const res = await next(req, signal);
    if (d > 0) await clock.sleep(d, signal);
    return res;
  };
}
