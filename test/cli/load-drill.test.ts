// The outage drill without a real environment: the analysis on hand-made timelines (each number's
// definition), and the sequence against a fake router and a fake control plane — fail after the
// warm-up, restore on time, and restore on every way out (an API error, Ctrl-C).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { DrillRequest, ReplicaStatus } from '../../src/api/requests.js';
import { analyseDrill, type DrillTimes } from '../../src/cli/load/drill-analysis.js';
import { buildDrillReport } from '../../src/cli/load/drill-report.js';
import { prepareLoad } from '../../src/cli/load/load-run.js';
import { runOutageDrill, type DrillControl } from '../../src/cli/load/outage-drill.js';
import type { RequestRecord } from '../../src/cli/load/recorder.js';
import { runCli } from '../helpers/processes.js';

/** 100 rps for 5 s: request i starts at 10·i ms and takes 5 ms; `who` says who answered it. */
function timeline(who: (t: number) => { status: number; region: string | null }): RequestRecord[] {
  return Array.from({ length: 500 }, (_, seq) => {
    const t = seq * 10;
    return { seq, scheduledAt: t, startedAt: t, finishedAt: t + 5, ...who(t) };
  });
}

const TIMES: DrillTimes = { failStart: 1000, failDone: 1010, restoreStart: 3000, sendEnd: 5000 };

describe('drill analysis', () => {
  it('a failover with a straggler and a failure: each figure by its definition', () => {
    const records = timeline((t) => {
      if (t < 1000) return { status: 200, region: 'A' };
      if (t <= 1150 && t % 20 === 0) return { status: 200, region: 'A' }; // the router still sends some to A
      if (t === 1250) return { status: 503, region: null };
      if (t >= 3400) return { status: 200, region: 'A' };
      return { status: 200, region: 'B' };
    });
    const a = analyseDrill(records, 'A', TIMES);
    assert.equal(a.totalRequests, 500);
    assert.equal(a.failedRequests, 1);
    assert.deepEqual(a.failedByPhase, { beforeFailure: 0, outage: 1, afterRestore: 0 });
    assert.equal(a.warmupShare, 1);
    assert.equal(a.timeToStopSendingMs, 1140 - 1010, 'the last request A answered started at 1140');
    assert.equal(a.timeToAllElsewhereMs, 300, 'the 503 at 1250 is in window 2 (1210..1310); from window 3 on all is elsewhere');
    assert.equal(a.timeToReturnMs, 400);
    assert.deepEqual(a.outageLatencyMs, { p50: 5, p99: 5 });
    assert.equal(a.outageFirst2sP99Ms, 5);
  });

  it('a clean failover is all zeros; a region that keeps serving or never returns is "never" (null)', () => {
    const clean = analyseDrill(timeline((t) => ({ status: 200, region: t < 1000 || t >= 3000 ? 'A' : 'B' })), 'A', TIMES);
    assert.deepEqual([clean.timeToStopSendingMs, clean.timeToAllElsewhereMs, clean.timeToReturnMs, clean.failedRequests], [0, 0, 0, 0]);
    const stuck = analyseDrill(timeline(() => ({ status: 200, region: 'A' })), 'A', TIMES);
    assert.equal(stuck.timeToAllElsewhereMs, null);
    assert.ok(stuck.timeToStopSendingMs > 1900);
    const gone = analyseDrill(timeline((t) => ({ status: 200, region: t < 1000 ? 'A' : 'B' })), 'A', TIMES);
    assert.equal(gone.timeToReturnMs, null);
    const failing = analyseDrill(timeline((t) => (t < 1000 ? { status: 200, region: 'A' } : { status: 503, region: null })), 'A', TIMES);
    assert.equal(failing.timeToAllElsewhereMs, null, 'answering 503 is not moving traffic elsewhere');
    assert.equal(failing.failedByPhase.outage, 200);
  });

  it('outage latency counts from the schedule, from the failure request on, and the first 2 s separately', () => {
    const records = timeline((t) => ({ status: 200, region: t < 1000 ? 'A' : 'B' })).map((r) =>
      // Requests scheduled in the first 300 ms of the outage hang for 2 s (a frozen region).
      r.scheduledAt >= 1000 && r.scheduledAt < 1300 ? { ...r, finishedAt: r.scheduledAt + 2000 } : r,
    );
    const a = analyseDrill(records, 'A', TIMES);
    assert.deepEqual(a.baselineLatencyMs, { p50: 5, p99: 5 });
    assert.equal(a.outageLatencyMs.p50, 5);
    assert.equal(a.outageLatencyMs.p99, 2000, '30 of 200 outage requests hung');
    assert.equal(a.outageFirst2sP99Ms, 2000);
  });

  it('a request in flight when the region broke counts in the outage, not in the baseline', () => {
    // Requests 95..99 (scheduled 950..990 ms) were in flight at 1000 ms and ended with 504 at 3.5 s.
    const records = timeline((t) => ({ status: 200, region: t < 1000 ? 'A' : 'B' })).map((r) => (r.seq >= 95 && r.seq <= 99 ? { ...r, finishedAt: 3500, status: 504, region: null } : r));
    const a = analyseDrill(records, 'A', TIMES);
    assert.deepEqual(a.failedByPhase, { beforeFailure: 0, outage: 5, afterRestore: 0 });
    assert.deepEqual(a.baselineLatencyMs, { p50: 5, p99: 5 });
    assert.ok((a.outageLatencyMs.p99 ?? 0) >= 2500, `outage p99 ${a.outageLatencyMs.p99} shows the stuck requests`);
    assert.equal(a.warmupShare, 1);
  });
});

