import { CSRNET_FRONTEND, type CsrnetConfig } from './config.js';
import { CsrnetError } from './errors.js';
import { createCsrnet, type CsrnetModel } from './model.js';
import type { NamedTensors } from './named-tensors.js';
import type { TorchCheckpoint } from './torch/checkpoint.js';

/**
 * CSRNet's width divisor read off a state_dict: 64 ÷ the output channels of
 * `frontend.0.weight` (1 for the paper's model, 8 for the test fixtures).
 * A PyTorch checkpoint records no config, so this is how a loader knows
 * which architecture to build.
 */
export function widthDivisorOf(stateDict: NamedTensors, source?: string): number {
  const first = stateDict.get('frontend.0.weight');
  if (first === undefined) {
    const found = [...stateDict.keys()].slice(0, 4).join(', ') || 'no tensors';
    throw new CsrnetError('WEIGHTS_MISMATCH', source, `expected a CSRNet state_dict with frontend.0.weight, found ${found}`);
  }
  const divisor = (CSRNET_FRONTEND[0] as number) / first.shape[0];
  if (!Number.isInteger(divisor) || divisor < 1) {
    throw new CsrnetError('WEIGHTS_MISMATCH', source, `frontend.0.weight has ${first.shape[0]} output channels; expected 64 divided by a whole number`);
  }
  return divisor;
}

/**
 * A CSRNet built from a PyTorch checkpoint's state_dict: the width divisor
 * comes from the weights, everything else from `config` (default: the
 * reference's variant B). Runs anywhere, the browser included.
 */
export function csrnetFromCheckpoint(checkpoint: TorchCheckpoint, source?: string, config: Omit<CsrnetConfig, 'widthDivisor'> = {}): CsrnetModel {
  const widthDivisor = widthDivisorOf(checkpoint.stateDict, source);
  return createCsrnet({ ...config, widthDivisor }, { kind: 'weights', weights: checkpoint.stateDict, source });
}
