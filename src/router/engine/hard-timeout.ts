// A hard timeout on one upstream request: a hung (SIGSTOPped) replica accepts the connection and
// never answers. Probes and mirror copies (which nobody waits for) get their timeout here.
// Forwarded attempts have none here: their per-try timeout is soft and the deadline is enforced
// by the race (attempt-race.ts), which abandons an attempt only for something better.
// Either way, an abort reason given by the caller (a hedge won) is what the attempt fails with.
import type { Clock } from '../../core/clock.js';
import type { Interceptor } from './types.js';
import { UpstreamError, toUpstreamError } from './upstream-error.js';

/** Abandons the request after `req.timeoutMs` (when set) and fails it with reason `timeout`. */
export function withTimeout(clock: Clock): Interceptor {
  return (next) => async (req, signal) => {
    const timeoutMs = req.timeoutMs;
    if (timeoutMs === undefined) {
      try {
        return await next(req, signal);
      } catch (e) {
        throw toUpstreamError(e, req.target.endpoint.id, signal);
      }
    }
    const inner = new AbortController();
    const onOuterAbort = (): void => inner.abort(signal.reason);
    if (signal.aborted) onOuterAbort();
    else signal.addEventListener('abort', onOuterAbort, { once: true });
    let timedOut = false;
    clock.sleep(timeoutMs, inner.signal).then(
      () => {
        timedOut = true;
        inner.abort();
      },
      () => {},
    );
    try {
      return await next(req, inner.signal);
    } catch (e) {
      if (timedOut) throw new UpstreamError('timeout', `${req.target.endpoint.id} did not answer within ${Math.round(timeoutMs)} ms`);
      throw toUpstreamError(e, req.target.endpoint.id, signal);
    } finally {
      signal.removeEventListener('abort', onOuterAbort);
      inner.abort();
    }
  };
}
