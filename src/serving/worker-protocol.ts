// Messages between the model server's main thread and its inference worker threads.
// onnxruntime-node's session.run blocks the thread it runs on, so inference lives in workers and
// the main thread only parses HTTP/JSON and batches.
import type { OrtType, TypedData } from './datatypes.js';
import type { ModelSignature } from './signature.js';

export interface WorkerInit {
  modelPath: string;
  intraOpThreads: number;
}

export interface WireTensor {
  type: OrtType;
  dims: number[];
  data: TypedData;
}

export interface RunMessage {
  type: 'run';
  id: number;
  feeds: Record<string, WireTensor>;
  outputNames: string[];
}

export type WorkerReply =
  | { type: 'loaded'; signature: ModelSignature }
  | { type: 'load-failed'; message: string }
  | { type: 'result'; id: number; outputs: Record<string, WireTensor>; computeMs: number }
  | { type: 'run-failed'; id: number; message: string };
