import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { useBackend } from '../test/backends.js';
import { readSmallBin } from '../test/fixtures.js';
import { CsrnetError } from './errors.js';
import { createCsrnet } from './model.js';
import type { NamedTensors } from './named-tensors.js';
import { resolveSgdConfig, SGD, type SgdConfig, type TrainableParameters } from './sgd.js';

beforeAll(() => useBackend('cpu'));

/** One 2-element parameter, identity layout. */
function single(values: number[]): TrainableParameters {
  return {
    parameters: new Map([['p', tf.variable(tf.tensor1d(values))]]),
    exportTensor: (_name, data) => ({ shape: [data.length], data: data.slice() }),
    importTensors: (tensors: NamedTensors) => new Map([...tensors].map(([name, t]) => [name, { shape: [2], data: t.data }])),
  };
}

/** torch.optim.SGD's update, written out in float64 (as its docs state it). */
function reference(config: Required<SgdConfig>, p0: number[], grads: number[][]): number[] {
  const p = [...p0];
  let buf: number[] | undefined;
  for (const grad of grads) {
    let g = grad.map((v, i) => v + config.weightDecay * p[i]);
    if (config.momentum !== 0) {
      buf = buf === undefined ? g : buf.map((b, i) => config.momentum * b + (1 - config.dampening) * g[i]);
      g = config.nesterov ? g.map((v, i) => v + config.momentum * buf![i]) : buf;
    }
    g.forEach((v, i) => (p[i] -= config.lr * v));
  }
  return p;
}

describe('SGD', () => {
  const grads = [
    [1, -2],
    [0.5, 3],
    [-4, 0.25],
  ];
  test.each<SgdConfig>([
    { lr: 0.1 },
    { lr: 0.1, momentum: 0.9 },
    { lr: 0.01, momentum: 0.95, weightDecay: 0.05 },
    { lr: 0.1, momentum: 0.5, dampening: 0.3 },
    { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 },
  ])('follows torch.optim.SGD: %o', (config) => {
    const target = single([0.5, -1.5]);
    const sgd = new SGD(target, config);
    for (const g of grads) {
      const t = tf.tensor1d(g);
      sgd.step(new Map([['p', t]]));
      t.dispose();
    }
    const expected = reference(resolveSgdConfig(config), [0.5, -1.5], grads);
    const got = target.parameters.get('p')!.dataSync();
    expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    sgd.dispose();
  });

  test('momentum buffers export in state_dict layout and resume exactly', async () => {
    const weights = readSmallBin('weights.bin');
    const grads = readSmallBin('train_step', 'grads.bin');
    const config = { lr: 1e-4, momentum: 0.95, weightDecay: 5e-4 };
    const gradTensors = (model: ReturnType<typeof createCsrnet>) => {
      const values = model.importTensors(grads);
      return new Map([...values].map(([name, v]) => [name, tf.tensor(v.data, v.shape)]));
    };
    // Two steps in one go…
    const a = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights });
    const sgdA = new SGD(a, config);
    const gA = gradTensors(a);
    sgdA.step(gA);
    const buffers = await sgdA.momentumBuffers();
    expect(buffers.get('frontend.0.weight')!.shape).toEqual([8, 3, 3, 3]);
    // wd·p + grad on the first step, in OIHW like the gradient it came from.
    const w0 = weights.get('frontend.0.weight')!.data;
    const g0 = grads.get('frontend.0.weight')!.data;
    expect(buffers.get('frontend.0.weight')!.data[5]).toBeCloseTo(g0[5] + 5e-4 * w0[5], 5);
    const afterOne = [...a.parameters.values()].map((v) => v.dataSync().slice());
    sgdA.step(gA);
    // …and one step, then a fresh optimiser resumed from exported buffers.
    const b = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights });
    [...b.parameters.values()].forEach((v, i) => v.assign(tf.tensor(afterOne[i], v.shape)));
    const sgdB = new SGD(b, config);
    sgdB.loadMomentumBuffers(buffers);
    const gB = gradTensors(b);
    sgdB.step(gB);
    const pa = [...a.parameters.values()];
    [...b.parameters.values()].forEach((v, i) => expect(v.dataSync()).toEqual(pa[i].dataSync()));
    tf.dispose([...gA.values(), ...gB.values()]);
    sgdA.dispose();
    sgdB.dispose();
    a.dispose();
    b.dispose();
  });

  test('partial momentum buffers: parameters without one start afresh; unknown names are rejected', async () => {
    const model = createCsrnet({ widthDivisor: 8 }, { kind: 'reference', seed: 2 });
    const sgd = new SGD(model, { lr: 0.1, momentum: 0.9 });
    const bias = { shape: [1], data: Float32Array.of(10) };
    sgd.loadMomentumBuffers(new Map([['output_layer.bias', bias]]));
    expect([...(await sgd.momentumBuffers()).keys()]).toEqual(['output_layer.bias']);
    const g = tf.tensor1d([1]);
    sgd.step(new Map([['output_layer.bias', g]]));
    // buf = 0.9·10 + 1 = 10; p = 0 − 0.1·10
    expect(model.parameters.get('output_layer.bias')!.dataSync()[0]).toBeCloseTo(-1, 5);
    expect(() => sgd.loadMomentumBuffers(new Map([['foo', bias]]), { source: 'ckpt' })).toThrow('ckpt: 1 weight(s) do not fit this CSRNet: unexpected foo [1]');
    g.dispose();
    sgd.dispose();
    model.dispose();
  });

  test('bad settings and gradients are rejected with what was expected', () => {
    expect(() => resolveSgdConfig({ lr: -1 })).toThrow('SGD lr: expected a finite number ≥ 0, got -1');
    expect(() => resolveSgdConfig({ lr: 1, nesterov: true })).toThrow('SGD nesterov: expected momentum > 0 and dampening 0 (as PyTorch requires), got momentum 0, dampening 0');
    const sgd = new SGD(single([0, 0]), { lr: 1 });
    const wrong = tf.zeros([3]);
    expect(() => sgd.step(new Map([['p', wrong]]))).toThrow(new CsrnetError('WEIGHTS_MISMATCH', undefined, 'SGD.step: expected gradient p [2], found [3]'));
    expect(() => sgd.step(new Map([['q', wrong]]))).toThrow('SGD.step: gradient for unknown parameter q');
    expect(() => {
      sgd.lr = Number.NaN;
    }).toThrow('SGD lr: expected a finite number ≥ 0, got NaN');
    wrong.dispose();
  });
});
