// The router's own overload: while its event loop is far behind, an attempt's wait is mostly the
// router's, so it sends no hedge (the twin would only add load), and once the loop has been behind
// for two ticks in a row new requests are refused at once (503 OVERLOADED, Retry-After) instead of
// queueing; it serves again as soon as the loop caught up. The loop is held up here by busy work
// on this very thread, as a saturated router's own backlog would.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engine, ep, freezableUpstream, hungUpstream, infer, region, table, type FakeUpstream } from './upstreams.js';

/** Keeps this thread (and so the engine's event loop) busy for `ms`. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // nothing: the loop is stuck behind other work
  }
}
const turn = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('forwarding engine: its own overload', () => {
  let ok: FakeUpstream;
  let hung: FakeUpstream;
  const stops: (() => Promise<void>)[] = [];
  before(async () => {
    ok = await freezableUpstream();
    hung = await hungUpstream();
  });
  after(async () => {
    for (const s of stops) await s();
    await ok.close();
    await hung.close();
  });

  const regions = (): ReturnType<typeof region>[] => [
    region('c', [{ version: 'v1', weight: 1, endpoints: [ep('c/iris:v1/0', hung.url)] }]),
    region('d', [{ version: 'v1', weight: 1, endpoints: [ep('d/iris:v1/0', ok.url)] }]),
  ];

  it('no hedge while the loop lags: the per-try timeout moves the request instead', async () => {
    const { engine: e } = engine(table(regions()), { coldHedgeDelayMs: 30, coldPerTryTimeoutMs: 300, overloadLagMs: 50, outlierConsecutiveFailures: 1000, suspectMs: 0 });
    stops.push(() => e.stop());
    e.start();
    await new Promise((r) => setTimeout(r, 50));
    const calm = await e.forward(infer(['c', 'd']));
    assert.deepEqual([calm.status, calm.region, calm.hedged], [200, 'd', true], 'a calm router hedges the hung replica');
    const pending = e.forward(infer(['c', 'd']));
    busy(120); // the hedge timer fires ~90 ms late
    const lagged = await pending;
    console.log(`hung replica, loop held 120 ms: status ${lagged.status}, hedged ${lagged.hedged}, attempts ${lagged.attempts}`);
    assert.deepEqual([lagged.status, lagged.region, lagged.hedged, lagged.attempts], [200, 'd', false, 2], 'no hedge; the per-try timeout retried elsewhere');
  });

  it('sheds new requests with 503 OVERLOADED and Retry-After while the loop has been behind for two ticks; serves again once it caught up', async () => {
    const { engine: e, registry } = engine(table(regions()), { shedLagMs: 100 });
    stops.push(() => e.stop());
    e.start();
    assert.equal((await e.forward(infer(['d']))).status, 200);
    busy(150);
    await turn(); // the lag timer ticks ~130 ms late
    busy(150);
    await turn(); // and again
    busy(150);
    const shed = await e.forward(infer(['d']));
    assert.deepEqual([shed.status, shed.errorCode, shed.headers['retry-after'], shed.attempts], [503, 'OVERLOADED', '1', 0]);
    assert.match(JSON.parse(shed.body.toString()).error, /the router is overloaded \(its event loop is \d+ ms behind\)/);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await e.forward(infer(['d']))).status, 200, 'back once the loop caught up');
    assert.match(registry.render(), /meridian_router_shed_requests_total\{model="iris"\} 1\b/);
    // One late tick (a GC pause, a descheduled process) sheds nothing.
    busy(150);
    await turn();
    assert.equal((await e.forward(infer(['d']))).status, 200);
  });
});
