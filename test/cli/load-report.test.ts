// `meridian load` as a user runs it (a child process) against a fake router on port 0: the body
// built from the model's metadata, client locations in rotation, the JSON report's shape and
// counts, the human report, and exit codes (0 ran, 1 router unreachable, 2 bad usage).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildInferenceRequest } from '../../src/cli/load/inference-body.js';
import { buildLoadReport } from '../../src/cli/load/report.js';
import type { RequestRecord } from '../../src/cli/load/recorder.js';
import { runCli } from '../helpers/processes.js';

const METADATA = {
  name: 'iris',
  versions: ['v2'],
  platform: 'onnx_onnxv1',
  inputs: [
    { name: 'input', datatype: 'FP32', shape: [-1, 4] },
    { name: 'mask', datatype: 'BOOL', shape: [-1, 2] },
    { name: 'ids', datatype: 'INT64', shape: [3] },
  ],
  outputs: [{ name: 'label', datatype: 'INT64', shape: [-1] }],
};

const LOAD_REPORT_KEYS = ['achievedRps', 'country', 'durationS', 'elapsedMs', 'failed', 'from', 'latencyMs', 'model', 'ok', 'regions', 'router', 'rps', 'scheduled', 'sendLagMs', 'sent', 'statusCounts', 'timeoutMs'];

