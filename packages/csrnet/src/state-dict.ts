import * as tf from '@tensorflow/tfjs';
import type { CsrnetModel } from './model.js';
import type { NamedTensors } from './named-tensors.js';

export interface LoadStateDictOptions {
  /** Names the weights' origin (a file, a URL) in error messages. */
  source?: string;
}

/**
 * Replaces every parameter with `tensors` (state_dict names, OIHW conv
 * weights), e.g. the `stateDict` of a PyTorch checkpoint reader. Nothing is
 * changed unless all tensors fit: `CsrnetError('WEIGHTS_MISMATCH')` lists each
 * missing, unexpected or mis-shaped one (`expected frontend.0.weight
 * [64,3,3,3], found [32,3,3,3]`).
 */
export function loadStateDict(model: CsrnetModel, tensors: NamedTensors, options: LoadStateDictOptions = {}): void {
  const values = model.importTensors(tensors, { source: options.source });
  tf.tidy(() => {
    for (const [name, variable] of model.parameters) {
      const value = values.get(name)!;
      variable.assign(tf.tensor(value.data, value.shape, 'float32'));
    }
  });
}

/**
 * The parameters as plain data in the reference's state_dict order and
 * layout (OIHW conv weights). It reads synchronously, which webgpu in Node
 * cannot do: use {@link readStateDict} there.
 */
export function stateDict(model: CsrnetModel): NamedTensors {
  const out: NamedTensors = new Map();
  for (const [name, variable] of model.parameters) out.set(name, model.exportTensor(name, variable.dataSync() as Float32Array));
  return out;
}

/** {@link stateDict} with asynchronous reads, which work on every backend. */
export async function readStateDict(model: CsrnetModel): Promise<NamedTensors> {
  const out: NamedTensors = new Map();
  for (const [name, variable] of model.parameters) out.set(name, model.exportTensor(name, (await variable.data()) as Float32Array));
  return out;
}
