// A region that fails as a whole under load. Above all when it hangs (every replica SIGSTOPped, or
// cut off): connections are accepted and nothing answers. The request path must not wait for it: a per-try timeout makes the endpoint
// suspect at once, the hedges and retries of a silent region go to the next region, and moving a
// request off a silent region needs no retry-budget slot (it duplicates nothing), so no request
// waits for the hang and none is sent there long after it began. A region that still answers
// keeps its own hedges: one hung replica is not a hung region. A crashed region (resets, then
// refusals) costs no request either: the retries after a refused connection need no budget slot.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINE_DEFAULTS, type ForwardResult } from '../../../src/router/engine/index.js';
import type { ModelServer } from '../../../src/serving/model-server.js';
import { model } from '../../helpers/paths.js';
import { startModelServer } from '../../helpers/servers.js';
import { crashableUpstream, engine, ep, freezableUpstream, hungUpstream, infer, percentile, region, since, table, type CrashableUpstream, type FakeUpstream } from './upstreams.js';

/** One-way emulated delays: the hanging region is near, the next one 2 × 20 ms away. */
const NEAR = 5;
const FAR = 20;
const delay = (r: string): number => (r === 'us-east-1' ? FAR : NEAR);
const ORDER = ['eu-west-1', 'us-east-1'];

interface Sent {
  /** ms after the run started when it was due (and sent). */
  at: number;
  ms: number;
  result: ForwardResult;
}

/** Open-loop load: request i is sent at i × 1000 / rps ms, whatever the earlier ones are doing. */
async function openLoop(rps: number, durationMs: number, send: () => Promise<ForwardResult>, at?: Record<number, () => void>): Promise<Sent[]> {
  const t0 = performance.now();
  const n = Math.floor((rps * durationMs) / 1000);
  const pending: Promise<Sent>[] = [];
  const actions = Object.entries(at ?? {}).map(([ms, f]) => ({ ms: Number(ms), f, done: false }));
  for (let i = 0; i < n; i++) {
    const due = (i * 1000) / rps;
    const wait = due - since(t0);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (const a of actions) {
      if (!a.done && since(t0) >= a.ms) {
        a.done = true;
        a.f();
      }
    }
    const sentAt = since(t0);
    pending.push(send().then((result) => ({ at: sentAt, ms: since(t0) - sentAt, result })));
  }
  return Promise.all(pending);
}

