// Version splits inside a region (weights, sticky clients) and mirroring, against real model
// servers of iris v1 and v2: the split follows the weights, a sticky client stays on one version,
// and a mirror copy never changes the answer or its latency but is recorded as a sample.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelServer } from '../../../src/serving/model-server.js';
import { model } from '../../helpers/paths.js';
import { startModelServer } from '../../helpers/servers.js';
import { engine, ep, hungUpstream, infer, percentile, refusedUrl, region, since, table, type FakeUpstream } from './upstreams.js';

describe('forwarding engine: version splits and mirroring', () => {
  let v1: ModelServer;
  let v2: ModelServer;
  let hung: FakeUpstream;
  const stops: (() => Promise<void>)[] = [];
  const V1 = (): { version: string; weight: number; endpoints: ReturnType<typeof ep>[] } => ({ version: 'v1', weight: 0.9, endpoints: [ep('eu-west-1/iris:v1/0', v1.url)] });
  const V2 = (): { version: string; weight: number; endpoints: ReturnType<typeof ep>[] } => ({ version: 'v2', weight: 0.1, endpoints: [ep('eu-west-1/iris:v2/0', v2.url)] });
  before(async () => {
    v1 = await startModelServer({ modelPath: model('iris-v1.onnx'), name: 'iris', version: 'v1' });
    v2 = await startModelServer({ modelPath: model('iris-v2.onnx'), name: 'iris', version: 'v2' });
    hung = await hungUpstream();
  });
  after(async () => {
    for (const s of stops) await s();
    await v1.close();
    await v2.close();
    await hung.close();
  });

  it('splits 90/10 by weight within a few % over 2,000 requests', async () => {
    const { engine: e } = engine(table([region('eu-west-1', [V1(), V2()])]));
    stops.push(() => e.stop());
    const counts: Record<string, number> = {};
    for (let batch = 0; batch < 100; batch++) {
      const rs = await Promise.all(Array.from({ length: 20 }, () => e.forward(infer(['eu-west-1']))));
      for (const r of rs) {
        assert.equal(r.status, 200, r.body.toString());
        assert.equal(JSON.parse(r.body.toString()).model_version, r.version, 'the version reported is the one that answered');
        counts[r.version] = (counts[r.version] ?? 0) + 1;
      }
    }
    const share = (counts.v2 ?? 0) / 2000;
    console.log(`weights 0.9/0.1 over 2000 requests: v1 ${counts.v1 ?? 0}, v2 ${counts.v2 ?? 0} (v2 share ${(share * 100).toFixed(1)}%)`);
    assert.ok(Math.abs(share - 0.1) < 0.03, `v2 share ${share}`);
  });

  it('a sticky header keeps each client on one version, and clients split by the weights', async () => {
    const { engine: e } = engine(table([region('eu-west-1', [V1(), V2()].map((v) => ({ ...v, weight: 0.5 })), { stickyHeader: 'X-Meridian-Client' })]));
    stops.push(() => e.stop());
    const seen = new Map<string, Set<string>>();
    for (let c = 0; c < 40; c++) {
      for (let i = 0; i < 5; i++) {
        const r = await e.forward(infer(['eu-west-1'], { 'x-meridian-client': `client-${c}` }));
        assert.equal(r.status, 200);
        const s = seen.get(`client-${c}`) ?? new Set<string>();
        s.add(r.version);
        seen.set(`client-${c}`, s);
      }
    }
    assert.ok([...seen.values()].every((s) => s.size === 1), 'each client saw exactly one version');
    const onV2 = [...seen.values()].filter((s) => s.has('v2')).length;
    console.log(`sticky 50/50: ${onV2}/40 clients on v2, each client on one version for all 5 requests`);
    assert.ok(onV2 >= 8 && onV2 <= 32, `${onV2} of 40 clients on v2`);
  });

  it('an explicit version is honoured even at weight 0.1', async () => {
    const { engine: e } = engine(table([region('eu-west-1', [V1(), V2()])]));
    stops.push(() => e.stop());
    for (let i = 0; i < 10; i++) assert.equal((await e.forward({ ...infer(['eu-west-1']), version: 'v2' })).version, 'v2');
  });

  it('failover stays in the chosen version (other regions first); another version answers only as a last resort', async () => {
    const refused = await refusedUrl();
    const t = table([
      region('eu-west-1', [
        { version: 'v1', weight: 0.9, endpoints: [ep('eu-west-1/iris:v1/0', refused)] },
        { version: 'v2', weight: 0.1, endpoints: [ep('eu-west-1/iris:v2/0', v2.url)] },
      ]),
      region('us-east-1', [{ version: 'v1', weight: 1, endpoints: [ep('us-east-1/iris:v1/0', v1.url)] }]),
    ]);
    const { engine: e } = engine(t, { outlierConsecutiveFailures: 10_000 });
    stops.push(() => e.stop());
    const served: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      const r = await e.forward(infer(['eu-west-1', 'us-east-1']));
      assert.equal(r.status, 200);
      served[`${r.region}/${r.version}`] = (served[`${r.region}/${r.version}`] ?? 0) + 1;
    }
    console.log(`eu-west-1's v1 refused, split 90/10: served ${JSON.stringify(served)}`);
    assert.deepEqual(Object.keys(served).sort(), ['eu-west-1/v2', 'us-east-1/v1'], "v1's share went to v1 in the next region, not to the canary");
    assert.ok((served['eu-west-1/v2'] ?? 0) < 50);
    // With no other region listed, availability wins: the canary answers.
    const r = await e.forward(infer(['eu-west-1']));
    assert.deepEqual([r.status, r.version], [200, 'v2']);
  });

  it('mirroring leaves responses unchanged and records the copies as mirror samples', async () => {
    const mirror = { version: 'v2', percent: 100, endpoints: [ep('eu-west-1/iris:v2/0', v2.url)] };
    const t = table([region('eu-west-1', [{ ...V1(), weight: 1 }], { mirror })]);
    t.models.iris!.sampleRate = 1; // every request sampled, as while a release is analysed
    const { engine: e } = engine(t);
    stops.push(() => e.stop());
    for (let i = 0; i < 20; i++) {
      const r = await e.forward(infer(['eu-west-1']));
      assert.equal(r.status, 200);
      assert.equal(r.version, 'v1');
      assert.equal(JSON.parse(r.body.toString()).model_version, 'v1');
    }
    await new Promise((r) => setTimeout(r, 100)); // copies are fire and forget
    const samples = e.samples('iris');
    const primary = samples.filter((s) => !s.mirror);
    const mirrored = samples.filter((s) => s.mirror);
    assert.equal(primary.length, 20);
    assert.ok(primary.every((s) => s.version === 'v1' && s.region === 'eu-west-1' && s.status === 200));
    assert.equal(mirrored.length, 20);
    assert.ok(mirrored.every((s) => s.version === 'v2' && s.status === 200 && s.role === 'mirror' && s.outputs.length > 0 && s.outputs.every((o) => o.data.length > 0 && o.data.length <= 8)));
    assert.deepEqual(new Set(mirrored.map((s) => s.requestId)), new Set(primary.map((s) => s.requestId)), 'each copy carries the request id of the answer it shadows');
    assert.equal(new Set(primary.map((s) => s.requestId)).size, 20, 'one id per request');
    console.log(`mirror samples: ${mirrored.length}, e.g. ${JSON.stringify(mirrored[0]?.outputs[0])}; primary e.g. ${JSON.stringify(primary[0]?.outputs[0])}`);
  });

  it('a mirror that hangs costs the primary nothing', async () => {
    const mirror = { version: 'v2', percent: 100, endpoints: [ep('eu-west-1/iris:v2/hung', hung.url)] };
    const { engine: plain } = engine(table([region('eu-west-1', [{ ...V1(), weight: 1 }])]));
    const { engine: mirrored, registry } = engine(table([region('eu-west-1', [{ ...V1(), weight: 1 }], { mirror })]));
    stops.push(() => plain.stop(), () => mirrored.stop());
    const hitsBefore = hung.hits.infer;
    // Interleaved, so both engines see the same machine load.
    const ms = { plain: [] as number[], mirrored: [] as number[] };
    for (let i = 0; i < 40; i++) {
      for (const [name, e] of [['plain', plain], ['mirrored', mirrored]] as const) {
        const t0 = performance.now();
        const r = await e.forward(infer(['eu-west-1']));
        ms[name].push(since(t0));
        assert.equal(r.version, 'v1');
      }
    }
    const copied = performance.now();
    while (hung.hits.infer - hitsBefore < 3 && since(copied) < 2000) await new Promise((r) => setTimeout(r, 10)); // copies are fire and forget
    const [p, m] = [percentile(ms.plain, 0.5), percentile(ms.mirrored, 0.5)];
    console.log(`median latency without mirror ${p.toFixed(2)} ms, with a hung mirror on every request ${m.toFixed(2)} ms`);
    // Copies time out at the region's per-try timeout; three in a row eject the hung mirror endpoint, after which copies are skipped.
    assert.ok(hung.hits.infer - hitsBefore >= 3, 'requests were copied to the mirror');
    assert.ok(m < p * 1.5 + 2, 'the copy adds no latency');
    const timedOut = /meridian_router_mirror_requests_total\{[^}]*result="timeout"[^}]*\} [1-9]/;
    while (!timedOut.test(registry.render()) && since(copied) < 3000) await new Promise((r) => setTimeout(r, 20));
    assert.match(registry.render(), timedOut, 'copies to the hung mirror time out (and are counted)');
  });
});
