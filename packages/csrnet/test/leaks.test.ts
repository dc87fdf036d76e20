import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCsrnet, type CsrnetModel } from '../src/model.js';
import { SGD } from '../src/sgd.js';
import { trainStep } from '../src/train-step.js';
import { BACKENDS, useBackend } from './backends.js';

describe.each(BACKENDS)('no leaked tensors (%s)', (backend) => {
  let model: CsrnetModel;
  beforeAll(async () => {
    await useBackend(backend);
    model = createCsrnet({ widthDivisor: 8 }, { kind: 'reference', seed: 1 });
  });
  afterAll(() => model.dispose());

  test('repeated inference', () => {
    const input = tf.randomNormal([1, 32, 48, 3]) as tf.Tensor4D;
    model.predict(input).dispose(); // burn-in: backends may cache on first use
    const before = tf.memory();
    const dataIds = tf.engine().backend.numDataIds();
    for (let i = 0; i < 5; i++) model.predict(input).dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    input.dispose();
  });

  test('a training step', async () => {
    const input = tf.randomNormal([1, 32, 48, 3]) as tf.Tensor4D;
    const target = tf.randomUniform([1, 4, 6, 1]) as tf.Tensor4D;
    const sgd = new SGD(model, { lr: 1e-6, momentum: 0.95, weightDecay: 5e-4 });
    await trainStep(model, sgd, input, target); // burn-in: creates the momentum buffers
    const before = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    await trainStep(model, sgd, input, target);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    sgd.dispose();
    tf.dispose([input, target]);
  });
});
