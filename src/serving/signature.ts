// A model's input/output signature as the Open Inference Protocol reports it in model metadata:
// datatype and shape per tensor, -1 for variable-size dimensions.
import type { Datatype } from './datatypes.js';

export interface TensorSpec {
  name: string;
  datatype: Datatype;
  /** -1 marks a variable-size (symbolic or unknown) dimension. */
  shape: number[];
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/**
 * Dynamic batching merges requests along dimension 0, which is only sound when every input and
 * every output has a variable first dimension (the batch dimension), as Triton requires max_batch_size > 0 for.
 */
export function isBatchable(sig: ModelSignature): boolean {
  const all = [...sig.inputs, ...sig.outputs];
  return all.length > 0 && all.every((t) => t.shape.length >= 1 && t.shape[0] === -1);
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
