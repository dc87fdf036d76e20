import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { useBackend } from '../test/backends.js';
import { registerCsrnetGradients } from './register-gradients.js';

type Shape4 = [number, number, number, number];
const CASES: Array<{ x: Shape4; filter: Shape4; strides: number; pad: 'same' | 'valid' }> = [
  { x: [2, 8, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [1, 9, 9, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'same' },
  { x: [2, 10, 7, 3], filter: [2, 2, 3, 2], strides: 2, pad: 'valid' },
  { x: [1, 13, 11, 2], filter: [5, 5, 2, 3], strides: 3, pad: 'same' },
  { x: [1, 6, 6, 4], filter: [1, 1, 4, 2], strides: 1, pad: 'valid' },
];

test.each(CASES)('wasm Conv2DBackpropFilter matches the cpu kernel: x $x, filter $filter, strides $strides, $pad', async (c) => {
  registerCsrnetGradients();
  const run = () => {
    const x = tf.randomUniform(c.x, -1, 1, 'float32', 5);
    const dyShape = tf.conv2d(x as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape;
    const dy = tf.randomUniform(dyShape, -1, 1, 'float32', 6);
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [...c.filter] };
    return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  };
  await useBackend('cpu');
  const expected = tf.tidy(run).dataSync();
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const dataIdsBefore = tf.engine().backend.numDataIds();
  const result = tf.tidy(run);
  expect(result.shape).toEqual([...c.filter]);
  const got = result.dataSync();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < got.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  expect(diff).toBeLessThan(1e-5 * scale);
  result.dispose();
  // No tensors and no wasm buffers left behind by the kernel's intermediates.
  expect(tf.memory().numTensors).toBe(before);
  expect(tf.engine().backend.numDataIds()).toBe(dataIdsBefore);
});
