import { widthDivisorOf } from '../checkpoint-model.js';
import type { CsrnetConfig } from '../config.js';
import type { CsrnetModel } from '../model.js';
import { stateDict } from '../state-dict.js';
import type { TorchCheckpoint } from '../torch/checkpoint.js';
import { csrnetToOnnx } from './csrnet-to-onnx.js';

/** A model's current variables as an ONNX model (see `csrnetToOnnx`), with its config and normalisation. */
export function csrnetModelToOnnx(model: CsrnetModel): Uint8Array {
  return csrnetToOnnx(model.config, stateDict(model));
}

/**
 * A PyTorch checkpoint's state_dict as an ONNX model, without tfjs: the width
 * divisor comes from the weights (as for `csrnetFromCheckpoint`), everything
 * else from `config` (default: the reference's variant B). `source` names
 * the file in errors.
 */
export function csrnetCheckpointToOnnx(checkpoint: TorchCheckpoint, source?: string, config: Omit<CsrnetConfig, 'widthDivisor'> = {}): Uint8Array {
  const widthDivisor = widthDivisorOf(checkpoint.stateDict, source);
  return csrnetToOnnx({ ...config, widthDivisor }, checkpoint.stateDict, { source });
}
