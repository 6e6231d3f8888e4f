// Follows one rollout to its end. Streaming is preferred: the event stream filtered to the rollout
// replays its events from the start (nothing is missed between the POST and the subscription),
// and each region event updates a local copy. A slow refresh guards against a stream that goes
// quiet; if the stream cannot be opened or breaks, polling every `pollMs` takes over.
import { isTerminalRollout, type EventRecord, type RegionPhase, type Rollout, type RolloutStatus } from '../api/contract.js';
import type { ApiClient } from './api-client.js';

export interface FollowOptions {
  /** Called with every new snapshot, starting with the one given. */
  onUpdate(r: Rollout): void;
  /** Strategy and analysis events (canary steps, verdicts), as they happen. */
  onMessage?(e: EventRecord): void;
  /** Called once when the CLI falls back from the stream to polling, with why. */
  onFallback?(why: string): void;
  /** Polling interval when the stream is not available. */
  pollMs?: number;
  /** While streaming, the rollout is also fetched after this long without an event. */
  refreshMs?: number;
  signal?: AbortSignal;
}

const PHASES: readonly RegionPhase[] = ['pending', 'replicating', 'provisioning', 'verifying', 'verified', 'failed', 'rolling_back', 'rolled_back', 'skipped'];
const STATUSES: readonly RolloutStatus[] = ['pending', 'running', 'paused', 'succeeded', 'halted', 'rolled_back', 'aborted'];

/** Following stops at the end, or where a person has to act (a paused strategy step). */
export function stopsFollowing(r: Rollout): boolean {
  return isTerminalRollout(r.status) || r.status === 'paused';
}

/** The rollout after one event, or undefined when the event says nothing we can apply locally. */
export function applyEvent(r: Rollout, e: EventRecord): Rollout | undefined {
  const [scope, what] = e.kind.split('.', 2) as [string, string | undefined];
  if (scope === 'rollout' && (STATUSES as readonly string[]).includes(what ?? '')) {
    return { ...r, status: what as RolloutStatus, updatedAt: e.time };
  }
  if (scope !== 'region' || !(PHASES as readonly string[]).includes(what ?? '') || e.region === null) return undefined;
  const phase = what as RegionPhase;
  const data = e.data ?? {};
  let found = false;
  const regions = r.regions.map((x) => {
    if (x.region !== e.region) return x;
    found = true;
    return {
      ...x,
      phase,
      updatedAt: e.time,
      // A skipped region never started.
      startedAt: x.startedAt ?? (phase === 'pending' || phase === 'skipped' ? null : e.time),
      reason: typeof data.reason === 'string' ? data.reason : x.reason,
      errorCode: typeof data.errorCode === 'string' ? data.errorCode : x.errorCode,
    };
  });
  return found ? { ...r, regions, updatedAt: e.time } : undefined;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

/** Resolves with the rollout once it is succeeded, halted or rolled back. */
export async function followRollout(client: ApiClient, start: Rollout, o: FollowOptions): Promise<Rollout> {
  o.onUpdate(start);
  if (stopsFollowing(start)) return start;
  try {
    return await followByStream(client, start, o);
  } catch (e) {
    if (o.signal?.aborted === true) throw e;
    o.onFallback?.(e instanceof Error ? e.message : String(e));
  }
  for (;;) {
    o.signal?.throwIfAborted();
    const r = await client.rollout(start.id);
    o.onUpdate(r);
    if (stopsFollowing(r)) return r;
    await sleep(o.pollMs ?? 250, o.signal);
  }
}

async function followByStream(client: ApiClient, start: Rollout, o: FollowOptions): Promise<Rollout> {
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  o.signal?.addEventListener('abort', stop);
  const events = client.eventStream({ rollout: start.id, after: 0 }, abort.signal)[Symbol.asyncIterator]();
  let current = start;
  const refresh = async (): Promise<boolean> => {
    current = await client.rollout(start.id);
    o.onUpdate(current);
    return stopsFollowing(current);
  };
  try {
    // A read still pending when we return rejects on the abort below; mark it handled.
    const read = (): Promise<IteratorResult<EventRecord>> => {
      const p = events.next();
      p.catch(() => undefined);
      return p;
    };
    let next = read();
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const quiet = new Promise<'quiet'>((r) => (timer = setTimeout(() => r('quiet'), o.refreshMs ?? 5000)));
      const got = await Promise.race([next, quiet]).finally(() => clearTimeout(timer));
      if (got === 'quiet') {
        if (await refresh()) return current;
        continue;
      }
      if (got.done === true) throw new Error('the event stream ended before the rollout did');
      next = read();
      const scope = got.value.kind.split('.')[0];
      if (scope === 'strategy' || scope === 'analysis') {
        o.onMessage?.(got.value);
        if (await refresh()) return current;
        continue;
      }
      const after = applyEvent(current, got.value);
      if (after === undefined) continue;
      // The final snapshot comes from the server: reasons and checks in full.
      if (stopsFollowing(after)) {
        if (await refresh()) return current;
        continue;
      }
      current = after;
      o.onUpdate(current);
    }
  } finally {
    o.signal?.removeEventListener('abort', stop);
    abort.abort();
    // Release the stream; its pending read ends with the abort.
    void events.return?.(undefined).catch(() => undefined);
  }
}
