// The three checks of region verification (see verify.ts). Each returns an outcome instead of
// throwing: a failing replica is a verdict about the region, not an error in the control plane.
import type { Clock } from '../core/clock.js';
import { compareOutputs, type GoldenExample, type Tolerance } from '../artifacts/golden.js';
import { callReplica, describeStatus, parseInferOutputs } from './verify-http.js';

/** A replica with its OIP URLs resolved for this model version. */
export interface ReplicaTarget {
  id: string;
  url: string;
  readyUrl: string;
  inferUrl: string;
}

/** Verification options after validation and defaults: no optional fields but the signal. */
export interface CheckContext {
  model: string;
  version: string;
  replicas: readonly ReplicaTarget[];
  golden: readonly GoldenExample[];
  readyTimeoutMs: number;
  pollIntervalMs: number;
  requestTimeoutMs: number;
  latencyRequests: number;
  p99BudgetMs: number;
  tolerance: Tolerance;
  signal?: AbortSignal;
  clock: Clock;
}

export interface CheckOutcome {
  ok: boolean;
  detail: string;
  measured?: Record<string, number>;
}

/** Every replica answers 200 on the OIP model-version ready endpoint before the deadline. */
export async function checkReady(c: CheckContext): Promise<CheckOutcome> {
  const deadline = c.clock.monotonicMs() + c.readyTimeoutMs;
  const results = await Promise.all(c.replicas.map((r) => waitReady(c, r, deadline)));
  const slowestReadyMs = Math.max(...results.map((r) => r.readyMs ?? 0));
  const failed = results.filter((r) => r.problem !== undefined);
  if (failed.length > 0) {
    const list = failed.map((r) => `replica ${r.target.id} (${r.target.url}): ${r.problem ?? ''}`).join('; ');
    return { ok: false, detail: `${failed.length} of ${c.replicas.length} replicas not ready within ${c.readyTimeoutMs} ms: ${list}`, measured: { notReady: failed.length } };
  }
  return { ok: true, detail: `all ${c.replicas.length} replicas ready (slowest after ${fmt(slowestReadyMs)} ms)`, measured: { slowestReadyMs } };
}

async function waitReady(c: CheckContext, target: ReplicaTarget, deadline: number): Promise<{ target: ReplicaTarget; readyMs?: number; problem?: string }> {
  const t0 = c.clock.monotonicMs();
  for (;;) {
    // Never wait past the deadline, even inside one call: that is what bounds the check.
    const timeoutMs = Math.max(1, Math.min(c.requestTimeoutMs, deadline - c.clock.monotonicMs()));
    const res = await callReplica(target.readyUrl, { method: 'GET', timeoutMs, ...(c.signal ? { signal: c.signal } : {}) });
    if (res.kind === 'response' && res.status === 200) return { target, readyMs: c.clock.monotonicMs() - t0 };
    const problem = res.kind === 'failed' ? res.problem : describeStatus(res.status, res.body);
    // 404: the replica serves another model or version, which waiting will not change.
    if (res.kind === 'response' && res.status === 404) return { target, problem };
    if (c.clock.monotonicMs() + c.pollIntervalMs >= deadline) return { target, problem };
    await c.clock.sleep(c.pollIntervalMs, c.signal);
  }
}

/** Every replica answers every golden example with the stored outputs (within tolerance). */
export async function checkGolden(c: CheckContext): Promise<CheckOutcome> {
  const problems = (await Promise.all(c.replicas.map((r) => goldenOn(c, r)))).filter((p) => p !== undefined);
  const measured = { replicas: c.replicas.length, examples: c.golden.length, mismatched: problems.length };
  if (problems.length > 0) return { ok: false, detail: `${problems.length} of ${c.replicas.length} replicas failed: ${problems.join('; ')}`, measured };
  return { ok: true, detail: `all ${c.replicas.length} replicas reproduce ${c.golden.length} golden example(s)`, measured };
}

