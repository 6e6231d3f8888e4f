// Emulated network distance (ARCHITECTURE.md "Local regions"): every region runs on this machine,
// so the one-way delay from this edge is slept before a request leaves and again before its
// response counts as received. RTT is then 2 × delay + server time, as across real continents.
import { sleepUnlessCancelled } from './cancel.js';
import type { Timers } from './timers.js';
import type { Interceptor } from './types.js';

/** Sleeps `delayMs(region)` before sending and after receiving; 0 adds nothing (not even a promise). Aborts with the cancel. */
export function withNetworkDelay(delayMs: (region: string) => number, timers: Timers): Interceptor {
  return (next) => (req, cancel) => {
    const d = delayMs(req.target.region);
    if (d <= 0) return next(req, cancel);
    return sleepUnlessCancelled(timers, d, cancel)
      .then(() => next(req, cancel))
      .then(async (res) => {
        await sleepUnlessCancelled(timers, d, cancel);
        return res;
      });
  };
}
