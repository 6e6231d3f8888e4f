// The engine's pure pieces: option validation, version choice, endpoint choice, the retry
// budget, outlier marking with its cap, suspicion, the planner's region avoidance, adaptive
// timeouts and output sampling.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from '../../../src/core/clock.js';
import type { RoutingTable } from '../../../src/core/routing-table.js';
import { isMeridianError } from '../../../src/core/errors.js';
import { hedgeDelayMs, perTryTimeoutMs } from '../../../src/router/engine/adaptive-timeouts.js';
import { pickEndpoint } from '../../../src/router/engine/endpoint-picker.js';
import { LatencyWindows } from '../../../src/router/engine/latency.js';
import { OutlierDetector } from '../../../src/router/engine/outlier-detector.js';
import { sampleOutputs } from '../../../src/router/engine/output-samples.js';
import { RetryBudget } from '../../../src/router/engine/retry-budget.js';
import { ENGINE_DEFAULTS, resolveEngineSettings } from '../../../src/router/engine/settings.js';
import { SuspectEndpoints } from '../../../src/router/engine/suspects.js';
import { viewOf } from '../../../src/router/engine/table-views.js';
import { TargetPlanner, plannedRegions } from '../../../src/router/engine/target-planner.js';
import type { Target } from '../../../src/router/engine/types.js';
import { byWeight, chooseVersion, stickyPoint } from '../../../src/router/engine/version-choice.js';
import { seededRandom } from '../policies-fixtures.js';

const target = (id: string, zone: string): Target => ({ model: 'iris', region: 'r', version: 'v1', endpoint: { id, zone, url: `http://${id}` }, key: id });