/** The first problem of one replica, or undefined when it reproduces every example. */
async function goldenOn(c: CheckContext, r: ReplicaTarget): Promise<string | undefined> {
  for (const [i, example] of c.golden.entries()) {
    const res = await callReplica(r.inferUrl, { method: 'POST', body: { inputs: example.inputs }, timeoutMs: c.requestTimeoutMs, ...(c.signal ? { signal: c.signal } : {}) });
    const where = `replica ${r.id} (${r.url}), golden example ${i}`;
    if (res.kind === 'failed') return `${where}: ${res.problem}`;
    if (res.status !== 200) return `${where}: ${describeStatus(res.status, res.body)}`;
    const outputs = parseInferOutputs(res.body);
    if (typeof outputs === 'string') return `${where}: ${outputs}`;
    const cmp = compareOutputs(example.outputs, outputs, c.tolerance);
    if (!cmp.ok) return `${where}: ${cmp.message}`;
  }
  return undefined;
}

/**
 * Latency smoke test: sequential requests spread round-robin over the replicas, so each sample is
 * one request's latency and not queueing behind our own traffic. Passes when p99 ≤ the budget.
 * With 20 samples the p99 is the maximum, so one stall of a busy machine would fail a healthy
 * region (seen in bench:rollout): a failed round is measured once more and only a second failure
 * counts. A server that is really slow fails both rounds.
 */
export async function checkLatency(c: CheckContext): Promise<CheckOutcome> {
  const first = await latencyRound(c);
  if (first.ok || first.measured?.requests !== c.latencyRequests) return first;
  const second = await latencyRound(c);
  return second.ok ? { ...second, detail: `${second.detail}; a first round was over budget (${first.detail})` } : second;
}

async function latencyRound(c: CheckContext): Promise<CheckOutcome> {
  const body = { inputs: c.golden[0]?.inputs ?? [] };
  const samples: { ms: number; replica: ReplicaTarget }[] = [];
  for (let i = 0; i < c.latencyRequests; i++) {
    const replica = c.replicas[i % c.replicas.length];
    if (replica === undefined) break;
    const t0 = c.clock.monotonicMs();
    const res = await callReplica(replica.inferUrl, { method: 'POST', body, timeoutMs: c.requestTimeoutMs, ...(c.signal ? { signal: c.signal } : {}) });
    const ms = c.clock.monotonicMs() - t0;
    const problem = res.kind === 'failed' ? res.problem : res.status !== 200 ? describeStatus(res.status, res.body) : undefined;
    if (problem !== undefined) {
      return { ok: false, detail: `request ${i + 1} of ${c.latencyRequests}, to replica ${replica.id} (${replica.url}): ${problem}`, measured: { requests: i } };
    }
    samples.push({ ms, replica });
  }
  const sorted = [...samples].sort((a, b) => a.ms - b.ms);
  const p50Ms = nearestRank(sorted, 0.5);
  const p99Ms = nearestRank(sorted, 0.99);
  const slowest = sorted[sorted.length - 1];
  const measured = { requests: samples.length, p50Ms, p99Ms, maxMs: slowest?.ms ?? 0 };
  const summary = `p50 ${fmt(p50Ms)} ms, ${samples.length} requests over ${c.replicas.length} replicas`;
  if (p99Ms > c.p99BudgetMs) {
    const who = slowest === undefined ? '' : `; slowest ${fmt(slowest.ms)} ms from replica ${slowest.replica.id}`;
    return { ok: false, detail: `p99 ${fmt(p99Ms)} ms exceeds the ${c.p99BudgetMs} ms budget (${summary}${who})`, measured };
  }
  return { ok: true, detail: `p99 ${fmt(p99Ms)} ms within the ${c.p99BudgetMs} ms budget (${summary})`, measured };
}

/** Nearest-rank percentile (the smallest sample with at least q of the samples at or below it). */
function nearestRank(sorted: readonly { ms: number }[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]?.ms ?? 0;
}

function fmt(ms: number): string {
  return String(Number(ms.toPrecision(3)));
}
