// The open-loop scheduler and the HTTP sender against real node:http servers on port 0: the rate
// holds while responses are slow, latency counts from the schedule (a late send is not hidden),
// client-side failures get their own categories, and connections are reused.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createSender } from '../../src/cli/load/http-sender.js';
import { latencyOf } from '../../src/cli/load/recorder.js';
import { startOpenLoop } from '../../src/cli/load/scheduler.js';

const servers: Server[] = [];

/** A server on port 0 that answers every request with `handler`; closed after the suite. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: URL; server: Server }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/models/m/infer`), server };
}

function sender(url: URL, rps: number, timeoutMs = 5000) {
  return createSender({ url, body: Buffer.from('{"inputs":[]}'), headers: () => ({}), timeoutMs, rps });
}

describe('open-loop load', () => {
  after(() => {
    for (const s of servers) s.closeAllConnections();
    for (const s of servers) s.close();
  });

  it('keeps sending at the rate while every response takes 200 ms', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const { url } = await serve((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      req.resume();
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'meridian-region': 'eu-west-1' }).end('{}');
      }, 200);
    });
    const s = sender(url, 100);
    const t0 = performance.now();
    const run = startOpenLoop({ rps: 100, durationMs: 1000, send: s.send });
    const records = await run.done;
    const total = performance.now() - t0;
    s.close();
    assert.equal(run.scheduled, 100);
    assert.equal(records.length, 100, 'every scheduled request was sent');
    const lastStart = Math.max(...records.map((r) => r.startedAt));
    // Closed-loop, one request per 200 ms, this would take 20 s; open-loop it ends after ~1 s + 200 ms.
    assert.ok(lastStart >= 985 && lastStart < 1500, `sending spanned ${lastStart} ms`);
    assert.ok(total < 2500, `the run took ${total} ms`);
    assert.ok(maxInFlight >= 10, `the server saw ${maxInFlight} requests at once; an open loop keeps ~20 in flight`);
    assert.deepEqual(records.map((r) => r.seq), [...Array(100).keys()], 'in schedule order');
    for (const r of records) {
      assert.equal(r.scheduledAt, r.seq * 10);
      assert.equal(r.status, 200);
      assert.equal(r.region, 'eu-west-1');
      assert.equal(r.error, undefined);
      assert.ok(latencyOf(r) >= 199, `latency ${latencyOf(r)} includes the server's 200 ms`);
    }
  });

  it('measures latency from the scheduled time, so a stalled generator shows in it', async () => {
    const { url } = await serve((req, res) => {
      req.resume();
      res.writeHead(200).end('{}');
    });
    const s = sender(url, 100);
    const run = startOpenLoop({ rps: 100, durationMs: 500, send: s.send });
    // Block this process's event loop for 300 ms: requests 1..29 come due but cannot be sent.
    const until = performance.now() + 300;
    while (performance.now() < until) {
      // busy on purpose
    }
    const records = await run.done;
    s.close();
    assert.equal(records.length, 50);
    const late = records.find((r) => r.seq === 1);
    assert.ok(late !== undefined);
    assert.ok(late.startedAt - late.scheduledAt >= 280, `request 1 was sent ${late.startedAt - late.scheduledAt} ms late`);
    assert.ok(latencyOf(late) >= 280, `its latency (${latencyOf(late)} ms) counts the wait, not just the server's ~1 ms`);
    assert.ok(late.finishedAt - late.startedAt < latencyOf(late));
  });

  it('counts timeouts and refused connections as their own categories', async () => {
    const { url: silent } = await serve((req) => req.resume()); // never answers
    const s = sender(silent, 20, 100);
    const timedOut = await startOpenLoop({ rps: 20, durationMs: 200, send: s.send }).done;
    s.close();
    assert.equal(timedOut.length, 4);
    for (const r of timedOut) {
      assert.deepEqual([r.status, r.region, r.error], [0, null, 'timeout']);
      assert.ok(r.finishedAt - r.startedAt >= 95 && r.finishedAt - r.startedAt < 1000, `gave up after ${r.finishedAt - r.startedAt} ms`);
    }

    const { server } = await serve(() => undefined);
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const refusedSender = sender(new URL(`http://127.0.0.1:${port}/x`), 10);
    const refused = await startOpenLoop({ rps: 10, durationMs: 200, send: refusedSender.send }).done;
    refusedSender.close();
    assert.deepEqual(refused.map((r) => [r.status, r.error]), [[0, 'ECONNREFUSED'], [0, 'ECONNREFUSED']]);
  });

  it('stops early on abort: nothing more is sent and requests in flight end as aborted', async () => {
    const { url } = await serve((req, res) => {
      req.resume();
      setTimeout(() => res.writeHead(200).end('{}'), 2000);
    });
    const s = sender(url, 50);
    const stop = new AbortController();
    const t0 = performance.now();
    const run = startOpenLoop({ rps: 50, durationMs: 5000, send: s.send, signal: stop.signal });
    setTimeout(() => stop.abort(), 150);
    const records = await run.done;
    s.close();
    assert.ok(performance.now() - t0 < 1000, 'done soon after the abort');
    assert.ok(records.length >= 5 && records.length <= 20, `${records.length} sent in ~150 ms at 50 rps`);
    assert.ok(records.every((r) => r.error === 'aborted'));
  });

  it('reuses keep-alive connections', async () => {
    let connections = 0;
    const { server, url } = await serve((req, res) => {
      req.resume();
      res.writeHead(200).end('{}');
    });
    server.on('connection', () => connections++);
    const s = sender(url, 100);
    const records = await startOpenLoop({ rps: 100, durationMs: 500, send: s.send }).done;
    s.close();
    assert.equal(records.length, 50);
    assert.ok(records.every((r) => r.status === 200));
    // Reuse shows as fewer connections than requests; how many overlap depends on the machine's load.
    assert.ok(connections <= 40, `${connections} connections for 50 quick requests`);
  });
});
