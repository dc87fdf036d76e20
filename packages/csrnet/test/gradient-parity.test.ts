import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { fixture } from '@crowd/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { createCsrnet } from '../src/model.js';
import { SGD } from '../src/sgd.js';
import { stateDict } from '../src/state-dict.js';
import { lossAndGradients, trainStep } from '../src/train-step.js';
import '../src/training.js';
import { BACKENDS, useBackend } from './backends.js';
import { maxDiff, nhwcFromNchwNpy, npyFloat32, readSmallBin } from './fixtures.js';

const info = JSON.parse(readFileSync(fixture('csrnet', 'train_step', 'train_step.json'), 'utf8')) as {
  loss_at_fixture_weights: number;
  losses_before_each_step: number[];
  sgd: { lr: number; momentum: number; weight_decay: number };
};

function fixtureModel() {
  return createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights: readSmallBin('weights.bin'), source: 'csrnet/weights.bin' });
}

describe.each(BACKENDS)('training parity with PyTorch (%s)', (backend) => {
  beforeAll(() => useBackend(backend));

  test('gradients of sum((model(input) − target)²) match grads.bin within 1e-3 of each tensor’s max|grad|', () => {
    const model = fixtureModel();
    const input = nhwcFromNchwNpy('csrnet', 'input.npy');
    const target = nhwcFromNchwNpy('csrnet', 'train_step', 'target.npy');
    const { loss, grads } = lossAndGradients(model, input, target);
    expect(loss.dataSync()[0]).toBeCloseTo(info.loss_at_fixture_weights, 3);
    const expected = readSmallBin('train_step', 'grads.bin');
    let worst = 0;
    for (const [name, grad] of grads) {
      const ours = model.exportTensor(name, grad.dataSync() as Float32Array);
      const ref = expected.get(name)!;
      expect(ours.shape).toEqual(ref.shape);
      const { diff, scale } = maxDiff(ours.data, ref.data);
      worst = Math.max(worst, diff / scale);
      expect(diff, name).toBeLessThan(1e-3 * scale);
    }
    console.log(`[${backend}] gradients: worst max|diff| / max|grad| over 34 tensors = ${worst.toExponential(2)}`);
    tf.dispose([input, target, loss, ...grads.values()]);
    model.dispose();
  });

  test('3 SGD steps (lr 1e-4, momentum 0.95, wd 5e-4) match the losses and weights_after_3_steps.bin within 1e-4', async () => {
    const model = fixtureModel();
    const input = nhwcFromNchwNpy('csrnet', 'input.npy');
    const target = nhwcFromNchwNpy('csrnet', 'train_step', 'target.npy');
    const sgd = new SGD(model, { lr: info.sgd.lr, momentum: info.sgd.momentum, weightDecay: info.sgd.weight_decay });
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) losses.push(await trainStep(model, sgd, input, target));
    losses.forEach((l, i) => expect(Math.abs(l - info.losses_before_each_step[i])).toBeLessThan(1e-4 * info.losses_before_each_step[i]));
    const expected = readSmallBin('train_step', 'weights_after_3_steps.bin');
    let worst = 0;
    for (const [name, value] of stateDict(model)) {
      const { diff, scale } = maxDiff(value.data, expected.get(name)!.data);
      worst = Math.max(worst, diff / scale);
      expect(diff, name).toBeLessThan(1e-4 * scale);
    }
    console.log(`[${backend}] 3 SGD steps: losses ${losses.map((l) => l.toFixed(4)).join(', ')}; worst weight diff / max|w| = ${worst.toExponential(2)}`);
    sgd.dispose();
    tf.dispose([input, target]);
    model.dispose();
  });
});
