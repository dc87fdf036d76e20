import * as tf from '@tensorflow/tfjs';
import type { CsrnetModel } from '@crowd/csrnet';
import type { CountResult, Frame } from './protocol.ts';

/**
 * One inference: RGBA pixels → normalised input → density map → count.
 * Every tensor it makes is freed before it returns (also when it throws), so
 * a camera running for hours does not grow tfjs memory.
 */
export async function countFrame(model: CsrnetModel, frame: Frame): Promise<CountResult> {
  const start = performance.now();
  const input = model.preprocess(frame.pixels, frame.width, frame.height);
  let density: tf.Tensor4D;
  try {
    density = model.predict(input);
  } finally {
    input.dispose();
  }
  let values: Float32Array;
  try {
    values = (await density.data()) as Float32Array;
  } finally {
    density.dispose();
  }
  const ms = performance.now() - start;
  let count = 0;
  for (const v of values) count += v;
  const [, densityHeight, densityWidth] = density.shape;
  const { numTensors, numBytes } = tf.memory();
  return { count, density: values, densityWidth, densityHeight, ms, backend: tf.getBackend(), memory: { numTensors, numBytes } };
}