describe('forwarding engine: a whole region hangs or crashes', () => {
  let far: ModelServer;
  const fakes: FakeUpstream[] = [];
  const stops: (() => Promise<void>)[] = [];
  before(async () => {
    far = await startModelServer({ modelPath: model('iris-v1.onnx'), name: 'iris', version: 'v1' });
  });
  after(async () => {
    for (const s of stops) await s();
    await far.close();
    for (const f of fakes) await f.close();
  });
  const farRegion = () => region('us-east-1', [{ version: 'v1', weight: 1, endpoints: [ep('us-east-1/iris:v1/0', far.url)] }]);
  async function hungRegion() {
    const a = await hungUpstream();
    const b = await hungUpstream();
    fakes.push(a, b);
    return region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', a.url, 'a'), ep('eu-west-1/iris:v1/1', b.url, 'b')] }]);
  }

  it('one request alone, cold: it ends in the next region after its per-try timeout + that region’s RTT; the next ones after a hedge delay', async () => {
    const { engine: e } = engine(table([await hungRegion(), farRegion()]), {}, delay);
    stops.push(() => e.stop());
    const t0 = performance.now();
    const first = await e.forward(infer(ORDER));
    const firstMs = since(t0);
    // Alone, the request cannot tell a hung replica from a hung region: its hedge (cold: 100 ms +
    // 2 × 5) goes to the other replica of the region; at the per-try timeout (cold: 1000 ms +
    // 2 × 5) the region has said nothing since, so the retry goes to us-east-1 (2 × 20 ms away).
    const bound = ENGINE_DEFAULTS.coldPerTryTimeoutMs + 2 * NEAR + 2 * FAR;
    assert.deepEqual([first.status, first.region], [200, 'us-east-1']);
    const later: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t1 = performance.now();
      const r = await e.forward(infer(ORDER));
      later.push(since(t1));
      assert.deepEqual([r.status, r.region], [200, 'us-east-1']);
    }
    // The timed-out replica is suspect: the next requests meet only the other one, whose hedge
    // finds no other usable endpoint in eu-west-1 and goes to us-east-1.
    const hedgeBound = ENGINE_DEFAULTS.coldHedgeDelayMs + 2 * NEAR + 2 * FAR;
    console.log(`hung region, one request at a time: first ${firstMs.toFixed(0)} ms (per-try timeout + RTT = ${bound} ms); next five max ${Math.max(...later).toFixed(0)} ms (hedge delay + RTT = ${hedgeBound} ms)`);
    assert.ok(firstMs < bound + 250, `first request ${firstMs.toFixed(0)} ms`);
    assert.ok(Math.max(...later) < hedgeBound + 200, `later requests ${later.map((x) => x.toFixed(0)).join(', ')} ms`);
  });

  it('40 requests at once, cold: every one ends in the next region within a hedge delay + its RTT, though the budget holds 8 hedges', async () => {
    const { engine: e, registry } = engine(table([await hungRegion(), farRegion()]), {}, delay);
    stops.push(() => e.stop());
    const t0 = performance.now();
    const batch = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const r = await e.forward(infer(ORDER));
        return { r, ms: since(t0) };
      }),
    );
    const worst = Math.max(...batch.map((b) => b.ms));
    const hedgeBound = ENGINE_DEFAULTS.coldHedgeDelayMs + 2 * NEAR + 2 * FAR;
    console.log(`hung region, 40 requests at once: all done after ${worst.toFixed(0)} ms (hedge delay + RTT = ${hedgeBound} ms; per-try timeout ${ENGINE_DEFAULTS.coldPerTryTimeoutMs} ms)`);
    assert.ok(batch.every((b) => b.r.status === 200 && b.r.region === 'us-east-1'));
    // 40 silent attempts in one region: it stalled. max(3, 20% × 40) = 8 hedges got a slot; the
    // others moved to us-east-1 without one instead of waiting for their per-try timeout.
    assert.match(registry.render(), /meridian_router_retry_budget_exhausted_total\{model="iris",role="hedge"\} [1-9]/);
    // Well below the per-try timeout: nobody waited for a slot or for the hang. The slack is for the
    // model server answering 40 requests at once on a shared 2-core machine.
    assert.ok(worst < hedgeBound + 400, `${worst.toFixed(0)} ms`);
    // Every replica of eu-west-1 is suspect now: requests go straight to us-east-1.
    for (let i = 0; i < 10; i++) {
      const r = await e.forward(infer(ORDER));
      assert.deepEqual([r.status, r.region, r.attempts], [200, 'us-east-1', 1]);
    }
    assert.equal(e.regionHealthy('iris', 'eu-west-1'), false, 'a region whose every endpoint is suspect counts as unhealthy');
  });

  it('no hedging, 40 requests at once: each moves off the silent region at its per-try timeout without waiting for a retry slot', async () => {
    const perTry = 200;
    const { engine: e } = engine(table([await hungRegion(), farRegion()]), { maxHedges: 0, coldPerTryTimeoutMs: perTry }, delay);
    stops.push(() => e.stop());
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: 40 }, () => e.forward(infer(ORDER)).then((r) => ({ r, ms: since(t0) }))));
    const worst = Math.max(...results.map((x) => x.ms));
    const bound = perTry + 2 * NEAR + 2 * FAR;
    // With a slot needed per retry (limit max(3, 20% × 40) = 8), 40 retries of ~45 ms each would queue for ~250 ms more.
    console.log(`hung region, no hedging, 40 at once: all done after ${worst.toFixed(0)} ms (per-try timeout + RTT = ${bound} ms)`);
    assert.ok(results.every((x) => x.r.status === 200 && x.r.region === 'us-east-1' && x.r.attempts === 2));
    assert.ok(worst < bound + 200, `${worst.toFixed(0)} ms`);
  });

  /**
   * 100 req/s for 5.5 s to a near region of two replicas, the far region behind it; at 1.5 s both
   * near replicas fail (`fail`), at 3.5 s they are back (`recover`). Active checks on, warm windows.
   */
  async function outageUnderLoad(what: string, fail: (a: CrashableUpstream) => Promise<void> | void, recover: (a: CrashableUpstream) => Promise<void> | void): Promise<void> {
    const a = await crashableUpstream();
    const b = await crashableUpstream();
    fakes.push(a, b);
    const near = region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', a.url, 'a'), ep('eu-west-1/iris:v1/1', b.url, 'b')] }]);
    const { engine: e } = engine(table([near, farRegion()]), {}, delay);
    stops.push(() => e.stop());
    e.start();
    const marks = { fail: NaN, recover: NaN };
    const t0 = performance.now();
    const sent = await openLoop(100, 5500, () => e.forward(infer(ORDER)), {
      1500: () => {
        marks.fail = performance.now();
        void fail(a);
        void fail(b);
      },
      3500: () => {
        marks.recover = performance.now();
        void recover(a);
        void recover(b);
      },
    });
    const failAt = marks.fail - t0;
    const recoverAt = marks.recover - t0;
    const failed = sent.filter((s) => s.result.status !== 200);
    const warm = sent.filter((s) => s.at < failAt);
    const outage = sent.filter((s) => s.at >= failAt && s.at < recoverAt);
    const first2s = outage.filter((s) => s.at < failAt + 2000).map((s) => s.ms);
    const lastToFailed = Math.max(0, ...[...a.inferArrivals, ...b.inferArrivals].filter((x) => x >= marks.fail && x < marks.recover).map((x) => x - marks.fail));
    const back = sent.filter((s) => s.at >= recoverAt && s.result.region === 'eu-west-1').map((s) => s.at - recoverAt);
    const returnMs = back.length > 0 ? Math.min(...back) : Infinity;
    const p99 = percentile(first2s, 0.99);
    console.log(
      `${what} region at 100 req/s: ${failed.length} failed of ${sent.length}; warm-up p50 ${percentile(warm.map((s) => s.ms), 0.5).toFixed(1)} ms; ` +
        `outage p50 ${percentile(outage.map((s) => s.ms), 0.5).toFixed(1)} ms, first-2 s p99 ${p99.toFixed(1)} ms, max ${Math.max(...outage.map((s) => s.ms)).toFixed(1)} ms; ` +
        `last inference that reached it ${lastToFailed.toFixed(0)} ms after the failure; back ${returnMs.toFixed(0)} ms after the recovery`,
    );
    assert.equal(failed.length, 0, JSON.stringify(failed.slice(0, 3).map((f) => f.result.body.toString())));
    assert.ok(warm.filter((s) => s.result.region === 'eu-west-1').length > 0.9 * warm.length, 'eu-west-1 served the warm-up');
    assert.ok(outage.every((s) => s.result.region === 'us-east-1'), 'nothing was answered by the failed region');
    // A request that waited for the outage would take up to its 2 s.
    assert.ok(Math.max(...outage.map((s) => s.ms)) < 1000, 'no request waited for the outage');
    assert.ok(p99 <= 250, `first-2 s p99 ${p99.toFixed(1)} ms`);
    assert.ok(lastToFailed < 1000, `requests still reached the failed region ${lastToFailed.toFixed(0)} ms after the failure`);
    assert.ok(returnMs < 2000, `traffic back ${returnMs.toFixed(0)} ms after the recovery`);
  }

  it('frozen under 100 req/s with active checks on: nothing fails, no request waits for the freeze, traffic leaves within 1 s and returns within 2 s of the thaw', { timeout: 30_000 }, () =>
    outageUnderLoad(
      'frozen',
      (x) => x.freeze(),
      (x) => x.thaw(),
    ));

  it('crashed under 100 req/s (in-flight requests reset, then refused): nothing fails, and traffic returns within 2 s of the restart', { timeout: 30_000 }, () =>
    outageUnderLoad(
      'crashed',
      (x) => x.crash(),
      (x) => x.restart(),
    ));

  it('one hung replica in a region that still answers: hedges and retries stay in the region', async () => {
    const hung = await hungUpstream();
    const ok = await freezableUpstream();
    fakes.push(hung, ok);
    const near = region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', hung.url, 'a'), ep('eu-west-1/iris:v1/1', ok.url, 'b')] }]);
    const { engine: e } = engine(table([near, farRegion()]), {}, delay);
    stops.push(() => e.stop());
    const sent = await openLoop(100, 1500, () => e.forward(infer(ORDER)));
    const met = sent.filter((s) => s.result.attempts > 1);
    console.log(`one hung replica of two at 100 req/s: ${met.length}/${sent.length} requests met it, max ${Math.max(0, ...met.map((s) => s.ms)).toFixed(0)} ms; regions ${JSON.stringify(Object.fromEntries(['eu-west-1', 'us-east-1'].map((r) => [r, sent.filter((s) => s.result.region === r).length])))}`);
    assert.ok(hung.hits.infer > 0, 'the hung replica got requests');
    assert.ok(sent.every((s) => s.result.status === 200 && s.result.region === 'eu-west-1'), 'the region answered every request itself');
  });
});
