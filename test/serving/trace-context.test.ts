// W3C trace context: the parser follows the spec's validity rules, and the model server continues
// the caller's trace — the same trace id, a span of its own — echoed in every response.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { childSpan, formatTraceparent, parseTraceparent } from '../../src/core/trace-context.js';
import type { ModelServer } from '../../src/serving/model-server.js';
import { model } from '../helpers/paths.js';
import { startModelServer } from '../helpers/servers.js';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparent', () => {
  it('parses valid headers and refuses the invalid ones the spec names', () => {
    assert.deepEqual(parseTraceparent(VALID), { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: '01' });
    assert.deepEqual(parseTraceparent(VALID.toUpperCase()), parseTraceparent(VALID), 'case-insensitive on input');
    for (const bad of [undefined, '', 'nonsense', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', `${VALID}-extra`, '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01']) {
      assert.equal(parseTraceparent(bad), undefined, String(bad));
    }
    // A future version may carry more fields after the four we know.
    assert.equal(parseTraceparent(`01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more`)?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('a child span keeps the trace and flags; no parent starts a new sampled trace', () => {
    const parent = parseTraceparent(VALID)!;
    const child = childSpan(parent);
    assert.equal(child.traceId, parent.traceId);
    assert.notEqual(child.spanId, parent.spanId);
    const fresh = childSpan(undefined);
    assert.match(formatTraceparent(fresh), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.deepEqual(parseTraceparent(formatTraceparent(fresh)), fresh);
  });
});

describe('model server trace propagation', () => {
  let server: ModelServer;
  before(async () => {
    server = await startModelServer({ modelPath: model('iris-v2.onnx'), name: 'iris', version: 'v2' });
  });
  after(() => server.drain());

  const infer = (headers: Record<string, string>): Promise<Response> =>
    fetch(`http://127.0.0.1:${server.port}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] }) });

  it('continues the caller\'s trace with its own span, on answers and on errors', async () => {
    const ok = await infer({ traceparent: VALID });
    assert.equal(ok.status, 200);
    const echoed = parseTraceparent(ok.headers.get('traceparent') ?? '');
    assert.equal(echoed?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.notEqual(echoed?.spanId, '00f067aa0ba902b7');
    const bad = await fetch(`http://127.0.0.1:${server.port}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json', traceparent: VALID }, body: '{' });
    assert.equal(bad.status, 400);
    assert.equal(parseTraceparent(bad.headers.get('traceparent') ?? '')?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('starts a trace when the caller sent none (or a malformed one)', async () => {
    for (const headers of [{}, { traceparent: "garbage" }] as Record<string, string>[]) {
      const r = await infer(headers);
      const t = parseTraceparent(r.headers.get('traceparent') ?? '');
      assert.ok(t !== undefined, 'a valid traceparent comes back');
      assert.notEqual(t.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    }
  });
});
