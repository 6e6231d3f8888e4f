// The binary tensor data extension (Triton's binary_tensor_data) over real HTTP against the real
// dtypes model: every datatype in and out as raw bytes gives the JSON path's answer, JSON and binary
// mix per input and per output, and every malformed request is a 400 that names the problem.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelServer } from '../../src/serving/model-server.js';
import { getJson, postJson } from '../helpers/http.js';
import { model } from '../helpers/paths.js';
import { startModelServer } from '../helpers/servers.js';
import { decodeTensor, encodeTensor, postBinary, send, type Values } from './binary-client.js';

interface Input {
  name: string;
  datatype: string;
  values: Values;
}

const ROWS = 3;
// Shape [3, 2]: 6 elements each. Values the JSON path can carry exactly too.
const INPUTS: Input[] = [
  { name: 'x_fp32', datatype: 'FP32', values: [0.5, -1.25, 3, 1e-3, 65504, -0] },
  { name: 'x_fp64', datatype: 'FP64', values: [0.1, 2.5, -7, 1e10, 1e-300, 123.456] },
  { name: 'x_i32', datatype: 'INT32', values: [0, -5, 2147483646, 41, -2147483648, 7] },
  { name: 'x_i64', datatype: 'INT64', values: [0, -5, 9007199254740990, 41, -9007199254740991, 7] },
  { name: 'x_bool', datatype: 'BOOL', values: [true, false, false, true, true, true] },
];
const SIZE: Record<string, number> = { FP32: 4, FP64: 8, INT32: 4, INT64: 8, BOOL: 1 };
const OUTPUTS = ['y_fp32', 'y_fp64', 'y_i32', 'y_i64', 'y_bool'];

const jsonInput = (i: Input) => ({ name: i.name, shape: [ROWS, 2], datatype: i.datatype, data: i.values });
const binaryInput = (i: Input) => ({ name: i.name, shape: [ROWS, 2], datatype: i.datatype, parameters: { binary_data_size: i.values.length * SIZE[i.datatype]! } });

/** The binary bytes of an output, as the JSON path would print them (INT64 as numbers, FP32 widened). */
function asJsonValues(datatype: string, bytes: Buffer): unknown[] {
  return decodeTensor(datatype, bytes).map((v) => (typeof v === 'bigint' ? Number(v) : v));
}

