// Samples for release analysis: every upstream attempt of a sampled request leaves one, under the
// request's id and attributed to the region and version that produced it — failures that a retry
// elsewhere hid from the client included (5xx as answered, 502 refused, 504 timed out) — while a
// hedge that lost the race leaves none; mirror copies leave theirs under the same id, errors
// included; the routing table's per-model rate decides which requests are sampled; the ring keeps
// the newest `sampleCapacity`. Real (small) HTTP servers as upstreams.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RoutingRegion, RoutingTable } from '../../../src/core/routing-table.js';
import type { OutputSample } from '../../../src/router/engine/index.js';
import { ENGINE_DEFAULTS } from '../../../src/router/engine/settings.js';
import { engine, ep, freezableUpstream, hungUpstream, infer, refusedUrl, region, table, unavailableUpstream, type FakeUpstream } from './upstreams.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The model's table with `sampleRate` set (undefined: absent). */
function withRate(t: RoutingTable, rate: number | undefined): RoutingTable {
  const m = t.models.iris!;
  return { ...t, models: { iris: rate === undefined ? { policy: m.policy, residency: m.residency, regions: m.regions } : { ...m, sampleRate: rate } } };
}

/** Samples grouped by request id, each request's in time order. */
function byRequest(samples: readonly OutputSample[]): Map<string, OutputSample[]> {
  const out = new Map<string, OutputSample[]>();
  for (const s of samples) out.set(s.requestId, [...(out.get(s.requestId) ?? []), s]);
  return out;
}

