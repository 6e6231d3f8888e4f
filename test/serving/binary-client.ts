// A minimal client for the binary tensor data extension, written from the protocol description
// (JSON header, then little-endian tensor bytes; Inference-Header-Content-Length on both sides), so
// the tests exercise the server over real HTTP exactly as a Triton client would.

/** Tensor values as the tests write them; encoded per datatype. */
export type Values = readonly (number | boolean | bigint)[];

/** Little-endian bytes of `values` as `datatype` (the layout the extension specifies). */
export function encodeTensor(datatype: string, values: Values): Buffer {
  const size = { BOOL: 1, INT32: 4, FP32: 4, INT64: 8, FP64: 8 }[datatype];
  if (size === undefined) throw new Error(`test client: no encoder for ${datatype}`);
  const out = Buffer.alloc(values.length * size);
  values.forEach((v, i) => {
    const at = i * size;
    if (datatype === 'BOOL') out.writeUInt8(v ? 1 : 0, at);
    else if (datatype === 'INT32') out.writeInt32LE(Number(v), at);
    else if (datatype === 'FP32') out.writeFloatLE(Number(v), at);
    else if (datatype === 'FP64') out.writeDoubleLE(Number(v), at);
    else out.writeBigInt64LE(BigInt(v), at);
  });
  return out;
}

/** Values of little-endian `bytes` as `datatype`: numbers, booleans for BOOL, bigints for INT64. */
export function decodeTensor(datatype: string, bytes: Buffer): (number | boolean | bigint)[] {
  const size = { BOOL: 1, INT32: 4, FP32: 4, INT64: 8, FP64: 8 }[datatype];
  if (size === undefined) throw new Error(`test client: no decoder for ${datatype}`);
  return Array.from({ length: bytes.length / size }, (_, i) => {
    const at = i * size;
    if (datatype === 'BOOL') return bytes.readUInt8(at) === 1;
    if (datatype === 'INT32') return bytes.readInt32LE(at);
    if (datatype === 'FP32') return bytes.readFloatLE(at);
    if (datatype === 'FP64') return bytes.readDoubleLE(at);
    return bytes.readBigInt64LE(at);
  });
}

export interface BinaryReply {
  status: number;
  headers: Headers;
  /** The JSON part (the whole body when the reply has no binary part). */
  body: any; // test assertions read arbitrary JSON
  /** Each binary output's bytes, by name, cut from the body in output order. */
  binary: Map<string, Buffer>;
}

/** Body = JSON header + `parts`, with the header's length in Inference-Header-Content-Length. */
export function binaryBody(json: unknown, parts: readonly Buffer[], headerLength?: string): { body: Buffer; headers: Record<string, string> } {
  const header = Buffer.from(JSON.stringify(json));
  return { body: Buffer.concat([header, ...parts]), headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': headerLength ?? String(header.length) } };
}

export async function postBinary(url: string, json: unknown, parts: readonly Buffer[], o: { headerLength?: string } = {}): Promise<BinaryReply> {
  const { body, headers } = binaryBody(json, parts, o.headerLength);
  return send(url, body, headers);
}

/** POSTs raw bytes and splits the reply by its Inference-Header-Content-Length. */
export async function send(url: string, body: Buffer, headers: Record<string, string>): Promise<BinaryReply> {
  const r = await fetch(url, { method: 'POST', headers, body });
  const bytes = Buffer.from(await r.arrayBuffer());
  const declared = r.headers.get('inference-header-content-length');
  const jsonLength = declared === null ? bytes.length : Number(declared);
  const text = bytes.subarray(0, jsonLength).toString('utf8');
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  const binary = new Map<string, Buffer>();
  let at = jsonLength;
  for (const o of (parsed?.outputs ?? []) as { name: string; parameters?: { binary_data_size?: number } }[]) {
    const size = o.parameters?.binary_data_size;
    if (size === undefined) continue;
    binary.set(o.name, bytes.subarray(at, at + size));
    at += size;
  }
  if (at !== bytes.length) throw new Error(`reply: ${bytes.length - at} bytes after the binary outputs are not accounted for`);
  return { status: r.status, headers: r.headers, body: parsed, binary };
}