describe('binary tensor data extension (dtypes.onnx)', () => {
  let server: ModelServer;
  let small: ModelServer;
  let jsonAnswer: Map<string, { datatype: string; shape: number[]; data: unknown[] }>;
  const url = () => `${server.url}/v2/models/dtypes/infer`;
  before(async () => {
    server = await startModelServer({ modelPath: model('dtypes.onnx'), name: 'dtypes' });
    small = await startModelServer({ modelPath: model('dtypes.onnx'), name: 'dtypes', maxBodyBytes: 256 });
    const r = await postJson(url(), { inputs: INPUTS.map(jsonInput) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    jsonAnswer = new Map(r.body.outputs.map((o: { name: string }) => [o.name, o]));
  });
  after(async () => {
    await server.close();
    await small.close();
  });

  /** Every output of `body`/`binary` equals the JSON path's: exactly, FP32 after rounding the JSON decimal to float32. */
  function assertSameAsJson(reply: Awaited<ReturnType<typeof postBinary>>, names = OUTPUTS): void {
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(reply.body.outputs.map((o: { name: string }) => o.name), names);
    for (const o of reply.body.outputs as { name: string; datatype: string; shape: number[]; data?: unknown[] }[]) {
      const want = jsonAnswer.get(o.name)!;
      assert.equal(o.datatype, want.datatype);
      assert.deepEqual(o.shape, want.shape);
      const bytes = reply.binary.get(o.name);
      const got = bytes === undefined ? o.data! : asJsonValues(o.datatype, bytes);
      const expected = o.datatype === 'FP32' && bytes !== undefined ? want.data.map((v) => Math.fround(v as number)) : want.data;
      assert.deepEqual(got, expected, o.name);
    }
  }

  it('GET /v2 lists binary_tensor_data among the extensions', async () => {
    const r = await getJson(`${server.url}/v2`);
    assert.deepEqual(r.body.extensions, ['binary_tensor_data']);
  });

  it('every datatype in and out as binary gives the JSON path answer', async () => {
    const r = await postBinary(url(), { inputs: INPUTS.map(binaryInput), parameters: { binary_data_output: true } }, INPUTS.map((i) => encodeTensor(i.datatype, i.values)));
    assert.equal(r.headers.get('content-type'), 'application/octet-stream');
    const headerLength = Number(r.headers.get('inference-header-content-length'));
    assert.ok(headerLength > 0 && headerLength < Number(r.headers.get('content-length')));
    for (const o of r.body.outputs) {
      assert.equal(o.data, undefined, `${o.name} carries no JSON data`);
      assert.equal(o.parameters.binary_data_size, ROWS * 2 * SIZE[o.datatype]!);
    }
    assertSameAsJson(r);
  });

  it('binary inputs in an order that leaves later tensors misaligned give the same answer', async () => {
    // BOOL (6 bytes) first: the FP64, INT64, INT32 and FP32 tensors behind it start mid-element.
    const order = ['x_bool', 'x_fp64', 'x_i64', 'x_i32', 'x_fp32'].map((n) => INPUTS.find((i) => i.name === n)!);
    const r = await postBinary(url(), { inputs: order.map(binaryInput), parameters: { binary_data_output: true } }, order.map((i) => encodeTensor(i.datatype, i.values)));
    assertSameAsJson(r);
  });

  it('binary inputs with JSON outputs answer exactly as the JSON path, as plain JSON', async () => {
    const r = await postBinary(url(), { inputs: INPUTS.map(binaryInput) }, INPUTS.map((i) => encodeTensor(i.datatype, i.values)));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(r.headers.get('inference-header-content-length'), null);
    const json = await postJson(url(), { inputs: INPUTS.map(jsonInput) });
    assert.deepEqual(r.body, json.body);
  });

  it('mixes a binary input with JSON inputs', async () => {
    const [fp32, ...rest] = INPUTS;
    const r = await postBinary(url(), { inputs: [...rest.map(jsonInput), binaryInput(fp32!)] }, [encodeTensor('FP32', fp32!.values)]);
    assertSameAsJson(r);
  });

  it('returns only the outputs asked for as binary, in the order asked', async () => {
    const outputs = [{ name: 'y_fp32' }, { name: 'y_i64', parameters: { binary_data: true } }, { name: 'y_bool' }];
    const r = await postBinary(url(), { inputs: INPUTS.map(binaryInput), outputs }, INPUTS.map((i) => encodeTensor(i.datatype, i.values)));
    assert.equal(r.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual([...r.binary.keys()], ['y_i64']);
    assert.ok(Array.isArray(r.body.outputs[0].data) && Array.isArray(r.body.outputs[2].data));
    assertSameAsJson(r, ['y_fp32', 'y_i64', 'y_bool']);
  });

  it('an output\'s binary_data: false overrides binary_data_output', async () => {
    const outputs = [{ name: 'y_fp64', parameters: { binary_data: false } }, { name: 'y_i32' }];
    const r = await postBinary(url(), { inputs: INPUTS.map(binaryInput), outputs, parameters: { binary_data_output: true } }, INPUTS.map((i) => encodeTensor(i.datatype, i.values)));
    assert.deepEqual([...r.binary.keys()], ['y_i32']);
    assertSameAsJson(r, ['y_fp64', 'y_i32']);
  });

  it('a JSON request may ask for binary outputs', async () => {
    const r = await send(url(), Buffer.from(JSON.stringify({ inputs: INPUTS.map(jsonInput), outputs: [{ name: 'y_fp64', parameters: { binary_data: true } }] })), { 'content-type': 'application/json' });
    assert.equal(r.headers.get('content-type'), 'application/octet-stream');
    assertSameAsJson(r, ['y_fp64']);
  });

  it('carries 64-bit integers beyond 2^53 exactly, which JSON numbers cannot', async () => {
    const big = [2n ** 60n, -(2n ** 62n), 9223372036854775806n, 0n, 1n, 2n];
    const inputs = INPUTS.map((i) => (i.name === 'x_i64' ? { ...i, values: big } : i));
    const r = await postBinary(url(), { inputs: inputs.map(binaryInput), outputs: [{ name: 'y_i64', parameters: { binary_data: true } }] }, inputs.map((i) => encodeTensor(i.datatype, i.values)));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(decodeTensor('INT64', r.binary.get('y_i64')!), big.map((v) => v + 1n));
  });

  describe('malformed requests → 400 naming the problem', () => {
    const fp32 = INPUTS[0]!;
    const others = INPUTS.slice(1).map(jsonInput);
    const oneBinary = (extra: Record<string, unknown> = {}, size = 24) => ({ inputs: [...others, { ...binaryInput(fp32), parameters: { binary_data_size: size }, ...extra }] });
    const bytes = encodeTensor('FP32', fp32.values);
    const cases: [string, () => ReturnType<typeof send>, RegExp][] = [
      ['header is not a number', () => postBinary(url(), oneBinary(), [bytes], { headerLength: 'abc' }), /Inference-Header-Content-Length is "abc"; it must be the byte length of the JSON/],
      ['header is negative', () => postBinary(url(), oneBinary(), [bytes], { headerLength: '-4' }), /Inference-Header-Content-Length is "-4"/],
      ['header is larger than the body', () => postBinary(url(), oneBinary(), [bytes], { headerLength: '99999' }), /Inference-Header-Content-Length is 99999 but the body has only \d+ bytes/],
      ['header cuts the JSON short', () => postBinary(url(), oneBinary(), [bytes], { headerLength: '20' }), /not valid JSON/],
      ['binary sizes need more bytes than the body has', () => postBinary(url(), oneBinary(), [bytes.subarray(0, 20)]), /input "x_fp32": binary_data_size 24 runs past the end of the body: only 20 of the 20 bytes/],
      ['bytes left over after the binary inputs', () => postBinary(url(), oneBinary(), [bytes, Buffer.alloc(3)]), /binary_data_size values add up to 24 bytes but 27 bytes follow the \d+-byte JSON header \(3 unclaimed\)/],
      ['binary part but no binary input', () => postBinary(url(), { inputs: INPUTS.map(jsonInput) }, [bytes]), /add up to 0 bytes but 24 bytes follow/],
      ['binary size does not match shape × datatype', () => postBinary(url(), oneBinary({}, 12), [bytes.subarray(0, 12)]), /input "x_fp32": binary_data_size is 12 but shape \[3, 2\] of FP32 needs 24 bytes \(6 elements × 4 bytes\)/],
      ['binary size is not an integer', () => postBinary(url(), oneBinary({}, 2.5), [bytes]), /input "x_fp32": parameters.binary_data_size must be a non-negative integer, not 2.5/],
      ['both data and binary_data_size', () => postBinary(url(), oneBinary({ data: fp32.values }), [bytes]), /input "x_fp32": has both "data" and parameters.binary_data_size/],
      ['BYTES as binary', () => postBinary(url(), oneBinary({ datatype: 'BYTES' }), [bytes]), /input "x_fp32": BYTES tensors cannot be sent as binary data here/],
      ['binary_data_size without the header', () => postJson(url(), oneBinary()) as ReturnType<typeof send>, /input "x_fp32": has parameters.binary_data_size but the request has no Inference-Header-Content-Length header/],
      ['BOOL byte other than 0 or 1', () => postBinary(url(), { inputs: [...INPUTS.slice(0, 4).map(jsonInput), binaryInput(INPUTS[4]!)] }, [Buffer.from([1, 0, 7, 1, 0, 0])]), /input "x_bool": binary BOOL element 2 is byte 7/],
      ['binary_data that is not a boolean', () => postBinary(url(), { ...oneBinary(), outputs: [{ name: 'y_fp32', parameters: { binary_data: 'yes' } }] }, [bytes]), /outputs\[0\] \("y_fp32"\): "parameters.binary_data" must be true or false, not "yes"/],
      ['binary_data_output that is not a boolean', () => postBinary(url(), { ...oneBinary(), parameters: { binary_data_output: 1 } }, [bytes]), /"parameters.binary_data_output" must be true or false, not 1/],
    ];
    for (const [name, sendIt, message] of cases) {
      it(`${name} → 400`, async () => {
        const r = await sendIt();
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(r.headers.get('content-type'), 'application/json');
        assert.match(r.body.error, message);
      });
    }

    it('a binary body over --max-body-bytes → 413', async () => {
      const r = await postBinary(`${small.url}/v2/models/dtypes/infer`, oneBinary(), [bytes, Buffer.alloc(512)]);
      assert.equal(r.status, 413);
      assert.match(r.body.error, /larger than the 256-byte limit/);
    });

    it('keeps serving after every bad request', async () => {
      const r = await postBinary(url(), oneBinary(), [bytes]);
      assertSameAsJson(r);
    });
  });
});
