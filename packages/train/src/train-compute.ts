import * as tf from '@tensorflow/tfjs';
import type { CsrnetModel } from '@crowd/csrnet';
import { lossAndGradients } from '@crowd/csrnet/training';
import type { RgbImage } from '@crowd/datasets';
import { makeBatch } from './batch.js';
import type { TargetMethod } from './config.js';
import type { ImageWithDensity } from './joint-transform.js';

/** One cropped, mirrored example of a batch; `name` says which image and window in messages. */
export interface BatchExample extends ImageWithDensity {
  name: string;
}

/** A batch's loss and gradients at the model's current weights. */
export interface BatchGradients {
  /** The sum over the batch's examples of their sums of squared errors (train.py's loss). */
  loss: number;
  /** d loss / d parameter, keyed by parameter name, in the parameters' tfjs layout; the caller owns (disposes) them. */
  grads: Map<string, tf.Tensor>;
}

/** An image to count, for validation. */
export interface CountRequest {
  name: string;
  image: RgbImage;
}

/**
 * Where a run's forward and backward passes run: in this thread
 * ({@link inProcessCompute}, the default) or spread over worker threads
 * (`workerCompute` in `@crowd/train/node`). Whichever it is, the batch's
 * loss is the sum of its examples' sums of squared errors and its gradient
 * the sum of theirs (PyTorch's `MSELoss(size_average=False)` over a batch);
 * the optimiser and the weights stay with the caller.
 */
export interface TrainCompute {
  /** `where` names the step in errors, e.g. `step 3 (epoch 1, batch 3/4)`. */
  gradients(model: CsrnetModel, batch: readonly BatchExample[], target: TargetMethod, where: string): Promise<BatchGradients>;
  /**
   * The model's predicted count (the sum of its density map) for images
   * `0 … size − 1`, in that order. `load(i)` is called in order, as many
   * images ahead of the counts taken as there are threads counting.
   */
  counts(model: CsrnetModel, size: number, load: (index: number) => Promise<CountRequest>, where: string): Promise<number[]>;
}

/**
 * Computes in this thread on the active tfjs backend. A batch whose examples
 * share one size is stacked into one tensor (one pass, which GPU backends do
 * best); otherwise each example is computed alone and the gradients are summed
 * in example order in float32, exactly as `workerCompute` sums them, so a
 * batch of mixed sizes gives the same bits here as on any number of workers.
 */
export const inProcessCompute: TrainCompute = {
  async gradients(model, batch, target) {
    const { height, width } = batch[0].image;
    if (batch.every((e) => e.image.height === height && e.image.width === width)) return stackedGradients(model, batch, target);
    let loss = 0;
    let grads: Map<string, tf.Tensor> | undefined;
    try {
      for (const example of batch) {
        const one = await stackedGradients(model, [example], target);
        loss += one.loss;
        if (grads === undefined) {
          grads = one.grads;
          continue;
        }
        for (const [name, g] of one.grads) {
          const sum = tf.add(grads.get(name)!, g);
          tf.dispose([grads.get(name)!, g]);
          grads.set(name, sum);
        }
      }
    } catch (error) {
      if (grads !== undefined) tf.dispose([...grads.values()]);
      throw error;
    }
    return { loss, grads: grads! };
  },

  async counts(model, size, load) {
    const counts: number[] = [];
    for (let i = 0; i < size; i++) {
      const { image } = await load(i);
      counts.push(await predictedCount(model, image));
    }
    return counts;
  },
};

/** Loss and gradients of `examples` (all one size) stacked into one batch tensor: one forward and backward pass. */
export async function stackedGradients(model: CsrnetModel, examples: readonly ImageWithDensity[], target: TargetMethod): Promise<BatchGradients> {
  const { input, target: truth } = makeBatch(examples, model.config.normalization, target);
  try {
    const { loss, grads } = lossAndGradients(model, input, truth);
    try {
      return { loss: (await loss.data())[0], grads };
    } catch (error) {
      tf.dispose([...grads.values()]);
      throw error;
    } finally {
      loss.dispose();
    }
  } finally {
    tf.dispose([input, truth]);
  }
}

/** The sum of the model's density map for one image (whole image, batch 1, as train.py's `validate`). */
export async function predictedCount(model: CsrnetModel, image: RgbImage): Promise<number> {
  const input = model.preprocess(image.data, image.width, image.height);
  const density = model.predict(input);
  const sum = tf.sum(density);
  try {
    return (await sum.data())[0];
  } finally {
    tf.dispose([input, density, sum]);
  }
}
