// A hard timeout on one upstream request: a hung (SIGSTOPped) replica accepts the connection and
// never answers. Probes and mirror copies (which nobody waits for) get their own short timeout
// here; forwarded attempts get the overall deadline, since their per-try timeout is soft and
// enforced by the race (attempt-race.ts), which abandons an attempt only for something better.
import type { Clock } from '../../core/clock.js';
import type { Interceptor } from './types.js';
import { UpstreamError, toUpstreamError } from './upstream-error.js';

/** Abandons the attempt after `req.timeoutMs` and fails it with reason `timeout`. */
export function withTimeout(clock: Clock): Interceptor {
  return (next) => async (req, signal) => {
    const inner = new AbortController();
    const onOuterAbort = (): void => inner.abort(signal.reason);
    if (signal.aborted) onOuterAbort();
    else signal.addEventListener('abort', onOuterAbort, { once: true });
    let timedOut = false;
    clock.sleep(req.timeoutMs, inner.signal).then(
      () => {
        timedOut = true;
        inner.abort();
      },
      () => {},
    );
    try {
      return await next(req, inner.signal);
    } catch (e) {
      if (timedOut) throw new UpstreamError('timeout', `${req.target.endpoint.id} did not answer within ${Math.round(req.timeoutMs)} ms`);
      throw toUpstreamError(e, req.target.endpoint.id, signal);
    } finally {
      signal.removeEventListener('abort', onOuterAbort);
      inner.abort();
    }
  };
}
