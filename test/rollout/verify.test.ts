// Region verification against real model servers (onnxruntime in worker threads, real HTTP) and
// real misbehaving servers: one that refuses connections, ones that accept and never answer.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { computeGoldenExamples, type GoldenExample } from '../../src/artifacts/golden.js';
import { inspectOnnx } from '../../src/artifacts/onnx-inspect.js';
import { verifyRegion, type ReplicaEndpoint, type VerifyRegionOptions } from '../../src/rollout/verify.js';
import type { ModelServer } from '../../src/serving/model-server.js';
import { model } from '../helpers/paths.js';
import { startModelServer } from '../helpers/servers.js';

/** A plain HTTP server on a free port; `handler` decides which requests it never answers. */
async function startPlain(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stopPlain(server: Server): Promise<void> {
  // Hung requests hold their sockets open; close() alone would wait for them forever.
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('verifyRegion', () => {
  let golden: GoldenExample[];
  let v2a: ModelServer;
  let v2b: ModelServer;
  let v1AsV2: ModelServer;
  let hung: { server: Server; url: string };
  let hangsOnInfer: { server: Server; url: string };
  let refusedUrl: string;

  before(async () => {
    const bytes = await readFile(model('iris-v2.onnx'));
    golden = await computeGoldenExamples(bytes, await inspectOnnx(bytes), { seed: 3 });
    // The wrong bytes under the right name and version: what a bad artifact copy looks like.
    [v2a, v2b, v1AsV2] = await Promise.all([
      startModelServer({ modelPath: model('iris-v2.onnx'), name: 'iris', version: 'v2' }),
      startModelServer({ modelPath: model('iris-v2.onnx'), name: 'iris', version: 'v2' }),
      startModelServer({ modelPath: model('iris-v1.onnx'), name: 'iris', version: 'v2' }),
    ]);
    hung = await startPlain(() => {
      /* accepts the connection, never answers: a SIGSTOPped replica */
    });
    hangsOnInfer = await startPlain((req, res) => {
      if (req.url?.endsWith('/ready') === true) res.end('{"ready":true}');
    });
    const closed = await startPlain(() => undefined);
    refusedUrl = closed.url;
    await stopPlain(closed.server);
  });

  after(async () => {
    await Promise.all([v2a.close(), v2b.close(), v1AsV2.close(), stopPlain(hung.server), stopPlain(hangsOnInfer.server)]);
  });

  const options = (replicas: ReplicaEndpoint[], o: Partial<VerifyRegionOptions> = {}): VerifyRegionOptions => ({
    model: 'iris',
    version: 'v2',
    replicas,
    golden,
    readyTimeoutMs: 2_000,
    requestTimeoutMs: 500,
    latency: { requests: 20, p99BudgetMs: 2_000 },
    ...o,
  });

  it('passes for iris-v2 replicas with iris-v2 golden examples', async () => {
    const report = await verifyRegion(options([{ id: 'r0', url: v2a.url }, { id: 'r1', url: v2b.url }]));
    assert.equal(report.ok, true, report.reason);
    assert.deepEqual(report.checks.map((c) => [c.name, c.status]), [['ready', 'passed'], ['golden', 'passed'], ['latency', 'passed']]);
    const latency = report.checks[2];
    assert.equal(latency?.measured?.requests, 20);
    assert.ok((latency?.measured?.p99Ms ?? -1) > 0);
    assert.equal(report.reason, undefined);
  });

  it('fails the golden check when one replica serves iris-v1, naming that replica', async () => {
    const report = await verifyRegion(options([{ id: 'good', url: v2a.url }, { id: 'stale', url: v1AsV2.url }]));
    assert.equal(report.ok, false);
    assert.deepEqual(report.checks.map((c) => [c.name, c.status]), [['ready', 'passed'], ['golden', 'failed'], ['latency', 'skipped']]);
    assert.match(report.reason ?? '', /^golden: 1 of 2 replicas failed: replica stale \(http:.*\), golden example 0: output "probabilities"\[\d+\]\[\d+\] is [\d.e-]+, expected [\d.e-]+/);
    assert.doesNotMatch(report.reason ?? '', /replica good/);
  });

  it('fails the ready check for a replica that refuses connections', async () => {
    const report = await verifyRegion(options([{ id: 'up', url: v2a.url }, { id: 'down', url: refusedUrl }], { readyTimeoutMs: 300 }));
    assert.equal(report.ok, false);
    assert.deepEqual(report.checks.map((c) => c.status), ['failed', 'skipped', 'skipped']);
    assert.match(report.reason ?? '', /^ready: 1 of 2 replicas not ready within 300 ms: replica down \(http:.*\): connection refused/);
  });

  it('measures latency once more before failing on one stalled request (a busy machine, not a slow server)', async () => {
    // A proxy in front of a healthy replica that stalls exactly one inference request: the first
    // of the latency test (the golden check sends one before it).
    let inferences = 0;
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const forward = async (): Promise<void> => {
          if (req.url?.endsWith('/infer') && ++inferences === 2) await new Promise((r) => setTimeout(r, 300));
          const up = await fetch(v2a.url + (req.url ?? '/'), { method: req.method ?? 'GET', ...(chunks.length > 0 ? { body: Buffer.concat(chunks), headers: { 'content-type': 'application/json' } } : {}) });
          res.writeHead(up.status, { 'content-type': 'application/json' });
          res.end(Buffer.from(await up.arrayBuffer()));
        };
        void forward();
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const report = await verifyRegion(options([{ id: 'r0', url }], { latency: { requests: 10, p99BudgetMs: 200 } }));
      assert.equal(report.ok, true, report.reason);
      assert.match(report.checks[2]?.detail ?? '', /a first round was over budget/);
    } finally {
      proxy.closeAllConnections();
      proxy.close();
    }
  });

  it('fails the latency check when p99 exceeds the budget', async () => {
    const report = await verifyRegion(options([{ id: 'r0', url: v2a.url }], { latency: { requests: 5, p99BudgetMs: 0.001 } }));
    assert.equal(report.ok, false);
    assert.deepEqual(report.checks.map((c) => c.status), ['passed', 'passed', 'failed']);
    assert.match(report.reason ?? '', /^latency: p99 [\d.]+ ms exceeds the 0\.001 ms budget \(p50 [\d.]+ ms, 5 requests over 1 replicas; slowest [\d.]+ ms from replica r0\)/);
  });

  it('fails, within bounded time, for a replica that accepts connections and never answers', async () => {
    const started = performance.now();
    const report = await verifyRegion(options([{ id: 'frozen', url: hung.url }, { id: 'ok', url: v2a.url }], { readyTimeoutMs: 800 }));
    const elapsed = performance.now() - started;
    assert.equal(report.ok, false);
    assert.match(report.reason ?? '', /^ready: 1 of 2 replicas not ready within 800 ms: replica frozen \(.*\): no answer within \d+ ms/);
    assert.ok(elapsed < 2_000, `took ${elapsed} ms`);
  });

  it('fails the golden check, with a timeout, for a replica that is ready but hangs on inference', async () => {
    const started = performance.now();
    const report = await verifyRegion(options([{ id: 'stuck', url: hangsOnInfer.url }], { requestTimeoutMs: 300 }));
    assert.ok(performance.now() - started < 2_000);
    assert.deepEqual(report.checks.map((c) => c.status), ['passed', 'failed', 'skipped']);
    assert.match(report.reason ?? '', /replica stuck .*golden example 0: no answer within 300 ms/);
  });

  it('rejects with the reason when cancelled, rather than reporting a failure', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('rollout cancelled')), 100);
    await assert.rejects(verifyRegion(options([{ id: 'frozen', url: hung.url }], { signal: controller.signal })), /rollout cancelled/);
  });

  it('throws INVALID_ARGUMENT for unusable options', async () => {
    await assert.rejects(verifyRegion(options([])), /replicas is empty/);
    await assert.rejects(verifyRegion(options([{ id: 'r0', url: v2a.url }], { golden: [] })), /golden is empty/);
  });
});
