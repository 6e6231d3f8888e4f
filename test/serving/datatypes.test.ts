// Every datatype the issue names (FP32, FP64, INT32, INT64, BOOL) round-trips through JSON, the
// worker thread and onnxruntime, on a model whose outputs are computed from its inputs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelServer } from '../../src/serving/model-server.js';
import { getJson, postJson } from '../helpers/http.js';
import { model } from '../helpers/paths.js';
import { startModelServer } from '../helpers/servers.js';

describe('datatypes (dtypes.onnx)', () => {
  let server: ModelServer;
  before(async () => {
    server = await startModelServer({ modelPath: model('dtypes.onnx'), name: 'dtypes' });
  });
  after(() => server.close());

  const request = {
    inputs: [
      { name: 'x_fp32', shape: [2, 2], datatype: 'FP32', data: [[0.5, -1.25], [3, 1e-3]] },
      { name: 'x_fp64', shape: [2, 2], datatype: 'FP64', data: [0.1, 2.5, -7, 1e10] },
      { name: 'x_i32', shape: [2, 2], datatype: 'INT32', data: [0, -5, 2147483646, 41] },
      { name: 'x_i64', shape: [2, 2], datatype: 'INT64', data: [0, -5, 9007199254740990, 41] },
      { name: 'x_bool', shape: [2, 2], datatype: 'BOOL', data: [true, false, false, true] },
    ],
  };

  it('metadata lists every datatype', async () => {
    const r = await getJson(`${server.url}/v2/models/dtypes`);
    assert.deepEqual(
      r.body.inputs.map((i: { datatype: string }) => i.datatype),
      ['FP32', 'FP64', 'INT32', 'INT64', 'BOOL'],
    );
  });

  it('computes each output in its own datatype', async () => {
    const r = await postJson(`${server.url}/v2/models/dtypes/infer`, request);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const out = Object.fromEntries(r.body.outputs.map((o: { name: string }) => [o.name, o]));
    assert.deepEqual(out.y_fp32, { name: 'y_fp32', datatype: 'FP32', shape: [2, 2], data: [1.5, -0.25, 4, 1.001] });
    assert.deepEqual(out.y_fp64.data, [1.1, 3.5, -6, 1e10 + 1]);
    assert.equal(out.y_fp64.datatype, 'FP64');
    assert.deepEqual(out.y_i32, { name: 'y_i32', datatype: 'INT32', shape: [2, 2], data: [1, -4, 2147483647, 42] });
    assert.deepEqual(out.y_i64, { name: 'y_i64', datatype: 'INT64', shape: [2, 2], data: [1, -4, 9007199254740991, 42] });
    assert.deepEqual(out.y_bool, { name: 'y_bool', datatype: 'BOOL', shape: [2, 2], data: [false, true, true, false] });
  });

  const bad: [string, string, unknown, RegExp][] = [
    ['x_i32', 'INT32', [1.5, 0, 0, 0], /element 0 is 1.5, expected an integer/],
    ['x_i32', 'INT32', [2147483648, 0, 0, 0], /expected an integer in \[-2147483648, 2147483647\]/],
    ['x_i64', 'INT64', [2 ** 60, 0, 0, 0], /expected an integer/],
    ['x_bool', 'BOOL', [1, 0, 0, 1], /element 0 is 1, expected true or false/],
    ['x_fp64', 'FP64', [true, 0, 0, 1], /element 0 is true, expected a number/],
  ];
  for (const [name, datatype, data, message] of bad) {
    it(`rejects ${JSON.stringify(data)} for ${datatype} with 400`, async () => {
      const inputs = request.inputs.map((i) => (i.name === name ? { ...i, datatype, data } : i));
      const r = await postJson(`${server.url}/v2/models/dtypes/infer`, { inputs });
      assert.equal(r.status, 400);
      assert.match(r.body.error, message);
      assert.match(r.body.error, new RegExp(`input "${name}"`));
    });
  }
});
