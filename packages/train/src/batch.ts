import * as tf from '@tensorflow/tfjs';
import { normalizePixels, type InputNormalization } from '@crowd/csrnet';
import type { TargetMethod } from './config.js';
import { TrainError } from './errors.js';
import type { ImageWithDensity } from './joint-transform.js';
import { trainingTarget } from './training-target.js';

/** A batch as tensors: normalised NHWC input `[N, H, W, 3]` and target `[N, ⌊H/8⌋, ⌊W/8⌋, 1]`. */
export interface TensorBatch {
  input: tf.Tensor4D;
  target: tf.Tensor4D;
}

/**
 * Stacks transformed examples (all the same size) into input and target
 * tensors: pixels normalised with the model's own normalisation, targets
 * made by `method` from each example's cropped density. The caller owns the tensors.
 */
export function makeBatch(examples: readonly ImageWithDensity[], normalization: InputNormalization, method: TargetMethod): TensorBatch {
  const { height, width } = examples[0].image;
  const odd = examples.find((e) => e.image.height !== height || e.image.width !== width);
  if (odd !== undefined) {
    throw new TrainError('DATA_INVALID', `a batch needs examples of one size: expected ${height}×${width}, found ${odd.image.height}×${odd.image.width}`);
  }
  const targets = examples.map((e) => trainingTarget(e.density, method));
  const [th, tw] = [targets[0].height, targets[0].width];
  const input = new Float32Array(examples.length * height * width * 3);
  const target = new Float32Array(examples.length * th * tw);
  examples.forEach((e, i) => {
    input.set(normalizePixels(e.image.data, width, height, normalization), i * height * width * 3);
    target.set(targets[i].data, i * th * tw);
  });
  return { input: tf.tensor4d(input, [examples.length, height, width, 3]), target: tf.tensor4d(target, [examples.length, th, tw, 1]) };
}