describe('meridian load', () => {
  const home = mkdtempSync(join(tmpdir(), 'meridian-load-'));
  const env: NodeJS.ProcessEnv = { ...process.env, MERIDIAN_HOME: home };
  delete env.MERIDIAN_ROUTER_URL;
  const bodies: unknown[] = [];
  const locations: string[] = [];
  let router: Server;
  let url = '';
  let count = 0;

  before(async () => {
    // Answers like the real router: metadata, and infer with Meridian-Region set by the client's
    // latitude (north of 45° → eu-west-1); every 10th request is a 503.
    router = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        if (req.method === 'GET' && req.url === '/v2/models/iris') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(METADATA));
        if (req.method === 'GET') return void res.writeHead(404).end(JSON.stringify({ error: `unknown model "${req.url?.split('/')[3] ?? ''}"` }));
        bodies.push(JSON.parse(text));
        const at = String(req.headers['meridian-client-location'] ?? '');
        locations.push(at);
        count++;
        const region = Number(at.split(',')[0]) > 45 ? 'eu-west-1' : 'us-east-1';
        res.writeHead(count % 10 === 0 ? 503 : 200, { 'meridian-region': region, 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => router.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(router.address() as AddressInfo).port}`;
  });
  after(() => {
    router.closeAllConnections();
    router.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('builds a valid body from the metadata: dynamic dimensions 1, floats in [0, 8), booleans, small ints', () => {
    const req = buildInferenceRequest(METADATA);
    assert.deepEqual(req.inputs.map((i) => [i.name, i.datatype, i.shape, i.data.length]), [['input', 'FP32', [1, 4], 4], ['mask', 'BOOL', [1, 2], 2], ['ids', 'INT64', [3], 3]]);
    const [floats, bools, ints] = req.inputs;
    assert.ok(floats?.data.every((v) => typeof v === 'number' && v >= 0 && v < 8));
    assert.ok(bools?.data.every((v) => typeof v === 'boolean'));
    assert.ok(ints?.data.every((v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 4));
    assert.throws(() => buildInferenceRequest({ name: 'x', inputs: [{ name: 's', datatype: 'BYTES', shape: [1] }] }), /BYTES/);
  });

  it('runs open-loop and reports JSON: counts, statuses, regions by rotated location', async () => {
    const r = await runCli(['load', '--model', 'iris', '--rps', '50', '--duration', '1', '--from', '53.3,-6.2', '--from', '38.9,-77.4', '--router', url, '--output', 'json'], env);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(report).sort(), LOAD_REPORT_KEYS);
    assert.deepEqual([report.scheduled, report.sent, report.ok, report.failed], [50, 50, 45, 5]);
    assert.deepEqual(report.statusCounts, { '200': 45, '503': 5 });
    assert.deepEqual(report.regions, { 'eu-west-1': 25, 'us-east-1': 25 });
    assert.deepEqual(report.from, ['53.3,-6.2', '38.9,-77.4']);
    assert.deepEqual(Object.keys(report.latencyMs), ['p50', 'p90', 'p99', 'max']);
    assert.ok(report.latencyMs.p50 > 0 && report.latencyMs.p50 <= report.latencyMs.p99 && report.latencyMs.p99 <= report.latencyMs.max);
    assert.ok(report.achievedRps > 40 && report.achievedRps < 60, `achieved ${report.achievedRps} req/s`);
    assert.equal(report.timeoutMs, 15000);
    // Locations alternate request by request; the body is the one built from the metadata.
    assert.deepEqual(locations.slice(0, 4), ['53.3,-6.2', '38.9,-77.4', '53.3,-6.2', '38.9,-77.4']);
    assert.deepEqual(bodies[0], buildInferenceRequest(METADATA));
  });

  it('prints a short human report', async () => {
    const r = await runCli(['load', '--model', 'iris', '--rps', '20', '--duration', '0.5', '--router', url, '--country', 'de'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /iris via http:\/\/127\.0\.0\.1:\d+: 20 req\/s for 0\.5 s, country DE/);
    assert.match(r.stdout, /requests +10 sent of 10 scheduled/);
    assert.match(r.stdout, /statuses +200: \d+/);
    assert.match(r.stdout, /latency +p50 .* p90 .* p99 .* max /);
  });

  it('exit 1 when the router cannot be reached or is not configured', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = await runCli(['load', '--model', 'iris', '--rps', '5', '--duration', '1', '--router', `http://127.0.0.1:${port}`], env);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot reach the router at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    const none = await runCli(['load', '--model', 'iris', '--rps', '5', '--duration', '1'], env);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no router URL: pass --router URL/);
  });

  it('exit 2 for bad usage, before any request', async () => {
    const before = count;
    const cases: [string[], RegExp][] = [
      [['--rps', '0', '--duration', '1'], /--rps: "0" is not a whole number between 1 and 5000/],
      [['--rps', '5001', '--duration', '1'], /--rps/],
      [['--rps', '5'], /--duration is required/],
      [['--rps', '5', '--duration', '1', '--from', '91,0'], /--from/],
      [['--rps', '5', '--duration', '1', '--country', 'USA'], /--country: "USA" is not a two-letter/],
      [['--rps', '5', '--duration', '1', '--output', 'yaml'], /--output/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['load', '--model', 'iris', '--router', url, ...args], env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    const unknown = await runCli(['load', '--model', 'other', '--rps', '5', '--duration', '1', '--router', url], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /does not serve "other"/);
    assert.equal(count, before, 'no inference request was sent');
  });

  it('buildLoadReport: client errors are their own status categories and count as failed', () => {
    const rec = (seq: number, status: number, region: string | null, error?: string): RequestRecord => ({ seq, scheduledAt: seq * 10, startedAt: seq * 10 + 1, finishedAt: seq * 10 + 5 + seq, status, region, ...(error !== undefined ? { error } : {}) });
    const records = [rec(0, 200, 'a'), rec(1, 200, 'b'), rec(2, 0, null, 'timeout'), rec(3, 0, null, 'ECONNRESET'), rec(4, 503, 'a')];
    const r = buildLoadReport({ model: 'm', rps: 100, durationS: 0.05, from: [], timeoutMs: 1000 }, 'http://r', 5, records);
    assert.deepEqual(r.statusCounts, { '200': 2, '503': 1, ECONNRESET: 1, timeout: 1 });
    assert.deepEqual([r.sent, r.ok, r.failed], [5, 2, 3]);
    assert.deepEqual(r.regions, { a: 2, b: 1 });
    assert.deepEqual(r.latencyMs, { p50: 7, p90: 9, p99: 9, max: 9 });
    assert.deepEqual(r.sendLagMs, { p99: 1, max: 1 });
    assert.equal(r.achievedRps, 100);
    assert.equal(r.country, null);
  });
});
