// Messages between the model server's main thread and its inference worker threads.
// onnxruntime-node's session.run blocks the thread it runs on, so inference lives in workers. So
// does everything per row: the main thread only frames HTTP, reads body bytes and writes reply
// bytes; a worker decodes and validates the request bodies, batches, runs, splits and encodes the
// replies. One message each way per group of requests, whatever its size.
import type { ErrorCode } from '../core/errors.js';
import type { ModelSignature } from './signature.js';

export interface WorkerInit {
  modelPath: string;
  intraOpThreads: number;
  /** Echoed in every reply (`model_name`, `model_version`). */
  model: { name: string; version: string };
  /** Most rows one session.run gets; requests beyond it in a group run in further batches. */
  maxBatchSize: number;
  /** Off: every request of a group runs alone. */
  batching: boolean;
}

/** JSON-only bodies have no Inference-Header-Content-Length; on the wire that is -1. */
export const NO_BINARY = -1;

/**
 * Request bodies, packed into one transferred buffer: request k is `bodies[parts[3k] …
 * parts[3k] + parts[3k+1]]` and its JSON part is the first `parts[3k+2]` bytes (NO_BINARY: all of it).
 */
export interface InferMessage {
  type: 'infer';
  id: number;
  bodies: ArrayBuffer;
  parts: number[];
}

/** One session.run that produced outputs. */
export interface RunRecord {
  rows: number;
  computeMs: number;
}

export interface RequestFailure {
  /** Index of the request in its group. */
  index: number;
  code: ErrorCode;
  message: string;
}

/**
 * Reply bodies, packed the same way: reply k is `bodies[parts[3k] … + parts[3k+1]]`; `parts[3k+2]`
 * is its JSON part's length when binary tensor bytes follow it, else NO_BINARY. A failed request
 * (listed in `failures`) has length 0.
 */
export interface InferReply {
  type: 'inferred';
  id: number;
  bodies: ArrayBuffer;
  parts: number[];
  failures: RequestFailure[];
  runs: RunRecord[];
}

export type WorkerReply =
  | { type: 'loaded'; signature: ModelSignature }
  | { type: 'load-failed'; message: string }
  | InferReply
  /** The whole group failed outside any one request (a bug); every request gets a 500. */
  | { type: 'infer-failed'; id: number; message: string };
