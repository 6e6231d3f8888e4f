// The engine's hot-path machinery, held to what it replaced: the latency windows' merged refresh
// gives the percentiles a full sort gives; the timer lists fire every timer once, in time and in
// order, whatever is added or cleared meanwhile, and never keep a process alive for a cleared one;
// the allocation-free endpoint pick draws as the array-building one did.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pickEndpoint } from '../../../src/router/engine/endpoint-picker.js';
import { LatencyWindows } from '../../../src/router/engine/latency.js';
import { TimerLists } from '../../../src/router/engine/timers.js';
import type { Target } from '../../../src/router/engine/types.js';
import { seededRandom } from '../policies-fixtures.js';

/** The windows as they were: the window copied and sorted at each refresh (every `refreshAfter` records, or every change under 8 values). */
class SortingWindows {
  private readonly values: number[] = [];
  private sorted: Float64Array | undefined;
  private stale = 0;
  private readonly refreshAfter: number;

  constructor(
    private readonly capacity: number,
    private readonly minSamples: number,
  ) {
    this.refreshAfter = Math.max(1, Math.min(32, Math.floor(capacity / 8)));
  }

  record(ms: number): void {
    this.values.push(ms);
    if (this.values.length > this.capacity) this.values.shift();
    this.stale++;
  }

  percentile(p: number): number | undefined {
    const n = this.values.length;
    if (n < this.minSamples) return undefined;
    if (this.sorted === undefined || this.stale >= this.refreshAfter || (this.stale > 0 && n < 8)) {
      this.sorted = Float64Array.from(this.values).sort();
      this.stale = 0;
    }
    const s = this.sorted;
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  }
}

const target = (id: string, zone: string): Target => ({ model: 'iris', region: 'r', version: 'v1', endpoint: { id, zone, url: `http://${id}` }, key: id });

/** pickEndpoint as it was: the pools as arrays. */
function pickByArrays(candidates: readonly Target[], outstanding: (key: string) => number, random: () => number): Target | undefined {
  if (candidates.length <= 1) return candidates[0];
  const at = (n: number): number => Math.min(n - 1, Math.floor(random() * n));
  const a = candidates[at(candidates.length)]!;
  const others = candidates.filter((c) => c !== a);
  const otherZones = others.filter((c) => c.endpoint.zone !== a.endpoint.zone);
  const pool = otherZones.length > 0 ? otherZones : others;
  const b = pool[at(pool.length)]!;
  return outstanding(b.key) < outstanding(a.key) ? b : a;
}

describe('engine hot path', () => {
  it('latency windows: a merged refresh gives what sorting the window gives, duplicates, NaN and -0 included', () => {
    const random = seededRandom(11);
    for (const capacity of [1, 3, 7, 8, 9, 40, 200, 300]) {
      for (const odd of [false, true]) {
        const w = new LatencyWindows(capacity, 5);
        const ref = new SortingWindows(capacity, 5);
        for (let i = 0; i < 4000; i++) {
          if (random() < 0.6) {
            let v = random() < 0.3 ? Math.floor(random() * 4) : random() * 50;
            if (odd && random() < 0.01) v = random() < 0.5 ? NaN : -0;
            w.record('k', v, i);
            ref.record(v);
          } else {
            // Reads at random moments: sometimes many records between two refreshes.
            if (random() < 0.3) for (let j = Math.floor(random() * 90); j > 0; j--) {
              const v = random() * 50;
              w.record('k', v, i);
              ref.record(v);
            }
            const p = [0.5, 0.95, 0.99, 0, 1][Math.floor(random() * 5)]!;
            assert.ok(Object.is(w.percentile('k', p), ref.percentile(p)), `capacity ${capacity}, step ${i}, p ${p}`);
          }
        }
      }
    }
  });

  it('endpoint choice: counting in place draws the same endpoints as building the pools', () => {
    const ts = [target('a1', 'a'), target('a2', 'a'), target('b1', 'b'), target('b2', 'b'), target('c1', 'c')];
    const load = (k: string): number => k.charCodeAt(1) % 3;
    for (let n = 0; n <= ts.length; n++) {
      const r1 = seededRandom(n + 1);
      const r2 = seededRandom(n + 1);
      for (let i = 0; i < 100; i++) assert.equal(pickEndpoint(ts.slice(0, n), load, r1), pickByArrays(ts.slice(0, n), load, r2));
    }
    // Only the first `n` slots count.
    assert.equal(pickEndpoint([ts[0]!, ts[1]!], load, () => 0, 1), ts[0]);
  });

  it('timer lists: every timer not cleared fires once, not early, in order; callbacks may add and clear', async () => {
    const timers = new TimerLists(() => performance.now());
    const random = seededRandom(5);
    const pending = new Map<number, object>();
    const fired: { id: number; due: number; at: number }[] = [];
    let next = 0;
    const add = (): void => {
      const ms = [1, 5, 12, 0, 0.5][Math.floor(random() * 5)]!;
      const from = timers.now();
      const id = next++;
      pending.set(id, timers.after(ms, from, onFire, id, from + Math.max(1, ms)));
    };
    const clearOne = (): void => {
      const ids = [...pending.keys()];
      const id = ids[Math.floor(random() * ids.length)];
      if (id === undefined) return;
      timers.clear(pending.get(id));
      timers.clear(pending.get(id)); // twice: ignored
      pending.delete(id);
    };
    function onFire(id: number, due: number): void {
      assert.ok(pending.delete(id), `timer ${id} fired once, and only if not cleared`);
      fired.push({ id, due, at: performance.now() });
      if (random() < 0.3) add();
      if (random() < 0.3) clearOne();
    }
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 20; i++) (random() < 0.6 ? add : clearOne)();
      await new Promise((r) => setTimeout(r, 3));
    }
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(pending.size, 0, 'every timer fired or was cleared');
    assert.ok(fired.length > 50);
    for (const f of fired) assert.ok(f.at >= f.due - 1, `timer ${f.id} fired ${(f.due - f.at).toFixed(2)} ms early`);
  });

  it('timer lists: an entry due sooner than what its emptied list is armed for re-arms it', async () => {
    const timers = new TimerLists(() => performance.now());
    const t0 = timers.now();
    timers.clear(timers.after(1000, t0, () => assert.fail('cleared'), 0, 0));
    const at = await new Promise<number>((resolve) => timers.after(1000, t0 - 980, () => resolve(performance.now()), 0, 0));
    assert.ok(at - t0 < 200, `fired after ${(at - t0).toFixed(0)} ms, not at the cleared entry's time`);
  });

  it('timer lists: cleared timers do not keep the process alive', () => {
    const url = new URL('../../../src/router/engine/timers.js', import.meta.url).href;
    const script = `import { TimerLists } from ${JSON.stringify(url)};
      const t = new TimerLists(() => performance.now());
      t.after(50, t.now(), () => { for (let i = 0; i < 3; i++) t.clear(t.after(60_000, t.now(), () => {}, 0, 0)); }, 0, 0);
      t.clear(t.after(60_000, t.now(), () => {}, 0, 0));`;
    const started = performance.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 20_000 });
    assert.equal(r.status, 0, String(r.stderr));
    assert.ok(performance.now() - started < 10_000, 'the process exited once nothing was pending');
  });
});
