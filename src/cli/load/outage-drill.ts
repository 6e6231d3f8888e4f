// The outage drill's sequence: open-loop load throughout; after the warm-up the region is failed
// through the control plane, later restored, and the load runs to its end. Whatever happens —
// an API error, Ctrl-C — a region this drill broke is restored before it returns: a drill must
// never leave an outage behind.
import type { DrillRequest, ReplicaStatus } from '../../api/requests.js';
import { MeridianError } from '../../core/errors.js';
import type { DrillTimes } from './drill-analysis.js';
import { startLoad, type PreparedLoad } from './load-run.js';
import type { RequestRecord } from './recorder.js';

/** The control-plane call the drill needs (ApiClient.drill); an interface so tests can fake it. */
export interface DrillControl {
  drill(req: DrillRequest): Promise<ReplicaStatus[]>;
}

export interface OutageDrillOptions {
  load: PreparedLoad;
  region: string;
  mode: 'kill' | 'freeze';
  /** Seconds from the start of the load to the failure. */
  warmupS: number;
  /** Seconds from the start of the load to the restore. */
  restoreAfterS: number;
  control: DrillControl;
  /** Ctrl-C: stops the load early; the region is still restored. */
  signal: AbortSignal;
  /** Progress lines for people (stderr), e.g. "killed eu-west-1". */
  progress?: (line: string) => void;
}

export interface OutageDrillResult {
  records: RequestRecord[];
  scheduled: number;
  times: DrillTimes;
  /** When the restore call returned; null if it was never made during the run. */
  restoreDone: number | null;
  replicasAffected: number;
  /** Stopped early by the signal; the analysis covers only what ran. */
  interrupted: boolean;
}

/** Resolves at `atMs` on the run's clock (never before), or at once when `signal` aborts. */
function sleepUntil(elapsed: () => number, atMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    // Timers count whole milliseconds and may fire a fraction early against performance.now().
    const arm = (): void => {
      const left = atMs - elapsed();
      if (left <= 0) done();
      else timer = setTimeout(arm, Math.ceil(left));
    };
    if (signal.aborted) return done();
    signal.addEventListener('abort', done, { once: true });
    arm();
  });
}

/**
 * Runs the drill. Rejects if the failure or the restore call fails (after stopping the load and
 * restoring the region); the restore in `finally` covers every path out.
 */
export async function runOutageDrill(o: OutageDrillOptions): Promise<OutageDrillResult> {
  const say = o.progress ?? ((): void => {});
  const stop = new AbortController();
  const forward = (): void => stop.abort();
  o.signal.addEventListener('abort', forward, { once: true });
  const run = startLoad(o.load, stop.signal);
  const sendEnd = o.load.plan.durationS * 1000;
  const times: DrillTimes = { failStart: NaN, failDone: NaN, restoreStart: null, sendEnd };
  let failAsked = false;
  let restored = false;
  let restoreDone: number | null = null;
  let replicasAffected = 0;
  try {
    await sleepUntil(run.elapsed, o.warmupS * 1000, stop.signal);
    if (!stop.signal.aborted) {
      times.failStart = run.elapsed();
      // Set before the call: if it times out, the failure may still have landed.
      failAsked = true;
      replicasAffected = (await o.control.drill({ region: o.region, mode: o.mode })).length;
      times.failDone = run.elapsed();
      say(`${o.mode === 'kill' ? 'killed' : 'froze'} ${o.region} (${replicasAffected} replica(s)) at ${(times.failDone / 1000).toFixed(2)} s`);
      await sleepUntil(run.elapsed, o.restoreAfterS * 1000, stop.signal);
    }
    if (failAsked && !stop.signal.aborted) {
      times.restoreStart = run.elapsed();
      await o.control.drill({ region: o.region, mode: 'restore' });
      restored = true;
      restoreDone = run.elapsed();
      say(`restored ${o.region} at ${(restoreDone / 1000).toFixed(2)} s`);
    }
    const records = await run.done;
    return { records, scheduled: run.scheduled, times, restoreDone, replicasAffected, interrupted: o.signal.aborted };
  } catch (e) {
    stop.abort();
    await run.done;
    throw e;
  } finally {
    o.signal.removeEventListener('abort', forward);
    if (failAsked && !restored) await restoreOnTheWayOut(o, say);
  }
}

/**
 * The last-chance restore. Its failure is the one thing the user must hear (a region is still
 * down), so it says so and how to recover, even if it replaces the error that led here.
 */
async function restoreOnTheWayOut(o: OutageDrillOptions, say: (line: string) => void): Promise<void> {
  say(`restoring ${o.region}...`);
  try {
    await o.control.drill({ region: o.region, mode: 'restore' });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new MeridianError('REGION_DOWN', `${o.region} may still be ${o.mode === 'kill' ? 'killed' : 'frozen'}: restoring it failed (${why}); run \`meridian drill restore --region ${o.region}\``);
  }
  say(`restored ${o.region}`);
}
