import * as tf from '@tensorflow/tfjs';
import { createCsrnet, stateDict, type NamedTensors, type TrainableParameters } from '@crowd/csrnet';
import { selectBackend } from '@crowd/csrnet/node';
import { beforeAll, describe, expect, test } from 'vitest';
import { readSmallBin } from '../test/fixtures.js';
import { Adam, type AdamConfig } from './adam.js';
import { decodeOptimizerState, encodeOptimizerState } from './optimizer-state-codec.js';

beforeAll(() => selectBackend('wasm'));

/** One 3-element parameter in identity layout. */
function single(values: number[]): TrainableParameters {
  return {
    parameters: new Map([['p', tf.variable(tf.tensor1d(values))]]),
    exportTensor: (_name, data) => ({ shape: [data.length], data: data.slice() }),
    importTensors: (tensors: NamedTensors) => new Map([...tensors].map(([name, t]) => [name, { shape: [...t.shape], data: t.data }])),
  };
}

/** torch.optim.Adam's update as its source writes it, in float64. */
function reference(config: Required<AdamConfig>, p0: number[], grads: number[][]): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const [b1, b2] = config.betas;
  grads.forEach((grad, t) => {
    const step = t + 1;
    p.forEach((_, i) => {
      const g = grad[i] + config.weightDecay * p[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      const denom = Math.sqrt(v[i]) / Math.sqrt(1 - b2 ** step) + config.eps;
      p[i] -= (config.lr / (1 - b1 ** step)) * (m[i] / denom);
    });
  });
  return p;
}

describe('Adam', () => {
  test.each<Required<AdamConfig>>([
    { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 },
    { lr: 0.01, betas: [0.5, 0.9], eps: 1e-3, weightDecay: 0.05 },
  ])('follows torch.optim.Adam: %o', async (config) => {
    const target = single([0.5, -1.5, 2]);
    const adam = new Adam(target, config);
    const grads = [
      [1, -2, 0.5],
      [0.5, 3, -0.25],
      [-4, 0.25, 1e-3],
    ];
    for (const g of grads) {
      const t = tf.tensor1d(g);
      adam.step(new Map([['p', t]]));
      t.dispose();
    }
    const expected = reference(config, [0.5, -1.5, 2], grads);
    const got = target.parameters.get('p')!.dataSync();
    expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    expect((await adam.state()).step).toBe(3);
    adam.dispose();
  });

  test('its state round-trips (through the binary codec too): a resumed Adam takes bit-identical steps', async () => {
    const weights = readSmallBin('weights.bin');
    const grads = readSmallBin('train_step', 'grads.bin');
    const config = { lr: 1e-3, weightDecay: 5e-4 };
    const gradTensors = (model: ReturnType<typeof createCsrnet>) => new Map([...model.importTensors(grads)].map(([name, v]) => [name, tf.tensor(v.data, v.shape)]));

    const a = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights });
    const adamA = new Adam(a, config);
    const gA = gradTensors(a);
    adamA.step(gA);
    const { manifest, bytes } = encodeOptimizerState({ kind: 'adam', ...(await adamA.state()) });
    const afterOne = stateDict(a);
    adamA.step(gA);

    // A fresh model with the weights after one step, and the state saved then.
    const b = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights: afterOne });
    const adamB = new Adam(b, config);
    const restored = decodeOptimizerState(JSON.parse(JSON.stringify(manifest)), bytes);
    expect(restored.kind).toBe('adam');
    if (restored.kind !== 'adam') return;
    expect(restored.step).toBe(1);
    expect(restored.expAvg.get('frontend.0.weight')!.shape).toEqual([8, 3, 3, 3]);
    adamB.loadState(restored);
    const gB = gradTensors(b);
    adamB.step(gB);

    const wa = stateDict(a);
    const wb = stateDict(b);
    let changed = 0;
    for (const [name, t] of wa) {
      expect(wb.get(name)!.data).toEqual(t.data);
      if (t.data.some((v, i) => v !== afterOne.get(name)!.data[i])) changed += 1;
    }
    expect(changed).toBe(34);
    expect((await adamB.state()).expAvgSq.get('output_layer.bias')!.data).toEqual((await adamA.state()).expAvgSq.get('output_layer.bias')!.data);
    tf.dispose([...gA.values(), ...gB.values()]);
    adamA.dispose();
    adamB.dispose();
    a.dispose();
    b.dispose();
  });
});
