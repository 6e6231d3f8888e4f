// Writes an OIP inference response: plain JSON, or JSON followed by raw output bytes for the
// outputs the request asked to get as binary tensor data (see binary-data.ts).
import type { ServerResponse } from 'node:http';
import { sendJson } from '../core/http.js';
import { bytesOf, toJsonValues } from '../core/tensors.js';
import type { OutputTensor } from './batcher.js';

/** The response fields other than `outputs`. */
export interface ResponseHead {
  model_name: string;
  model_version: string;
  id?: string;
}

/**
 * Sends a 200 inference response. Outputs named in `binary` carry
 * `"parameters": {"binary_data_size": B}` instead of `data`, and their bytes follow the JSON in
 * output order, written straight from the output arrays (no copy). As Triton does, such a response
 * is `application/octet-stream` with `Inference-Header-Content-Length` giving the JSON's length,
 * and it stays plain `application/json` when no binary byte follows (no binary output, or only
 * empty ones).
 */
export function sendInferResponse(res: ServerResponse, head: ResponseHead, outputs: readonly OutputTensor[], binary: ReadonlySet<string> | undefined): void {
  if (binary === undefined) {
    sendJson(res, 200, { ...head, outputs: outputs.map(jsonOutput) });
    return;
  }
  const parts: Uint8Array[] = [];
  let binaryBytes = 0;
  const described = outputs.map((o) => {
    if (!binary.has(o.name)) return jsonOutput(o);
    const bytes = bytesOf(o.data);
    if (bytes.byteLength > 0) parts.push(bytes);
    binaryBytes += bytes.byteLength;
    return { name: o.name, datatype: o.datatype, shape: o.shape, parameters: { binary_data_size: bytes.byteLength } };
  });
  const json = { ...head, outputs: described };
  if (parts.length === 0) {
    sendJson(res, 200, json);
    return;
  }
  const header = Buffer.from(JSON.stringify(json));
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': header.length + binaryBytes,
    'inference-header-content-length': header.length,
  });
  // Corked so the JSON and the tensors leave in one write, not one syscall each.
  res.cork();
  res.write(header);
  for (const p of parts) res.write(p);
  res.end();
}

function jsonOutput(o: OutputTensor): { name: string; datatype: string; shape: number[]; data: unknown[] } {
  return { name: o.name, datatype: o.datatype, shape: o.shape, data: toJsonValues(o.datatype, o.data) };
}
