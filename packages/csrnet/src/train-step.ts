import * as tf from '@tensorflow/tfjs';
import { guardDevice } from './device-guard.js';
import { CsrnetError } from './errors.js';
import type { CsrnetModel } from './model.js';
import { registerCsrnetGradients } from './register-gradients.js';
import type { SGD } from './sgd.js';

/** The reference's loss, `MSELoss(size_average=False)`: the plain sum of squared errors (no ½, no mean). */
export function sumSquaredError(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
  if (prediction.shape.length !== target.shape.length || prediction.shape.some((d, i) => d !== target.shape[i])) {
    throw new CsrnetError('INPUT_INVALID', undefined, `loss: expected a target shaped like the prediction [${prediction.shape.join(',')}], found [${target.shape.join(',')}]`);
  }
  return tf.sum(tf.squaredDifference(prediction, target));
}

/** A loss value and d loss / d parameter for every parameter, keyed by state_dict name (tfjs layout). */
export interface LossAndGradients {
  loss: tf.Scalar;
  grads: Map<string, tf.Tensor>;
}

/**
 * Sum-squared-error loss of `model.apply(input)` against `target` (NHWC,
 * `[N, ⌊H/8⌋, ⌊W/8⌋, 1]`) and its gradients. The caller owns (and must
 * dispose) the returned tensors; everything else is freed. On a guarded GPU
 * backend, a step whose buffers exceed the device's limits is a
 * `CsrnetError('DEVICE_LIMIT')` before anything runs.
 */
export function lossAndGradients(model: CsrnetModel, input: tf.Tensor4D, target: tf.Tensor4D): LossAndGradients {
  registerCsrnetGradients();
  // A malformed input is left to apply()'s own message.
  if (input instanceof tf.Tensor && input.rank === 4) guardDevice(model.config, input.shape, true, 'lossAndGradients');
  const variables = [...model.parameters.values()];
  const { value, grads } = tf.variableGrads(() => sumSquaredError(model.apply(input), target), variables);
  const byName = new Map<string, tf.Tensor>();
  for (const [name, variable] of model.parameters) byName.set(name, grads[variable.name]);
  return { loss: value, grads: byName };
}

/**
 * One step of the reference's training loop (train.py: forward, sum-MSE,
 * backward, `optimizer.step()`). Returns the loss before the update.
 */
export async function trainStep(model: CsrnetModel, optimizer: SGD, input: tf.Tensor4D, target: tf.Tensor4D): Promise<number> {
  const { loss, grads } = lossAndGradients(model, input, target);
  try {
    optimizer.step(grads);
    return (await loss.data())[0];
  } finally {
    tf.dispose([loss, ...grads.values()]);
  }
}
