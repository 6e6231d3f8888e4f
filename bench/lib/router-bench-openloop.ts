// Open-loop runs for bench:router's added-latency phase, with `meridian load`'s own scheduler and
// sender (src/cli/load): request i is due at i / rps whatever happened to earlier ones, and
// latency counts from that due time, so a proxy that stalls cannot hide it by slowing the
// generator down. For the no-proxy baseline the requests alternate between the backends.
import { startOpenLoop } from '../../src/cli/load/scheduler.js';
import { createSender, type Sender } from '../../src/cli/load/http-sender.js';
import { categoryOf, isOk, latencyOf } from '../../src/cli/load/recorder.js';
import { percentile, sortedAscending } from '../../src/cli/load/percentiles.js';

export interface OpenLoopRunOptions {
  /** One URL per target; more than one: request i goes to urls[i % n]. */
  urls: string[];
  body: Buffer;
  rps: number;
  warmupMs: number;
  measureMs: number;
  timeoutMs: number;
}

export interface OpenLoopResult {
  rps: number;
  scheduled: number;
  ok: number;
  /** Requests that did not end in 2xx, by category (status or error). */
  failures: Record<string, number>;
  /** Completed 2xx per second over the measured window. */
  achievedRps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** How late the generator itself sent (startedAt − scheduledAt): p50/p99. Large values mean the client, not the target, fell behind. */
  sendLagMs: { p50: number; p99: number };
}

async function once(o: OpenLoopRunOptions, senders: Sender[], durationMs: number): Promise<OpenLoopResult> {
  const run = startOpenLoop({ rps: o.rps, durationMs, send: (seq, signal) => senders[seq % senders.length]!.send(seq, signal) });
  const records = await run.done;
  const okLatencies: number[] = [];
  const lags: number[] = [];
  const failures: Record<string, number> = {};
  for (const r of records) {
    lags.push(r.startedAt - r.scheduledAt);
    if (isOk(r)) okLatencies.push(latencyOf(r));
    else failures[categoryOf(r)] = (failures[categoryOf(r)] ?? 0) + 1;
  }
  const lat = sortedAscending(okLatencies);
  const lag = sortedAscending(lags);
  const at = (s: number[], p: number): number => percentile(s, p) ?? Number.NaN;
  return {
    rps: o.rps,
    scheduled: run.scheduled,
    ok: okLatencies.length,
    failures,
    achievedRps: okLatencies.length / (durationMs / 1000),
    latencyMs: { p50: at(lat, 50), p90: at(lat, 90), p99: at(lat, 99), max: lat[lat.length - 1] ?? Number.NaN },
    sendLagMs: { p50: at(lag, 50), p99: at(lag, 99) },
  };
}

/** A discarded warm-up at the same rate (connections opened, JIT warm), then the measured run. */
export async function runOpenLoop(o: OpenLoopRunOptions, onMeasureStart?: () => void): Promise<OpenLoopResult> {
  // The same keep-alive pools for both, so the measured run does not open its connections. The
  // pool is sized for 256 req/s (1,024 sockets: `poolSize`), not for the offered rate: a healthy
  // target needs rate × latency sockets (tens to hundreds here), and an overloaded one would
  // otherwise get thousands of new connections per second that cost the generator's core more
  // than the requests do. Beyond the pool, requests wait in the agent, and that wait still counts
  // (latency runs from the scheduled time).
  const senders: Sender[] = o.urls.map((u) => createSender({ url: new URL(u), body: o.body, headers: () => ({}), timeoutMs: o.timeoutMs, rps: Math.min(256, o.rps / o.urls.length) }));
  try {
    if (o.warmupMs > 0) await once(o, senders, o.warmupMs);
    onMeasureStart?.();
    return await once(o, senders, o.measureMs);
  } finally {
    for (const s of senders) s.close();
  }
}