describe('engine pieces', () => {
  it('settings: defaults are valid; a bad option names the field and the range', () => {
    assert.deepEqual(resolveEngineSettings(), ENGINE_DEFAULTS);
    assert.equal(resolveEngineSettings({ healthIntervalMs: 50 }).healthIntervalMs, 50);
    assert.throws(() => resolveEngineSettings({ retryBudgetPercent: 120 }), (e) => isMeridianError(e, 'INVALID_ARGUMENT') && /retryBudgetPercent: 120 .* from 0 to 100/.test(e.message));
    assert.throws(() => resolveEngineSettings({ healthUnhealthyThreshold: 1.5 }), /healthUnhealthyThreshold: 1.5 .*whole number/);
    assert.throws(() => resolveEngineSettings({ deadlineMs: 0 }), /deadlineMs: 0/);
    assert.throws(() => resolveEngineSettings({ outlierMaxEjectionMs: 10, outlierBaseEjectionMs: 100 }), /outlierMaxEjectionMs \(10\) is below/);
  });

  it('version choice: the point picks by normalised weight, weight 0 never; fallbacks heaviest first', () => {
    const v = (version: string, weight: number): { version: string; weight: number; endpoints: [] } => ({ version, weight, endpoints: [] });
    const vs = [v('v1', 0.9), v('v2', 0.1), v('v0', 0)];
    assert.equal(chooseVersion(vs, 0.5)?.version, 'v1');
    assert.equal(chooseVersion(vs, 0.95)?.version, 'v2');
    assert.equal(chooseVersion([v('a', 3), v('b', 1)], 0.8)?.version, 'b', 'weights 3:1 normalise to 0.75/0.25');
    assert.deepEqual(byWeight([v('v2', 0.1), v('v0', 0), v('v1', 0.9)]).map((x) => x.version), ['v1', 'v2']);
    assert.equal(stickyPoint('client-1'), stickyPoint('client-1'));
    const points = Array.from({ length: 1000 }, (_, i) => stickyPoint(`user-${i}`));
    assert.ok(Math.abs(points.filter((p) => p < 0.1).length / 1000 - 0.1) < 0.03, 'hashes spread evenly over [0, 1)');
  });

  it('endpoint choice: two candidates from different zones; fewer outstanding wins', () => {
    const a1 = target('a1', 'a');
    const a2 = target('a2', 'a');
    const b1 = target('b1', 'b');
    const random = seededRandom(7);
    for (let i = 0; i < 200; i++) {
      // Whatever the first draw, the second comes from the other zone, so a busy zone-a pair never both get compared.
      const load = (k: string): number => (k === 'b1' ? 0 : 5);
      assert.equal(pickEndpoint([a1, a2, b1], load, random), b1);
    }
    assert.equal(pickEndpoint([a1], () => 0, random), a1);
    assert.equal(pickEndpoint([], () => 0, random), undefined);
  });

  it("retry budget: max(3, 20% of active requests), as Envoy's", () => {
    const b = new RetryBudget(20, 3);
    for (let i = 0; i < 50; i++) b.requestStarted();
    assert.equal(b.limit(), 10);
    for (let i = 0; i < 10; i++) assert.equal(b.tryAcquire(), true);
    assert.equal(b.tryAcquire(), false);
    b.release();
    assert.equal(b.tryAcquire(), true);
    for (let i = 0; i < 45; i++) b.requestEnded();
    assert.equal(b.limit(), 3, 'never below the minimum');
  });

  it('outliers: marked after N failures in a row, ejection capped per region, multiplier grows and decays', () => {
    let now = 0;
    const clock: Clock = { now: () => now, monotonicMs: () => now, sleep: () => Promise.resolve() };
    const d = new OutlierDetector({ outlierConsecutiveFailures: 3, outlierBaseEjectionMs: 1000, outlierMaxEjectionMs: 2500, outlierMaxEjectionPercent: 50 }, clock);
    // Each failure from an attempt that started after the previous one failed (1 ms apart).
    const fail = (k: string, n: number): number | undefined => {
      let r: number | undefined;
      for (let i = 0; i < n; i++) r = d.failure(k, now++);
      return r;
    };
    const group = ['e1', 'e2', 'e3', 'e4'];
    fail('e1', 2);
    d.success('e1');
    assert.equal(fail('e1', 2), undefined, 'a success resets the run');
    assert.equal(fail('e1', 1), 1000);
    fail('e2', 3);
    fail('e3', 3);
    assert.deepEqual(group.map((k) => d.isMarked(k)), [true, true, true, false]);
    assert.deepEqual(group.map((k) => d.isEjected(k, group)), [true, true, false, false], 'cap: 50% of 4 endpoints skipped, the earliest marked');
    now += 1000;
    assert.equal(d.isMarked('e1'), false, 'back after the ejection time');
    assert.equal(fail('e1', 3), 2000, 'second ejection: 2 × base');
    now += 2000;
    assert.equal(fail('e1', 3), 2500, 'third: capped at the maximum');
    now += 2500 + 3000; // three base periods of good behaviour
    assert.equal(fail('e1', 3), 1000, 'the multiplier decays while the endpoint behaves');
  });

  it('outliers: failures of attempts that overlapped (one stall) count once', () => {
    let now = 0;
    const clock: Clock = { now: () => now, monotonicMs: () => now, sleep: () => Promise.resolve() };
    const d = new OutlierDetector({ outlierConsecutiveFailures: 3, outlierBaseEjectionMs: 1000, outlierMaxEjectionMs: 2500, outlierMaxEjectionPercent: 50 }, clock);
    now = 200;
    for (let i = 0; i < 20; i++) assert.equal(d.failure('e1', 100 + i), undefined, 'twenty requests in flight during one stall');
    assert.equal(d.isMarked('e1'), false);
    now = 300;
    assert.equal(d.failure('e1', 250), undefined);
    now = 400;
    assert.equal(d.failure('e1', 350), 1000, 'the third failure in sequence marks it');
  });

  it('outliers: active checks seeing an endpoint come back end its ejection; the multiplier stays', () => {
    let now = 0;
    const clock: Clock = { now: () => now, monotonicMs: () => now, sleep: () => Promise.resolve() };
    const d = new OutlierDetector({ outlierConsecutiveFailures: 3, outlierBaseEjectionMs: 1000, outlierMaxEjectionMs: 5000, outlierMaxEjectionPercent: 50 }, clock);
    for (let i = 0; i < 3; i++) d.failure('e1', now++);
    assert.equal(d.isMarked('e1'), true);
    d.unmark('e1');
    assert.equal(d.isMarked('e1'), false, 'back at once');
    assert.equal(d.isEjected('e1', ['e1', 'e2']), false);
    for (let i = 0; i < 2; i++) d.failure('e1', now++);
    assert.equal(d.isMarked('e1'), false, 'the run started again');
    assert.equal(d.failure('e1', now++), 2000, 'the next ejection is still the second: 2 × base');
    d.unmark('unknown'); // no state: nothing to do
  });

  it('suspicion: a refusal, or a timeout with no answer since the attempt started; cleared by any sign of life, or over after suspectMs; 0 turns it off', () => {
    let now = 0;
    const clock: Clock = { now: () => now, monotonicMs: () => now, sleep: () => Promise.resolve() };
    const s = new SuspectEndpoints(1000, clock);
    s.mark('e1');
    s.markSilent('e2', 0);
    assert.deepEqual([s.isSuspect('e1'), s.isSuspect('e2'), s.isSuspect('e3')], [true, true, false]);
    s.alive('e1');
    assert.equal(s.isSuspect('e1'), false, 'an answer or a passing probe clears it');
    s.markSilent('e1', -5);
    assert.equal(s.isSuspect('e1'), false, 'it answered after that attempt started: loaded, not hung');
    now = 10;
    s.markSilent('e1', 5);
    assert.equal(s.isSuspect('e1'), true, 'nothing since the attempt started');
    now = 999;
    assert.equal(s.isSuspect('e2'), true, 'marked at 0');
    now = 1000;
    assert.equal(s.isSuspect('e2'), false, 'over after suspectMs');
    s.mark('e3');
    s.retain(new Set(['e1']));
    assert.equal(s.isSuspect('e3'), false, 'endpoints that left the table are forgotten');
    const off = new SuspectEndpoints(0, clock);
    off.mark('e1');
    assert.equal(off.isSuspect('e1'), false);
  });

  it('planner: a region to avoid comes last (strict: never); suspect endpoints after every other usable one; never one endpoint twice', () => {
    const endpoint = (id: string) => ({ id, zone: 'a', url: `http://${id}` });
    const region = (code: string, ids: string[]) => ({ region: code, latitude: 0, longitude: 0, jurisdiction: 'EU', country: 'IE', continent: 'EU', versions: [{ version: 'v1', weight: 1, endpoints: ids.map(endpoint) }] });
    const t: RoutingTable = { revision: 1, generatedAt: '', models: { iris: { policy: { type: 'latency' }, residency: null, regions: [region('a', ['a0', 'a1']), region('b', ['b0']), region('c', ['c0'])] } } };
    const health = { regionUsable: () => true, endpointUsable: () => true, suspect: (x: Target) => x.endpoint.id === 'b0', outstanding: () => 0, random: seededRandom(3) };
    const p = new TargetPlanner(health, 'iris', plannedRegions(viewOf(t).models.get('iris'), ['a', 'b', 'c', 'b', 'nowhere']), {});
    assert.equal(p.next()?.region, 'a');
    assert.equal(p.next({ region: 'a' })?.endpoint.id, 'c0', 'the silent region last; b0 is suspect, so c0 before it');
    assert.equal(p.nextOfVersion('v1', { region: 'a', strict: true }), undefined, 'strict: never the avoided region; a hedge never goes to a suspect endpoint');
    assert.equal(p.next({ region: 'a' }, false)?.region, 'a', 'not strict: the avoided region is still a last resort');
    assert.equal(p.next(undefined, false), undefined, 'with an attempt still in flight, no suspect endpoint');
    assert.equal(p.next()?.endpoint.id, 'b0', 'with nothing in flight, the suspect one rather than nothing');
    assert.equal(p.next(), undefined, 'every endpoint tried once');
  });

  it('adaptive timeouts: per-try from p99 (floored), doubled per timeout streak, capped by the deadline; hedge at p95', () => {
    const s = ENGINE_DEFAULTS;
    assert.equal(perTryTimeoutMs(s, undefined, 0, 10, 10_000), 1000 + 20, 'cold');
    assert.equal(perTryTimeoutMs(s, 2, 0, 10, 10_000), 100 + 20, 'floored');
    assert.equal(perTryTimeoutMs(s, 50, 0, 0, 10_000), 200);
    assert.equal(perTryTimeoutMs(s, 50, 2, 0, 10_000), 800, 'two timeouts in a row: × 4');
    assert.equal(perTryTimeoutMs(s, 50, 0, 0, 150), 150, 'never past the deadline');
    assert.equal(hedgeDelayMs(s, undefined, 5), 110);
    assert.equal(hedgeDelayMs(s, 3, 5), 35);
    assert.equal(hedgeDelayMs(s, 60, 5), 70);
  });

  it('timeout streak: only timeouts with no answer since they started count; an answer ends the run', () => {
    const w = new LatencyWindows(10, 2);
    const key = 'iris/eu-west-1/infer';
    w.timedOut(key, 0);
    w.timedOut(key, 100);
    assert.equal(w.timeoutStreak(key), 2, 'nothing answers: the per-try timeout doubles twice');
    w.record(key, 3, 250);
    assert.equal(w.timeoutStreak(key), 0);
    w.timedOut(key, 200); // started before the answer at 250: a retry elsewhere answered meanwhile
    assert.equal(w.timeoutStreak(key), 0);
    assert.equal(w.percentile(key, 0.99), undefined, 'below minSamples');
    w.record(key, 5, 260);
    assert.equal(w.percentile(key, 0.99), 5);
  });

  it("output samples keep each output's first values, nested data included", () => {
    const body = Buffer.from(JSON.stringify({ outputs: [{ name: 'p', datatype: 'FP32', shape: [2, 3], data: [[1, 2, 3], [4, 5, 6]] }, { name: 'label', datatype: 'INT64', shape: [2], data: [0, 2] }] }));
    assert.deepEqual(sampleOutputs(body, 4), [
      { name: 'p', datatype: 'FP32', shape: [2, 3], data: [1, 2, 3, 4] },
      { name: 'label', datatype: 'INT64', shape: [2], data: [0, 2] },
    ]);
    assert.deepEqual(sampleOutputs(Buffer.from('not json'), 4), []);
  });
});
