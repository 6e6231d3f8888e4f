// A hard timeout on one upstream request: a hung (SIGSTOPped) replica accepts the connection and
// never answers. Probes and mirror copies (which nobody waits for) get their timeout here.
// Forwarded attempts have none here: their per-try timeout is soft and the deadline is enforced
// by the race (attempt-race.ts), which abandons an attempt only for something better.
// Either way, an abort reason given by the caller (a hedge won) is what the attempt fails with.
import { Cancel } from './cancel.js';
import { timeout, type Timers } from './timers.js';
import type { Interceptor } from './types.js';
import { UpstreamError } from './upstream-error.js';

/** Abandons the request after `req.timeoutMs` (when set) and fails it with reason `timeout`. */
export function withTimeout(timers: Timers): Interceptor {
  return (next) => (req, cancel) => {
    const timeoutMs = req.timeoutMs;
    if (timeoutMs === undefined) return next(req, cancel);
    const inner = new Cancel();
    const onOuterAbort = (): void => inner.abort(cancel.reason ?? new UpstreamError('aborted', `${req.target.endpoint.id}: abandoned`));
    cancel.on(onOuterAbort);
    const timer = timeout(timers, timeoutMs, () => inner.abort(new UpstreamError('timeout', `${req.target.endpoint.id} did not answer within ${Math.round(timeoutMs)} ms`)));
    return next(req, inner).finally(() => {
      timers.clear(timer);
      cancel.off(onOuterAbort);
    });
  };
}