describe('outage drill sequence', () => {
  let router: Server;
  let url = '';
  /** Which region the fake router answers from: B while A is failed. */
  let failed = false;
  /**
   * And for a moment after the restore: a request sent just before it may reach the fake late on
   * a busy machine, and must not look as if the router still sent it to A during the outage.
   */
  let restoredAt = 0;
  const RESTORE_GRACE_MS = 100;

  before(async () => {
    router = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.method === 'GET') return void res.writeHead(200).end(JSON.stringify({ name: 'iris', inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }] }));
        res.writeHead(200, { 'meridian-region': failed || performance.now() - restoredAt < RESTORE_GRACE_MS ? 'B' : 'A' }).end('{}');
      });
    });
    await new Promise<void>((r) => router.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(router.address() as AddressInfo).port}`;
  });
  after(() => {
    router.closeAllConnections();
    router.close();
  });

  /** A control plane that records calls; `breakOn` makes that mode's call fail. */
  function control(breakOn?: DrillRequest['mode']): DrillControl & { calls: DrillRequest['mode'][] } {
    const calls: DrillRequest['mode'][] = [];
    return {
      calls,
      drill(req: DrillRequest): Promise<ReplicaStatus[]> {
        calls.push(req.mode);
        if (req.mode === breakOn) return Promise.reject(new Error(`${req.mode} refused`));
        failed = req.mode !== 'restore';
        if (req.mode === 'restore') restoredAt = performance.now();
        return Promise.resolve([{ id: 'A/iris:v2/0', region: 'A', zone: 'a', model: 'iris', version: 'v2', index: 0, phase: 'running', url: 'http://x' }]);
      },
    };
  }

  const load = () => prepareLoad({ model: 'iris', rps: 50, durationS: 1, from: [], timeoutMs: 2000 }, url);

  it('fails the region after the warm-up, restores it on time, and reports', async () => {
    failed = false;
    const c = control();
    const p = await load();
    const res = await runOutageDrill({ load: p, region: 'A', mode: 'kill', warmupS: 0.3, restoreAfterS: 0.6, control: c, signal: new AbortController().signal });
    assert.deepEqual(c.calls, ['kill', 'restore']);
    assert.equal(res.interrupted, false);
    assert.equal(res.records.length, 50);
    // Not before the warm-up; the upper bound only catches a drill that forgot to fail (timers run late on a busy machine).
    assert.ok(res.times.failStart >= 299 && res.times.failStart < 2000, `failed at ${res.times.failStart}`);
    assert.ok(res.times.restoreStart !== null && res.times.restoreStart >= 599 && res.times.restoreStart < 2500, `restored at ${res.times.restoreStart}`);
    const report = buildDrillReport(p, { region: 'A', mode: 'kill', warmupS: 0.3, restoreAfterS: 0.6, otherRegions: ['B'] }, res);
    assert.deepEqual(Object.keys(report).sort(), [
      'baselineLatencyMs', 'country', 'durationS', 'failedByPhase', 'failedRequests', 'from', 'load', 'mode', 'model', 'outageFirst2sP99Ms', 'outageLatencyMs',
      'region', 'replicasAffected', 'restoreAfterS', 'rps', 'timeToAllElsewhereMs', 'timeToReturnMs', 'timeToStopSendingMs', 'timeline', 'totalRequests',
      'warmupS', 'warmupShare', 'warnings', 'windowMs',
    ]);
    assert.deepEqual(Object.keys(report.timeline), ['failRequestedAtMs', 'failedAtMs', 'restoreRequestedAtMs', 'restoredAtMs', 'sendEndMs']);
    assert.deepEqual([report.failedRequests, report.timeToStopSendingMs, report.timeToAllElsewhereMs, report.replicasAffected], [0, 0, 0, 1]);
    // Requests still in flight when the fake flips to B count as B's: a share just under 1.
    assert.ok(report.warmupShare !== null && report.warmupShare >= 0.8, `warm-up share ${report.warmupShare}`);
    assert.ok(report.timeToReturnMs !== null && report.timeToReturnMs < RESTORE_GRACE_MS + 300, `traffic back after ${report.timeToReturnMs} ms`);
    assert.equal(report.load.sent, 50);
  });

  it('restores the region when the failure call errors (it may have landed anyway)', async () => {
    const c = control('freeze');
    await assert.rejects(runOutageDrill({ load: await load(), region: 'A', mode: 'freeze', warmupS: 0.1, restoreAfterS: 0.5, control: c, signal: new AbortController().signal }), /freeze refused/);
    assert.deepEqual(c.calls, ['freeze', 'restore']);
  });

  it('restores the region on Ctrl-C during the outage, and says how to recover if that fails', async () => {
    const c = control();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 400);
    const res = await runOutageDrill({ load: await load(), region: 'A', mode: 'kill', warmupS: 0.2, restoreAfterS: 0.8, control: c, signal: stop.signal });
    assert.equal(res.interrupted, true);
    assert.deepEqual(c.calls, ['kill', 'restore']);
    assert.ok(res.records.length < 50, 'stopped early');

    const c2 = control('restore');
    const stop2 = new AbortController();
    setTimeout(() => stop2.abort(), 400);
    await assert.rejects(runOutageDrill({ load: await load(), region: 'A', mode: 'kill', warmupS: 0.2, restoreAfterS: 0.8, control: c2, signal: stop2.signal }), /A may still be killed: restoring it failed \(restore refused\); run `meridian drill restore --region A`/);
  });

  it('meridian drill outage refuses bad usage with exit 2 before calling anything', async () => {
    const env = { ...process.env, MERIDIAN_API_URL: 'http://127.0.0.1:9', MERIDIAN_TOKEN: 'unused' };
    const base = ['drill', 'outage', '--model', 'iris', '--region', 'us-east-1'];
    const cases: [string[], RegExp][] = [
      [['--mode', 'melt', '--rps', '50', '--duration', '6'], /--mode: "melt" is not a mode; use kill .* or freeze/],
      [['--mode', 'kill', '--rps', '6000', '--duration', '6'], /--rps: "6000" is not a whole number between 1 and 5000/],
      [['--mode', 'kill', '--rps', '50', '--duration', '2'], /--duration: "2" is not a number between 3 and 600/],
      [['--mode', 'kill', '--rps', '50', '--duration', '6', '--warmup', '3', '--restore-after', '2'], /--restore-after \(2 s\) must be later than --warmup \(3 s\)/],
      [['--mode', 'kill', '--rps', '50', '--duration', '6', '--warmup', '7'], /--warmup: "7" is not a number between 0 and 6/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli([...base, ...args], env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    const noRegion = await runCli(['drill', 'outage', '--model', 'iris', '--mode', 'kill', '--rps', '5', '--duration', '6'], env);
    assert.equal(noRegion.code, 2);
    assert.match(noRegion.stderr, /--region is required/);
  });
});
