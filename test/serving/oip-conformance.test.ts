// Open Inference Protocol v2 REST conformance of the model server: every endpoint, versioned and
// unversioned paths, and every error case, against the real iris model in real worker threads.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelServer } from '../../src/serving/model-server.js';
import { getJson, postJson } from '../helpers/http.js';
import { model } from '../helpers/paths.js';
import { startModelServer } from '../helpers/servers.js';

const ROWS = [
  [5.1, 3.5, 1.4, 0.2], // setosa
  [6.7, 3.0, 5.2, 2.3], // virginica
];

describe('OIP conformance (iris v2)', () => {
  let server: ModelServer;
  let small: ModelServer;
  before(async () => {
    server = await startModelServer({ modelPath: model('iris-v2.onnx'), name: 'iris', version: 'v2' });
    small = await startModelServer({ modelPath: model('iris-v2.onnx'), name: 'iris', version: 'v2', maxBodyBytes: 1024 });
  });
  after(async () => {
    await server.close();
    await small.close();
  });
  const infer = (body: unknown, path = '/v2/models/iris/infer') => postJson(server.url + path, body);
  const input = (data: unknown, shape = [2, 4], extra: Record<string, unknown> = {}) => ({ inputs: [{ name: 'input', shape, datatype: 'FP32', data, ...extra }] });

  it('GET /v2 returns server metadata', async () => {
    const r = await getJson(`${server.url}/v2`);
    assert.equal(r.status, 200);
    assert.equal(r.body.name, 'meridian');
    assert.equal(typeof r.body.version, 'string');
    assert.ok(Array.isArray(r.body.extensions));
  });

  it('health: live and ready', async () => {
    const live = await getJson(`${server.url}/v2/health/live`);
    assert.equal(live.status, 200);
    assert.equal(live.body.live, true);
    const ready = await getJson(`${server.url}/v2/health/ready`);
    assert.equal(ready.status, 200);
    assert.equal(ready.body.ready, true);
  });

  for (const path of ['/v2/models/iris', '/v2/models/iris/versions/v2']) {
    it(`model metadata at ${path} reads datatypes and shapes from the ONNX graph`, async () => {
      const r = await getJson(server.url + path);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, {
        name: 'iris',
        versions: ['v2'],
        platform: 'onnx_onnxv1',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
        outputs: [
          { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
          { name: 'label', datatype: 'INT64', shape: [-1] },
        ],
      });
    });
    it(`model ready at ${path}/ready`, async () => {
      const r = await getJson(`${server.url}${path}/ready`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { name: 'iris', ready: true });
    });
  }

  for (const path of ['/v2/models/iris/infer', '/v2/models/iris/versions/v2/infer']) {
    it(`infers at ${path} with flat data and echoes the id`, async () => {
      const r = await infer({ id: 'req-42', ...input(ROWS.flat()) }, path);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.model_name, 'iris');
      assert.equal(r.body.model_version, 'v2');
      assert.equal(r.body.id, 'req-42');
      const probs = r.body.outputs.find((o: { name: string }) => o.name === 'probabilities');
      const label = r.body.outputs.find((o: { name: string }) => o.name === 'label');
      assert.deepEqual(probs.shape, [2, 3]);
      assert.equal(probs.datatype, 'FP32');
      assert.equal(probs.data.length, 6);
      for (const row of [0, 1]) {
        const sum = probs.data.slice(row * 3, row * 3 + 3).reduce((a: number, b: number) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-5, `row ${row} probabilities sum to ${sum}`);
      }
      assert.deepEqual(label, { name: 'label', datatype: 'INT64', shape: [2], data: [0, 2] });
    });
  }

  it('accepts nested data and gives the same answer as flat data', async () => {
    const flat = await infer(input(ROWS.flat()));
    const nested = await infer(input(ROWS));
    assert.equal(nested.status, 200);
    assert.deepEqual(nested.body.outputs, flat.body.outputs);
  });

  it('honours the outputs filter', async () => {
    const r = await infer({ ...input(ROWS.flat()), outputs: [{ name: 'label' }] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.outputs.map((o: { name: string }) => o.name), ['label']);
    assert.equal(r.body.id, undefined, 'no id in the request, none in the response');
  });

  const cases: [string, () => Promise<{ status: number; body: any }>, number, RegExp][] = [
    ['unknown model', () => postJson(`${server.url}/v2/models/nope/infer`, input(ROWS.flat())), 404, /unknown model "nope"/],
    ['unknown version', () => infer(input(ROWS.flat()), '/v2/models/iris/versions/v9/infer'), 404, /no version "v9"/],
    ['unknown model metadata', () => getJson(`${server.url}/v2/models/nope`), 404, /unknown model "nope"/],
    ['unknown endpoint', () => getJson(`${server.url}/v3/things`), 404, /no endpoint at \/v3\/things/],
    ['wrong shape', () => infer(input(ROWS.flat(), [2, 5])), 400, /shape \[2, 5\] does not match the model's \[-1, 4\]/],
    ['wrong rank', () => infer(input(ROWS.flat(), [8])), 400, /shape \[8\] does not match/],
    ['element count', () => infer(input([1, 2, 3], [1, 4])), 400, /needs 4 elements but "data" has 3/],
    ['wrong datatype', () => infer({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP64', data: [1, 2, 3, 4] }] }), 400, /datatype FP64 does not match the model's FP32/],
    ['unknown datatype', () => infer({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FLOAT', data: [1, 2, 3, 4] }] }), 400, /datatype "FLOAT" is not an OIP datatype/],
    ['bad element', () => infer(input([1, 2, 'x', 4], [1, 4])), 400, /data element 2 is "x", expected a number/],
    ['missing input', () => infer({ inputs: [] }), 400, /missing input "input"/],
    ['unknown input', () => infer({ inputs: [{ name: 'pixels', shape: [1], datatype: 'FP32', data: [1] }] }), 400, /unknown input "pixels"/],
    ['no inputs array', () => infer({ id: 'x' }), 400, /"inputs" must be an array/],
    ['malformed JSON', () => infer('{"inputs": [', ), 400, /not valid JSON/],
    ['JSON that is not an object', () => infer('[1,2]'), 400, /must be a JSON object/],
    ['unknown output requested', () => infer({ ...input(ROWS.flat()), outputs: [{ name: 'logits' }] }), 400, /unknown output "logits"/],
    ['nested data disagreeing with shape', () => infer(input([[1, 2, 3, 4], [1, 2, 3]])), 400, /nested "data" has 3 entries at dimension 1/],
    ['non-string id', () => infer({ id: 7, ...input(ROWS.flat()) }), 400, /"id" must be a string/],
    ['GET on infer', () => getJson(`${server.url}/v2/models/iris/infer`), 405, /use POST/],
    ['body over the limit', () => postJson(`${small.url}/v2/models/iris/infer`, input(Array.from({ length: 400 }, () => 1.5), [100, 4])), 413, /larger than the 1024-byte limit/],
  ];
  for (const [name, send, status, message] of cases) {
    it(`error: ${name} → ${status} with a JSON error naming the problem`, async () => {
      const r = await send();
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(typeof r.body.error, 'string');
      assert.match(r.body.error, message);
    });
  }

  it('keeps serving after every bad request', async () => {
    const r = await infer(input(ROWS.flat()));
    assert.equal(r.status, 200);
  });
});
