// ONNX inspection at push time: load the bytes with the same onnxruntime the model server uses, so a
// model that would fail to load (or carries tensors we cannot serve) is refused by
// `meridian models push`, not discovered later by a replica that never gets ready in some region.
import * as ort from 'onnxruntime-node';
import { MeridianError, messageOf } from '../core/errors.js';
import { tensorSpecOfOrt, type ModelSignature, type TensorSpec } from '../core/tensors.js';

/** A loaded model: its OIP signature and the onnxruntime session. Call `release()` when done. */
export interface OpenedOnnx {
  signature: ModelSignature;
  session: ort.InferenceSession;
  release(): Promise<void>;
}

/**
 * Loads ONNX bytes with onnxruntime and reads their signature in OIP terms (datatype names such as
 * FP32 and INT64; -1 for symbolic or unknown dimensions). The caller owns the session.
 *
 * @throws MeridianError MODEL_INVALID when onnxruntime cannot load the bytes, or when an input or
 *   output is not a tensor of a datatype the model server can serve.
 */
export async function openOnnx(bytes: Uint8Array): Promise<OpenedOnnx> {
  let session: ort.InferenceSession;
  try {
    // One thread: inspection and golden examples are a few rows, not worth a pool per push.
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (e) {
    throw new MeridianError(
      'MODEL_INVALID',
      `not an ONNX model onnxruntime ${ort.env.versions.common} can load (${bytes.length} bytes): ${messageOf(e)}; ` +
        'export the model again (opset ≤ 21 is safe), check it with onnx.checker.check_model, and push the .onnx file itself',
      { bytes: bytes.length },
    );
  }
  try {
    const signature = { inputs: specs(session.inputMetadata, 'input'), outputs: specs(session.outputMetadata, 'output') };
    return { signature, session, release: () => session.release() };
  } catch (e) {
    await session.release();
    throw e;
  }
}

/**
 * The OIP signature of ONNX bytes; loads and releases an onnxruntime session.
 *
 * @throws MeridianError MODEL_INVALID as {@link openOnnx} does.
 */
export async function inspectOnnx(bytes: Uint8Array): Promise<ModelSignature> {
  const opened = await openOnnx(bytes);
  await opened.release();
  return opened.signature;
}

function specs(metadata: readonly ort.InferenceSession.ValueMetadata[], kind: 'input' | 'output'): TensorSpec[] {
  const problems: string[] = [];
  const out: TensorSpec[] = [];
  for (const m of metadata) {
    const spec = tensorSpecOfOrt(m);
    if (typeof spec === 'string') problems.push(spec);
    else out.push(spec);
  }
  if (problems.length > 0) {
    // Name every offending tensor at once so one re-export fixes them all.
    throw new MeridianError(
      'MODEL_INVALID',
      `the model's ${kind}s cannot be served: ${problems.join('; ')}; ` +
        'supported datatypes are BOOL, UINT8–64, INT8–64, FP32 and FP64: cast the tensor in the graph (e.g. float16 → float32) and export again',
      { kind, problems },
    );
  }
  return out;
}
