/**
 * Which model the user picked (or dropped, or a URL named): a PyTorch
 * checkpoint, an ONNX model, or a tfjs `model.json` with its weight file(s).
 * Works on anything with a `name`, so it is testable without `File`.
 */
export type ModelFilePlan<F extends { name: string }> =
  | { kind: 'pytorch'; checkpoint: F }
  | { kind: 'onnx'; model: F }
  | { kind: 'tfjs'; json: F; weights: F[] };

const CHECKPOINT = /\.(pth|pt|tar|ckpt)$/i;
const ONNX = /\.onnx$/i;
const TFJS_WEIGHTS = /\.bin$/i;
const TFJS_JSON = /\.json$/i;

/** Whether a dropped file looks like part of a model rather than a photo. */
export function isModelFileName(name: string): boolean {
  return CHECKPOINT.test(name) || ONNX.test(name) || TFJS_WEIGHTS.test(name) || TFJS_JSON.test(name);
}

/** A model-file choice that cannot be a model; its message is meant for the page. */
export class ModelFilesError extends Error {
  override name = 'ModelFilesError';
}

const list = (files: readonly { name: string }[]) => files.map((f) => f.name).join(', ');

export function planModelFiles<F extends { name: string }>(files: readonly F[]): ModelFilePlan<F> {
  if (files.length === 0) throw new ModelFilesError('No file was selected.');
  const checkpoints = files.filter((f) => CHECKPOINT.test(f.name));
  const onnx = files.filter((f) => ONNX.test(f.name));
  const jsons = files.filter((f) => TFJS_JSON.test(f.name));
  const weights = files.filter((f) => TFJS_WEIGHTS.test(f.name));
  if (files.length === 1 && checkpoints.length === 1) return { kind: 'pytorch', checkpoint: checkpoints[0] };
  if (files.length === 1 && onnx.length === 1) return { kind: 'onnx', model: onnx[0] };
  if (jsons.length === 1 && weights.length >= 1 && jsons.length + weights.length === files.length) {
    return { kind: 'tfjs', json: jsons[0], weights };
  }
  if (jsons.length === 1 && files.length === 1) {
    throw new ModelFilesError(`${jsons[0].name} needs its weights file: select model.json and weights.bin together.`);
  }
  if (checkpoints.length + onnx.length > 1 || (checkpoints.length + onnx.length === 1 && files.length > 1)) {
    throw new ModelFilesError(`Select one PyTorch checkpoint or ONNX model at a time (got ${list(files)}).`);
  }
  throw new ModelFilesError(
    `Expected a CSRNet PyTorch checkpoint (.pth / .pth.tar), an ONNX model (.onnx) or a tfjs model.json with its weights.bin; got ${list(files)}.`,
  );
}