describe('forwarding engine: samples for release analysis', () => {
  let ok: FakeUpstream;
  let unavailable: FakeUpstream;
  let hung: FakeUpstream;
  let refused = '';
  const stops: (() => Promise<void>)[] = [];
  /** a: answers 503; b: refuses; c: hangs; d: answers. One endpoint each, version v1 (d also serves v2 as a mirror target in some tests). */
  const regions = (): RoutingRegion[] => [
    region('a', [{ version: 'v1', weight: 1, endpoints: [ep('a/iris:v1/0', unavailable.url)] }]),
    region('b', [{ version: 'v1', weight: 1, endpoints: [ep('b/iris:v1/0', refused)] }]),
    region('c', [{ version: 'v1', weight: 1, endpoints: [ep('c/iris:v1/0', hung.url)] }]),
    region('d', [{ version: 'v1', weight: 1, endpoints: [ep('d/iris:v1/0', ok.url)] }]),
  ];
  before(async () => {
    ok = await freezableUpstream();
    unavailable = await unavailableUpstream();
    hung = await hungUpstream();
    refused = await refusedUrl();
  });
  after(async () => {
    for (const s of stops) await s();
    for (const u of [ok, unavailable, hung]) await u.close();
  });

  it('every attempt leaves a sample of its own region and version under the request id: 503 as answered, 502 refused, 504 timed out; then the answer', async () => {
    // No hedging and a short cold per-try timeout, so the hung region's attempt ends in a timeout and a retry.
    const { engine: e } = engine(withRate(table(regions()), 1), { maxHedges: 0, coldPerTryTimeoutMs: 150, outlierConsecutiveFailures: 1000, suspectMs: 0 });
    stops.push(() => e.stop());
    for (const first of ['a', 'b', 'c']) {
      const r = await e.forward(infer([first, 'd']));
      assert.deepEqual([r.status, r.region, r.attempts], [200, 'd', 2], `${first}: the client saw the retry's answer`);
    }
    await sleep(50); // the timed-out attempt's end arrives just after it is abandoned
    const requests = [...byRequest(e.samples('iris')).values()];
    assert.equal(requests.length, 3, 'one id per request');
    const seen = requests.map((ss) => ss.map((s) => `${s.region}/${s.version} ${s.role} ${s.status}`));
    console.log(`samples per request: ${JSON.stringify(seen)}`);
    assert.deepEqual(seen, [
      ['a/v1 primary 503', 'd/v1 retry 200'],
      ['b/v1 primary 502', 'd/v1 retry 200'],
      ['c/v1 primary 504', 'd/v1 retry 200'],
    ]);
    const all = requests.flat();
    assert.ok(all.filter((s) => s.status >= 500).every((s) => s.outputs.length === 0 && !s.mirror));
    assert.ok(all.filter((s) => s.status === 200).every((s) => s.outputs.length === 1 && s.outputs[0]!.name === 'probabilities'));
    const timedOut = all.find((s) => s.status === 504)!;
    assert.ok(timedOut.latencyMs >= 145, `the timeout's latency is the time it waited: ${timedOut.latencyMs} ms`);
    // The exact shape the control plane reads.
    assert.deepEqual(Object.keys(all[0]!), ['requestId', 'region', 'version', 'time', 'latencyMs', 'status', 'outputs', 'mirror', 'role']);
  });

  it('a hedge that loses (or whose twin loses) leaves no sample: only the answer', async () => {
    const { engine: e } = engine(withRate(table(regions()), 1), { coldHedgeDelayMs: 30, coldPerTryTimeoutMs: 2000, outlierConsecutiveFailures: 1000 });
    stops.push(() => e.stop());
    const r = await e.forward(infer(['c', 'd']));
    assert.deepEqual([r.status, r.region, r.hedged], [200, 'd', true]);
    await sleep(50);
    const samples = e.samples('iris');
    assert.deepEqual(
      samples.map((s) => `${s.region} ${s.role} ${s.status}`),
      ['d hedge 200'],
      'the abandoned primary on the hung replica is no evidence of an error',
    );
  });

  it('mirror copies leave samples under the request id, their failures too: 504 when the candidate hangs, 502 when it refuses', async () => {
    const mirrorTo = (url: string): RoutingRegion => region('d', [{ version: 'v1', weight: 1, endpoints: [ep('d/iris:v1/0', ok.url)] }], { mirror: { version: 'v2', percent: 100, endpoints: [ep('d/iris:v2/0', url)] } });
    for (const [what, url, status] of [['hung', hung.url, 504], ['refused', refused, 502]] as const) {
      // No suspicion: a refused copy would otherwise keep the next copies away from that endpoint for 2 s.
      const { engine: e } = engine(withRate(table([mirrorTo(url)]), 1), { coldPerTryTimeoutMs: 150, outlierConsecutiveFailures: 1000, suspectMs: 0 });
      stops.push(() => e.stop());
      for (let i = 0; i < 3; i++) assert.equal((await e.forward(infer(['d']))).status, 200);
      const t0 = performance.now();
      while (e.samples('iris').filter((s) => s.mirror).length < 3 && performance.now() - t0 < 3000) await sleep(20);
      const requests = [...byRequest(e.samples('iris')).values()];
      assert.equal(requests.length, 3);
      for (const ss of requests) {
        assert.deepEqual(
          ss.map((s) => `${s.version} ${s.role} ${s.status} ${s.mirror}`).sort(), // a refusal may come back before the answer
          ['v1 primary 200 false', `v2 mirror ${status} true`],
          `${what} mirror`,
        );
      }
    }
  });

  it("the table's sampleRate decides per model (0: none, 1: every request, absent: the engine's rate); only inference is sampled", async () => {
    let current = withRate(table(regions()), 0);
    const { engine: e } = engine(() => current, { sampleRate: 0.2 });
    stops.push(() => e.stop());
    const send = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) assert.equal((await e.forward(infer(['d']))).status, 200);
    };
    await send(50);
    assert.equal(e.samples('iris').length, 0, 'rate 0: nothing recorded');
    current = { ...withRate(table(regions()), 1), revision: 2 };
    await send(50);
    await e.forward({ model: 'iris', action: 'ready', method: 'GET', headers: {}, regionOrder: ['d'] });
    assert.equal(e.samples('iris').length, 50, 'rate 1 (the control plane analysing a release): every inference request, from the next table on');
    current = { ...withRate(table(regions()), undefined), revision: 3 };
    await send(500);
    const share = (e.samples('iris').length - 50) / 500;
    console.log(`engine rate 0.2 over 500 requests: ${(share * 100).toFixed(1)} % sampled`);
    assert.ok(share > 0.12 && share < 0.28, `share ${share}`);
    assert.ok(ENGINE_DEFAULTS.sampleRate > 0 && ENGINE_DEFAULTS.sampleRate <= 0.05, 'the default keeps unsampled requests the rule');
  });

  it('keeps the newest sampleCapacity samples per region × version; since returns only newer ones, times strictly increasing', async () => {
    const { engine: e } = engine(withRate(table(regions()), 1), { sampleCapacity: 8 });
    stops.push(() => e.stop());
    await Promise.all(Array.from({ length: 20 }, () => e.forward(infer(['d']))));
    const kept = e.samples('iris');
    assert.equal(kept.length, 8);
    assert.ok(kept.every((s, i) => i === 0 || s.time > kept[i - 1]!.time), 'strictly increasing times, even within one millisecond');
    assert.deepEqual(e.samples('iris', kept[4]!.time), kept.slice(5));
    assert.deepEqual(e.samples('iris', kept[7]!.time), []);
    assert.equal(ENGINE_DEFAULTS.sampleCapacity, 4096);
  });
});
